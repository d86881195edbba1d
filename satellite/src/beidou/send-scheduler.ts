/**
 * The BeiDou link's send scheduler (docs/beidou.md §The link's scheduler): it holds the messages
 * the link was given until the card may send (send-queue.ts, the most urgent first), never sends
 * inside the card's interval (interval-gate.ts), hands one message at a time to the module, and
 * settles each send with the module's answer (verdict-outcome.ts).
 *
 * The module's interval refusal (频率未到) is a safety net: the scheduler waits the seconds it gave
 * and sends the same message again, but only `maxIntervalRefusals` times in a row. A module that
 * goes on refusing (its clock, or the interval it keeps, is not the card's as read) gets the send
 * failed back to the core, BUSY, later, with the reason: the core's retry and backoff take over,
 * and the scheduler logs that once, until a message goes again.
 *
 * What the answers mean for the link (the mtu, the card, a module that answers nothing) is the
 * link's: every answer but an interval refusal is handed to it once the send is settled.
 */
import type { Logger } from '../../../node/src/base/logger.js';
import type { Clock, Timer } from '../../../node/src/link/clock.js';
import type { SendOptions, SendOutcome } from '../../../node/src/link/link.js';
import { failed } from '../../../node/src/link/link-base.js';
import { FRAGMENT_TYPE } from '../../../node/src/wire/fragment.js';
import type { BeidouModule, SendResult } from './beidou-module.js';
import { IntervalGate, type IntervalGateOptions } from './interval-gate.js';
import { type QueuedSend, SendQueue } from './send-queue.js';
import { outcomeOf } from './verdict-outcome.js';

export interface SendSchedulerOptions extends IntervalGateOptions {
  /**
   * Interval refusals in a row for one send before it is failed back to the core (BUSY, later).
   * Default 3.
   */
  maxIntervalRefusals?: number;
}

/** What the scheduler needs of its link. */
export interface SendSchedulerHost {
  readonly clock: Clock;
  readonly log: Logger;
  /** The module sends go to; undefined while there is none. */
  module(): BeidouModule | undefined;
  /** Whether a send may go now: the link is up and a beam locked (or the module reports none). */
  mayTransmit(): boolean;
  /** Whether the link is up: a send refused for the interval waits for its turn again only then. */
  isUp(): boolean;
  /** Every answer but an interval refusal, after its send was settled. */
  answered(item: QueuedSend, result: SendResult): void;
}

/** The scheduler's counters (beidou-link-types.ts BeidouLinkCounters). */
export interface SchedulerCounts {
  bdMessages: number;
  bdRefusedByFrequency: number;
  bdFailures: number;
}

/** Whether a send is of a fragment container (docs/wire-format.md §7). */
function isFragment(item: QueuedSend | undefined): boolean {
  return item?.bytes[0] === FRAGMENT_TYPE;
}

export class SendScheduler {
  readonly #host: SendSchedulerHost;
  readonly #o: SendSchedulerOptions;
  readonly #queue = new SendQueue();
  readonly counts: SchedulerCounts = { bdMessages: 0, bdRefusedByFrequency: 0, bdFailures: 0 };
  #gate: IntervalGate | undefined;
  #wake: Timer | undefined;
  /** The send under way, between its write and the module's answer. */
  #current: QueuedSend | undefined;
  /** Interval refusals of the send under way, in a row. */
  readonly #refusals = new WeakMap<QueuedSend, number>();
  /** A send was given up for interval refusals, and no message went since: said once. */
  #saidGivingUp = false;

  constructor(host: SendSchedulerHost, o: SendSchedulerOptions = {}) {
    const max = o.maxIntervalRefusals ?? 3;
    if (!(Number.isSafeInteger(max) && max >= 1))
      throw new RangeError(`maxIntervalRefusals must be ≥ 1, got ${max}`);
    this.#host = host;
    this.#o = o;
  }

  /** The gate, once a card was read. */
  get gate(): IntervalGate | undefined {
    return this.#gate;
  }

