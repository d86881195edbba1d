/**
 * When the SBD link opens a session and what it carries (issue 5 item 3; protocols/iridium.md
 * §1.6, §2.4, §7.1–§7.3). Pure state on the injected clock's milliseconds: the link asks
 * {@link SessionScheduler.decide} what to do now and when to ask again, runs the session, and
 * reports how it went. No timers and no I/O here, so every rule is tested without a modem.
 *
 * Holds: P0 goes at once; P1, P2 and P3 wait up to their hold (defaults 5 min, 30 min, 2 h) so
 * that several messages share one MO message and its credits. A session goes when a hold runs out,
 * when the held frames fill an MO, when a ring alert says an MT message waits, when the last
 * session left MT messages queued at the gateway, or, while a warning is active, when no session
 * has checked the mailbox for `warningCheckMs`, or when the receipt for what went up is overdue
 * and nothing has come down since (its ring alert was missed: §1.3; two checks, then the core's
 * confirmation wait takes over). Never otherwise: an empty mailbox check costs a credit (§7.3),
 * and every session with an MO checks the mailbox anyway.
 *
 * Failures: a failed session backs off 30 s → 60 → … 10 min with jitter, at least the MO status's
 * own minimum (36: 180 s). A P0 frame or a ring alert that arrives during a long backoff does not
 * wait it out: it may go `initialMs` after the last failure (still never before the status's
 * minimum); once it has failed too, it backs off like the rest. Nor does the modem's report that
 * service is back (+CIEV:1,1) wait out a backoff. A frame due for longer than `giveUpMs` is
 * handed back to the caller (retry later): the store is the retry mechanism, and another link may
 * have come up meanwhile.
 */

import { SATELLITE_RECEIPT_HOLD_MS, SATELLITE_REPLY_GRACE_MS } from '../satellite-confirmations.js';
import type { BudgetCrossing, CreditBudget } from './credit-budget.js';
import { expectsAnswer, type Priority } from './mo-frames.js';
import { byUrgency, creditsFor, fillsMo, type HeldUnit, type MoPlan, planMo, sizeOf } from './mo-plan.js';
import { DEFAULT_SBD_BACKOFF, type SbdBackoffOptions, sbdBackoffMs } from './sbd-backoff.js';

export interface SessionSchedulerOptions {
  /** Largest MO message, bytes. Default 340 (9602/9603, §1.4). */
  mtu?: number;
  /** Bytes one credit buys. Default 50 (§2.4). */
  creditBytes?: number;
  /** Longest hold per priority P0..P3, ms. Default [0, 300_000, 1_800_000, 7_200_000]. */
  holdMs?: readonly [number, number, number, number];
  budget: CreditBudget;
  backoff?: SbdBackoffOptions;
  /** Mailbox-check interval while a warning is active, ms. Default 600_000 (10 min). */
  warningCheckMs?: number;
  /** A frame due this long without a successful session is handed back, ms. Default 1_800_000. */
  giveUpMs?: number;
  /**
   * When the centre's receipt for an MO is due, per the priority of its most urgent frame, and
   * how long after that to wait for it before checking the mailbox once, ms. Defaults
   * SATELLITE_RECEIPT_HOLD_MS and SATELLITE_REPLY_GRACE_MS (satellite-confirmations.ts); a reply
   * grace of Infinity never checks.
   */
  replyHoldMs?: readonly [number, number, number, number];
  replyGraceMs?: number;
  /** [0, 1) for the backoff jitter. Default Math.random. */
  random?: () => number;
}

export const DEFAULT_HOLD_MS: readonly [number, number, number, number] = [0, 300_000, 1_800_000, 7_200_000];

/** Mailbox checks for one overdue receipt at most. */
const REPLY_LOOKS = 2;

export type SessionReason = 'due' | 'full' | 'ring' | 'mt-queued' | 'warning' | 'reply';

export interface SessionPlan extends MoPlan {
  reason: SessionReason;
  /** Answer a ring alert: AT+SBDIXA instead of AT+SBDIX (§1.3). */
  answerRing: boolean;
}

