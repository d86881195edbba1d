/**
 * The shared path of a link's dispatcher (docs/store-and-forward.md §Satellite): how a link that
 * declares `billing` or a minimum interval between sends (docs/links.md §Capabilities) is sent to.
 * What is due waits its hold and shares one packed frame (shared-message-plan.ts), one frame in
 * flight per next hop, never sooner after the last than the interval, checked against the link's
 * budget (billing-budget.ts) before it goes and counted when the link took it. From a link that
 * TakesBack, a frame in flight that the link has not yet begun to send is taken back (aborted) and
 * packed again when more must go now, so that what is due shares the link's next message instead of
 * waiting behind it.
 *
 * The dispatcher (dispatcher.ts) owns it and lends it what both paths share through
 * SharedSenderHost: the in-flight set, the link-up grace, recording an outcome, arming its timer.
 * This module imports nothing of the dispatcher's, so the two cannot form an import cycle.
 */
import type { Logger } from '../base/logger.js';
import {
  hasExtraBilling,
  hasSendOpportunities,
  hasSendWindow,
  type Link,
  type SendOutcome,
  takesBack,
} from '../link/link.js';
import type { MessageStore } from '../store/message-store.js';
import type { MessageMeta } from '../store/records.js';
import { packBatches } from '../wire/batch.js';
import { fragmentFrame } from '../wire/fragment.js';
import { packSharedFields } from '../wire/shared-batch.js';
import { type Billing, billedUnits } from './billing.js';
import { type BillingBudget, type BudgetAlarm, type BudgetCrossing, budgetAlarms } from './billing-budget.js';
import { checkHolds, NO_HOLDS, planSharedMessage, type ShareCandidate } from './shared-message-plan.js';

/**
 * How a link that shares its messages (it declares `billing` or a minimum send interval) does it
 * (docs/store-and-forward.md §Satellite):
 * per-link configuration, given to the core by the composition root.
 */
export interface SharingOptions {
  /** Longest hold per priority P0..P3, ms. Default none (NO_HOLDS): what is due goes at once. */
  holdMs?: readonly [number, number, number, number];
  /** Units allowed per rolling day and per incident; absent: no limit (what is spent is not kept). */
  budget?: BillingBudget;
  /**
   * The other end reads shared-field batches (docs/wire-format.md §8.1): several messages go in
   * one when it is shorter. Default false: an older node keeps such a frame unread.
   */
  sharedFields?: boolean;
}

/** What the shared path reads of its dispatcher's options (DispatcherOptions extends it). */
export interface SharedSenderOptions {
  link: Link;
  store: MessageStore;
  /** Unix ms. */
  now: () => number;
  log: Logger;
  /** Called for a message found expired at send time; the core records and reports it. */
  onExpired: (id: string) => Promise<void>;
  /** Holds and budget, for a link that shares its messages (see the module comment). */
  sharing?: SharingOptions;
  /** Called for each budget alarm raised or cleared (it is logged too). */
  onBudgetAlarm?: (alarm: BudgetAlarm) => void;
}

/**
 * What the shared path borrows from the dispatcher that owns it: the state and steps both paths
 * share, so that a link whose capabilities change between looks is still sent to consistently.
 */
export interface SharedSenderHost {
  /** Ids in flight on the link, by either path: never picked again until their send ends. */
  readonly inflight: ReadonlySet<string>;
  /** Ids whose records cannot be read (STORE_CORRUPT): never picked again in this run. */
  readonly poisoned: Set<string>;
  /** Whether a due message waits for the grace after the link came up (Dispatcher.linkUp()). */
  heldForPeer(meta: MessageMeta, now: number): boolean;
  /** Moves a message's next send on the link to the end of that grace, once per send. */
  holdForPeer(id: string): Promise<void>;
  /** Records one message's outcome on the link, unless a confirmation has meanwhile ended it. */
  record(id: string, outcome: SendOutcome, bytes: number, credits: number): Promise<void>;
  /**
   * Puts a send of these ids in flight and, once it ended (`settled` first), looks at the outbox
   * again, or rests a while if it failed.
   */
  launch(ids: readonly string[], send: () => Promise<void>, settled: () => void): void;
  /** Looks at the outbox again at `at`, unix ms. */
  arm(at: number): void;
}

/** Most due messages looked at for one shared frame. */
const SHARED_LOOK = 256;
/** How soon to look again when the link's send window is full, ms. */
export const WINDOW_POLL_MS = 20;

