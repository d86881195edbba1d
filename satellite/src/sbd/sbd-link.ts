/**
 * The Iridium SBD link (DESIGN.md "The link contract"; issue 5 item 3; protocols/iridium.md §1.3,
 * §1.6, §2.4, §7.1–§7.3): a Link over an SbdModem that holds frames by priority so that several
 * share one MO message, runs each session in the order of §7.1 (sbd-session.ts), backs off after
 * failures (§7.2), reads every MT message the gateway hands over, and counts credits against a
 * budget (session-scheduler.ts, credit-budget.ts).
 *
 * - send() resolves when a session carrying the frame succeeds (`ref` = the MOMSN), or with
 *   `retry: 'later'` when the link goes down, the budget refuses it (code BUSY, detail SBD_BUDGET),
 *   its session's end was not seen (TIMEOUT: whether it went is unknown, and the link never sends
 *   an MO again on a guess), or no session succeeded for `giveUpMs` after it fell due
 *   (NO_SERVICE). The store is the retry mechanism: the link retries only sessions (§7.2), never
 *   frames it has answered for.
 * - Frames that are wire messages, fragments or batch containers are unpacked and repacked with
 *   whatever else is held into one batch container (mo-frames.ts); other frames go alone.
 * - Inbound MT messages are `frame` events with `meta.from = 'gateway'`: an MT message carries no
 *   sender address, only that the Iridium gateway queued it. Configure the centre's node id as the
 *   neighbour 'gateway' for custody signals.
 * - Alarms (alarms.ts) are `alarm` events with stable codes; `session` events describe each session
 *   (for status pages, tests and the benchmark); both on `sbdEvents`.
 * - MO status 12/14/15/16/34 (configuration) and 33/64/65 (hardware) take the link down and keep
 *   it down for `stopPauseMs` or until {@link SbdLink.acknowledgeAlarm}: retrying cannot help
 *   (stop-pause.ts).
 * - Who waits on each held frame, and how it is answered, is in held-frames.ts.
 */
import { EventEmitter } from 'node:events';
import { isKitError, KitError } from '../../../node/src/base/errors.js';
import { type Logger, silentLogger } from '../../../node/src/base/logger.js';
import { type Clock, systemClock, type Timer } from '../../../node/src/link/clock.js';
import type {
  Link,
  LinkCapabilities,
  LinkDownReason,
  LinkEvents,
  LinkState,
  SendOptions,
  SendOutcome,
  SendWindow,
  SignalQuality,
  TimeSource,
} from '../../../node/src/link/link.js';
import { IRIDIUM_BILLING, MAX_MT_BYTES } from '../iridium-limits.js';
import type { SbdModem } from '../modem/sbd-modem.js';
import { SATELLITE_CONFIRMATION_WAIT_MS } from '../satellite-confirmations.js';
import { AlarmBoard, budgetAlarmChanges, type SbdAlarm, type SbdAlarmCode } from './alarms.js';
import { type BudgetCrossing, CreditBudget } from './credit-budget.js';
import { fail, HeldFrames, moOf } from './held-frames.js';
import { splitFrame } from './mo-frames.js';
import {
  type SbdLinkCounters,
  type SbdLinkEvents,
  type SbdLinkOptions,
  schedulerOptionsOf,
  zeroCounters,
} from './sbd-link-types.js';
import { type MoBuffer, runSbdSession } from './sbd-session.js';
import { type SessionPlan, SessionScheduler } from './session-scheduler.js';
import { judgeSession } from './session-verdict.js';
import { StopPause } from './stop-pause.js';

export type { SbdLinkCounters, SbdLinkEvents, SbdLinkOptions, SbdSessionRecord } from './sbd-link-types.js';

const DOWN_REASONS: Partial<Record<string, LinkDownReason>> = {
  AT_TIMEOUT: 'no-device',
  AT_CLOSED: 'port-closed',
  AT_ERROR: 'config-mismatch',
  AT_MALFORMED: 'config-mismatch',
};

