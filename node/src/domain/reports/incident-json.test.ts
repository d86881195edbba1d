import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kitErrorCode } from '../../../test/kit-errors.js';
import { isKitError } from '../../base/errors.js';
import type { Incident } from './incident.js';
import { openIncident, withStabilisedAt, withStartedAt, withType } from './incident-chain.js';
import { R1_AT, r1Incident, reportMessage } from './incident-fixtures.js';
import { incidentFromJson, incidentToJson } from './incident-json.js';
import { indicatorSets } from './test/indicator-arbitraries.js';

const incidents: fc.Arbitrary<Incident> = fc
  .record({
    sets: fc.array(indicatorSets, { maxLength: 4 }),
    final: fc.boolean(),
    started: fc.option(fc.integer({ min: 0, max: R1_AT }), { nil: undefined }),
    stable: fc.option(fc.integer({ min: R1_AT, max: R1_AT * 2 }), { nil: undefined }),
    workplace: fc.boolean(),
    note: fc.option(fc.string({ maxLength: 40 }), { nil: undefined }),
  })
  .map(({ sets, final, started, stable, workplace, note }) => {
    let incident = r1Incident(
      ...sets.map((indicators, i) =>
        reportMessage(400 + i, R1_AT + (i + 1) * 3_600_000, {
          stage: final && i === sets.length - 1 ? 'final' : 'update',
          indicators,
          ...(note === undefined ? {} : { note }),
        }),
      ),
    );
    if (started !== undefined) incident = withStartedAt(incident, started);
    if (stable !== undefined) incident = withStabilisedAt(incident, stable);
    return workplace ? withType(incident, 'workplace') : incident;
  });

describe('an incident as a line of JSON', () => {
  it('reads back as it was written', () => {
    fc.assert(
      fc.property(incidents, (incident) => {
        expect(incidentFromJson(incidentToJson(incident), 'test')).toEqual(incident);
      }),
    );
    const opened = openIncident({
      node: 2107,
      n: 3,
      type: 'natural',
      hazard: 18,
      area: 430121,
      startedAt: 5,
    });
    expect(incidentFromJson(incidentToJson(opened), 'test')).toEqual(opened);
  });

  it('refuses what is not one, naming where and the field', () => {
    const line = incidentToJson(
      r1Incident(reportMessage(400, R1_AT + 1000, { indicators: { affected: 5 } })),
    );
    const broken = (from: string, to: string) => () =>
      incidentFromJson(line.replace(from, to), 'incidents.jsonl:7');
    expect(broken('"affected":5', '"affected":-5')).toThrow(/^incidents.jsonl:7: versions\[1\].*affected/);
    expect(broken('"affected":5', '"affected":0.5')).toThrow(/versions\[1\]/);
    expect(broken('"stage":"update"', '"stage":"later"')).toThrow(/stage/);
    expect(broken('"type":"natural"', '"type":"war"')).toThrow(/incidents.jsonl:7: type/);
    expect(broken('"id":"2107/305"', '"id":"2107/306"')).toThrow(/belongs to 2107\/305, not 2107\/306/);
    expect(broken('"exercise":false', '"exercise":0')).toThrow(/exercise: expected true or false/);
    expect(broken('"hazard":18', '"hazard":18,"extra":1')).toThrow(/extra: not a field of a report/);
    expect(kitErrorCode(() => incidentFromJson('{', 'x'))).toBe('REPORT_LEDGER_CORRUPT');
  });

  it('fails only with REPORT_LEDGER_CORRUPT on any line', () => {
    const valid = fc.constant(
      incidentToJson(r1Incident(reportMessage(400, R1_AT + 1000, { stage: 'final' }))),
    );
    const mutated = fc
      .tuple(
        valid,
        fc.array(fc.tuple(fc.nat(), fc.string({ maxLength: 3 }), fc.nat(4)), { minLength: 1, maxLength: 4 }),
      )
      .map(([s, edits]) =>
        edits.reduce(
          (t, [at, text, cut]) =>
            t.slice(0, at % (t.length + 1)) + text + t.slice((at % (t.length + 1)) + cut),
          s,
        ),
      );
    fc.assert(
      fc.property(fc.oneof(mutated, fc.json(), fc.string()), (text) => {
        try {
          incidentFromJson(text, 'x');
        } catch (err) {
          expect(isKitError(err, 'REPORT_LEDGER_CORRUPT')).toBe(true);
        }
      }),
    );
  });
});
