/**
 * The BeiDou short-message link (docs/beidou.md §The link; docs/links.md §BeiDou short message,
 * §Capabilities): a Link over a BeiDou module (beidou-module.ts) on the link skeleton
 * (node/src/link/link-base.ts). One send() is one short message, to one address, as given; which
 * messages share it is the core's (it sees `minSendIntervalMs` in the capabilities and packs what
 * is due, most urgent first). This file owns the link's life with its module:
 *
 * - The card, read at every start and again after the module fell silent: its level gives the mtu
 *   (card-check.ts), and a card that carries too little, or none, keeps the link down with
 *   'config-mismatch'. A BeiDou-3 card that refuses large messages without a reason lowers the
 *   mtu (mtu-probe.ts), unless `messageBits` is configured.
 * - Sending: when, in what order and how often again is the scheduler's (send-scheduler.ts); a
 *   waiting send whose signal aborts is given back untouched, BUSY (TakesBack, when it is worth it:
 *   see takesBack). `ok` means the message left the antenna, never that it arrived: delivery is
 *   fieldnode's own receipt.
 * - The module (module-slot.ts): the one given, or a fresh driver on a fresh port at every start.
 * - Beams: with no beam locked the link holds its sends; after `beamLossMs` (beam-loss.ts) it goes
 *   down ('no-service'), handing back what waits, and comes up by itself when a beam locks again
 *   (the port stays open; the supervisor's start() meanwhile does nothing).
 * - A module that falls silent (module-watch.ts: a reset forgets the beam report): the link goes
 *   down ('no-device'), asks for the beam report again and reads the card again; if the module
 *   answers, it comes back up on it, else the supervisor's next start() opens the port afresh.
 * - Addressing (beidou-addressing.ts): `to` is a card address; without it, a kit's link sends to
 *   the centre's card, the centre's to its card's broadcast (通播) address, or card by card.
 * - Received messages are frames with `meta.from` the sender's card and `meta.source` what the
 *   module said of them (protocol, encoding, class, time).
 */

import { isKitError } from '../../../node/src/base/errors.js';
import { type Clock, systemClock } from '../../../node/src/link/clock.js';
import type {
  LinkCapabilities,
  LinkDownReason,
  SelfAddress,
  SendOptions,
  SendOutcome,
  SignalQuality,
} from '../../../node/src/link/link.js';
import { failed, LinkBase } from '../../../node/src/link/link-base.js';
import { bareKindCode } from '../../../node/src/wire/classify.js';
import { KINDS } from '../../../node/src/wire/kinds.js';
import { BeamLoss } from './beam-loss.js';
import { CardAddressing } from './beidou-addressing.js';
import { beidouCapabilities } from './beidou-capabilities.js';
import { type BeidouLinkCounters, type BeidouLinkOptions, checkLinkOptions } from './beidou-link-types.js';
import type { BeidouModule, SendResult } from './beidou-module.js';
import type { BeamStatus, CardInfo } from './beidou-types.js';
import { MIN_BEIDOU_MTU } from './card-capacity.js';
import { checkCard } from './card-check.js';
import { firstBeam, inboundMeta } from './link-helpers.js';
import { ModuleSlot } from './module-slot.js';
import { ModuleWatch } from './module-watch.js';
import { MtuProbe } from './mtu-probe.js';
import type { QueuedSend } from './send-queue.js';
import { SendScheduler } from './send-scheduler.js';

export type { BeidouLinkCounters, BeidouLinkOptions, ModuleHandle } from './beidou-link-types.js';

const DOWN_REASONS: Partial<Record<string, LinkDownReason>> = {
  BEIDOU_NO_ANSWER: 'no-device',
  BEIDOU_CLOSED: 'port-closed',
};