  /** The card's interval, read at a start (or again): the first makes the gate, later ones update it. */
  cardInterval(intervalMs: number): void {
    if (this.#gate === undefined) this.#gate = new IntervalGate(this.#host.clock.now(), intervalMs, this.#o);
    else this.#gate.intervalMs = intervalMs;
  }

  /** The least time between two sends, ms: the gate's, or `intervalS` and the margin before a card was read. */
  spacingMs(intervalS: number): number {
    if (this.#gate) return this.#gate.spacingMs;
    const interval = intervalS * 1000;
    return interval > 0 ? interval + (this.#o.marginMs ?? 1_000) : 0;
  }

  /** Whether it holds a fragment, waiting or being sent. */
  holdsFragment(): boolean {
    return isFragment(this.#current) || this.#queue.some(isFragment);
  }

  /**
   * Whether giving back the message that goes next is worth it to the core (docs/beidou.md §The
   * link's scheduler). The core counts its spacing from when it handed a frame over, so a frame
   * taken back and packed again goes a whole spacing after the first hand-over: the message that
   * waited is delayed by what it had already waited, while what came new gains what was left of the
   * wait. Worth it only while less than half the spacing has passed: a frame about to go is left
   * to go, and what came new takes the next opening.
   */
  worthTakingBack(): boolean {
    const head = this.#queue.peek();
    const gate = this.#gate;
    if (head === undefined || gate === undefined) return true;
    return gate.openAt() - head.queuedAt > gate.spacingMs / 2;
  }

  /** Nothing is being sent or waits: a send now would go at the card's next opening. */
  idle(): boolean {
    return this.#current === undefined && this.#queue.peek() === undefined;
  }

  /**
   * Queues one message to `dest` and resolves when it is settled: with the module's answer, BUSY
   * when its signal aborted before it was sent (given back untouched), or what drain() says.
   */
  enqueue(
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
        queuedAt: this.#host.clock.now(),
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
      this.pump();
    });
  }

  /** Settles everything waiting with `outcome` and stops the wake-up (the link went down or stopped). */
  drain(outcome: SendOutcome): void {
    this.#wake?.cancel();
    this.#queue.drain(outcome);
  }

  /** Sends the next message if the card may, or looks again when it may. */
  pump(): void {
    if (this.#current !== undefined || !this.#host.mayTransmit()) return;
    const next = this.#queue.peek();
    const gate = this.#gate;
    const module = this.#host.module();
    if (next === undefined || gate === undefined || module === undefined) return;
    const now = this.#host.clock.now();
    const at = gate.openAt();
    if (now < at) {
      this.#wake?.cancel();
      this.#wake = this.#host.clock.after(at - now, () => this.pump());
      return;
    }
    this.#queue.remove(next);
    this.#current = next;
    void this.#sendOne(module, gate, next).finally(() => {
      this.#current = undefined;
      this.pump();
    });
  }

  async #sendOne(module: BeidouModule, gate: IntervalGate, item: QueuedSend): Promise<void> {
    let result: SendResult;
    try {
      result = await module.send(item.dest, item.bytes);
    } catch (err) {
      gate.sent(this.#host.clock.now()); // whether it went is unknown
      const detail = `the module’s stream ended during the send, whether it went is unknown (${err instanceof Error ? err.message : String(err)})`;
      item.settle(failed('later', 'LINK_DOWN', detail), 'closed');
      return;
    }
    const now = this.#host.clock.now();
    if (result.kind === 'frequency') {
      this.#intervalRefusal(gate, item, now, result.secondsLeft);
      return;
    }
    if (result.kind === 'sent') {
      gate.sent(now);
      if (result.intervalS !== undefined && result.intervalS * 1000 > gate.intervalMs)
        gate.intervalMs = result.intervalS * 1000;
      this.counts.bdMessages++;
      this.#saidGivingUp = false;
      item.settle(outcomeOf(result, `${item.dest}#${this.counts.bdMessages}`), result.kind);
    } else {
      this.counts.bdFailures++;
      if (result.kind === 'no-result') gate.sent(now); // it may have gone
      item.settle(outcomeOf(result, ''), result.kind);
    }
    this.#host.answered(item, result);
  }

  /** The safety net: wait the seconds the module gave and send it again, a few times in a row at most. */
  #intervalRefusal(gate: IntervalGate, item: QueuedSend, now: number, secondsLeft: number): void {
    this.counts.bdRefusedByFrequency++;
    gate.refused(now, secondsLeft);
    const refusals = (this.#refusals.get(item) ?? 0) + 1;
    this.#refusals.set(item, refusals);
    const max = this.#o.maxIntervalRefusals ?? 3;
    this.#host.log.debug(
      { secondsLeft, dest: item.dest, refusals },
      'the module refused a send for the card’s interval',
    );
    if (!this.#host.isUp()) {
      item.settle(failed('later', 'LINK_DOWN', 'the link went down'));
      return;
    }
    if (refusals < max) {
      this.#queue.putBack(item);
      return;
    }
    const detail =
      `the module refused it ${refusals} times in a row for the card’s interval (频率未到), ` +
      'though the link kept the interval as read from the card';
    if (!this.#saidGivingUp)
      this.#host.log.warn(
        { refusals, secondsLeft, dest: item.dest },
        `${detail}; failing it back to be sent again later (the module’s clock or interval may differ from the card’s)`,
      );
    this.#saidGivingUp = true;
    item.settle(failed('later', 'BUSY', detail), 'frequency');
  }
}
