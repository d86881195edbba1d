/**
 * When the SBD link opens a session and what it carries (docs/iridium.md §1.3, §1.6, §2.4,
 * §7.1–§7.3; docs/store-and-forward.md §Satellite). Pure state on the injected clock's
 * milliseconds: the link asks {@link SessionScheduler.decide} what to do now and when to ask
 * again, runs the session, and reports how it went. No timers and no I/O here, so every rule is
 * tested without a modem.
 *
 * Each send() is one MO message, given as opaque bytes: which messages share it, how long they
 * waited for that and what the budget allows is the core's (node/src/core/shared-message-plan.ts,
 * billing-budget.ts). The link sends what it is given at once, most urgent first (by the
 * priority the core gave, then arrival), one MO per session. A session also goes when a ring alert
 * says an MT message waits, when the last session left MT messages queued at the gateway, or,
 * while a warning is active, when no session has checked the mailbox for `warningCheckMs`, or when
 * the answer to what went up is overdue and nothing has come down since (its ring alert was
 * missed: §1.3; two checks, then the core's confirmation wait takes over), or when no session has
 * checked the mailbox for `maxSilenceMs` (a warning whose ring alert was missed waits no longer
 * than that at the gateway, even at a kit with nothing to send). Never otherwise: an empty
 * mailbox check costs a credit (§7.3), and every session with an MO checks the mailbox anyway.
 *
 * Failures: a failed session backs off 30 s → 60 → … 10 min with jitter, at least the MO status's
 * own minimum (36: 180 s). A P0 frame or a ring alert that arrives during a long backoff does not
 * wait it out: it may go `initialMs` after the last failure (still never before the status's
 * minimum); once it has failed too, it backs off like the rest. Nor does the modem's report that
 * service is back (+CIEV:1,1) wait out a backoff. A frame given longer than `giveUpMs` ago with no
 * successful session is handed back to the caller (retry later): the store is the retry
 * mechanism, and another link may have come up meanwhile.
 */

import { iridiumCredits } from '../iridium-limits.js';
import {
  SATELLITE_MAX_MAILBOX_SILENCE_MS,
  SATELLITE_RECEIPT_HOLD_MS,
  SATELLITE_REPLY_GRACE_MS,
} from '../satellite-confirmations.js';
import { DEFAULT_SBD_BACKOFF, type SbdBackoffOptions, sbdBackoffMs } from './sbd-backoff.js';

export type Priority = 0 | 1 | 2 | 3;

export interface SessionSchedulerOptions {
  backoff?: SbdBackoffOptions;
  /** Mailbox-check interval while a warning is active, ms. Default 600_000 (10 min). */
  warningCheckMs?: number;
  /** A frame given this long ago without a successful session is handed back, ms. Default 1_800_000. */
  giveUpMs?: number;
  /**
   * When the centre's answer to an MO is due, per the priority the MO was given with, and how long
   * after that to wait for it before checking the mailbox once, ms. Defaults
   * SATELLITE_RECEIPT_HOLD_MS and SATELLITE_REPLY_GRACE_MS (satellite-confirmations.ts); a reply
   * grace of Infinity never checks.
   */
  replyHoldMs?: readonly [number, number, number, number];
  replyGraceMs?: number;
  /**
   * The longest the mailbox goes unchecked, ms: with nothing else to do, a check goes when no
   * session has checked it for this long (counted from the first decide()). Default
   * SATELLITE_MAX_MAILBOX_SILENCE_MS (satellite-confirmations.ts); Infinity never checks for it.
   */
  maxSilenceMs?: number;
  /** [0, 1) for the backoff jitter. Default Math.random. */
  random?: () => number;
}

/** Mailbox checks for one overdue answer at most. */
const REPLY_LOOKS = 2;

/** One send(): one MO message, as given. */
export interface PendingMo {
  readonly id: number;
  readonly bytes: Uint8Array;
  readonly priority: Priority;
  /** The core said the other end will answer it (SendOptions.awaitsReply). */
  readonly awaitsReply: boolean;
  /** Clock ms when send() was called. */
  readonly arrivedAt: number;
}

export type SessionReason = 'due' | 'ring' | 'mt-queued' | 'warning' | 'reply' | 'silence';

