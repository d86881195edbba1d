/**
 * The BeiDou short-message link (docs/beidou.md §The link; docs/links.md §BeiDou short message,
 * §Capabilities): a Link over a BeiDou module (beidou-module.ts) on the link skeleton
 * (node/src/link/link-base.ts). One send() is one short message per card it goes to, as given;
 * which messages share it is the core's (it sees `minSendIntervalMs` in the capabilities and packs
 * what is due, most urgent first). The link owns the card's timing:
 *
 * - The mtu comes from the card's level (card-capacity.ts), read at every start; a card that
 *   carries less than the configured mtu, or less than 72 bytes, or no card at all, keeps the link
 *   down with 'config-mismatch'. A card that refuses a message without a reason, larger than any
 *   that went, lowers the mtu (the size tables are not settled), unless `messageBits` is configured.
 * - It never sends before the card's interval has passed (interval-gate.ts): sends wait in a queue,
 *   most urgent first (send-queue.ts). The module's interval refusal is a safety net: the link
 *   waits the seconds it gave and sends the same message again. A waiting send whose signal aborts
 *   is given back untouched, BUSY (TakesBack, except while it holds a fragment: see takesBack).
 * - `ok` means the message left the antenna (the module's `Y`), never that it arrived: delivery is
 *   fieldnode's own receipt. Every other answer is an outcome (verdict-outcome.ts).
 * - Beams: with no beam locked the link holds its sends; after `beamLossMs` it goes down
 *   ('no-service'), handing back what waits, and comes up by itself when a beam locks again (the
 *   port stays open; the supervisor's start() meanwhile does nothing).
 * - Addressing: `to` is a card address. Without it, a kit's link sends to the centre's card; the
 *   centre's link sends to its card's broadcast (通播) address, where it has one, or else to each
 *   kit's card, one message each. A broadcast the card may not send (权限不足) is not tried again:
 *   the link falls back to the cards.
 * - Received messages are frames with `meta.from` the sender's card and `meta.source` what the
 *   module said of them (protocol, encoding, class, time).
 */

import { isKitError, show } from '../../../node/src/base/errors.js';
import { type Clock, systemClock, type Timer } from '../../../node/src/link/clock.js';
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
import { FRAGMENT_TYPE } from '../../../node/src/wire/fragment.js';
import { KINDS } from '../../../node/src/wire/kinds.js';
import { beidouCapabilities } from './beidou-capabilities.js';
import type { BeidouLinkCounters, BeidouLinkOptions, ModuleHandle } from './beidou-link-types.js';
import type { BeidouModule, SendResult } from './beidou-module.js';
import type { BeamStatus, CardInfo, InboundMessage } from './beidou-types.js';
import { MIN_BEIDOU_MTU } from './card-capacity.js';
import { checkCard } from './card-check.js';
import { IntervalGate } from './interval-gate.js';
import { combined, firstBeam } from './link-helpers.js';
import { type QueuedSend, SendQueue } from './send-queue.js';
import { ADDRESS } from './sentence-fields.js';
import { outcomeOf } from './verdict-outcome.js';

export type { BeidouLinkCounters, BeidouLinkOptions, ModuleHandle } from './beidou-link-types.js';

/** Whether a send is of a fragment container (docs/wire-format.md §7). */
function isFragment(item: QueuedSend | undefined): boolean {
  return item?.bytes[0] === FRAGMENT_TYPE;
}

const DOWN_REASONS: Partial<Record<string, LinkDownReason>> = {
  BEIDOU_NO_ANSWER: 'no-device',
  BEIDOU_CLOSED: 'port-closed',
};

