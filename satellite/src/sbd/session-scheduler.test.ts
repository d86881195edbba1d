/**
 * Tests for session-scheduler.ts: when a session goes and what it carries (issue 5 item 3;
 * protocols/iridium.md §7.2 backoff, §7.3 no periodic empty mailbox checks).
 */
import { describe, expect, it } from 'vitest';
import { CreditBudget, type CreditBudgetOptions } from './credit-budget.js';
import type { Priority } from './mo-frames.js';
import { type SessionPlan, SessionScheduler } from './session-scheduler.js';

const MIN = 60_000;

function message(size: number, priority: Priority): Uint8Array {
  const f = new Uint8Array(size).fill(0x44);
  f[0] = 0x50 | (priority << 2);
  return f;
}

function scheduler(
  budget: CreditBudgetOptions = {},
  extra: Partial<ConstructorParameters<typeof SessionScheduler>[0]> = {},
) {
  // The overdue-receipt check has its own tests below; elsewhere it would only add sessions.
  return new SessionScheduler({
    budget: new CreditBudget(budget),
    random: () => 0.5,
    replyGraceMs: Number.POSITIVE_INFINITY,
    ...extra,
  });
}

const ok = { mtQueued: 0, mtReceived: false, mtTooLarge: false, mtCredits: 0 };

