/**
 * The incident's facts on the wire (incident-facts.ts; docs/reports.md §The incident's facts on the
 * wire): a kit carries what no report carried yet, and the centre, which learns the facts only
 * from the reports, judges the deadlines by them: a workplace accident's 1-hour 初报, and the
 * 核报 due from stabilisation.
 */
import { describe, expect, it } from 'vitest';
import { recordingLogger } from '../../../test/recording-logger.js';
import { CountyTime } from '../county-time.js';
import type { Incident } from './incident.js';
import { IncidentBook } from './incident-book.js';
import { factsToCarry } from './incident-facts.js';
import { R1_ID, r1Incident, reportMessage } from './incident-fixtures.js';
import { MemoryIncidentLedger } from './incident-ledger.js';

const cst = (text: string) => new CountyTime().parse(text);

describe('factsToCarry', () => {
  const base = r1Incident();
  it('carries each fact the incident knows and no report carried, once', () => {
    const known: Incident = {
      ...base,
      type: 'workplace',
      startedAt: cst('2026-07-14 02:00'),
      stabilisedAt: cst('2026-07-16 12:00'),
    };
    expect(factsToCarry(known)).toEqual({
      began: cst('2026-07-14 02:00') / 1000,
      stabilised: cst('2026-07-16 12:00') / 1000,
      incidentType: 'workplace',
    });
    const carried = r1Incident(
      reportMessage(306, cst('2026-07-14 05:00'), {
        began: cst('2026-07-14 02:00') / 1000,
        incidentType: 'workplace',
      }),
    );
    expect(factsToCarry({ ...known, versions: carried.versions })).toEqual({
      stabilised: cst('2026-07-16 12:00') / 1000,
    });
    expect(factsToCarry(base)).toEqual({});
    expect(factsToCarry(undefined)).toEqual({});
  });
});

describe('the centre, learning the facts from the reports', () => {
  const centre = (now: number) =>
    new IncidentBook({ ledger: new MemoryIncidentLedger(), log: recordingLogger().log, now: () => now });

  it('judges a workplace accident’s 初报 against its 1 hour from when it began', async () => {
    const book = centre(cst('2026-07-14 04:00'));
    // Made at 03:20 for an accident at 02:00: late by the workplace rule (1 h), in time by the
    // natural-disaster rule (2 h).
    const initial = reportMessage(305, cst('2026-07-14 03:20'), {
      stage: 'initial',
      began: cst('2026-07-14 02:00') / 1000,
      incidentType: 'workplace',
    });
    const got = await book.record(initial);
    expect(got.incident).toMatchObject({ type: 'workplace', startedAt: cst('2026-07-14 02:00') });
    expect((await book.calendar())[0]).toMatchObject({
      duty: 'initial',
      due: cst('2026-07-14 03:00'),
      status: 'late',
    });
  });

  it('takes stabilisation from a 续报, and a correction of the start from the newest report only', async () => {
    const book = centre(cst('2026-07-16 13:00'));
    await book.record(
      reportMessage(305, cst('2026-07-14 03:20'), {
        stage: 'initial',
        began: cst('2026-07-14 02:00') / 1000,
      }),
    );
    const later = reportMessage(307, cst('2026-07-16 12:30'), {
      stabilised: cst('2026-07-16 12:00') / 1000,
      began: cst('2026-07-14 01:30') / 1000,
    });
    const got = await book.record(later);
    expect(got.incident).toMatchObject({
      stabilisedAt: cst('2026-07-16 12:00'),
      startedAt: cst('2026-07-14 01:30'),
    });
    // An older report arriving late corrects nothing the newest said.
    const late = reportMessage(306, cst('2026-07-15 08:00'), { began: cst('2026-07-14 00:00') / 1000 });
    expect((await book.record(late)).incident.startedAt).toBe(cst('2026-07-14 01:30'));
    expect((await book.get(R1_ID)).versions).toHaveLength(3);
  });
});