export class SharedSender {
  readonly #o: SharedSenderOptions;
  readonly #host: SharedSenderHost;
  #stopped = false;
  readonly #holdMs: readonly [number, number, number, number];
  /** When each message first became due on this (billed) link: its hold counts from then. */
  readonly #firstDue = new Map<string, number>();
  /** The shared frame in flight per next hop ('' for none), and how to take it back. */
  readonly #shared = new Map<string, { ids: string[]; abort: AbortController }>();
  readonly #unsubscribe: Array<() => void> = [];
  /** One look at a sharing link's outbox at a time (a send opportunity may come during a pump). */
  #sharedLock: Promise<void> = Promise.resolve();
  /** When the last shared frame was handed to the link (for `minSendIntervalMs`). */
  #lastSharedAt = Number.NEGATIVE_INFINITY;

  constructor(options: SharedSenderOptions, host: SharedSenderHost) {
    this.#o = options;
    this.#host = host;
    this.#holdMs = options.sharing?.holdMs ?? NO_HOLDS;
    checkHolds(this.#holdMs);
    const budget = options.sharing?.budget;
    const { link } = options;
    // What a billed link spends besides our frames (mailbox checks, what it receives) counts too.
    if (budget && hasExtraBilling(link))
      this.#unsubscribe.push(
        link.onExtraUnits((units) => this.#budgetEvents(budget.spend(units, this.#o.now()))),
      );
    // A billed link about to send a message of its own: what waits may ride in it.
    if (hasSendOpportunities(link))
      this.#unsubscribe.push(
        link.onSendOpportunity(async () => {
          if (this.#stopped || !shares(link) || link.state.status !== 'up') return;
          await this.pump(true).catch((err) =>
            this.#o.log.error({ err, link: link.id }, 'could not offer riders'),
          );
        }),
      );
  }

  /** Nothing new goes out after this; the dispatcher waits for the sends under way. */
  stop(): void {
    this.#stopped = true;
    for (const stop of this.#unsubscribe.splice(0)) stop();
  }

  /**
   * One look at the outbox of a billed link: per next hop, plans one shared frame of what is due
   * (shared-message-plan.ts) and sends it, or takes back the frame in flight to pack it again with
   * what must go now, or waits for the next hold to run out.
   */
  pump(anyway: boolean): Promise<void> {
    const run = this.#sharedLock.then(() => this.#pumpShared(anyway));
    this.#sharedLock = run.catch(() => {});
    return run;
  }

  async #pumpShared(anyway: boolean): Promise<void> {
    const { link, store } = this.#o;
    const { billing, minSendIntervalMs } = link.capabilities;
    const budget = this.#o.sharing?.budget;
    if (hasSendWindow(link) && link.sendWindow() <= 0) {
      this.#host.arm(this.#o.now() + WINDOW_POLL_MS);
      return;
    }
    let now = this.#o.now();
    if (budget) this.#budgetEvents(budget.check(now));
    // The whole outbox of the link (up to SHARED_LOOK): what is due now shares the next frame, and
    // the earliest of the rest says when to look again (a hold may keep due messages waiting).
    const ids = (await store.due(link.id, Number.MAX_SAFE_INTEGER, SHARED_LOOK)).filter(
      (id) => !this.#host.inflight.has(id) && !this.#host.poisoned.has(id),
    );
    if (this.#stopped) return;
    const byHop = new Map<string, Array<{ meta: MessageMeta; frame: Uint8Array }>>();
    let wakeAt: number | undefined;
    for (const id of ids) {
      const found = await this.#readDue(id);
      if (found === undefined) continue;
      if ('later' in found) {
        wakeAt = Math.min(wakeAt ?? found.later, found.later);
        continue;
      }
      const hop = found.meta.nextHop[link.id] ?? '';
      byHop.set(hop, [...(byHop.get(hop) ?? []), found]);
    }
    if (ids.length === SHARED_LOOK) {
      // More than we looked at: the store knows the earliest due time of them all.
      const next = await store.nextDue(link.id);
      if (next !== undefined && next > this.#o.now()) wakeAt = Math.min(wakeAt ?? next, next);
    }
    now = this.#o.now();
    // A card that may send once a minute: what is due waits for the interval, and shares.
    const nextSendAt = this.#lastSharedAt + minSendIntervalMs;
    for (const [hop, group] of byHop) {
      const candidates: ShareCandidate[] = group.map(({ meta, frame }) => ({
        id: meta.id,
        bytes: frame.length,
        priority: meta.priority,
        holdStart: this.#holdStart(meta, now),
        frame,
      }));
      const plan = planSharedMessage({
        candidates,
        now,
        policy: {
          holdMs: this.#holdMs,
          maxBytes: link.mtu,
          billing,
          ...(this.#o.sharing?.sharedFields ? { sharedFields: true } : {}),
        },
        budget,
        anyway,
      });
      for (const c of plan.refused) {
        await this.#host.record(
          c.id,
          {
            ok: false,
            retry: 'later',
            code: 'BUSY',
            detail: `budget: no units left (${budget?.usedToday(now)} used in the last 24 h)`,
          },
          0,
          0,
        );
        // Nothing else wakes this link for it: look again when its backoff ends.
        const later = await this.#dueAt(c.id);
        if (later !== undefined) wakeAt = Math.min(wakeAt ?? later, later);
      }
      if (plan.wakeAt !== undefined) wakeAt = Math.min(wakeAt ?? plan.wakeAt, plan.wakeAt);
      const chosen = plan.alone ? [plan.alone] : plan.send;
      if (chosen.length === 0) continue;
      const inFlight = this.#shared.get(hop);
      if (inFlight) {
        // What must go now shares the link's next message: take back the frame that waits (a link
        // that TakesBack refuses only once it has begun to send it), and pack everything again when
        // it is back. From any other link, wait for the frame in flight to end.
        if (takesBack(link)) inFlight.abort.abort();
        continue;
      }
      if (minSendIntervalMs > 0 && now < nextSendAt) {
        wakeAt = Math.min(wakeAt ?? nextSendAt, nextSendAt);
        continue;
      }
      const picked = chosen.map((c) => group.find((g) => g.meta.id === c.id) as (typeof group)[number]);
      this.#startShared(hop, picked, billing, plan.alone !== undefined);
    }
    if (wakeAt !== undefined) this.#host.arm(wakeAt);
  }

  /**
   * Reads one message of a billed link's outbox: due now (with its frame), due `later` (unix ms),
   * or undefined if it is not to be sent.
   */
  async #readDue(
    id: string,
  ): Promise<{ meta: MessageMeta; frame: Uint8Array } | { later: number } | undefined> {
    const { link, store } = this.#o;
    let meta: MessageMeta | undefined;
    let frame: Uint8Array | undefined;
    try {
      meta = await store.getMeta(id);
      const due = meta?.out[link.id];
      if (due !== undefined && due > this.#o.now()) return { later: due };
      frame = await store.getFrame(id);
    } catch (err) {
      this.#host.poisoned.add(id);
      this.#o.log.error({ err, msgId: id, link: link.id }, 'message record unreadable; skipped on this link');
      return undefined;
    }
    const due = meta?.out[link.id];
    if (!meta || !frame || due === undefined || due > this.#o.now()) return undefined;
    if (this.#o.now() > meta.expiresAt * 1000) {
      await this.#o.onExpired(id);
      return undefined;
    }
    if (this.#host.heldForPeer(meta, this.#o.now())) {
      await this.#host.holdForPeer(id);
      // Held until the grace after the link came back ends: look again then.
      const later = await this.#dueAt(id);
      return later === undefined ? undefined : { later };
    }
    return { meta, frame };
  }

  /** When a message is due on this link now that its record changed, if it still is. */
  async #dueAt(id: string): Promise<number | undefined> {
    try {
      return (await this.#o.store.getMeta(id))?.out[this.#o.link.id];
    } catch {
      return undefined; // unreadable: the next look marks it poisoned
    }
  }

  /**
   * When a message's hold on this link started: when it first became due here. Once it was sent
   * or refused here its hold is over for good: a backoff or a repeat does not wait it again.
   */
  #holdStart(meta: MessageMeta, now: number): number {
    if ((meta.attempts[this.#o.link.id] ?? 0) > 0) return Number.NEGATIVE_INFINITY;
    let first = this.#firstDue.get(meta.id);
    if (first === undefined) {
      first = Math.min(now, meta.out[this.#o.link.id] ?? now);
      this.#firstDue.set(meta.id, first);
      // Ids ended by a receipt are never seen again here: keep the map bounded.
      if (this.#firstDue.size > 4096) this.#firstDue.delete(this.#firstDue.keys().next().value as string);
    }
    return first;
  }

  /** Sends one shared frame (or one message too large for a frame, in fragments) and records it. */
  #startShared(
    hop: string,
    picked: Array<{ meta: MessageMeta; frame: Uint8Array }>,
    billing: Billing | undefined,
    alone: boolean,
  ): void {
    const { link } = this.#o;
    this.#lastSharedAt = this.#o.now();
    const ids = picked.map((p) => p.meta.id);
    const abort = new AbortController();
    this.#shared.set(hop, { ids, abort });
    const frames = alone
      ? fragmentFrame((picked[0] as (typeof picked)[number]).frame, link.mtu)
      : [
          packShared(
            picked.map((p) => ({ frame: p.frame, priority: p.meta.priority })),
            { sharedFields: this.#o.sharing?.sharedFields === true },
          ),
        ];
    const priority = Math.min(...picked.map((p) => p.meta.priority)) as 0 | 1 | 2 | 3;
    const replies = picked.some((p) => awaitsReply(p.meta));
    const send = async () => {
      let outcome: SendOutcome = { ok: true };
      let bytes = 0;
      let units = 0;
      for (const frame of frames) {
        if (this.#stopped) return;
        outcome = await link.send(frame, {
          priority,
          ...(takesBack(link) ? { signal: abort.signal } : {}),
          ...(replies ? { awaitsReply: true } : {}),
          ...(hop === '' ? {} : { to: hop }),
        });
        if (!outcome.ok) break;
        bytes += frame.length;
        if (billing) units += billedUnits(frame.length, billing);
      }
      // Taken back before the link began to send it: packed again at once, nothing to record.
      if (!outcome.ok && outcome.code === 'BUSY' && abort.signal.aborted && bytes === 0) return;
      const budget = this.#o.sharing?.budget;
      if (budget && units > 0) this.#budgetEvents(budget.spend(units, this.#o.now()));
      for (const id of ids) {
        this.#firstDue.delete(id);
        await this.#host.record(id, outcome, bytes / ids.length, units / ids.length);
      }
    };
    this.#host.launch(ids, send, () => this.#shared.delete(hop));
  }

  /** Logs budget alarms and hands them on. */
  #budgetEvents(crossings: readonly BudgetCrossing[]): void {
    for (const alarm of budgetAlarms(this.#o.link.id, crossings)) {
      if (alarm.active) this.#o.log.warn({ alarm }, 'billing budget alarm');
      else this.#o.log.info({ alarm }, 'billing budget alarm cleared');
      this.#o.onBudgetAlarm?.(alarm);
    }
  }
}

/**
 * Whether the dispatcher packs what is due on this link into shared frames: the link bills per
 * message, or may send only so often (docs/links.md §Capabilities).
 */
export function shares(link: Link): boolean {
  const { billing, minSendIntervalMs } = link.capabilities;
  return billing !== undefined || minSendIntervalMs > 0;
}

/**
 * Whether the other end will answer this message over the link (SendOptions.awaitsReply): it waits
 * for a confirmation, and the destination's receipt at that (a message flagged noReceipt earns
 * custody only, which nobody sends back over a billed link; receipts and broadcasts want nothing).
 */
export function awaitsReply(meta: MessageMeta): boolean {
  return meta.expect === 'confirmation' && meta.confirmWith === 'receipt';
}

/**
 * One frame for messages that share it: a single message bare, several in one batch container,
 * or, where the other end reads it (`sharedFields`), in a shared-field batch
 * (docs/wire-format.md §8.1) when that is shorter.
 */
export function packShared(
  items: ReadonlyArray<{ frame: Uint8Array; priority: 0 | 1 | 2 | 3 }>,
  options: { sharedFields?: boolean } = {},
): Uint8Array {
  const first = items[0];
  if (first === undefined) throw new RangeError('packShared: no messages');
  if (items.length === 1) return first.frame;
  const { containers } = packBatches(items, Number.MAX_SAFE_INTEGER);
  if (containers.length !== 1) throw new Error('packShared: the messages did not fit one container');
  const plain = containers[0] as Uint8Array;
  if (!options.sharedFields) return plain;
  const shared = packSharedFields(items.map((i) => i.frame));
  return shared.length < plain.length ? shared : plain;
}