describe('SessionScheduler', () => {
  it('sends P0 at once, and holds P1/P2/P3 for 5 min / 30 min / 2 h by default', () => {
    const s = scheduler();
    s.hold([message(20, 1)], false, 1, 0);
    s.hold([message(20, 2)], false, 2, 0);
    s.hold([message(20, 3)], false, 3, 0);
    const held = s.decide(0);
    expect(held.session).toBeUndefined();
    expect(held.wakeAt).toBe(5 * MIN);
    s.hold([message(30, 0)], false, 0, 1000);
    const p0 = s.decide(1000).session as SessionPlan;
    expect(p0.reason).toBe('due');
    // The held three ride along with the P0: 30 + 3 × 20 + 5 bytes of container, two credits.
    expect(p0.units.map((u) => u.priority)).toEqual([0, 1, 2, 3]);
    expect(p0.credits).toBe(2);
  });

  it('takes along what else is held while the MO fits, leaving the rest held', () => {
    const s = scheduler();
    s.hold([message(200, 1)], false, 1, 0);
    s.hold([message(200, 2)], false, 2, 0);
    s.hold([message(100, 3)], false, 3, 0);
    s.hold([message(40, 0)], false, 0, 10);
    const plan = s.decide(10).session as SessionPlan;
    expect(plan.units.map((u) => u.priority)).toEqual([0, 1]); // 243 bytes; +100 or +200 passes 340
    expect(plan.credits).toBe(5);
    s.succeeded(plan, ok, 20);
    expect(s.held.map((u) => u.priority)).toEqual([2, 3]);
    expect(s.decide(20)).toMatchObject({ wakeAt: 30 * MIN });
  });

  it('goes before any hold runs out once the held frames fill an MO', () => {
    const s = scheduler();
    for (let i = 0; i < 3; i++) s.hold([message(100, 2)], false, 2, 0);
    expect(s.decide(0).session).toBeUndefined();
    s.hold([message(100, 3)], false, 3, 0); // 4 × 100 > 340
    const plan = s.decide(0).session as SessionPlan;
    expect(plan.reason).toBe('full');
    expect(plan.units.map((u) => u.priority)).toEqual([2, 2, 2]);
    expect(plan.bytes).toBeLessThanOrEqual(340);
  });

  it('answers a ring with SBDIXA, filling the one credit it costs, and never checks the mailbox on its own', () => {
    const s = scheduler();
    s.hold([message(20, 2)], false, 2, 0);
    expect(s.decide(0).wakeAt).toBe(30 * MIN); // no periodic checks: only the hold
    s.ring(MIN);
    const plan = s.decide(MIN).session as SessionPlan;
    expect(plan).toMatchObject({ reason: 'ring', answerRing: true, credits: 1 });
    expect(plan.units).toHaveLength(1);
    s.succeeded(plan, ok, MIN);
    s.ring(2 * MIN);
    expect(s.decide(2 * MIN).session).toMatchObject({
      reason: 'ring',
      units: [],
      bytes: 0,
      credits: 1,
      answerRing: true,
    });
  });

  it('keeps checking while the gateway holds more MT messages, but not for one that is too large', () => {
    const s = scheduler();
    s.ring(0);
    const first = s.decide(0).session as SessionPlan;
    s.succeeded(first, { ...ok, mtQueued: 2, mtReceived: true, mtCredits: 1 }, 0);
    expect(s.decide(0).session).toMatchObject({ reason: 'mt-queued', answerRing: false });
    s.succeeded(
      s.decide(0).session as SessionPlan,
      { ...ok, mtQueued: 1, mtTooLarge: true, mtReceived: true },
      0,
    );
    expect(s.decide(0).session).toBeUndefined();
    expect(s.budget.usedToday(0)).toBe(3); // 1 + 1 MT + 1
  });

  it('checks the mailbox on an interval only while a warning is active, counted from the last session', () => {
    const s = scheduler({}, { warningCheckMs: 10 * MIN });
    expect(s.decide(0)).toEqual({ drop: [] });
    s.setWarningActive(true, 0);
    expect(s.decide(0).wakeAt).toBe(10 * MIN);
    s.hold([message(20, 0)], false, 0, 4 * MIN);
    s.succeeded(s.decide(4 * MIN).session as SessionPlan, ok, 4 * MIN);
    expect(s.decide(10 * MIN).session).toBeUndefined(); // the send checked the mailbox at 4 min
    expect(s.decide(14 * MIN).session).toMatchObject({ reason: 'warning', units: [], answerRing: false });
    s.setWarningActive(false, 14 * MIN);
    expect(s.decide(60 * MIN)).toEqual({ drop: [] });
  });

  it('backs off after failures, but lets a P0 or a ring go 30 s after the last, and 36 waits 3 min', () => {
    const s = scheduler();
    s.hold([message(20, 1)], false, 1, 0);
    const plan = s.decide(5 * MIN).session as SessionPlan;
    for (let i = 0; i < 4; i++) s.failed(30_000, 5 * MIN);
    // Fourth failure: 240 s (random 0.5 = no jitter).
    expect(s.decide(5 * MIN)).toMatchObject({ wakeAt: 5 * MIN + 240_000 });
    expect(s.held).toEqual(plan.units); // still held: the same MO is retried
    s.hold([message(20, 0)], false, 0, 5 * MIN + 1000);
    expect(s.decide(5 * MIN + 1000)).toMatchObject({ wakeAt: 5 * MIN + 30_000 });
    expect(s.decide(5 * MIN + 30_000).session?.units.map((u) => u.priority)).toEqual([0, 1]);
    s.failed(30_000, 5 * MIN + 50_000); // the P0 failed too: now it backs off (fifth failure, 480 s)
    expect(s.decide(5 * MIN + 80_000)).toMatchObject({ wakeAt: 5 * MIN + 50_000 + 480_000 });
    s.failed(180_000, 6 * MIN); // 36
    s.ring(6 * MIN + 1000);
    expect(s.decide(6 * MIN + 30_000).session).toBeUndefined();
    expect(s.decide(6 * MIN + 180_000).session).toMatchObject({ answerRing: true });
  });

  it('goes early when the modem reports service back after a failure', () => {
    const s = scheduler();
    s.hold([message(20, 2)], false, 2, 0);
    for (let i = 0; i < 6; i++) s.failed(30_000, 40 * MIN);
    expect(s.decide(40 * MIN + 31_000).session).toBeUndefined();
    s.serviceBack();
    expect(s.decide(40 * MIN + 31_000).session).toBeDefined();
  });

  it('hands back a frame due for longer than giveUpMs after failures', () => {
    const s = scheduler({}, { giveUpMs: 20 * MIN });
    const u = s.hold([message(20, 1)], false, 1, 0);
    s.failed(30_000, 5 * MIN);
    const d = s.decide(25 * MIN);
    expect(d.drop).toEqual([{ unit: u, reason: 'give-up' }]);
    expect(s.held).toEqual([]);
  });

  it('keeps to the budget: P0 goes over it, P1 due is refused, and riders stay within what P0 pays', () => {
    const s = scheduler({ perDay: 3 });
    s.hold([message(20, 1)], false, 1, 0);
    s.succeeded(s.decide(5 * MIN).session as SessionPlan, ok, 5 * MIN);
    s.budget.spend(2, 5 * MIN); // 3 of 3 used
    const p1 = s.hold([message(20, 1)], false, 1, 6 * MIN);
    s.hold([message(20, 2)], false, 2, 6 * MIN);
    const refused = s.decide(11 * MIN);
    expect(refused.session).toBeUndefined();
    expect(refused.drop).toEqual([{ unit: p1, reason: 'budget' }]);
    s.hold([message(25, 0)], false, 0, 12 * MIN);
    const plan = s.decide(12 * MIN).session as SessionPlan;
    // P0 (25 bytes) pays one credit; the P2 (20 bytes) fits in it: no credit beyond what P0 pays.
    expect(plan.units.map((u) => u.priority)).toEqual([0, 2]);
    expect(plan.credits).toBe(1);
  });

  it('keeps due frames that did not fit this MO for the next one, refusing nothing without a budget', () => {
    const s = scheduler();
    const a = s.hold([Uint8Array.of(0x0a, 1)], true, 0, 0);
    const b = s.hold([Uint8Array.of(0x0b, 2)], true, 0, 0);
    const first = s.decide(0);
    expect(first.drop).toEqual([]);
    expect(first.session?.units).toEqual([a]); // opaque frames go alone
    s.succeeded(first.session as SessionPlan, ok, 1);
    expect(s.decide(1).session?.units).toEqual([b]);
  });

  it('does not let a check go over budget when P0 may not either', () => {
    const s = scheduler({ perDay: 1, p0OverBudget: false });
    s.budget.spend(1, 0);
    s.ring(0);
    expect(s.decide(0).session).toBeUndefined();
    expect(s.decide(1).session).toBeUndefined(); // the ring request was dropped, not retried in a loop
  });
});

