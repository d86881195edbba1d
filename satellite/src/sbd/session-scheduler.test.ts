/**
 * Tests for session-scheduler.ts: when a session goes and which MO it carries (docs/iridium.md §7.2
 * backoff, §7.3 no periodic empty mailbox checks). Which messages share an MO, the holds and the
 * budget are the core's (node/src/core/shared-message-plan.test.ts, billing-budget.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { type Priority, type SessionPlan, SessionScheduler } from './session-scheduler.js';

const MIN = 60_000;

const mo = (size: number) => new Uint8Array(size).fill(0x44);

function scheduler(extra: ConstructorParameters<typeof SessionScheduler>[0] = {}) {
  // The overdue-answer check and the silence bound have their own tests below; elsewhere they
  // would only add sessions.
  return new SessionScheduler({
    random: () => 0.5,
    replyGraceMs: Number.POSITIVE_INFINITY,
    maxSilenceMs: Number.POSITIVE_INFINITY,
    ...extra,
  });
}

const ok = { mtQueued: 0, mtReceived: false, mtTooLarge: false };

describe('SessionScheduler', () => {
  it('sends what it is given at once, one MO a session, most urgent first, and costs its credits', () => {
    const s = scheduler();
    const p2 = s.add(mo(20), 2, false, 0);
    const p1 = s.add(mo(60), 1, false, 0);
    const first = s.decide(0).session as SessionPlan;
    expect(first).toMatchObject({ mo: p1, reason: 'due', credits: 2, answerRing: false });
    s.succeeded(first, ok, 20_000);
    expect(s.pending).toEqual([p2]);
    expect(s.decide(20_000).session).toMatchObject({ mo: p2, credits: 1 });
  });

  it('answers a ring with SBDIXA, carrying what waits, and never checks the mailbox on its own', () => {
    const s = scheduler();
    expect(s.decide(0)).toEqual({ drop: [] }); // no periodic checks
    s.ring(MIN);
    const check = s.decide(MIN).session as SessionPlan;
    expect(check).toEqual({ reason: 'ring', answerRing: true, credits: 1 });
    const waiting = s.add(mo(20), 2, false, MIN);
    expect(s.decide(MIN).session).toMatchObject({ mo: waiting, answerRing: true });
    s.succeeded(s.decide(MIN).session as SessionPlan, ok, MIN);
    expect(s.decide(2 * MIN)).toEqual({ drop: [] });
  });

  it('keeps checking while the gateway holds more MT messages, but not for one that is too large', () => {
    const s = scheduler();
    s.ring(0);
    const first = s.decide(0).session as SessionPlan;
    s.succeeded(first, { ...ok, mtQueued: 2, mtReceived: true }, 0);
    expect(s.decide(0).session).toMatchObject({ reason: 'mt-queued', answerRing: false });
    s.succeeded(
      s.decide(0).session as SessionPlan,
      { ...ok, mtQueued: 1, mtTooLarge: true, mtReceived: true },
      0,
    );
    expect(s.decide(0).session).toBeUndefined();
  });

  it('checks the mailbox on an interval only while a warning is active, counted from the last session', () => {
    const s = scheduler({ warningCheckMs: 10 * MIN });
    expect(s.decide(0)).toEqual({ drop: [] });
    s.setWarningActive(true, 0);
    expect(s.decide(0).wakeAt).toBe(10 * MIN);
    s.add(mo(20), 0, false, 4 * MIN);
    s.succeeded(s.decide(4 * MIN).session as SessionPlan, ok, 4 * MIN);
    expect(s.decide(10 * MIN).session).toBeUndefined(); // the send checked the mailbox at 4 min
    expect(s.decide(14 * MIN).session).toEqual({ reason: 'warning', credits: 1, answerRing: false });
    s.setWarningActive(false, 14 * MIN);
    expect(s.decide(60 * MIN)).toEqual({ drop: [] });
  });

  it('backs off after failures, but lets a new P0 or a ring go 30 s after the last, and 36 waits 3 min', () => {
    const s = scheduler();
    const p1 = s.add(mo(20), 1, false, 0);
    expect(s.decide(0).session?.mo).toBe(p1);
    for (let i = 0; i < 4; i++) s.failed(30_000, 5 * MIN);
    // Fourth failure: 240 s (random 0.5 = no jitter).
    expect(s.decide(5 * MIN)).toMatchObject({ wakeAt: 5 * MIN + 240_000 });
    expect(s.pending).toEqual([p1]); // still pending: the same MO is retried
    const p0 = s.add(mo(20), 0, false, 5 * MIN + 1000);
    expect(s.decide(5 * MIN + 1000)).toMatchObject({ wakeAt: 5 * MIN + 30_000 });
    expect(s.decide(5 * MIN + 30_000).session?.mo).toBe(p0);
    s.failed(30_000, 5 * MIN + 50_000); // the P0 failed too: now it backs off (fifth failure, 480 s)
    expect(s.decide(5 * MIN + 80_000)).toMatchObject({ wakeAt: 5 * MIN + 50_000 + 480_000 });
    s.failed(180_000, 6 * MIN); // 36
    s.ring(6 * MIN + 1000);
    expect(s.decide(6 * MIN + 30_000).session).toBeUndefined();
    expect(s.decide(6 * MIN + 180_000).session).toMatchObject({ answerRing: true });
  });

  it('goes early when the modem reports service back after a failure', () => {
    const s = scheduler();
    s.add(mo(20), 2, false, 30 * MIN);
    for (let i = 0; i < 6; i++) s.failed(30_000, 40 * MIN);
    expect(s.decide(40 * MIN + 31_000).session).toBeUndefined();
    s.serviceBack();
    expect(s.decide(40 * MIN + 31_000).session).toBeDefined();
  });

  it('hands back an MO given longer than giveUpMs ago after failures, and never without one', () => {
    const s = scheduler({ giveUpMs: 20 * MIN });
    const m = s.add(mo(20), 1, false, 0);
    expect(s.decide(25 * MIN).drop).toEqual([]); // no failure: it goes
    s.failed(30_000, 5 * MIN);
    const d = s.decide(25 * MIN);
    expect(d.drop).toEqual([m]);
    expect(s.pending).toEqual([]);
  });

  it('forgets an MO released (its send aborted) and says so once', () => {
    const s = scheduler();
    const m = s.add(mo(20), 3, false, 0);
    expect(s.release(m.id)).toBe(true);
    expect(s.release(m.id)).toBe(false);
    expect(s.decide(0)).toEqual({ drop: [] });
  });
});

describe('SessionScheduler: an answer that does not come', () => {
  const holds = [60_000, 600_000, 1_800_000, 1_800_000] as const;
  const sendOne = (s: SessionScheduler, priority: Priority, at: number, awaitsReply = true) => {
    s.add(mo(30), priority, awaitsReply, at);
    const plan = s.decide(at).session as SessionPlan;
    expect(plan.reason).toBe('due');
    return plan;
  };

  it('checks the mailbox when the answer is overdue and nothing came down, twice at most', () => {
    const s = scheduler({ replyHoldMs: holds, replyGraceMs: 5 * MIN });
    s.succeeded(sendOne(s, 1, 0), ok, 0);
    // Due by the P1 receipt hold (10 min) plus the grace (5 min); nothing before.
    const waiting = s.decide(14 * MIN);
    expect(waiting.session).toBeUndefined();
    expect(waiting.wakeAt).toBe(15 * MIN);
    const check = s.decide(15 * MIN).session as SessionPlan;
    expect(check.reason).toBe('reply');
    expect(check.mo).toBeUndefined();
    // It came back empty: one more look two graces later, then the core's confirmation wait.
    s.succeeded(check, ok, 15 * MIN);
    expect(s.decide(24 * MIN).session).toBeUndefined();
    const again = s.decide(25 * MIN).session as SessionPlan;
    expect(again.reason).toBe('reply');
    s.succeeded(again, ok, 25 * MIN);
    expect(s.decide(24 * 60 * MIN).session).toBeUndefined();
  });

  it('counts from the priority the MO was sent with, and forgets it when an MT comes down', () => {
    const s = scheduler({ replyHoldMs: holds, replyGraceMs: 5 * MIN });
    s.succeeded(sendOne(s, 0, 0), ok, 0);
    expect(s.decide(0).wakeAt).toBe(6 * MIN); // P0: 1 min hold + 5 min grace
    // A later session brings an MT (the centre's receipt): nothing is overdue any more.
    s.succeeded(sendOne(s, 2, 2 * MIN), { ...ok, mtReceived: true }, 2 * MIN);
    // …but the frame it just sent awaits its own receipt: 30 min + 5 min from then.
    expect(s.decide(10 * MIN).session).toBeUndefined();
    expect(s.decide(10 * MIN).wakeAt).toBe(37 * MIN);
    expect((s.decide(37 * MIN).session as SessionPlan).reason).toBe('reply');
  });

  it('keeps waiting for the answer to an MO sent less than the shortest receipt hold before an MT', () => {
    const s = scheduler({ replyHoldMs: holds, replyGraceMs: 5 * MIN });
    s.succeeded(sendOne(s, 1, 0), ok, 0); // answer due by 15 min
    s.succeeded(sendOne(s, 1, 10 * MIN), ok, 10 * MIN); // answer due by 25 min
    // 30 s later an MT comes down: it answers the first MO, not (yet) the second.
    s.ring(10 * MIN + 30_000);
    s.succeeded(
      s.decide(10 * MIN + 30_000).session as SessionPlan,
      { ...ok, mtReceived: true },
      10 * MIN + 30_000,
    );
    expect(s.decide(20 * MIN).wakeAt).toBe(25 * MIN);
    expect((s.decide(25 * MIN).session as SessionPlan).reason).toBe('reply');
  });

  it('looks for nothing after an MO the core said awaits no answer, nor with an infinite grace', () => {
    const s = scheduler({ replyHoldMs: holds, replyGraceMs: 5 * MIN });
    s.succeeded(sendOne(s, 1, 0, false), ok, 0);
    expect(s.decide(24 * 60 * MIN)).toEqual({ drop: [] });
    const never = scheduler();
    never.succeeded(sendOne(never, 1, 0), ok, 0);
    expect(never.decide(24 * 60 * MIN).session).toBeUndefined();
  });
});

describe('SessionScheduler: the longest mailbox silence', () => {
  it('checks the mailbox when no session has for maxSilenceMs, counted from the last one', () => {
    const s = scheduler({ maxSilenceMs: 60 * MIN });
    // Nothing to send: the first check goes an hour after the link began deciding, not before.
    expect(s.decide(0)).toEqual({ drop: [], wakeAt: 60 * MIN });
    expect(s.decide(59 * MIN).session).toBeUndefined();
    const check = s.decide(60 * MIN).session as SessionPlan;
    expect(check).toEqual({ reason: 'silence', answerRing: false, credits: 1 });
    s.succeeded(check, ok, 60 * MIN);
    // An MO's session checks the mailbox too: the next silence counts from it.
    s.add(mo(30), 2, false, 90 * MIN);
    s.succeeded(s.decide(90 * MIN).session as SessionPlan, ok, 90 * MIN);
    expect(s.decide(100 * MIN).wakeAt).toBe(150 * MIN);
    expect(s.decide(149 * MIN).session).toBeUndefined();
    expect((s.decide(150 * MIN).session as SessionPlan).reason).toBe('silence');
  });

  it('backs off a failed silence check like any session, and never checks with Infinity', () => {
    const s = scheduler({ maxSilenceMs: 60 * MIN });
    s.decide(0);
    const check = s.decide(60 * MIN).session as SessionPlan;
    s.failed(30_000, 60 * MIN);
    const after = s.decide(60 * MIN);
    expect(after.session).toBeUndefined();
    expect(after.wakeAt).toBeGreaterThan(60 * MIN);
    expect((s.decide(after.wakeAt as number).session as SessionPlan).reason).toBe(check.reason);
    const never = scheduler();
    expect(never.decide(0)).toEqual({ drop: [] });
    expect(never.decide(7 * 24 * 60 * MIN)).toEqual({ drop: [] });
  });
});
