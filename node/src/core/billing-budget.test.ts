/** Tests for billing-budget.ts: the rolling day, the incident, threshold alarms, P0 over budget. */
import { describe, expect, it } from 'vitest';
import { BillingBudget } from './billing-budget.js';

const H = 3_600_000;

describe('BillingBudget', () => {
  it('raises each threshold once as use crosses it, and clears it as the rolling day frees credits', () => {
    const b = new BillingBudget({ perDay: 10 });
    expect(b.spend(7, 0)).toEqual([]);
    expect(b.spend(1, H)).toEqual([{ scope: 'day', threshold: 0.8, raised: true, used: 8, limit: 10 }]);
    expect(b.spend(1, 2 * H)).toEqual([]); // still above 80 %: not raised again
    expect(b.spend(1, 3 * H)).toEqual([{ scope: 'day', threshold: 1, raised: true, used: 10, limit: 10 }]);
    expect(b.remaining(3 * H)).toBe(0);
    // 24 h after the first 7 credits they no longer count.
    expect(b.check(24 * H)).toEqual([
      { scope: 'day', threshold: 0.8, raised: false, used: 3, limit: 10 },
      { scope: 'day', threshold: 1, raised: false, used: 3, limit: 10 },
    ]);
    expect(b.remaining(24 * H)).toBe(7);
  });

  it('lets P0 go over budget by default, and nothing else', () => {
    const b = new BillingBudget({ perDay: 5 });
    b.spend(5, 0);
    expect(b.allows(1, 0, 1)).toBe(true);
    expect(b.allows(1, 1, 1)).toBe(false);
    const strict = new BillingBudget({ perDay: 5, p0OverBudget: false });
    strict.spend(4, 0);
    expect(strict.allows(1, 0, 1)).toBe(true);
    expect(strict.allows(2, 0, 1)).toBe(false);
  });

  it('counts the incident apart from the day, and a new incident starts from zero', () => {
    const b = new BillingBudget({ perDay: 100, perIncident: 4 });
    b.spend(4, 0);
    expect(b.remaining(0)).toBe(0); // the smaller of the two
    expect(b.usedToday(0)).toBe(4);
    const cleared = b.startIncident(1, 20);
    expect(cleared.map((c) => [c.scope, c.threshold, c.raised])).toEqual([
      ['incident', 0.8, false],
      ['incident', 1, false],
    ]);
    expect(b.remaining(1)).toBe(20);
    expect(b.usedToday(1)).toBe(4);
  });

  it('has no limit unless one is set', () => {
    const b = new BillingBudget();
    b.spend(10_000, 0);
    expect(b.allows(500, 3, 0)).toBe(true);
    expect(b.check(0)).toEqual([]);
  });

  it('refuses bad limits and thresholds', () => {
    expect(() => new BillingBudget({ perDay: -1 })).toThrow(RangeError);
    expect(() => new BillingBudget({ thresholds: [0, 1] })).toThrow(RangeError);
  });
});