export class BeidouLink extends LinkBase<BeidouLinkCounters> implements SignalQuality, SelfAddress {
  readonly kind = 'beidou' as const;
  readonly #o: BeidouLinkOptions;
  readonly #clock: Clock;
  readonly #queue = new SendQueue();
  readonly #bd = { bdMessages: 0, bdRefusedByFrequency: 0, bdFailures: 0 };
  #gate: IntervalGate | undefined;
  #handle: ModuleHandle | undefined;
  #module: BeidouModule | undefined;
  #detach: (() => void) | undefined;
  #card: CardInfo | undefined;
  /** The card was read and fits: the link may go up when a beam locks. */
  #ready = false;
  #beam: BeamStatus | undefined;
  #beamLostAt: number | undefined;
  #beamTimer: Timer | undefined;
  #wake: Timer | undefined;
  #sending = false;
  /** Frames being sent card by card (a centre without a broadcast address). */
  #fanOuts = 0;
  /** The send under way, between its write and the module's answer. */
  #current: QueuedSend | undefined;
  #noResults = 0;
  #broadcastRefused = false;
  /** The largest message that went, and the mtu a refusal lowered the card's to. */
  #largestSent = 0;
  #probedMtu: number | undefined;
  #saidNoBeamReport = false;

  constructor(options: BeidouLinkOptions) {
    for (const card of [options.centreCard, ...(options.cards ?? [])]) {
      if (card !== undefined && !ADDRESS.test(card))
        throw new RangeError(`${show(card)} is not a BeiDou card address (1 to 8 digits)`);
    }
    if (options.mtu !== undefined && !(Number.isSafeInteger(options.mtu) && options.mtu >= MIN_BEIDOU_MTU))
      throw new RangeError(`a BeiDou link's mtu is at least ${MIN_BEIDOU_MTU}, got ${options.mtu}`);
    super({
      id: options.id,
      mtu: options.mtu ?? MIN_BEIDOU_MTU,
      name: 'BeiDou',
      log: options.log,
      now: options.now,
    });
    this.#o = options;
    this.#clock = options.clock ?? systemClock;
  }

