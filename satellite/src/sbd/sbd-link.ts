/**
 * The Iridium SBD link (docs/links.md §Iridium SBD, §Capabilities; docs/iridium.md §1.3, §1.6,
 * §2.4, §7.1–§7.3; docs/store-and-forward.md §Satellite): a Link over an SbdModem on the link
 * skeleton (node/src/link/link-base.ts). It carries opaque bytes: one send() is one MO message, as
 * given. Which messages share an MO, how long they wait for that and the credit budget are the
 * core's (it sees `billing` in the capabilities); the link owns the session timing: each session
 * in the order of §7.1 (sbd-session.ts), the backoff after failures by MO status (§7.2), ring
 * alerts, MT messages still queued, mailbox checks while a warning is active and for an overdue
 * answer (session-scheduler.ts decides, session-runner.ts runs them). This file is the Link
 * around them: the modem's lifecycle and events, the sends it takes, what it reports.
 *
 * - send() resolves when a session carrying the frame succeeds (`ref` = the MOMSN), or with
 *   `retry: 'later'` when the link goes down, its session's end was not seen (TIMEOUT: whether it
 *   went is unknown, and the link never sends an MO again on a guess), no session succeeded for
 *   `giveUpMs` after it was given (NO_SERVICE), or it was aborted before a session took it (BUSY,
 *   detail 'aborted': nothing went; TakesBack). The store is the retry mechanism: the link retries only sessions (§7.2),
 *   never frames it has answered for.
 * - `SendOptions.awaitsReply`: the centre will answer this MO; if nothing has come down by the
 *   answer's hold plus a grace (its ring alert was missed), the link checks the mailbox, twice at
 *   most (satellite-confirmations.ts).
 * - Before a mailbox check of its own (ring, MT queued, warning, overdue answer), which costs a
 *   credit whatever it carries, the link offers the core the chance to send what may ride along
 *   (SendOpportunities), and reports what it spends besides the frames it was given (mailbox
 *   checks, MT messages: ExtraBilling), so that the core's budget counts it.
 * - Inbound MT messages are `frame` events with `meta.from = 'gateway'`: an MT message carries no
 *   sender address, only that the Iridium gateway queued it. Configure the centre's node id as the
 *   neighbour 'gateway' for custody signals.
 * - Alarms (alarms.ts) are `alarm` events with stable codes; `session` events describe each session
 *   (for status pages, tests and the benchmark); both on `sbdEvents`.
 * - MO status 12/14/15/16/34 (configuration) and 33/64/65 (hardware) take the link down and hold it
 *   down for `stopPauseMs` or until {@link SbdLink.acknowledgeAlarm} (stop-pause.ts): a start()
 *   meanwhile stays down; the link never restarts itself, the supervisor starts it again.
 * - A modem that refuses a command that only informs (AT+CGMR, AT+CSQ, AT-MSSTM…) works all the
 *   same (§7.1 "Required and optional commands"): signalQuality() is then undefined (unknown) and
 *   networkTime() undefined; each refusal is logged once for the life of the link.
 * - stop() waits for a session under way at most `stopGraceMs`, then cuts it short, handing its MO
 *   back as TIMEOUT (session-runner.ts halt()), and ends within 60 s by default (stop-bound.ts;
 *   §7.1 "Stopping").
 */
import { EventEmitter } from 'node:events';
import { isKitError } from '../../../node/src/base/errors.js';
import { type Clock, systemClock } from '../../../node/src/link/clock.js';
import type {
  ExtraBilling,
  LinkCapabilities,
  LinkDownReason,
  SendOpportunities,
  SendOptions,
  SendOutcome,
  SendWindow,
  SignalQuality,
  TakesBack,
  TimeSource,
} from '../../../node/src/link/link.js';
import { failed, LinkBase } from '../../../node/src/link/link-base.js';
import { iridiumCapabilities, MAX_MO_BYTES } from '../iridium-limits.js';
import type { SbdModem } from '../modem/sbd-modem.js';
import { SATELLITE_CONFIRMATION_WAIT_MS } from '../satellite-confirmations.js';
import { AlarmBoard, type SbdAlarm, type SbdAlarmCode } from './alarms.js';
import { HeldFrames } from './held-frames.js';
import {
  type SbdLinkCounters,
  type SbdLinkEvents,
  type SbdLinkOptions,
  type SbdOnlyCounters,
  schedulerOptionsOf,
  zeroSbdCounters,
} from './sbd-link-types.js';
import { SessionRunner } from './session-runner.js';
import { type SessionPlan, SessionScheduler } from './session-scheduler.js';
import type { SessionVerdict } from './session-verdict.js';
import { CLOSE_BOUND_MS, STOP_GRACE_MS, settledWithin } from './stop-bound.js';
import { StopPause } from './stop-pause.js';