export interface Decision {
  /** Run this session now, if any. */
  session?: SessionPlan;
  /** Units to hand back now: 'budget' (SBD_BUDGET) or 'give-up' (no session for `giveUpMs`). */
  drop: Array<{ unit: HeldUnit; reason: 'budget' | 'give-up' }>;
  /** When to decide again if nothing happens meanwhile (clock ms). */
  wakeAt?: number;
}

export class SessionScheduler {
  readonly mtu: number;
  readonly creditBytes: number;
  readonly holdMs: readonly [number, number, number, number];
  readonly budget: CreditBudget;
  readonly #backoff: Required<SbdBackoffOptions>;
  readonly #warningCheckMs: number;
  readonly #giveUpMs: number;
  readonly #replyHoldMs: readonly [number, number, number, number];
  readonly #replyGraceMs: number;
  readonly #random: () => number;
  /** Clock ms by which an MT (the receipt of what went up) should have come; nothing since. */
  #replyBy: number | undefined;
  /** Mailbox checks made for the overdue receipt so far. */
  #replyLooks = 0;
  #units: HeldUnit[] = [];
  #nextId = 1;
  #ring = false;
  /** Clock ms of the last ring alert. */
  #ringAt = 0;
  #followUp = false;
  #warningSince: number | undefined;
  /** Clock ms of the last successful session (every session checks the mailbox). */
  #lastCheck: number | undefined;
  #failures = 0;
  #lastFailureAt = 0;
  #retryAt = 0;
  /** The MO status's own minimum wait: nothing goes before it. */
  #floorAt = 0;

  constructor(options: SessionSchedulerOptions) {
    this.mtu = options.mtu ?? 340;
    this.creditBytes = options.creditBytes ?? 50;
    this.holdMs = options.holdMs ?? DEFAULT_HOLD_MS;
    if (this.holdMs.length !== 4 || this.holdMs.some((h) => !(h >= 0)))
      throw new RangeError('holdMs must be four non-negative durations, P0..P3');
    this.budget = options.budget;
    this.#backoff = { ...DEFAULT_SBD_BACKOFF, ...options.backoff };
    this.#warningCheckMs = options.warningCheckMs ?? 600_000;
    this.#giveUpMs = options.giveUpMs ?? 1_800_000;
    this.#replyHoldMs = options.replyHoldMs ?? SATELLITE_RECEIPT_HOLD_MS;
    this.#replyGraceMs = options.replyGraceMs ?? SATELLITE_REPLY_GRACE_MS;
    this.#random = options.random ?? Math.random;
  }

  /** Holds a send()'s entries; returns the unit (its id names it in plans and drops). */
  hold(entries: readonly Uint8Array[], opaque: boolean, priority: Priority, now: number): HeldUnit {
    const unit: HeldUnit = {
      id: this.#nextId++,
      entries,
      opaque,
      priority,
      arrivedAt: now,
      dueAt: now + this.holdMs[priority],
    };
    this.#units.push(unit);
    return unit;
  }

  /** Forgets a unit (its send was aborted, or the link is stopping). */
  release(id: number): boolean {
    const before = this.#units.length;
    this.#units = this.#units.filter((u) => u.id !== id);
    return this.#units.length !== before;
  }

  get held(): readonly HeldUnit[] {
    return this.#units;
  }

  /** An SBDRING arrived: the next session answers it. */
  ring(now: number): void {
    this.#ring = true;
    this.#ringAt = now;
  }