  /**
   * TakesBack (node/src/link/link.ts): a send waiting for the card's interval is given back
   * untouched when its signal aborts, so the core can pack it again with something more urgent;
   * but not while the link holds a fragment. The core sends a message's fragments one after
   * another under one signal, and a fragment taken back would make it send the whole message again
   * from its first fragment: on a card of 77 bytes a message, minutes of intervals spent again
   * (docs/beidou.md §The link's scheduler). Nor while a frame goes card by card, for the same
   * reason: a fan-out taken back half-sent would start again from its first card.
   */
  get takesBack(): boolean {
    return !(isFragment(this.#current) || this.#queue.some(isFragment)) && this.#fanOuts === 0;
  }

  /** The card as read at the last start; undefined before. */
  get card(): CardInfo | undefined {
    return this.#card;
  }

  /** What the link declares to the core (beidou-capabilities.ts). */
  override get capabilities(): LinkCapabilities {
    return beidouCapabilities({
      mtu: this.mtu,
      spacingMs: this.#spacingMs(),
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

  /** Does nothing while the link is down only for want of a beam and the module still talks. */
  override async start(signal?: AbortSignal): Promise<void> {
    const s = this.state;
    const module = this.#module;
    if (!this.closed && s.status === 'down' && s.reason === 'no-service' && module && !module.isClosed) {
      const heard = module.heardAt;
      if (heard !== undefined && this.#clock.now() - heard < 10_000) return;
    }
    return super.start(signal);
  }

  protected override extraCounters(): Partial<BeidouLinkCounters> {
    const card = this.#card;
    return {
      ...this.#bd,
      bdCard: card ? Number(card.address) : 0,
      bdProtocol: card ? (card.protocol === 'bd3' ? 3 : 2) : 0,
      bdLevel: card?.level ?? 0,
      bdIntervalS: card?.intervalS ?? this.#o.intervalS ?? 60,
      bdBeams: this.#beam?.locked ?? -1,
    };
  }

  protected async open(signal: AbortSignal): Promise<void> {
    this.#ready = false;
    this.#beamLostAt = undefined;
    this.#beamTimer?.cancel();
    let module: BeidouModule;
    let card: CardInfo;
    try {
      module = await this.#take();
      card = await module.start(signal);
    } catch (err) {
      if (this.closed) return;
      if (signal.aborted && err === signal.reason) throw err;
      const code = isKitError(err) ? err.code : '';
      this.#down(DOWN_REASONS[code] ?? 'port-error', err instanceof Error ? err.message : String(err));
      return;
    }
    if (this.closed) return;
    const problem = this.#takeCard(card);
    if (problem !== undefined) {
      this.#down('config-mismatch', problem);
      return;
    }
    this.#ready = true;
    const beam = module.beam ?? (await firstBeam(module, this.#clock, this.#o.beamWaitMs ?? 3_000, signal));
    if (this.closed) return;
    const fields = {
      card: card.address,
      protocol: card.protocol,
      level: card.level,
      intervalS: card.intervalS,
    };
    if (beam === undefined) {
      if (!this.#saidNoBeamReport)
        this.log.info(fields, 'the module gives no beam report; sending without it, its refusals will say');
      this.#saidNoBeamReport = true;
      this.goUp(fields);
    } else if (beam.locked > 0) {
      this.goUp({ ...fields, beams: beam.locked });
    } else {
      this.#down('no-service', 'no beam locked');
      return;
    }
    this.#pump();
  }

  protected async close(): Promise<void> {
    this.#wake?.cancel();
    this.#beamTimer?.cancel();
    this.#queue.drain(failed('later', 'LINK_DOWN', 'the link stopped'));
    await this.#release();
  }

  protected async transmit(frame: Uint8Array, opts: SendOptions): Promise<SendOutcome> {
    // A beacon is one hop, never stored, replaced by the next. It takes an interval of the card only
    // when the card has nothing else to send; waiting behind the core's traffic it would be stale
    // when it left.
    if (bareKindCode(frame) === KINDS.beacon.code && !this.#idle())
      return failed('later', 'BUSY', 'a beacon waits for an idle card');
    if (opts.to !== undefined) {
      if (!ADDRESS.test(opts.to))
        return failed('never', 'DEVICE_ERROR', `${show(opts.to)} is not a card address`);
      return (await this.#enqueue(opts.to, frame, opts)).outcome;
    }
    if (this.#o.centreCard !== undefined)
      return (await this.#enqueue(this.#o.centreCard, frame, opts)).outcome;
    const broadcast = this.#card?.broadcast;
    if (broadcast !== undefined && (this.#o.broadcast ?? true) && !this.#broadcastRefused) {
      const r = await this.#enqueue(broadcast, frame, opts);
      if (r.verdict !== 'no-permission' || (this.#o.cards ?? []).length === 0) return r.outcome;
      this.#broadcastRefused = true;
      this.log.warn(
        { broadcast },
        'the card may not send to its broadcast address (权限不足); sending to each card instead',
      );
    }
    const cards = this.#o.cards ?? [];
    if (cards.length === 0)
      return failed(
        'never',
        'NO_SERVICE',
        'no card to send to: no `to`, no centre card, no broadcast address, no cards',
      );
    // One copy per card, an interval apart. Nothing is taken back meanwhile (takesBack): once a
    // copy has gone the frame is no longer untouched, and the rest refused BUSY would make the core
    // send it again from the first card.
    this.#fanOuts++;
    try {
      const results = await Promise.all(cards.map((card) => this.#enqueue(card, frame, opts)));
      return combined(results.map((r) => r.outcome));
    } finally {
      this.#fanOuts--;
    }
  }

  /** The module for this start: the given one, or a fresh one from the factory (the last released). */
  async #take(): Promise<BeidouModule> {
    if (typeof this.#o.module !== 'function') {
      this.#attach(this.#o.module);
      return this.#o.module;
    }
    await this.#release();
    this.#handle = await this.#o.module();
    this.#attach(this.#handle.module);
    return this.#handle.module;
  }

  async #release(): Promise<void> {
    this.#detach?.();
    this.#detach = undefined;
    const handle = this.#handle;
    this.#handle = undefined;
    if (handle) {
      await handle.module.close();
      await handle
        .close()
        .catch((err: unknown) => this.log.warn({ err }, 'the module’s port did not close cleanly'));
    } else if (this.closed) {
      await this.#module?.close();
    }
  }

  #attach(module: BeidouModule): void {
    if (this.#module === module && this.#detach) return;
    this.#detach?.();
    this.#module = module;
    const onMessage = (m: InboundMessage) => this.#inbound(m);
    const onBeam = (b: BeamStatus) => this.#onBeam(b);
    const onClosed = (err: Error | undefined) => {
      if (!this.closed) this.#down('port-closed', err?.message ?? 'the module’s stream ended');
    };
    module.on('message', onMessage);
    module.on('beam', onBeam);
    module.on('closed', onClosed);
    this.#detach = () => {
      module.off('message', onMessage);
      module.off('beam', onBeam);
      module.off('closed', onClosed);
    };
  }

  /** Takes the card read at start (card-check.ts); says what is wrong with it, if anything. */
  #takeCard(card: CardInfo): string | undefined {
    this.#card = card;
    const checked = checkCard(card, this.#o, this.#probedMtu);
    if ('problem' in checked) return checked.problem;
    this.setMtu(checked.mtu);
    const intervalMs = card.intervalS * 1000;
    if (this.#gate === undefined) this.#gate = new IntervalGate(this.#clock.now(), intervalMs, this.#o);
    else this.#gate.intervalMs = intervalMs;
    return undefined;
  }

  #onBeam(beam: BeamStatus): void {
    this.#beam = beam;
    if (beam.locked > 0) {
      this.#beamLostAt = undefined;
      this.#beamTimer?.cancel();
      const s = this.state;
      if (this.#ready && s.status === 'down' && s.reason === 'no-service') this.goUp({ beams: beam.locked });
      this.#pump();
      return;
    }
    if (this.#beamLostAt !== undefined || this.state.status !== 'up') return;
    this.#beamLostAt = this.#clock.now();
    const lossMs = this.#o.beamLossMs ?? 30_000;
    this.#beamTimer = this.#clock.after(lossMs, () => {
      if (this.#beamLostAt !== undefined && this.state.status === 'up')
        this.#down('no-service', `no beam locked for ${Math.round(lossMs / 1000)} s`);
    });
  }

  #inbound(m: InboundMessage): void {
    if (m.bytes.length === 0) return;
    const source = {
      carrier: 'beidou',
      protocol: this.#card?.protocol ?? 'unknown',
      encoding: m.encoding,
      ...(m.infoClass === undefined ? {} : { infoClass: m.infoClass }),
      ...(m.to === undefined ? {} : { to: m.to }),
      ...(m.sentAt === undefined ? {} : { sentAt: m.sentAt }),
    };
    this.received(m.bytes, { from: m.from, source });
  }

  /** Down: sends that wait are handed back (the store sends them again once it is up). */
  #down(reason: LinkDownReason, detail: string): void {
    this.#wake?.cancel();
    this.#beamTimer?.cancel();
    this.#beamLostAt = undefined;
    this.goDown(reason, detail);
    this.#queue.drain(failed('later', 'LINK_DOWN', detail));
  }

  #spacingMs(): number {
    if (this.#gate) return this.#gate.spacingMs;
    const interval = (this.#o.intervalS ?? 60) * 1000;
    return interval > 0 ? interval + (this.#o.marginMs ?? 1_000) : 0;
  }

  #enqueue(
    dest: string,
    bytes: Uint8Array,
    opts: SendOptions,
  ): Promise<{ outcome: SendOutcome; verdict?: string }> {
    return new Promise((resolve) => {
      let settled = false;
      const onAbort = () => {
        if (this.#queue.remove(item)) item.settle(failed('later', 'BUSY', 'aborted before it was sent'));
      };
      const item = this.#queue.add({
        dest,
        bytes,
        // Frames sent without a priority (beacons) go after everything the core ranked.
        priority: opts.priority ?? 3,
        settle: (outcome, verdict) => {
          if (settled) return;
          settled = true;
          opts.signal?.removeEventListener('abort', onAbort);
          resolve({ outcome, ...(verdict === undefined ? {} : { verdict }) });
        },
      });
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      this.#pump();
    });
  }

  /** Nothing is being sent or waits: a beacon would go at the card's next opening. */
  #idle(): boolean {
    return !this.#sending && this.#queue.peek() === undefined;
  }

  /** Sends the next message if the card may, or looks again when it may. */
  #pump(): void {
    if (this.#sending || this.closed || this.state.status !== 'up') return;
    const next = this.#queue.peek();
    const gate = this.#gate;
    const module = this.#module;
    if (next === undefined || gate === undefined || module === undefined) return;
    if (this.#beam !== undefined && this.#beam.locked === 0) return; // a beam report wakes it
    const now = this.#clock.now();
    const at = gate.openAt();
    if (now < at) {
      this.#wake?.cancel();
      this.#wake = this.#clock.after(at - now, () => this.#pump());
      return;
    }
    this.#queue.remove(next);
    this.#sending = true;
    this.#current = next;
    void this.#sendOne(module, gate, next).finally(() => {
      this.#sending = false;
      this.#current = undefined;
      this.#pump();
    });
  }

  async #sendOne(module: BeidouModule, gate: IntervalGate, item: QueuedSend): Promise<void> {
    let result: SendResult;
    try {
      result = await module.send(item.dest, item.bytes);
    } catch (err) {
      gate.sent(this.#clock.now()); // whether it went is unknown
      const detail = `the module’s stream ended during the send, whether it went is unknown (${err instanceof Error ? err.message : String(err)})`;
      item.settle(failed('later', 'LINK_DOWN', detail), 'closed');
      return;
    }
    const now = this.#clock.now();
    if (result.kind === 'frequency') {
      this.#bd.bdRefusedByFrequency++;
      gate.refused(now, result.secondsLeft);
      this.log.warn(
        { secondsLeft: result.secondsLeft, dest: item.dest },
        'the module refused a send inside the card’s interval; sending it again when it has passed',
      );
      if (this.state.status === 'up') this.#queue.putBack(item);
      else item.settle(failed('later', 'LINK_DOWN', 'the link went down'));
      return;
    }
    if (result.kind === 'sent') {
      gate.sent(now);
      if (result.intervalS !== undefined && result.intervalS * 1000 > gate.intervalMs)
        gate.intervalMs = result.intervalS * 1000;
      this.#bd.bdMessages++;
      this.#noResults = 0;
      this.#largestSent = Math.max(this.#largestSent, item.bytes.length);
      item.settle(outcomeOf(result, `${item.dest}#${this.#bd.bdMessages}`), result.kind);
      return;
    }
    this.#bd.bdFailures++;
    if (result.kind === 'no-result') {
      gate.sent(now);
      this.#noResults++;
    }
    if (result.kind === 'failed') this.#probe(item.bytes.length);
    item.settle(outcomeOf(result, ''), result.kind);
    const limit = this.#o.maxNoResults ?? 3;
    if (result.kind === 'no-result' && this.#noResults >= limit)
      this.#down('no-device', `the module answered none of the last ${limit} sends`);
    else if (result.kind === 'no-card')
      this.#down('config-mismatch', 'the module finds no card (未检测到IC模块)');
  }

  /**
   * A message refused without a reason, larger than any that went: the card may carry less than
   * its level's table says (docs/beidou.md §Message size). Halve the mtu, never below what went.
   */
  #probe(size: number): void {
    if (this.#o.messageBits !== undefined || size <= this.#largestSent || size <= MIN_BEIDOU_MTU) return;
    const lowered = Math.max(MIN_BEIDOU_MTU, this.#largestSent, Math.floor(size / 2));
    if (lowered >= this.mtu) return;
    this.#probedMtu = lowered;
    this.setMtu(lowered);
    this.log.warn(
      { refusedBytes: size, mtu: lowered },
      'the card refused a message without a reason; its mtu is lowered (set message_bits to fix it)',
    );
  }
}
