/**
 * The dispatcher of one link (docs/store-and-forward.md): takes what is due from the store's
 * outbox, highest priority first, never more than the link can take, sends it (fragmenting to the
 * MTU) and records each outcome in the store: the store is the retry mechanism. It runs when
 * something is enqueued, when the link comes up and when the next entry falls due.
 *
 * A link that declares `billing` or a minimum interval between sends (docs/links.md
 * §Capabilities) is sent to differently (docs/store-and-forward.md §Satellite): what is due waits
 * its hold and shares one packed frame (shared-message-plan.ts), one frame in flight per next hop,
 * never sooner after the last than the interval, checked against the link's budget
 * (billing-budget.ts) before it goes and counted when the link took it. From a link that TakesBack,
 * a frame in flight that the link has not yet begun to send is taken back (aborted) and packed
 * again when more must go now, so that what is due shares the link's next message instead of
 * waiting behind it.
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
import { addEvent, type MessageMeta } from '../store/records.js';
import { packBatches } from '../wire/batch.js';
import { fragmentFrame } from '../wire/fragment.js';
import { type BackoffOptions, backoffMs } from './backoff.js';
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
}

export interface DispatcherOptions {
  link: Link;
  store: MessageStore;
  retry: BackoffOptions;
  /** How long a message in custody elsewhere waits before it is sent again, ms (apply-receipt.ts). */
  receiptWaitMs: number;
  /**
   * When the link comes back, what already went out on it waits this long before it is sent
   * again, ms: the confirmations the peer held while the link was down come first.
   */
  upGraceMs: number;
  /** Unix ms. */
  now: () => number;
  random: () => number;
  log: Logger;
  /** Called for a message found expired at send time; the core records and reports it. */
  onExpired: (id: string) => Promise<void>;
  /** Called after each recorded outcome (for status and tests). */
  onOutcome?: (meta: MessageMeta) => void;
  /** Holds and budget, for a link that shares its messages (see the module comment). */
  sharing?: SharingOptions;
  /** Called for each budget alarm raised or cleared (it is logged too). */
  onBudgetAlarm?: (alarm: BudgetAlarm) => void;
}

/** Most due messages looked at for one shared frame. */
const SHARED_LOOK = 256;

/** Frames in flight when the link has no send window of its own. */
const DEFAULT_WINDOW = 4;
/** Most frames put in flight by one look at the outbox. */
const MAX_PER_PUMP = 32;
/** Most messages in flight on one link at once. */
const MAX_INFLIGHT = 64;
/** How long a link rests after a send group failed unexpectedly, ms. */
const FAILURE_PAUSE_MS = 5000;
/** How soon to look again when the link's send window is full, ms. */
const WINDOW_POLL_MS = 20;

export class Dispatcher {
  readonly #o: DispatcherOptions;
  readonly #inflight = new Set<string>();
  #timer: NodeJS.Timeout | undefined;
  #pumping = false;
  #again = false;
  #stopped = false;
  readonly #sending = new Set<Promise<void>>();
  /** Ids whose records cannot be read (STORE_CORRUPT): never picked again in this run. */
  readonly #poisoned = new Set<string>();
  #failedAt = 0;
  /** Ids held back once by linkUp() since they were last sent here. */
  readonly #deferred = new Set<string>();
  /** Until when repeats of what went out before the link came back up wait (linkUp()). */
  #graceUntil = 0;
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