  /** +CIEV:1,1 after a failure: the sky is back, so do not wait out a long backoff. */
  serviceBack(): void {
    if (this.#failures > 0) this.#retryAt = Math.min(this.#retryAt, this.#urgentAt());
  }

  /** While a warning is active, the mailbox is checked every `warningCheckMs` if nothing else did. */
  setWarningActive(active: boolean, now: number): void {
    if (active && this.#warningSince === undefined) this.#warningSince = now;
    if (!active) this.#warningSince = undefined;
  }

  get warningActive(): boolean {
    return this.#warningSince !== undefined;
  }

  /** Consecutive failed sessions since the last success. */
  get failures(): number {
    return this.#failures;
  }

  decide(now: number): Decision {
    const drop: Decision['drop'] = [];
    // Give up on what has been due too long (only ever after failures: otherwise it went).
    for (const u of this.#units) {
      if (this.#failures > 0 && now - u.dueAt >= this.#giveUpMs) drop.push({ unit: u, reason: 'give-up' });
    }
    for (const { unit } of drop) this.release(unit.id);

    const due = this.#units.filter((u) => u.dueAt <= now);
    const full = fillsMo(this.#units, this.mtu);
    const warningAt = this.#warningAt();
    const mailbox: SessionReason | undefined = this.#ring
      ? 'ring'
      : this.#followUp
        ? 'mt-queued'
        : warningAt !== undefined && warningAt <= now
          ? 'warning'
          : this.#replyBy !== undefined && this.#replyBy <= now
            ? 'reply'
            : undefined;
    const reason: SessionReason | undefined = due.length > 0 ? 'due' : full ? 'full' : mailbox;
    // Only what has not been tried since the last failure cuts the backoff short: a P0 that keeps
    // failing backs off like anything else.
    const urgent =
      (this.#ring && this.#ringAt > this.#lastFailureAt) ||
      due.some((u) => u.priority === 0 && u.arrivedAt > this.#lastFailureAt);
    const startAt =
      this.#failures === 0 ? now : urgent ? Math.min(this.#retryAt, this.#urgentAt()) : this.#retryAt;

    if (reason === undefined || startAt > now) {
      const times = [
        ...this.#units.map((u) => u.dueAt).filter((t) => t > now),
        ...(warningAt !== undefined && warningAt > now ? [warningAt] : []),
        ...(this.#replyBy !== undefined && this.#replyBy > now ? [this.#replyBy] : []),
        ...(reason !== undefined ? [startAt] : []),
        // A later P0 or ring may go sooner than the backoff; decide() is asked again on those.
      ];
      const wakeAt = times.length > 0 ? Math.min(...times) : undefined;
      return { drop, ...(wakeAt !== undefined ? { wakeAt } : {}) };
    }

    const plan = planMo({
      units: this.#units,
      now,
      mtu: this.mtu,
      creditBytes: this.creditBytes,
      takeAll: due.length === 0 && full,
    });
    const kept = this.#withinBudget(plan, mailbox !== undefined, now);
    if (kept === undefined && mailbox !== undefined) {
      // Not even a mailbox check is allowed (p0OverBudget off and nothing left): forget the
      // request rather than ask again at once; a new ring or warning interval raises it again.
      this.#ring = false;
      this.#followUp = false;
      this.#replyBy = undefined;
      if (this.#warningSince !== undefined) this.#lastCheck = now;
    }
    // Refused are the due units the budget took out (what did not fit the MO waits for the next).
    for (const unit of due)
      if (plan.units.includes(unit) && !kept?.units.includes(unit)) drop.push({ unit, reason: 'budget' });
    for (const { unit } of drop) this.release(unit.id);
    if (kept === undefined || (kept.units.length === 0 && mailbox === undefined)) {
      return { drop, ...this.#nextWake(now) };
    }
    return {
      drop,
      session: {
        ...kept,
        reason: kept.units.length > 0 ? reason : (mailbox ?? reason),
        answerRing: this.#ring,
      },
    };
  }

  /**
   * The session succeeded (MO status 0–4): its units are delivered; `mtQueued` and whether an MT
   * came decide whether to check again. Returns the budget thresholds this crossed.
   */
  succeeded(
    plan: SessionPlan,
    result: { mtQueued: number; mtReceived: boolean; mtTooLarge: boolean; mtCredits: number },
    now: number,
  ): BudgetCrossing[] {
    for (const u of plan.units) this.release(u.id);
    this.#failures = 0;
    this.#retryAt = 0;
    this.#floorAt = 0;
    this.#ring = false;
    this.#lastCheck = now;
    // Loop while the gateway holds more, but not on an MT too big to ever arrive (each check
    // would cost a credit and bring nothing), nor when a check came back empty.
    this.#followUp = result.mtQueued > 0 && result.mtReceived && !result.mtTooLarge;
    // Something came down: the centre has answered what went before (it sends a gateway's
    // receipts together). A session that looked for an overdue receipt in vain looks once more,
    // two graces later (the receipt may have been held longer, or its MO pushed late); after
    // that the core's confirmation wait takes over.
    if (result.mtReceived) {
      this.#replyBy = undefined;
      this.#replyLooks = 0;
    } else if (this.#replyBy !== undefined && this.#replyBy <= now) {
      this.#replyLooks += 1;
      this.#replyBy = this.#replyLooks < REPLY_LOOKS ? now + 2 * this.#replyGraceMs : undefined;
      if (this.#replyBy === undefined) this.#replyLooks = 0;
    }
    // Only what the centre answers: not receipts, not messages that want none.
    const sent = plan.units.filter((u) => !u.opaque && u.entries.some(expectsAnswer));
    if (sent.length > 0 && Number.isFinite(this.#replyGraceMs)) {
      const top = Math.min(...sent.map((u) => u.priority)) as Priority;
      const by = now + this.#replyHoldMs[top] + this.#replyGraceMs;
      if (this.#replyBy === undefined) this.#replyLooks = 0;
      this.#replyBy = Math.min(this.#replyBy ?? by, by);
    }
    return this.budget.spend(plan.credits + result.mtCredits, now);
  }

  /** An MT arrived outside a counted session (none today) or MT credits: spend them. */
  spend(credits: number, now: number): BudgetCrossing[] {
    return this.budget.spend(credits, now);
  }

  /**
   * The session failed, or never started (the MO could not be written): back off. `taken` units
   * are no longer held (their outcome is unknown and the caller reports it); the rest stay.
   */
  failed(minBackoffMs: number, now: number, taken: readonly HeldUnit[] = []): void {
    for (const u of taken) this.release(u.id);
    this.#failures += 1;
    this.#lastFailureAt = now;
    this.#floorAt = now + minBackoffMs;
    this.#retryAt = now + sbdBackoffMs(this.#failures, minBackoffMs, this.#backoff, this.#random);
  }

  /** When a P0 or a ring may go after a failure: `initialMs` after it, never before the floor. */
  #urgentAt(): number {
    return Math.max(this.#floorAt, this.#lastFailureAt + this.#backoff.initialMs);
  }

  #warningAt(): number | undefined {
    if (this.#warningSince === undefined) return undefined;
    return Math.max(this.#warningSince, this.#lastCheck ?? this.#warningSince) + this.#warningCheckMs;
  }

  #nextWake(now: number): { wakeAt?: number } {
    const times = this.#units.map((u) => u.dueAt).filter((t) => t > now);
    const w = this.#warningAt();
    if (w !== undefined && w > now) times.push(w);
    if (this.#replyBy !== undefined && this.#replyBy > now) times.push(this.#replyBy);
    return times.length > 0 ? { wakeAt: Math.min(...times) } : {};
  }

  /**
   * Keeps the plan within the budget, or undefined when no session may go. P0 units go whatever is
   * left if `p0OverBudget`, and so do mailbox checks (what waits may be a warning); other units
   * ride along while the credits stay within what the P0 part pays anyway plus what is left.
   * Units not yet due that do not fit stay held; the caller refuses the due ones.
   */
  #withinBudget(plan: MoPlan, mailbox: boolean, now: number): MoPlan | undefined {
    const { budget, creditBytes } = this;
    const top = Math.min(mailbox ? 0 : 3, ...plan.units.map((u) => u.priority)) as Priority;
    if (budget.allows(plan.credits, top, now)) return plan;
    const free = budget.p0OverBudget;
    const keep = free ? plan.units.filter((u) => u.priority === 0) : [];
    const paid = keep.length > 0 ? creditsFor(sizeOf(keep), creditBytes) : free && mailbox ? 1 : 0;
    const allowed = paid + budget.remaining(now);
    for (const u of plan.units) {
      if (keep.includes(u)) continue;
      if (creditsFor(sizeOf([...keep, u]), creditBytes) <= allowed) keep.push(u);
    }
    keep.sort(byUrgency);
    if (keep.length === 0) return mailbox && allowed >= 1 ? { units: [], bytes: 0, credits: 1 } : undefined;
    const bytes = sizeOf(keep);
    return { units: keep, bytes, credits: creditsFor(bytes, creditBytes) };
  }
}
