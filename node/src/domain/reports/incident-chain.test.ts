import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { R1 } from '../../wire/fixtures/reference-messages.js';
import {
  finalVersion,
  incidentArea,
  initialVersion,
  isClosed,
  reportingNode,
  versionId,
} from './incident.js';
import { addVersion, adoptOpened, openIncident, withStabilisedAt } from './incident-chain.js';
import { R1_AT, R1_ID, r1Incident, reportMessage, VILLAGE_AREA, version } from './incident-fixtures.js';

const HOUR = 3_600_000;

describe('the chain', () => {
  it('starts an incident named by its 初报, and keeps a duplicate out', () => {
    const incident = r1Incident();
    expect(incident.id).toBe(R1_ID);
    expect(incident.type).toBe('natural');
    expect(initialVersion(incident)?.area).toBe(VILLAGE_AREA);
    expect(addVersion(incident, version(R1))).toEqual({ incident, added: false });
  });

  it('takes a 续报 that arrives before its 初报, and numbers the 初报 first once it comes', () => {
    const update = reportMessage(310, R1_AT + HOUR, { indicators: { affected: 1300 } });
    const early = addVersion(undefined, version(update)).incident;
    expect(early.id).toBe(R1_ID);
    expect(initialVersion(early)).toBeUndefined();
    const complete = addVersion(early, version(R1)).incident;
    expect(complete.versions.map(versionId)).toEqual(['2107/305', '2107/310']);
  });

  it('refuses a report of another incident (a programming error)', () => {
    const other = reportMessage(9, R1_AT, { stage: 'update', incident: { origin: 1, seq: 1 } });
    expect(() => addVersion(r1Incident(), version(other))).toThrow(TypeError);
  });

  it('orders versions the same whatever order they arrive in, the 核报 last', () => {
    const messages = [
      R1,
      reportMessage(310, R1_AT + HOUR, { indicators: { affected: 1300 } }),
      reportMessage(311, R1_AT + 2 * HOUR, { indicators: { affected: 1400 } }),
      reportMessage(400, R1_AT + 2 * HOUR, { indicators: { dead: 3 } }, { origin: 2108 }),
      reportMessage(312, R1_AT + 50 * HOUR, { stage: 'final' }),
      reportMessage(313, R1_AT + 60 * HOUR, { indicators: { affected: 1500 } }),
    ];
    fc.assert(
      fc.property(fc.shuffledSubarray(messages, { minLength: messages.length }), (order) => {
        let incident: ReturnType<typeof r1Incident> | undefined;
        for (const m of order) incident = addVersion(incident, version(m)).incident;
        expect(incident?.versions.map(versionId)).toEqual([
          '2107/305',
          '2107/310',
          '2107/311',
          '2108/400',
          '2107/313',
          '2107/312',
        ]);
        expect(incident && isClosed(incident)).toBe(true);
        expect(incident && finalVersion(incident)?.seq).toBe(312);
      }),
    );
  });

  it('counts an incident in the area its latest report names', () => {
    const incident = r1Incident(reportMessage(310, R1_AT + HOUR, { area: 430121102 }));
    expect(incidentArea(incident)).toBe(430121102);
  });
});

describe('an incident opened ahead of its 初报', () => {
  const opened = openIncident({
    node: 2107,
    n: 1,
    type: 'workplace',
    hazard: 0x12,
    area: VILLAGE_AREA,
    startedAt: R1_AT - HOUR,
  });

  it('has a local id, its kit, and its start', () => {
    expect(opened).toMatchObject({ id: 'open/2107/1', node: 2107, startedAt: R1_AT - HOUR, versions: [] });
    expect(reportingNode(opened)).toBe(2107);
  });

  it('hands its type and times to the incident its 初报 starts', () => {
    const stable = withStabilisedAt(opened, R1_AT + 5 * HOUR);
    const merged = adoptOpened(stable, r1Incident());
    expect(merged).toMatchObject({
      id: R1_ID,
      type: 'workplace',
      startedAt: R1_AT - HOUR,
      stabilisedAt: R1_AT + 5 * HOUR,
    });
    expect(merged.node).toBeUndefined();
    expect(merged.versions).toHaveLength(1);
    expect(withStabilisedAt(merged, undefined).stabilisedAt).toBeUndefined();
  });
});