export interface SessionPlan {
  /** The MO to send, or none: a mailbox check. */
  mo?: PendingMo;
  /** Credits the MO direction costs if the session succeeds (a mailbox check: one). */
  credits: number;
  reason: SessionReason;
  /** Answer a ring alert: AT+SBDIXA instead of AT+SBDIX (§1.3). */
  answerRing: boolean;
}

export interface Decision {
  /** Run this session now, if any. */
  session?: SessionPlan;
  /** MOs to hand back now: no successful session for `giveUpMs`. */
  drop: PendingMo[];
  /** When to decide again if nothing happens meanwhile (clock ms). */
  wakeAt?: number;
}

/** Most urgent first, then the oldest, then send() order. */
const byUrgency = (a: PendingMo, b: PendingMo): number =>
  a.priority - b.priority || a.arrivedAt - b.arrivedAt || a.id - b.id;

export class SessionScheduler {
  readonly #backoff: Required<SbdBackoffOptions>;
  readonly #warningCheckMs: number;
  readonly #giveUpMs: number;
  readonly #replyHoldMs: readonly [number, number, number, number];
  readonly #replyGraceMs: number;
  readonly #maxSilenceMs: number;
  readonly #random: () => number;
  /** Clock ms of the first decide(): the silence counts from it until a session checks. */
  #firstDecide: number | undefined;
  /**
   * The answers awaited, one per MO sent with `awaitsReply`: when it went, by when its answer
   * should have come (clock ms), and the mailbox checks made for it so far.
   */
  #replies: Array<{ sentAt: number; by: number; looks: number }> = [];
  #pending: PendingMo[] = [];
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

  constructor(options: SessionSchedulerOptions = {}) {
    this.#backoff = { ...DEFAULT_SBD_BACKOFF, ...options.backoff };
    this.#warningCheckMs = options.warningCheckMs ?? 600_000;
    this.#giveUpMs = options.giveUpMs ?? 1_800_000;
    this.#replyHoldMs = options.replyHoldMs ?? SATELLITE_RECEIPT_HOLD_MS;
    this.#replyGraceMs = options.replyGraceMs ?? SATELLITE_REPLY_GRACE_MS;
    this.#maxSilenceMs = options.maxSilenceMs ?? SATELLITE_MAX_MAILBOX_SILENCE_MS;
    this.#random = options.random ?? Math.random;
  }