describe('SessionScheduler: a receipt that does not come', () => {
  const holds = [60_000, 600_000, 1_800_000, 1_800_000] as const;
  const sendOne = (s: SessionScheduler, priority: Priority, at: number) => {
    s.hold([message(30, priority)], false, priority, at);
    const plan = s.decide(at).session as SessionPlan;
    expect(plan.reason).toBe('due');
    return plan;
  };

  it('checks the mailbox when the receipt is overdue and nothing came down, twice at most', () => {
    const s = scheduler({}, { replyHoldMs: holds, replyGraceMs: 5 * MIN, holdMs: [0, 0, 0, 0] });
    s.succeeded(sendOne(s, 1, 0), ok, 0);
    // Due by the P1 receipt hold (10 min) plus the grace (5 min); nothing before.
    const waiting = s.decide(14 * MIN);
    expect(waiting.session).toBeUndefined();
    expect(waiting.wakeAt).toBe(15 * MIN);
    const check = s.decide(15 * MIN).session as SessionPlan;
    expect(check.reason).toBe('reply');
    expect(check.units).toHaveLength(0);
    // It came back empty: one more look two graces later, then the core's confirmation wait.
    s.succeeded(check, ok, 15 * MIN);
    expect(s.decide(24 * MIN).session).toBeUndefined();
    const again = s.decide(25 * MIN).session as SessionPlan;
    expect(again.reason).toBe('reply');
    s.succeeded(again, ok, 25 * MIN);
    expect(s.decide(24 * 60 * MIN).session).toBeUndefined();
  });

  it('counts from the most urgent frame of the MO, and forgets it when an MT comes down', () => {
    const s = scheduler({}, { replyHoldMs: holds, replyGraceMs: 5 * MIN, holdMs: [0, 0, 0, 0] });
    s.succeeded(sendOne(s, 0, 0), ok, 0);
    expect(s.decide(0).wakeAt).toBe(6 * MIN); // P0: 1 min hold + 5 min grace
    // A later session brings an MT (the centre's receipt): nothing is overdue any more.
    s.succeeded(sendOne(s, 2, 2 * MIN), { ...ok, mtReceived: true, mtCredits: 1 }, 2 * MIN);
    // …but the frame it just sent awaits its own receipt: 30 min + 5 min from then.
    expect(s.decide(10 * MIN).session).toBeUndefined();
    expect(s.decide(10 * MIN).wakeAt).toBe(37 * MIN);
    expect((s.decide(37 * MIN).session as SessionPlan).reason).toBe('reply');
  });

  it('never checks with an infinite grace', () => {
    const s = scheduler({}, { holdMs: [0, 0, 0, 0] });
    s.succeeded(sendOne(s, 1, 0), ok, 0);
    expect(s.decide(24 * 60 * MIN).session).toBeUndefined();
  });
});