  constructor(options: DispatcherOptions) {
    this.#o = options;
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
          await this.#lockedShared(true).catch((err) =>
            this.#o.log.error({ err, link: link.id }, 'could not offer riders'),
          );
        }),
      );
  }

  get linkId(): string {
    return this.#o.link.id;
  }

  /** Looks at the outbox soon. */
  kick(): void {
    if (this.#stopped) return;
    if (this.#pumping) {
      this.#again = true;
      return;
    }
    setImmediate(() => void this.#pump());
  }

  /**
   * The link came (back) up: send what waits, but give the peer `upGraceMs` to deliver the
   * confirmations it held before repeating what went out before the link went down (otherwise
   * every outage ends with a burst of copies of messages the peer already has). Once per send: a
   * link that keeps going down within the grace must not hold a message back forever. The hold is
   * decided when a message is picked to be sent, not by a scan here: anything else that wakes the
   * dispatcher at the same moment (a message arriving for this link) would otherwise race the scan
   * and send the repeats at once.
   */
  linkUp(): void {
    if (this.#stopped) return;
    this.#graceUntil = this.#o.now() + this.#o.upGraceMs;
    this.kick();
  }

  /** Whether a due message waits for the grace after the link came up (see linkUp()). */
  #heldForPeer(meta: MessageMeta, now: number): boolean {
    if (now >= this.#graceUntil || meta.expect !== 'confirmation' || this.#deferred.has(meta.id))
      return false;
    // Only what went out on this link: a send refused while it was down (LINK_DOWN) goes at once.
    return sendsOn(meta, this.#o.link.id) > 0;
  }

  /** Moves a message's next send on this link to the end of the grace, once per send. */
  #holdForPeer(id: string): Promise<void> {
    const { store, link } = this.#o;
    this.#deferred.add(id);
    // Ids ended by a receipt are never sent again here: keep the set bounded.
    if (this.#deferred.size > 4096) this.#deferred.delete(this.#deferred.values().next().value as string);
    return store.exclusive(async () => {
      const before = await store.getMeta(id);
      const due = before?.out[link.id];
      if (!before || due === undefined || due >= this.#graceUntil) return;
      const meta = structuredClone(before);
      meta.out[link.id] = this.#graceUntil;
      await store.save(meta, before, { sync: false });
    });
  }

  /** Stops sending and waits for the sends under way to be recorded. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    for (const stop of this.#unsubscribe.splice(0)) stop();
    await Promise.allSettled([...this.#sending]);
  }

  async #pump(): Promise<void> {
    if (this.#pumping || this.#stopped) return;
    this.#pumping = true;
    try {
      do {
        this.#again = false;
        await this.#pumpOnce();
      } while (this.#again && !this.#stopped);
    } catch (err) {
      this.#o.log.error({ err, link: this.linkId }, 'dispatcher failed; retrying in 5 s');
      this.#arm(this.#o.now() + 5000);
    } finally {
      this.#pumping = false;
    }
  }

  async #pumpOnce(): Promise<void> {
    const { link, store } = this.#o;
    if (link.state.status !== 'up') return; // the 'up' event kicks us again
    if (shares(link)) return this.#lockedShared(false);
    if (this.#inflight.size >= MAX_INFLIGHT) return; // each recorded outcome kicks us again
    // The link's own window, capped: due() re-reads the entries in flight, so a huge window
    // would make every pump read the whole outbox.
    const window = Math.min(
      MAX_PER_PUMP,
      hasSendWindow(link) ? link.sendWindow() : DEFAULT_WINDOW - this.#inflight.size,
    );
    if (window <= 0) {
      // The link's window reopens when frames leave the air; the contract has no event for
      // that, so look again shortly.
      this.#arm(this.#o.now() + WINDOW_POLL_MS);
      return;
    }
    const now = this.#o.now();
    const ids = (await store.due(link.id, now, window + this.#inflight.size)).filter(
      (id) => !this.#inflight.has(id),
    );
    if (this.#stopped) return; // stop() came while the outbox was read: nothing new goes out
    const batch = ids.slice(0, window);
    if (batch.length === 0) {
      const next = await store.nextDue(link.id);
      if (next !== undefined) this.#arm(next);
      return;
    }
    for (const id of batch) this.#inflight.add(id);
    const sending = this.#sendGroup(batch)
      .catch((err) => {
        // The entries stay in the outbox: they are due again after a restart or in a while.
        if (!this.#stopped) this.#o.log.error({ err, link: link.id }, 'sending failed; retrying in 5 s');
        this.#failedAt = this.#o.now();
      })
      .finally(() => {
        for (const id of batch) this.#inflight.delete(id);
        this.#sending.delete(sending);
        // After a failure, wait instead of spinning on the same error.
        if (this.#o.now() - this.#failedAt < FAILURE_PAUSE_MS) this.#arm(this.#failedAt + FAILURE_PAUSE_MS);
        else this.kick();
      });
    this.#sending.add(sending);
    this.#again = true;
  }

  #arm(at: number): void {
    clearTimeout(this.#timer);
    if (this.#stopped) return;
    this.#timer = setTimeout(() => this.kick(), Math.max(0, at - this.#o.now()) + 5);
    this.#timer.unref();
  }

  async #sendGroup(ids: string[]): Promise<void> {
    const { link, store } = this.#o;
    const items: Array<{
      id: string;
      frame: Uint8Array;
      priority: 0 | 1 | 2 | 3;
      awaitsReply: boolean;
      nextHop?: string;
    }> = [];
    for (const id of ids) {
      let meta: MessageMeta | undefined;
      let frame: Uint8Array | undefined;
      try {
        [meta, frame] = await Promise.all([store.getMeta(id), store.getFrame(id)]);
      } catch (err) {
        // A record that cannot be read must not stop the link: skip it from now on, say so once.
        this.#poisoned.add(id);
        this.#o.log.error(
          { err, msgId: id, link: link.id },
          'message record unreadable; skipped on this link',
        );
        continue;
      }
      if (!meta || !frame || meta.out[link.id] === undefined) continue;
      // A pump that read the outbox before another group's outcome was saved may pick a message
      // whose send was just recorded: no longer due, so not sent twice.
      if ((meta.out[link.id] as number) > this.#o.now()) continue;
      if (this.#o.now() > meta.expiresAt * 1000) {
        await this.#o.onExpired(id);
        continue;
      }
      if (this.#heldForPeer(meta, this.#o.now())) {
        await this.#holdForPeer(id);
        continue;
      }
      items.push({
        id,
        frame,
        priority: meta.priority,
        awaitsReply: awaitsReply(meta),
        ...(meta.nextHop[link.id] ? { nextHop: meta.nextHop[link.id] } : {}),
      });
    }
    const units = items.map((item) => ({
      ids: [item.id],
      frames: fragmentFrame(item.frame, link.mtu),
      priority: item.priority,
      awaitsReply: item.awaitsReply,
      ...(item.nextHop ? { to: item.nextHop } : {}),
    }));
    for (const unit of units) {
      // After stop(), the rest stays in the outbox, due again at the next start.
      if (this.#stopped) return;
      let outcome: SendOutcome = { ok: true };
      let bytes = 0;
      for (const frame of unit.frames) {
        outcome = await link.send(frame, {
          priority: unit.priority,
          ...(unit.awaitsReply ? { awaitsReply: true } : {}),
          ...(unit.to ? { to: unit.to } : {}),
        });
        if (!outcome.ok) break;
        bytes += frame.length;
      }
      for (const id of unit.ids) await this.#record(id, outcome, bytes / unit.ids.length, 0);
    }
  }

  /**
   * One look at the outbox of a billed link: per next hop, plans one shared frame of what is due
   * (shared-message-plan.ts) and sends it, or takes back the frame in flight to pack it again with
   * what must go now, or waits for the next hold to run out.
   */
  #lockedShared(anyway: boolean): Promise<void> {
    const run = this.#sharedLock.then(() => this.#pumpShared(anyway));
    this.#sharedLock = run.catch(() => {});
    return run;
  }

  async #pumpShared(anyway: boolean): Promise<void> {
    const { link, store } = this.#o;
    const { billing, minSendIntervalMs } = link.capabilities;
    const budget = this.#o.sharing?.budget;
    if (hasSendWindow(link) && link.sendWindow() <= 0) {
      this.#arm(this.#o.now() + WINDOW_POLL_MS);
      return;
    }
    let now = this.#o.now();
    if (budget) this.#budgetEvents(budget.check(now));
    // The whole outbox of the link (up to SHARED_LOOK): what is due now shares the next frame, and
    // the earliest of the rest says when to look again (a hold may keep due messages waiting).
    const ids = (await store.due(link.id, Number.MAX_SAFE_INTEGER, SHARED_LOOK)).filter(
      (id) => !this.#inflight.has(id) && !this.#poisoned.has(id),
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
      }));
      const plan = planSharedMessage({
        candidates,
        now,
        policy: { holdMs: this.#holdMs, maxBytes: link.mtu, billing },
        budget,
        anyway,
      });
      for (const c of plan.refused)
        await this.#record(c.id, {
          ok: false,
          retry: 'later',
          code: 'BUSY',
          detail: `budget: no units left (${budget?.usedToday(now)} used in the last 24 h)`,
        });
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
    if (wakeAt !== undefined) this.#arm(wakeAt);
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
      this.#poisoned.add(id);
      this.#o.log.error({ err, msgId: id, link: link.id }, 'message record unreadable; skipped on this link');
      return undefined;
    }
    const due = meta?.out[link.id];
    if (!meta || !frame || due === undefined || due > this.#o.now()) return undefined;
    if (this.#o.now() > meta.expiresAt * 1000) {
      await this.#o.onExpired(id);
      return undefined;
    }
    if (this.#heldForPeer(meta, this.#o.now())) {
      await this.#holdForPeer(id);
      return undefined;
    }
    return { meta, frame };
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
    for (const id of ids) this.#inflight.add(id);
    const frames = alone
      ? fragmentFrame((picked[0] as (typeof picked)[number]).frame, link.mtu)
      : [packShared(picked.map((p) => ({ frame: p.frame, priority: p.meta.priority })))];
    const priority = Math.min(...picked.map((p) => p.meta.priority)) as 0 | 1 | 2 | 3;
    const replies = picked.some((p) => awaitsReply(p.meta));
    const sending = (async () => {
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
        await this.#record(id, outcome, bytes / ids.length, units / ids.length);
      }
    })()
      .catch((err) => {
        if (!this.#stopped) this.#o.log.error({ err, link: link.id }, 'sending failed; retrying in 5 s');
        this.#failedAt = this.#o.now();
      })
      .finally(() => {
        this.#shared.delete(hop);
        for (const id of ids) this.#inflight.delete(id);
        this.#sending.delete(sending);
        if (this.#o.now() - this.#failedAt < FAILURE_PAUSE_MS) this.#arm(this.#failedAt + FAILURE_PAUSE_MS);
        else this.kick();
      });
    this.#sending.add(sending);
  }

  /** Logs budget alarms and hands them on. */
  #budgetEvents(crossings: readonly BudgetCrossing[]): void {
    for (const alarm of budgetAlarms(this.#o.link.id, crossings)) {
      if (alarm.active) this.#o.log.warn({ alarm }, 'billing budget alarm');
      else this.#o.log.info({ alarm }, 'billing budget alarm cleared');
      this.#o.onBudgetAlarm?.(alarm);
    }
  }

  /** Records one message's outcome on this link, unless a confirmation has meanwhile ended it. */
  #record(id: string, outcome: SendOutcome, bytes = 0, credits = 0): Promise<void> {
    const { store, link } = this.#o;
    const { billing, confirmationWaitMs } = link.capabilities;
    return store.exclusive(async () => {
      const before = await store.getMeta(id);
      if (!before || before.out[link.id] === undefined) return;
      const meta: MessageMeta = structuredClone(before);
      const now = this.#o.now();
      const attempt = meta.attempts[link.id] ?? 0;
      meta.attempts[link.id] = attempt + 1;
      this.#deferred.delete(id);
      // A billed network (Iridium) stores and forwards what it accepted: a message that wants no
      // receipt (a routine position) needs no word back over it, which would cost money too (an
      // MT message and a mailbox check: confirmations.ts, the other end's rule).
      const handedOver = outcome.ok && billing !== undefined && meta.confirmWith === 'custody';
      if (outcome.ok) {
        meta.txBytes += bytes;
        meta.credits += credits;
        if (meta.state === 'queued') meta.state = 'sent';
        addEvent(meta, { at: now, state: 'sent', link: link.id });
        // Refusals (BUSY, LINK_DOWN) count as attempts for the backoff, not as repeats.
        const repeatsLeft = (meta.repeats ?? 1) - sendsOn(meta, link.id);
        if ((meta.expect === 'confirmation' && !handedOver) || repeatsLeft > 0) {
          // Sent is not delivered: wait for custody or a receipt, and send again if none comes;
          // never before the medium could have brought one back.
          // A message in custody elsewhere was only asking its custodian how it ended.
          const wait = Math.max(confirmationWaitMs, meta.state === 'custody' ? this.#o.receiptWaitMs : 0);
          meta.out[link.id] = now + Math.max(wait, backoffMs(attempt, this.#o.retry, this.#o.random));
        } else {
          delete meta.out[link.id];
        }
      } else if (outcome.retry === 'later') {
        meta.out[link.id] = now + backoffMs(attempt, this.#o.retry, this.#o.random);
        if (attempt === 0)
          addEvent(meta, { at: now, state: meta.state, link: link.id, detail: outcome.code });
      } else {
        delete meta.out[link.id];
        addEvent(meta, { at: now, state: 'failed', link: link.id, detail: outcome.code });
        if (Object.keys(meta.out).length === 0 && (meta.state === 'queued' || meta.state === 'sent')) {
          meta.state = 'failed';
          this.#o.log.warn(
            { msgId: id, link: link.id, code: outcome.code },
            'message failed on its last link',
          );
        }
      }
      if (
        Object.keys(meta.out).length === 0 &&
        (meta.expect === 'none' || handedOver) &&
        meta.state !== 'failed'
      )
        meta.done = true;
      if (meta.state === 'failed') meta.done = true;
      await store.save(meta, before, { sync: false });
      this.#o.onOutcome?.(meta);
    });
  }
}

/**
 * How many times a message went out on a link. A refusal (BUSY, LINK_DOWN) is recorded with the
 * message's state, which is 'sent' once another link took it, and its code: it is not a send.
 */
function sendsOn(meta: MessageMeta, link: string): number {
  return meta.events.filter((e) => e.state === 'sent' && e.link === link && e.detail === undefined).length;
}

/**
 * Whether the dispatcher packs what is due on this link into shared frames: the link bills per
 * message, or may send only so often (docs/links.md §Capabilities).
 */
function shares(link: Link): boolean {
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

/** One frame for messages that share it: a single message bare, several in one batch container. */
export function packShared(items: ReadonlyArray<{ frame: Uint8Array; priority: 0 | 1 | 2 | 3 }>): Uint8Array {
  const first = items[0];
  if (first === undefined) throw new RangeError('packShared: no messages');
  if (items.length === 1) return first.frame;
  const { containers } = packBatches(items, Number.MAX_SAFE_INTEGER);
  if (containers.length !== 1) throw new Error('packShared: the messages did not fit one container');
  return containers[0] as Uint8Array;
}