export class SbdLink extends EventEmitter<LinkEvents> implements Link, SendWindow, SignalQuality, TimeSource {
  readonly id: string;
  readonly kind = 'iridium-sbd' as const;
  readonly mtu = 340;
  /** `alarm` and `session` events. */
  readonly sbdEvents = new EventEmitter<SbdLinkEvents>();
  readonly #o: SbdLinkOptions;
  readonly #clock: Clock;
  readonly #now: () => number;
  readonly #log: Logger;
  readonly #scheduler: SessionScheduler;
  readonly #alarms: AlarmBoard;
  readonly #held: HeldFrames;
  readonly #counters: SbdLinkCounters = zeroCounters();
  #state: LinkState;
  #modem: SbdModem | undefined;
  #detach: (() => void) | undefined;
  readonly #buffer: { state: MoBuffer } = { state: { kind: 'unknown' } };
  #starting: Promise<void> | undefined;
  #stopping: Promise<void> | undefined;
  #closed = false;
  #cycle: Promise<void> | undefined;
  /** Something changed while a cycle ran: look again after it. */
  #again = false;
  #timer: Timer | undefined;
  readonly #pause: StopPause;
  #imei: string | undefined;

  constructor(options: SbdLinkOptions) {
    super();
    this.#o = options;
    this.id = options.id;
    this.#clock = options.clock ?? systemClock;
    this.#now = options.now ?? Date.now;
    this.#log = options.log ?? silentLogger;
    this.#scheduler = new SessionScheduler({
      mtu: this.mtu,
      budget: new CreditBudget(options.budget),
      ...schedulerOptionsOf(options),
    });
    this.#held = new HeldFrames(this.#scheduler);
    this.#alarms = new AlarmBoard((alarm) => {
      this.#log[alarm.active ? 'warn' : 'info']({ alarm }, alarm.active ? 'SBD alarm' : 'SBD alarm cleared');
      this.sbdEvents.emit('alarm', alarm);
    });
    this.#pause = new StopPause(this.#clock, options, () => {
      if (!this.#closed) void this.start();
    });
    this.#state = { status: 'down', reason: 'stopped', since: this.#now() };
  }

  get state(): LinkState {
    return this.#state;
  }

  /** The modem's IMEI, once started. */
  get imei(): string | undefined {
    return this.#imei;
  }

  counters(): Readonly<SbdLinkCounters> {
    return { ...this.#counters };
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
  get capabilities(): LinkCapabilities {
    return {
      maxSendBytes: this.mtu,
      maxReceiveBytes: MAX_MT_BYTES,
      billing: IRIDIUM_BILLING,
      minSendIntervalMs: 0,
      confirmationWaitMs: this.#o.confirmationWaitMs ?? SATELLITE_CONFIRMATION_WAIT_MS,
      sharedMedium: false,
    };
  }

  /** Credits spent in the last 24 h and in the current incident. */
  creditsUsed(): { day: number; incident: number } {
    const b = this.#scheduler.budget;
    return { day: b.usedToday(this.#clock.now()), incident: b.usedInIncident() };
  }

  /** A warning is active: check the mailbox every `warningCheckMs` if no session did. */
  setWarningActive(active: boolean): void {
    this.#scheduler.setWarningActive(active, this.#clock.now());
    this.#wake();
  }

  /** A new incident: its credit count starts from zero, optionally under a new limit. */
  startIncident(limit?: number): void {
    this.#alarms.apply(
      budgetAlarmChanges(this.#scheduler.budget.startIncident(this.#clock.now(), limit)),
      this.#now(),
    );
    this.#wake();
  }

  /** An operator has seen a stop alarm (SBD_STOPPED, SBD_HARDWARE): clear it and try again. */
  acknowledgeAlarm(code: SbdAlarmCode): void {
    this.#alarms.clear(code, this.#now(), 'acknowledged');
    if ((code === 'SBD_STOPPED' || code === 'SBD_HARDWARE') && this.#pause.active) this.#pause.end();
  }

  async start(signal?: AbortSignal): Promise<void> {
    if (this.#closed) throw new KitError('LINK_CLOSED', `link ${this.id} is stopped`);
    if (this.#starting) return this.#starting;
    if (this.#state.status === 'up') return;
    if (this.#pause.active) return; // a stop alarm holds it down
    this.#starting = this.#start(signal).finally(() => {
      this.#starting = undefined;
    });
    return this.#starting;
  }

  async #start(signal: AbortSignal | undefined): Promise<void> {
    this.#setState({ status: 'starting' });
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
      if (this.#closed) return;
      this.#imei = info.imei;
      this.#buffer.state = { kind: 'unknown' }; // whatever a previous run left
      this.#setState({ status: 'up', since: this.#now() });
      this.#wake();
    } catch (err) {
      if (this.#closed) return;
      const code = isKitError(err) ? err.code : '';
      this.#goDown(DOWN_REASONS[code] ?? 'port-error', err instanceof Error ? err.message : String(err));
    }
  }

  stop(): Promise<void> {
    if (!this.#stopping) this.#stopping = this.#stop();
    return this.#stopping;
  }

  async #stop(): Promise<void> {
    this.#closed = true;
    this.#timer?.cancel();
    this.#pause.cancelTimer();
    this.#held.handBack({ ok: false, retry: 'later', code: 'LINK_DOWN', detail: 'the link is stopping' });
    await this.#starting?.catch(() => {});
    if (this.#cycle) {
      // A session under way settles its frames; do not wait for ever on a hung modem.
      let timer: Timer | undefined;
      await Promise.race([
        this.#cycle,
        new Promise<void>((resolve) => {
          timer = this.#clock.after(this.#o.stopGraceMs ?? 150_000, resolve);
        }),
      ]);
      timer?.cancel();
    }
    this.#detach?.();
    this.#detach = undefined;
    try {
      await this.#modem?.close();
    } catch (err) {
      this.#log.warn({ err, link: this.id }, 'the modem did not close cleanly');
    }
    this.#held.handBack({ ok: false, retry: 'later', code: 'LINK_DOWN', detail: 'the link stopped' });
    this.#setState({ status: 'down', reason: 'stopped', since: this.#now() });
  }

  send(frame: Uint8Array, opts: SendOptions = {}): Promise<SendOutcome> {
    if (this.#closed) return Promise.reject(new KitError('LINK_CLOSED', `link ${this.id} is stopped`));
    if (!(frame instanceof Uint8Array) || frame.length === 0)
      return Promise.reject(new RangeError('send() needs a non-empty Uint8Array'));
    if (frame.length > this.mtu)
      return Promise.resolve(
        fail('never', 'TOO_LARGE', `${frame.length} bytes, the MO limit is ${this.mtu}`),
      );
    if (this.#state.status !== 'up') return Promise.resolve(fail('later', 'LINK_DOWN', this.#downDetail()));
    const copy = frame.slice();
    const split =
      this.#o.batching === false ? { ...splitFrame(copy), entries: [copy], opaque: true } : splitFrame(copy);
    const priority = opts.priority ?? split.priority ?? this.#o.defaultPriority ?? 1;
    const budget = this.#scheduler.budget;
    const now = this.#clock.now();
    if (!budget.allows(1, priority, now))
      return Promise.resolve(
        fail('later', 'BUSY', `SBD_BUDGET: no credits left (day ${budget.usedToday(now)} used)`),
      );
    if (opts.signal?.aborted) return Promise.resolve(fail('later', 'BUSY', 'aborted'));

    const unit = this.#scheduler.hold(split.entries, split.opaque, priority, now);
    return new Promise<SendOutcome>((resolve) => {
      const onAbort = () => {
        if (this.#scheduler.release(unit.id)) this.#held.settle(unit.id, fail('later', 'BUSY', 'aborted'));
      };
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      this.#held.add(unit.id, {
        resolve,
        bytes: frame.length,
        unit,
        cleanup: () => opts.signal?.removeEventListener('abort', onAbort),
      });
      this.#wake();
    });
  }

  async signalQuality(): Promise<number> {
    if (!this.#modem || this.#state.status !== 'up') return 0;
    return (await this.#modem.signalQuality()) / 5;
  }

  async networkTime(): Promise<{ time: number; source: 'iridium' } | undefined> {
    if (!this.#modem || this.#state.status !== 'up') return undefined;
    const time = await this.#modem.networkTime();
    return time === undefined ? undefined : { time, source: 'iridium' };
  }

  #attach(modem: SbdModem): void {
    if (this.#modem === modem && this.#detach) return;
    this.#detach?.();
    this.#modem = modem;
    const onRing = () => {
      this.#scheduler.ring(this.#clock.now());
      this.#wake();
    };
    const onService = (available: boolean) => {
      if (!available) return;
      this.#scheduler.serviceBack();
      this.#wake();
    };
    const onClosed = (err: Error | undefined) => {
      if (this.#closed) return;
      this.#goDown('port-closed', err?.message ?? 'the modem stream ended');
    };
    modem.on('ring', onRing);
    modem.on('service', onService);
    modem.on('closed', onClosed);
    this.#detach = () => {
      modem.off('ring', onRing);
      modem.off('service', onService);
      modem.off('closed', onClosed);
    };
  }

  /**
   * Looks at the queue soon, unless a session is under way (it looks again when done). "Soon" is
   * a zero-delay timer, so frames handed over together share the decision.
   */
  #wake(): void {
    if (this.#closed || this.#state.status !== 'up') return;
    if (this.#cycle) {
      // The cycle may be past its last look: have it look again when it ends.
      this.#again = true;
      return;
    }
    this.#timer?.cancel();
    this.#timer = this.#clock.after(0, () => {
      this.#timer = undefined;
      if (this.#cycle || this.#closed || this.#state.status !== 'up') return;
      this.#again = false;
      this.#cycle = this.#runCycle().finally(() => {
        this.#cycle = undefined;
        if (this.#again) this.#wake();
      });
    });
  }

  async #runCycle(): Promise<void> {
    try {
      while (!this.#closed && this.#state.status === 'up') {
        const now = this.#clock.now();
        this.#again = false;
        this.#alarms.apply(budgetAlarmChanges(this.#scheduler.budget.check(now)), this.#now());
        const decision = this.#scheduler.decide(now);
        for (const { unit, reason } of decision.drop) {
          this.#held.settle(
            unit.id,
            reason === 'budget'
              ? fail('later', 'BUSY', 'SBD_BUDGET: the credit budget does not allow this session')
              : fail('later', 'NO_SERVICE', `no successful session for ${this.#o.giveUpMs ?? 1_800_000} ms`),
          );
        }
        if (!decision.session) {
          if (decision.wakeAt !== undefined) {
            this.#timer = this.#clock.after(decision.wakeAt - now, () => this.#wake());
          }
          return;
        }
        await this.#runSession(decision.session);
      }
    } catch (err) {
      // A bug, not a field failure: say so, and do not leave senders waiting for ever.
      this.#log.error({ err, link: this.id }, 'SBD session loop failed');
      this.#goDown('port-error', `internal error: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  async #runSession(plan: SessionPlan): Promise<void> {
    const mo = plan.units.length === 0 ? undefined : moOf(plan.units);
    const out = await runSbdSession(this.#modem as SbdModem, this.#buffer, {
      mo,
      answerRing: plan.answerRing,
    });
    const v = judgeSession(out, plan, this.#scheduler.creditBytes);
    const clockAt = this.#clock.now();
    for (const [key, n] of Object.entries(v.count)) this.#counters[key as keyof SbdLinkCounters] += n;
    if (v.record.error !== undefined)
      this.#log.warn({ link: this.id, error: v.record.error }, 'SBD session failed');
    if (v.mt) this.#receive(v.mt);
    this.#alarms.apply(v.alarms, this.#now());

    let crossings: BudgetCrossing[] = [];
    if (v.scheduler.kind === 'succeeded') {
      crossings = this.#scheduler.succeeded(plan, v.scheduler, clockAt);
      for (const u of plan.units) {
        const bytes = this.#held.bytes(u.id);
        if (bytes === undefined) continue;
        this.#counters.txFrames += 1;
        this.#counters.txBytes += bytes;
      }
    } else {
      const released = v.scheduler.releaseCarried ? plan.units : [];
      this.#scheduler.failed(v.scheduler.minBackoffMs, clockAt, released);
    }
    if (v.carried) for (const u of plan.units) this.#held.settle(u.id, v.carried);
    this.sbdEvents.emit('session', {
      at: this.#now(),
      clockAt,
      reason: plan.reason,
      answerRing: plan.answerRing,
      moBytes: mo?.length ?? 0,
      frames: plan.units.length,
      ...v.record,
    });
    this.#alarms.apply(budgetAlarmChanges(crossings), this.#now());
    if (v.down) {
      if (v.down.pause) this.#pause.start(v.down.pause);
      this.#goDown(v.down.reason, v.down.detail);
    }
  }

  #receive(mt: Uint8Array): void {
    this.#counters.rxFrames += 1;
    this.#counters.rxBytes += mt.length;
    this.emit('frame', { link: this.id, bytes: mt, receivedAt: this.#now(), meta: { from: 'gateway' } });
  }

  #goDown(reason: LinkDownReason, detail: string): void {
    this.#timer?.cancel();
    this.#setState({ status: 'down', reason, detail, since: this.#now() });
    this.#held.handBack(fail('later', 'LINK_DOWN', detail));
  }

  #downDetail(): string {
    const s = this.#state;
    return s.status === 'down' ? `${s.reason}${s.detail ? `: ${s.detail}` : ''}` : s.status;
  }

  #setState(next: LinkState): void {
    const s = this.#state;
    const same =
      s.status === next.status &&
      (s.status !== 'down' ||
        (next.status === 'down' && s.reason === next.reason && s.detail === next.detail));
    if (same) return;
    this.#state = next;
    if (next.status === 'down' && next.reason !== 'stopped')
      this.#log.warn({ link: this.id, reason: next.reason, detail: next.detail }, 'SBD link down');
    this.emit('state', next);
  }
}
