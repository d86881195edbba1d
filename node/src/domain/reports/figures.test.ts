import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { changesFrom, figuresAfter, versionChanges } from './figures.js';
import { R1_AT, r1Incident, reportMessage } from './incident-fixtures.js';
import { INDICATOR_NAMES, toUnits } from './indicators.js';
import { indicatorSets } from './test/indicator-arbitraries.js';

const HOUR = 3_600_000;

describe('figures after each version', () => {
  it('carries a figure forward until a version reports it again', () => {
    const incident = r1Incident(
      reportMessage(310, R1_AT + HOUR, { indicators: { affected: 1300, dead: 3 } }),
      reportMessage(311, R1_AT + 2 * HOUR, { indicators: { relocatedCurrent: 0 } }),
    );
    expect(figuresAfter(incident, 1)).toMatchObject({ affected: 1250, dead: 2, relocatedCurrent: 430 });
    expect(figuresAfter(incident)).toMatchObject({
      affected: 1300,
      dead: 3,
      missing: 3,
      relocatedCurrent: 0,
      relocatedCumulative: 430,
    });
  });

  it('lists what a version changed, against the figures standing before it', () => {
    const incident = r1Incident(
      reportMessage(310, R1_AT + HOUR, { indicators: { affected: 1300, dead: 2 } }),
    );
    expect(versionChanges(incident, 1)).toEqual([
      { name: 'affected', before: 1250, after: 1300, change: 50 },
      { name: 'dead', before: 2, after: 2, change: 0 },
    ]);
    expect(versionChanges(incident, 0)[0]).toEqual({
      name: 'affected',
      before: undefined,
      after: 1250,
      change: 1250,
    });
  });

  it('takes differences in wire units: 0.3 ha after 0.1 ha changed by exactly 0.2', () => {
    expect(changesFrom({ cropsLostHa: 0.1 }, { cropsLostHa: 0.3 })[0]?.change).toBe(0.2);
  });

  it('before + change is after, in wire units, for any figures', () => {
    fc.assert(
      fc.property(indicatorSets, indicatorSets, (before, reported) => {
        const changes = changesFrom(before, reported);
        expect(changes.map((c) => c.name)).toEqual(INDICATOR_NAMES.filter((n) => reported[n] !== undefined));
        for (const c of changes) {
          expect(toUnits(c.name, c.before ?? 0) + toUnits(c.name, c.change)).toBe(toUnits(c.name, c.after));
        }
      }),
    );
  });

  it('the standing figures are each indicator as last reported', () => {
    fc.assert(
      fc.property(fc.array(indicatorSets, { minLength: 1, maxLength: 6 }), (sets) => {
        const incident = r1Incident(
          ...sets.map((indicators, i) => reportMessage(400 + i, R1_AT + (i + 1) * HOUR, { indicators })),
        );
        const all = [incident.versions[0]?.body.indicators ?? {}, ...sets];
        const standing = figuresAfter(incident);
        for (const name of INDICATOR_NAMES) {
          const last = all.findLast((s) => s[name] !== undefined)?.[name];
          expect(standing[name]).toBe(last);
        }
      }),
    );
  });
});
