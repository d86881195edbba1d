/**
 * fast-check generators of figures for the tests of the reports domain (docs/reports.md
 * §Indicators): any indicator present or not, each a whole number of its steps. Test support: the
 * build leaves test/ folders out.
 */
import fc from 'fast-check';
import { MAX_INDICATOR_UNITS } from '../../../wire/codes/indicators.js';
import { fromUnits, INDICATOR_NAMES, type IndicatorSet } from '../indicators.js';

/** A figure of indicator `name`, in its steps (tenths for hectares, km, 万元). */
export function figure(name: (typeof INDICATOR_NAMES)[number], max = 100_000): fc.Arbitrary<number> {
  return fc.integer({ min: 0, max: Math.min(max, MAX_INDICATOR_UNITS) }).map((u) => fromUnits(name, u));
}

/** Any set of figures, each indicator present or not. */
export const indicatorSets: fc.Arbitrary<IndicatorSet> = fc.record(
  Object.fromEntries(INDICATOR_NAMES.map((n) => [n, figure(n)])) as Record<
    (typeof INDICATOR_NAMES)[number],
    fc.Arbitrary<number>
  >,
  { requiredKeys: [] },
);