export type { SbdLinkCounters, SbdLinkEvents, SbdLinkOptions, SbdSessionRecord } from './sbd-link-types.js';

const DOWN_REASONS: Partial<Record<string, LinkDownReason>> = {
  AT_TIMEOUT: 'no-device',
  AT_CLOSED: 'port-closed',
  AT_ERROR: 'config-mismatch',
  AT_MALFORMED: 'config-mismatch',
};

export class SbdLink
  extends LinkBase<SbdLinkCounters>
  implements SendWindow, SignalQuality, TimeSource, ExtraBilling, SendOpportunities, TakesBack
{
  readonly kind = 'iridium-sbd' as const;
  /** A send waiting for its session is given back untouched when its signal aborts. */
  readonly takesBack = true as const;
  /** `alarm` and `session` events. */
  readonly sbdEvents = new EventEmitter<SbdLinkEvents>();
  readonly #o: SbdLinkOptions;
  readonly #clock: Clock;
  readonly #scheduler: SessionScheduler;
  readonly #sessions: SessionRunner;
  readonly #alarms: AlarmBoard;
  readonly #held: HeldFrames;
  readonly #sbd: SbdOnlyCounters = zeroSbdCounters();
  #modem: SbdModem | undefined;
  #detach: (() => void) | undefined;
  readonly #pause: StopPause;
  #imei: string | undefined;
  /** The informing commands the modem refused, logged once each for the life of the link. */
  readonly #refused = new Set<string>();
  readonly #extraUnits = new Set<(units: number) => void>();
  readonly #offers = new Set<() => Promise<void>>();

  constructor(options: SbdLinkOptions) {
    if (options.mtu !== undefined && options.mtu > MAX_MO_BYTES)
      throw new RangeError(
        `an SBD link's mtu is at most ${MAX_MO_BYTES} (one MO message), got ${options.mtu}`,
      );
    super({
      id: options.id,
      mtu: options.mtu ?? MAX_MO_BYTES,
      name: 'SBD',
      log: options.log,
      now: options.now,
    });
    this.#o = options;
    this.#clock = options.clock ?? systemClock;
    this.#scheduler = new SessionScheduler(schedulerOptionsOf(options));
    this.#held = new HeldFrames(this.#scheduler);
    this.#alarms = new AlarmBoard((alarm) => {
      this.log[alarm.active ? 'warn' : 'info']({ alarm }, alarm.active ? 'SBD alarm' : 'SBD alarm cleared');
      this.sbdEvents.emit('alarm', alarm);
    });
    this.#pause = new StopPause(this.#clock, options);
    this.#sessions = new SessionRunner({
      id: options.id,
      clock: this.#clock,
      log: this.log,
      scheduler: this.#scheduler,
      held: this.#held,
      offers: this.#offers,
      ...(options.giveUpMs !== undefined ? { giveUpMs: options.giveUpMs } : {}),
      ...(options.offerWaitMs !== undefined ? { offerWaitMs: options.offerWaitMs } : {}),
      link: {
        running: () => !this.closed && this.state.status === 'up',
        modem: () => this.#modem as SbdModem,
        heard: (v) => this.#heard(v),
        spent: (units) => {
          for (const listener of this.#extraUnits) listener(units);
        },
        ended: (plan, v, clockAt) => this.#ended(plan, v, clockAt),
        down: (reason, detail) => this.#down(reason, detail),
      },
    });
  }

  /** The modem's IMEI, once started. */
  get imei(): string | undefined {
    return this.#imei;
  }

  /** Active alarms. */
  alarms(): SbdAlarm[] {
    return this.#alarms.list();
  }

  sendWindow(): number {
    return Math.max(0, (this.#o.maxHeld ?? 64) - this.#held.size);
  }

  /**
   * RockBLOCK bills per 50 bytes, at least one credit per message; an MT message is at most 270
   * bytes. A repeat costs credits: the core waits for the centre's (held) receipt first.
   */
  override get capabilities(): LinkCapabilities {
    return iridiumCapabilities({
      side: 'kit',
      maxSendBytes: this.mtu,
      confirmationWaitMs: this.#o.confirmationWaitMs ?? SATELLITE_CONFIRMATION_WAIT_MS,
    });
  }

  onExtraUnits(listener: (units: number) => void): () => void {
    this.#extraUnits.add(listener);
    return () => this.#extraUnits.delete(listener);
  }

  onSendOpportunity(listener: () => Promise<void>): () => void {
    this.#offers.add(listener);
    return () => this.#offers.delete(listener);
  }

  /** A warning is active: check the mailbox every `warningCheckMs` if no session did. */
  setWarningActive(active: boolean): void {
    this.#scheduler.setWarningActive(active, this.#clock.now());
    this.#sessions.wake();
  }

  /**
   * An operator has seen a stop alarm (SBD_STOPPED, SBD_HARDWARE): clear it and end the pause;
   * the supervisor's next start() brings the link up.
   */
  acknowledgeAlarm(code: SbdAlarmCode): void {
    this.#alarms.clear(code, this.now(), 'acknowledged');
    if (code === 'SBD_STOPPED' || code === 'SBD_HARDWARE') this.#pause.end();
  }

  /** Undefined (unknown) while not up, or when the modem gives no readings (it refused AT+CSQ). */
  async signalQuality(): Promise<number | undefined> {
    if (!this.#modem || this.state.status !== 'up') return undefined;
    const bars = await this.#modem.signalQuality();
    return bars === undefined ? undefined : bars / 5;
  }

  async networkTime(): Promise<{ time: number; source: 'iridium' } | undefined> {
    if (!this.#modem || this.state.status !== 'up') return undefined;
    const time = await this.#modem.networkTime();
    return time === undefined ? undefined : { time, source: 'iridium' };
  }

  /** Does nothing while a stop alarm's pause holds the link down: no attempt, no state event. */
  override async start(signal?: AbortSignal): Promise<void> {
    if (!this.closed && this.state.status === 'down' && this.#pause.holding) return;
    return super.start(signal);
  }

  protected override extraCounters(): Partial<SbdLinkCounters> {
    return { ...this.#sbd };
  }

  protected async open(signal: AbortSignal | undefined): Promise<void> {
    const held = this.#pause.holding;
    if (held) {
      // A stop alarm holds the link down: retrying cannot help until the pause ends.
      this.goDown(held.reason, held.detail);
      return;
    }
    try {
      if (typeof this.#o.modem === 'function' && this.#modem !== undefined) {
        // The factory opens the port again: release the last one first, or the new open finds
        // the device still locked by us and the link stays down until the daemon restarts.
        const previous = this.#modem;
        this.#modem = undefined;
        await previous.close().catch(() => {});
      }
      const modem = typeof this.#o.modem === 'function' ? await this.#o.modem() : this.#o.modem;
      this.#attach(modem);
      const info = await modem.start(signal);
      if (this.closed) return;
      this.#imei = info.imei;
      this.#sessions.forgetBuffer();
      this.goUp({ imei: info.imei });
      this.#sessions.wake();
    } catch (err) {
      if (this.closed) return;
      if (signal?.aborted && err === signal.reason) throw err;
      const code = isKitError(err) ? err.code : '';
      this.#down(DOWN_REASONS[code] ?? 'port-error', err instanceof Error ? err.message : String(err));
    }
  }

  /** Bounded (stop-bound.ts): the session under way, then closing the modem, each within its bound. */
  protected async close(): Promise<void> {
    // A session under way settles its frame, but systemd will not wait for ever on a hung modem.
    await this.#sessions.halt(
      this.#o.stopGraceMs ?? STOP_GRACE_MS,
      failed('later', 'LINK_DOWN', 'the link is stopping'),
    );
    this.#detach?.();
    this.#detach = undefined;
    const deadline = this.#clock.now() + CLOSE_BOUND_MS;
    const closing = this.#modem?.close().catch((err: unknown) => {
      this.log.warn({ err, link: this.id }, 'the modem did not close cleanly');
    });
    if (closing && !(await settledWithin(this.#clock, closing, CLOSE_BOUND_MS)))
      this.log.warn({ link: this.id }, `the modem did not close within ${CLOSE_BOUND_MS} ms; left as it is`);
    // A session cut short ends once its port is closed: let it record how it ended.
    await this.#sessions.ended(deadline - this.#clock.now());
    this.#held.handBack(failed('later', 'LINK_DOWN', 'the link stopped'));
  }

  protected transmit(frame: Uint8Array, opts: SendOptions): Promise<SendOutcome> {
    const priority = opts.priority ?? this.#o.defaultPriority ?? 1;
    const mo = this.#scheduler.add(frame, priority, opts.awaitsReply === true, this.#clock.now());
    return new Promise<SendOutcome>((resolve) => {
      const onAbort = () => this.#sessions.abort(mo.id);
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      this.#held.add(mo.id, {
        resolve,
        cleanup: () => opts.signal?.removeEventListener('abort', onAbort),
      });
      this.#sessions.wake();
    });
  }

  #attach(modem: SbdModem): void {
    if (this.#modem === modem && this.#detach) return;
    this.#detach?.();
    this.#modem = modem;
    const onRing = () => {
      this.#scheduler.ring(this.#clock.now());
      this.#sessions.wake();
    };
    const onService = (available: boolean) => {
      if (!available) return;
      this.#scheduler.serviceBack();
      this.#sessions.wake();
    };
    const onClosed = (err: Error | undefined) => {
      if (this.closed) return;
      this.#down('port-closed', err?.message ?? 'the modem stream ended');
    };
    // Every start() makes a new driver, which finds the refusal again: say it once.
    const onRefused = (command: string) => {
      if (this.#refused.has(command)) return;
      this.#refused.add(command);
      this.log.info(
        { link: this.id, command },
        `the modem refuses ${command}, which only informs; the link works without it`,
      );
    };
    modem.on('ring', onRing);
    modem.on('service', onService);
    modem.on('closed', onClosed);
    modem.on('refused', onRefused);
    this.#detach = () => {
      modem.off('ring', onRing);
      modem.off('service', onService);
      modem.off('closed', onClosed);
      modem.off('refused', onRefused);
    };
  }

  /** What a session said, as the link counts and tells it; first of a session's reports. */
  #heard(v: SessionVerdict): void {
    for (const [key, n] of Object.entries(v.count)) {
      if (key === 'errors') this.stats.errors += n;
      else this.#sbd[key as keyof SbdOnlyCounters] += n;
    }
    if (v.record.error !== undefined)
      this.log.warn({ link: this.id, error: v.record.error }, 'SBD session failed');
    if (v.mt) this.received(v.mt, { from: 'gateway' });
    this.#alarms.apply(v.alarms, this.now());
  }

  /** Last of a session's reports, once its send is answered: its record; down if it must. */
  #ended(plan: SessionPlan, v: SessionVerdict, clockAt: number): void {
    this.sbdEvents.emit('session', {
      at: this.now(),
      clockAt,
      reason: plan.reason,
      answerRing: plan.answerRing,
      moBytes: plan.mo?.bytes.length ?? 0,
      frames: plan.mo ? 1 : 0,
      ...v.record,
    });
    if (v.down) {
      if (v.down.pause) this.#pause.start(v.down.pause, v.down.reason, v.down.detail);
      this.#down(v.down.reason, v.down.detail);
    }
  }

  /** Down: no more sessions; every pending send is handed back (the store sends it again). */
  #down(reason: LinkDownReason, detail: string): void {
    this.#sessions.cancelWake();
    this.goDown(reason, detail);
    this.#sessions.handBack(failed('later', 'LINK_DOWN', detail));
  }
}