  /** Takes a send()'s MO; returns it (its id names it in plans and drops). */
  add(bytes: Uint8Array, priority: Priority, awaitsReply: boolean, now: number): PendingMo {
    const mo: PendingMo = { id: this.#nextId++, bytes, priority, awaitsReply, arrivedAt: now };
    this.#pending.push(mo);
    return mo;
  }

  /** Forgets an MO (its send was aborted, or the link is stopping). */
  release(id: number): boolean {
    const before = this.#pending.length;
    this.#pending = this.#pending.filter((m) => m.id !== id);
    return this.#pending.length !== before;
  }

  get pending(): readonly PendingMo[] {
    return this.#pending;
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
    // Give up on what has waited too long (only ever after failures: otherwise it went).
    const drop = this.#pending.filter((m) => this.#failures > 0 && now - m.arrivedAt >= this.#giveUpMs);
    for (const m of drop) this.release(m.id);

    this.#firstDecide ??= now;
    const next = [...this.#pending].sort(byUrgency)[0];
    const warningAt = this.#warningAt();
    const replyBy = this.#replyBy();
    const silentUntil = this.#silentUntil();
    const mailbox: SessionReason | undefined = this.#ring
      ? 'ring'
      : this.#followUp
        ? 'mt-queued'
        : warningAt !== undefined && warningAt <= now
          ? 'warning'
          : replyBy !== undefined && replyBy <= now
            ? 'reply'
            : silentUntil <= now
              ? 'silence'
              : undefined;
    const reason: SessionReason | undefined = next !== undefined ? 'due' : mailbox;
    // Only what has not been tried since the last failure cuts the backoff short: a P0 that keeps
    // failing backs off like anything else.
    const urgent =
      (this.#ring && this.#ringAt > this.#lastFailureAt) ||
      this.#pending.some((m) => m.priority === 0 && m.arrivedAt > this.#lastFailureAt);
    const startAt =
      this.#failures === 0 ? now : urgent ? Math.min(this.#retryAt, this.#urgentAt()) : this.#retryAt;

    if (reason === undefined || startAt > now) {
      const times = [
        ...(warningAt !== undefined && warningAt > now ? [warningAt] : []),
        ...(replyBy !== undefined && replyBy > now ? [replyBy] : []),
        ...(Number.isFinite(silentUntil) && silentUntil > now ? [silentUntil] : []),
        ...(reason !== undefined ? [startAt] : []),
        // A later P0 or ring may go sooner than the backoff; decide() is asked again on those.
      ];
      const wakeAt = times.length > 0 ? Math.min(...times) : undefined;
      return { drop, ...(wakeAt !== undefined ? { wakeAt } : {}) };
    }
    return {
      drop,
      session: {
        ...(next !== undefined ? { mo: next } : {}),
        credits: iridiumCredits(next?.bytes.length ?? 0),
        reason,
        answerRing: this.#ring,
      },
    };
  }

  /**
   * The session succeeded (MO status 0–4): its MO is delivered; `mtQueued` and whether an MT came
   * decide whether to check again.
   */
  succeeded(
    plan: SessionPlan,
    result: { mtQueued: number; mtReceived: boolean; mtTooLarge: boolean },
    now: number,
  ): void {
    if (plan.mo) this.release(plan.mo.id);
    this.#failures = 0;
    this.#retryAt = 0;
    this.#floorAt = 0;
    this.#ring = false;
    this.#lastCheck = now;
    // Loop while the gateway holds more, but not on an MT too big to ever arrive (each check
    // would cost a credit and bring nothing), nor when a check came back empty.
    this.#followUp = result.mtQueued > 0 && result.mtReceived && !result.mtTooLarge;
    // Something came down: the centre has answered what went before it (it sends all it holds
    // for a gateway in one receipt), but not an MO sent less than the shortest receipt hold, or
    // the reply grace, ago: that MO most likely reached the centre after the receipt left. A session that looked for an overdue answer
    // in vain looks once more, two graces later (the receipt may have been held longer, or its MO
    // pushed late); after that the core's confirmation wait takes over.
    if (result.mtReceived) {
      const answeredBefore = now - Math.min(...this.#replyHoldMs, this.#replyGraceMs);
      this.#replies = this.#replies.filter((r) => r.sentAt > answeredBefore);
    } else {
      for (const r of this.#replies) {
        if (r.by > now) continue;
        r.looks += 1;
        r.by = r.looks < REPLY_LOOKS ? now + 2 * this.#replyGraceMs : Number.NaN;
      }
      this.#replies = this.#replies.filter((r) => !Number.isNaN(r.by));
    }
    // Only what the core said the centre answers: not receipts, not messages that want none.
    if (plan.mo?.awaitsReply && Number.isFinite(this.#replyGraceMs)) {
      const by = now + this.#replyHoldMs[plan.mo.priority] + this.#replyGraceMs;
      this.#replies.push({ sentAt: now, by, looks: 0 });
    }
  }

  /**
   * The session failed, or never started (the MO could not be written): back off. A `taken` MO is
   * no longer pending (its outcome is unknown and the caller reports it); the rest stay.
   */
  failed(minBackoffMs: number, now: number, taken?: PendingMo): void {
    if (taken) this.release(taken.id);
    this.#failures += 1;
    this.#lastFailureAt = now;
    this.#floorAt = now + minBackoffMs;
    this.#retryAt = now + sbdBackoffMs(this.#failures, minBackoffMs, this.#backoff, this.#random);
  }

  /** When a P0 or a ring may go after a failure: `initialMs` after it, never before the floor. */
  #urgentAt(): number {
    return Math.max(this.#floorAt, this.#lastFailureAt + this.#backoff.initialMs);
  }

  /** When the first awaited answer is overdue, if any is awaited. */
  #replyBy(): number | undefined {
    return this.#replies.length > 0 ? Math.min(...this.#replies.map((r) => r.by)) : undefined;
  }

  /** When the mailbox has gone unchecked for the longest allowed. */
  #silentUntil(): number {
    return (this.#lastCheck ?? this.#firstDecide ?? 0) + this.#maxSilenceMs;
  }

  #warningAt(): number | undefined {
    if (this.#warningSince === undefined) return undefined;
    return Math.max(this.#warningSince, this.#lastCheck ?? this.#warningSince) + this.#warningCheckMs;
  }
}