export class BeidouLink extends LinkBase<BeidouLinkCounters> implements SignalQuality, SelfAddress {
  readonly kind = 'beidou' as const;
  readonly #o: BeidouLinkOptions;
  readonly #clock: Clock;
  readonly #scheduler: SendScheduler;
  readonly #probe: MtuProbe;
  readonly #watch: ModuleWatch;
  readonly #addressing: CardAddressing;
  readonly #slot: ModuleSlot;
  readonly #beamLoss: BeamLoss;
  #card: CardInfo | undefined;
  /** The card was read and fits: the link may go up when a beam locks. */
  #ready = false;
  #beam: BeamStatus | undefined;
  #noResults = 0;
  #saidNoBeamReport = false;
  /** Asking a silent module again (its beam report, its card); stop() aborts it. */
  #recovery: { done: Promise<void>; abort: AbortController } | undefined;

  constructor(options: BeidouLinkOptions) {
    checkLinkOptions(options);
    super({
      id: options.id,
      mtu: options.mtu ?? MIN_BEIDOU_MTU,
      name: 'BeiDou',
      log: options.log,
      now: options.now,
    });
    this.#o = options;
    this.#clock = options.clock ?? systemClock;
    this.#probe = new MtuProbe(options);
    const clock = this.#clock;
    const log = this.log;
    this.#slot = new ModuleSlot(
      options.module,
      {
        message: (m) => {
          if (m.bytes.length > 0) this.received(m.bytes, inboundMeta(m, this.#card?.protocol));
        },
        beam: (b) => this.#onBeam(b),
        closed: (err) => {
          if (!this.closed) this.#down('port-closed', err?.message ?? 'the module’s stream ended');
        },
      },
      log,
    );
    this.#beamLoss = new BeamLoss(clock, options.beamLossMs ?? 30_000, (lossMs) => {
      if (this.state.status === 'up')
        this.#down('no-service', `no beam locked for ${Math.round(lossMs / 1000)} s`);
    });
    this.#scheduler = new SendScheduler(
      {
        clock,
        log,
        module: () => this.#slot.current,
        mayTransmit: () =>
          !this.closed &&
          this.state.status === 'up' &&
          !(this.#beam !== undefined && this.#beam.locked === 0),
        isUp: () => this.state.status === 'up',
        answered: (item, result) => this.#answered(item, result),
      },
      options,
    );
    this.#watch = new ModuleWatch({
      clock,
      silenceMs: options.silenceMs ?? 20_000,
      talkedAt: () => this.#slot.current?.talkedAt,
      onSilent: (ms) => this.#silent(ms),
    });
    this.#addressing = new CardAddressing({
      log,
      ...(options.centreCard === undefined ? {} : { centreCard: options.centreCard }),
      ...(options.cards === undefined ? {} : { cards: options.cards }),
      ...(options.broadcast === undefined ? {} : { broadcast: options.broadcast }),
      broadcastAddress: () => this.#card?.broadcast,
      enqueue: (dest, frame, opts) => this.#scheduler.enqueue(dest, frame, opts),
    });
  }

  /**
   * TakesBack (node/src/link/link.ts): a send waiting for the card's interval is given back
   * untouched when its signal aborts, so the core can pack it again with something more urgent;
   * but not while the link holds a fragment. The core sends a message's fragments one after
   * another under one signal, and a fragment taken back would make it send the whole message again
   * from its first fragment: on a card of 77 bytes a message, minutes of intervals spent again
   * (docs/beidou.md §The link's scheduler). Nor while a frame goes card by card, for the same
   * reason: a fan-out taken back half-sent would start again from its first card. Nor once half
   * the spacing has passed since the frame came (send-scheduler.ts worthTakingBack): packed again,
   * it would go a whole spacing after it first came, later than if it had been left to go.
   */
  get takesBack(): boolean {
    return (
      !this.#scheduler.holdsFragment() && !this.#addressing.fanningOut && this.#scheduler.worthTakingBack()
    );
  }

  /** The card as read at the last start (or again after a silence); undefined before. */
  get card(): CardInfo | undefined {
    return this.#card;
  }

  /** What the link declares to the core (beidou-capabilities.ts). */
  override get capabilities(): LinkCapabilities {
    return beidouCapabilities({
      mtu: this.mtu,
      spacingMs: this.#scheduler.spacingMs(this.#o.intervalS ?? 60),
      ...(this.#card === undefined ? {} : { protocol: this.#card.protocol }),
      ...(this.#o.confirmationWaitMs === undefined ? {} : { confirmationWaitMs: this.#o.confirmationWaitMs }),
    });
  }

  selfAddress(): string | undefined {
    return this.#card?.address;
  }

  /** 0–1 from the strongest beam, undefined while not up or before the module's first beam report. */
  async signalQuality(): Promise<number | undefined> {
    const beam = this.#beam;
    if (beam === undefined || this.state.status !== 'up' || this.#card === undefined) return undefined;
    const q = this.#card.protocol === 'bd21' ? beam.bestPower / 4 : (beam.bestPower - 30) / 20;
    return Math.min(1, Math.max(0, q));
  }

  /**
   * Waits for an asking of a silent module under way; then does nothing while the link is down
   * only for want of a beam and the module still talks.
   */
  override async start(signal?: AbortSignal): Promise<void> {
    await this.#recovery?.done;
    const s = this.state;
    const module = this.#slot.current;
    if (!this.closed && s.status === 'down' && s.reason === 'no-service' && module && !module.isClosed) {
      if (this.#watch.talking()) return;
    }
    return super.start(signal);
  }

  protected override extraCounters(): Partial<BeidouLinkCounters> {
    const card = this.#card;
    return {
      ...this.#scheduler.counts,
      bdCard: card?.address ?? '',
      bdProtocol: card ? (card.protocol === 'bd3' ? 3 : 2) : 0,
      bdLevel: card?.level ?? 0,
      bdIntervalS: card?.intervalS ?? this.#o.intervalS ?? 60,
      bdBeams: this.#beam?.locked ?? -1,
    };
  }

  protected async open(signal: AbortSignal): Promise<void> {
    this.#ready = false;
    this.#beamLoss.cancel();
    this.#watch.disarm();
    let module: BeidouModule;
    let card: CardInfo;
    try {
      module = await this.#slot.take();
      card = await module.start(signal);
    } catch (err) {
      if (this.closed) return;
      if (signal.aborted && err === signal.reason) throw err;
      const code = isKitError(err) ? err.code : '';
      this.#down(DOWN_REASONS[code] ?? 'port-error', err instanceof Error ? err.message : String(err));
      return;
    }
    if (this.closed) return;
    await this.#upOnCard(module, card, module.beam, signal);
  }

  protected async close(): Promise<void> {
    this.#beamLoss.cancel();
    this.#watch.disarm();
    this.#recovery?.abort.abort();
    this.#scheduler.drain(failed('later', 'LINK_DOWN', 'the link stopped'));
    await this.#slot.release(true);
  }

  protected async transmit(frame: Uint8Array, opts: SendOptions): Promise<SendOutcome> {
    // A beacon is one hop, never stored, replaced by the next. It takes an interval of the card only
    // when the card has nothing else to send; waiting behind the core's traffic it would be stale
    // when it left.
    if (bareKindCode(frame) === KINDS.beacon.code && !this.#scheduler.idle())
      return failed('later', 'BUSY', 'a beacon waits for an idle card');
    return this.#addressing.send(frame, opts);
  }

  /**
   * The card was read (at a start, or again after a silence): takes it if it fits, then goes up
   * when a beam is locked (`beam`, or the next report), or at once when the module gives no report.
   */
  async #upOnCard(
    module: BeidouModule,
    card: CardInfo,
    beam: BeamStatus | undefined,
    signal: AbortSignal,
  ): Promise<void> {
    const problem = this.#takeCard(card);
    if (problem !== undefined) {
      this.#down('config-mismatch', problem);
      return;
    }
    this.#ready = true;
    const report = beam ?? (await firstBeam(module, this.#clock, this.#o.beamWaitMs ?? 3_000, signal));
    if (this.closed || signal.aborted) return;
    const fields = {
      card: card.address,
      protocol: card.protocol,
      level: card.level,
      intervalS: card.intervalS,
    };
    if (report === undefined) {
      if (!this.#saidNoBeamReport)
        this.log.info(fields, 'the module gives no beam report; sending without it, its refusals will say');
      this.#saidNoBeamReport = true;
      this.goUp(fields);
    } else if (report.locked > 0) {
      this.goUp({ ...fields, beams: report.locked });
    } else {
      this.#down('no-service', 'no beam locked');
      return;
    }
    this.#scheduler.pump();
  }

  /** Takes the card read (card-check.ts); says what is wrong with it, if anything. */
  #takeCard(card: CardInfo): string | undefined {
    this.#card = card;
    this.#probe.cardRead(card);
    const learnt = this.#o.messageBits === undefined ? this.#probe.learntMtu : undefined;
    const checked = checkCard(card, this.#o, learnt);
    if ('problem' in checked) return checked.problem;
    this.setMtu(checked.mtu);
    this.#scheduler.cardInterval(card.intervalS * 1000);
    return undefined;
  }

  #onBeam(beam: BeamStatus): void {
    this.#beam = beam;
    // The module reports periodically: from now on its silence means something.
    if (this.#ready && !this.#watch.armed) this.#watch.arm();
    this.#beamLoss.report(beam.locked, this.state.status === 'up');
    if (beam.locked === 0) return;
    const s = this.state;
    if (this.#ready && s.status === 'down' && s.reason === 'no-service') this.goUp({ beams: beam.locked });
    this.#scheduler.pump();
  }

  /**
   * The module said nothing past the bound: down, then ask for the beam report (a reset turned it
   * off) and read the card again (another may be in). Logged once, by the state change.
   */
  #silent(silentMs: number): void {
    const module = this.#slot.current;
    if (this.closed || !this.#ready || module === undefined || module.isClosed) return;
    this.#ready = false;
    this.#down(
      'no-device',
      `the module has said nothing for ${Math.round(silentMs / 1000)} s (reset, or lost power?): ` +
        'asking for its beam report and reading its card again',
    );
    const abort = new AbortController();
    const done = this.#recover(module, abort.signal).finally(() => {
      if (this.#recovery?.abort === abort) this.#recovery = undefined;
    });
    this.#recovery = { done, abort };
  }

  async #recover(module: BeidouModule, signal: AbortSignal): Promise<void> {
    try {
      module.askBeamReports();
      const card = await module.readCard(signal);
      if (this.closed || signal.aborted) return;
      // Still silent: it stays down, and the supervisor's next start() opens the port afresh.
      if (card === undefined) return;
      // The report from before the silence says nothing now: the next one does.
      await this.#upOnCard(module, card, undefined, signal);
    } catch (err) {
      if (this.closed || signal.aborted) return;
      this.log.debug({ err }, 'the silent module did not answer; the next start opens its port again');
    }
  }

  /** After each answer to a send but an interval refusal (send-scheduler.ts). */
  #answered(item: QueuedSend, result: SendResult): void {
    if (result.kind === 'sent') {
      this.#noResults = 0;
      this.#probe.sent(item.bytes.length);
      return;
    }
    if (result.kind === 'no-result') {
      const limit = this.#o.maxNoResults ?? 3;
      if (++this.#noResults >= limit)
        this.#down('no-device', `the module answered none of the last ${limit} sends`);
      return;
    }
    if (result.kind === 'no-card') {
      this.#down('config-mismatch', 'the module finds no card (未检测到IC模块)');
      return;
    }
    if (result.kind !== 'failed' || this.#o.messageBits !== undefined) return;
    const lowered = this.#probe.refused(item.bytes.length, this.mtu);
    if (lowered === undefined) return;
    this.setMtu(lowered);
    this.log.warn(
      { refusedBytes: item.bytes.length, mtu: lowered },
      'the card refused large messages without a reason; its mtu is lowered (set message_bits to fix it)',
    );
  }

  /** Down: sends that wait are handed back (the store sends them again once it is up). */
  #down(reason: LinkDownReason, detail: string): void {
    this.#beamLoss.cancel();
    // A module without a beam still reports: its silence is still watched.
    if (reason !== 'no-service') this.#watch.disarm();
    this.goDown(reason, detail);
    this.#scheduler.drain(failed('later', 'LINK_DOWN', detail));
  }
}
