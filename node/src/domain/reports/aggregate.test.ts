import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { R1 } from '../../wire/fixtures/reference-messages.js';
import { aggregate } from './aggregate.js';
import { areaAt } from './area-levels.js';
import { figuresAfter } from './figures.js';
import type { Incident } from './incident.js';
import { addVersion, openIncident } from './incident-chain.js';
import { R1_AT, reportMessage, version } from './incident-fixtures.js';
import { INDICATOR_NAMES, toUnits } from './indicators.js';
import { indicatorSets } from './test/indicator-arbitraries.js';

/** An incident of its own (初报 seq `seq`) at `area`, with figures `sets` in its versions. */
function incidentAt(
  seq: number,
  area: number | undefined,
  sets: Parameters<typeof reportMessage>[2]['indicators'][],
  exercise = false,
): Incident {
  const flags = exercise ? (['exercise'] as const) : [];
  let incident = addVersion(
    undefined,
    version({ ...R1, seq, flags: [...flags], body: { ...R1.body, indicators: sets[0] ?? {} } }, area),
  ).incident;
  sets.slice(1).forEach((indicators, i) => {
    const m = reportMessage(seq + 1 + i, R1_AT + (i + 1) * 3_600_000, {
      incident: { origin: R1.origin, seq },
      ...(indicators === undefined ? {} : { indicators }),
    });
    incident = addVersion(incident, version({ ...m, flags: [...flags] }, area)).incident;
  });
  return incident;
}

describe('area levels', () => {
  it('cut a 12, 9 or 6 digit code to the level asked, or say it is coarser', () => {
    expect(areaAt(430121101201, 'township')).toBe(430121101);
    expect(areaAt(430121101201, 'county')).toBe(430121);
    expect(areaAt(430121101201, 'city')).toBe(4301);
    expect(areaAt(430121101201, 'province')).toBe(43);
    expect(areaAt(430121101, 'township')).toBe(430121101);
    expect(areaAt(430121, 'township')).toBeUndefined();
  });
});

describe('aggregate', () => {
  it('sums each incident by its standing figures, per township and county', () => {
    const a = incidentAt(100, 430121101201, [{ affected: 100, cropsLostHa: 0.1 }, { affected: 150 }]);
    const b = incidentAt(200, 430121101202, [{ affected: 50, cropsLostHa: 0.2 }]);
    const c = incidentAt(300, 430121102001, [{ affected: 7 }]);
    const wide = incidentAt(400, 430121, [{ affected: 1000 }]);
    expect(aggregate([a, b, c, wide], 'township')).toEqual([
      { area: 430121101, level: 'township', incidents: 2, figures: { affected: 200, cropsLostHa: 0.3 } },
      { area: 430121102, level: 'township', incidents: 1, figures: { affected: 7 } },
      { area: undefined, level: 'township', incidents: 1, figures: { affected: 1000 } },
    ]);
    expect(aggregate([a, b, c, wide], 'county')).toEqual([
      { area: 430121, level: 'county', incidents: 4, figures: { affected: 1207, cropsLostHa: 0.3 } },
    ]);
  });

  it('keeps drills apart and skips incidents with no report yet', () => {
    const real = incidentAt(100, 430121101201, [{ affected: 100 }]);
    const drill = incidentAt(200, 430121101201, [{ affected: 9999 }], true);
    const opened = openIncident({ node: 1, n: 1, type: 'natural', area: 430121101201, startedAt: R1_AT });
    expect(aggregate([real, drill, opened], 'county')[0]?.figures).toEqual({ affected: 100 });
    expect(aggregate([real, drill, opened], 'county', { exercise: true })[0]?.figures).toEqual({
      affected: 9999,
    });
  });

  it('county totals are the exact sum of each incident, and of the townships under them', () => {
    const area = fc.constantFrom(430121101201, 430121101202, 430121102001, 430121103, 430121, 430122101001);
    const incidents = fc
      .array(fc.tuple(area, fc.array(indicatorSets, { minLength: 1, maxLength: 3 })), { maxLength: 8 })
      .map((list) => list.map(([a, sets], i) => incidentAt(1000 * (i + 1), a, sets)));
    fc.assert(
      fc.property(incidents, (list) => {
        const counties = aggregate(list, 'county');
        const townships = aggregate(list, 'township');
        for (const county of counties) {
          const mine = list.filter((i) => areaAt(i.versions[0]?.area ?? 0, 'county') === county.area);
          const under = townships.filter((t) =>
            t.area === undefined ? false : areaAt(t.area, 'county') === county.area,
          );
          const unplaced = mine.filter((i) => areaAt(i.versions[0]?.area ?? 0, 'township') === undefined);
          expect(county.incidents).toBe(mine.length);
          expect(under.reduce((n, t) => n + t.incidents, 0) + unplaced.length).toBe(mine.length);
          for (const name of INDICATOR_NAMES) {
            const units = mine
              .map((i) => figuresAfter(i)[name])
              .filter((v) => v !== undefined)
              .reduce((s, v) => s + toUnits(name, v as number), 0);
            const fromTownships =
              under.reduce((s, t) => s + toUnits(name, t.figures[name] ?? 0), 0) +
              unplaced.reduce((s, i) => s + toUnits(name, figuresAfter(i)[name] ?? 0), 0);
            expect(toUnits(name, county.figures[name] ?? 0)).toBe(units);
            expect(fromTownships).toBe(units);
          }
        }
        expect(counties.reduce((n, c) => n + c.incidents, 0)).toBe(list.length);
      }),
    );
  });
});
