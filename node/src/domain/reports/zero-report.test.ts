import { describe, expect, it } from 'vitest';
import { encodeReference } from '../../wire/fixtures/reference-frames.js';
import { R1 } from '../../wire/fixtures/reference-messages.js';
import { decodeFrame } from '../../wire/message.js';
import { CountyTime } from '../county-time.js';
import { deadlineCalendar } from './deadline-calendar.js';
import { figuresAfter, versionChanges } from './figures.js';
import { addVersion, withStartedAt } from './incident-chain.js';
import { r1Incident, reportMessage, version } from './incident-fixtures.js';
import { DEFAULT_REPORT_RULES as rules } from './report-rules.js';
import { zeroReport } from './zero-report.js';

const china = new CountyTime();
const cst = (text: string) => china.parse(text);

describe('the zero report', () => {
  const incident = withStartedAt(r1Incident(), cst('2026-07-14 02:00'));
  const now = cst('2026-07-15 08:15');

  it('is made in one call from the last version: no figures, the 初报 named, figures to 24:00', () => {
    const result = zeroReport(incident, rules, now, 1);
    expect(result).toEqual({
      ok: true,
      changes: [],
      body: {
        stage: 'update',
        hazard: 0x12,
        reporter: 1,
        indicators: {},
        cuts: ['road', 'power'],
        needs: ['drinkingWater', 'shelter', 'medical'],
        incident: { origin: 2107, seq: 305 },
        asOf: cst('2026-07-15 00:00') / 1000,
        // The incident's start, which no report of this fixture carried yet (incident-facts.ts).
        began: Math.floor((incident.startedAt as number) / 1000),
      },
    });
  });

  it('fits one satellite credit (50 bytes) with R1 envelope, and decodes to the same body', () => {
    const result = zeroReport(incident, rules, now, 1);
    if (!result.ok) throw new Error('refused');
    const frame = encodeReference({ ...R1, seq: 306, createdAt: now / 1000, body: result.body });
    expect(frame.length).toBeLessThanOrEqual(50);
    // Repeating the figures instead would take a second credit: the reason for sending none.
    const repeated = encodeReference({
      ...R1,
      seq: 306,
      createdAt: now / 1000,
      body: { ...result.body, indicators: R1.body.indicators },
    });
    expect(repeated.length).toBeGreaterThan(50);
    const decoded = decodeFrame(frame).message;
    expect(decoded?.kind === 'report' && decoded.body).toEqual(result.body);
  });

  it('changes no figure and meets the day it is due for', () => {
    const result = zeroReport(incident, rules, now);
    if (!result.ok) throw new Error('refused');
    const after = addVersion(incident, version(reportMessage(306, now, result.body))).incident;
    expect(figuresAfter(after)).toEqual(figuresAfter(incident));
    expect(versionChanges(after, 1)).toEqual([]);
    const update = deadlineCalendar([after], rules, now).find((e) => e.duty === 'update');
    expect(update).toMatchObject({ day: '2026-07-14', status: 'met', metBy: '2107/306' });
  });

  it('is refused for a closed incident', () => {
    const closed = addVersion(
      incident,
      version(reportMessage(320, now - 3_600_000, { stage: 'final' })),
    ).incident;
    expect(zeroReport(closed, rules, now)).toMatchObject({
      ok: false,
      problems: [{ code: 'REPORT_INCIDENT_CLOSED' }],
    });
  });
});
