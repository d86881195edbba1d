import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { IndicatorChange } from './figures.js';
import { INDICATOR_NAMES, type IndicatorName } from './indicators.js';
import {
  type ChangeThreshold,
  changesNeedingExplanation,
  DEFAULT_THRESHOLDS,
  needsExplanation,
} from './thresholds.js';

const change = (name: IndicatorName, before: number | undefined, after: number): IndicatorChange => ({
  name,
  before,
  after,
  change: after - (before ?? 0),
});
const needs = (name: IndicatorName, before: number | undefined, after: number) =>
  needsExplanation(change(name, before, after), DEFAULT_THRESHOLDS[name]);

describe('when a change needs a reason (defaults)', () => {
  it('asks for one when a figure more than doubles by more than the absolute amount', () => {
    expect(needs('affected', 1250, 3000)).toBe(true); // +1750, 58 %
    expect(needs('affected', 1250, 2400)).toBe(false); // +1150, 48 %: a revised estimate
    expect(needs('affected', 50, 140)).toBe(false); // +90: within 100 people
    expect(needs('injured', 2, 4)).toBe(false); // +100 %, 2 people
    expect(needs('injured', 5, 30)).toBe(true);
  });

  it('asks for one at every change of the dead, the missing and damaged reservoirs', () => {
    expect(needs('dead', 2, 3)).toBe(true);
    expect(needs('missing', 3, 1)).toBe(true);
    expect(needs('reservoirsDamaged', 0, 1)).toBe(true);
    expect(needs('dead', 2, 2)).toBe(false);
  });

  it('asks for one at any fall of a to-date total, not of a current figure', () => {
    expect(needs('affected', 1250, 1249)).toBe(true);
    expect(needs('relocatedCumulative', 430, 420)).toBe(true);
    expect(needs('relocatedCurrent', 430, 380)).toBe(false); // people going home
    expect(needs('relocatedCurrent', 430, 100)).toBe(true); // -330, 77 %
  });

  it('never asks for one for a figure reported for the first time', () => {
    expect(needs('affected', undefined, 100_000)).toBe(false);
  });

  it('lists the changes that need one', () => {
    const list = changesNeedingExplanation(
      [change('affected', 1250, 3000), change('dead', 2, 2), change('missing', 3, 5)],
      DEFAULT_THRESHOLDS,
    );
    expect(list.map((c) => c.name)).toEqual(['affected', 'missing']);
  });
});

describe('properties', () => {
  const name = fc.constantFrom(...INDICATOR_NAMES);
  const amount = fc.integer({ min: 0, max: 1_000_000 });
  const threshold = fc.record({
    absolute: fc.integer({ min: 0, max: 1000 }),
    relative: fc.double({ min: 0, max: 1, noNaN: true }),
    anyFall: fc.boolean(),
  });

  it('treats a rise and the fall back alike when falls are not special (the measure is symmetric)', () => {
    fc.assert(
      fc.property(name, amount, amount, threshold, (n, a, b, t) => {
        const th = { ...t, anyFall: false };
        expect(needsExplanation(change(n, a, b), th)).toBe(needsExplanation(change(n, b, a), th));
      }),
    );
  });

  it('never asks for a change within the absolute threshold, unless it is a fall that always needs one', () => {
    fc.assert(
      fc.property(name, amount, fc.integer({ min: -1000, max: 1000 }), threshold, (n, a, d, t) => {
        const after = Math.max(0, a + d);
        if (Math.abs(after - a) <= t.absolute && !(t.anyFall && after < a))
          expect(needsExplanation(change(n, a, after), t)).toBe(false);
      }),
    );
  });

  it('a change that needs a reason still needs one under lower thresholds', () => {
    fc.assert(
      fc.property(
        name,
        amount,
        amount,
        threshold,
        fc.double({ min: 0, max: 1, noNaN: true }),
        (n, a, b, t, k) => {
          const lower: ChangeThreshold = {
            ...t,
            absolute: Math.floor(t.absolute * k),
            relative: t.relative * k,
          };
          if (needsExplanation(change(n, a, b), t))
            expect(needsExplanation(change(n, a, b), lower)).toBe(true);
        },
      ),
    );
  });
});
