import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { R1 } from '../../wire/fixtures/reference-messages.js';
import { CountyTime } from '../county-time.js';
import { deadlineCalendar, incidentDeadlines } from './deadline-calendar.js';
import type { Incident } from './incident.js';
import { addVersion, openIncident, withStabilisedAt, withStartedAt, withType } from './incident-chain.js';
import { R1_AT, r1Incident, reportMessage, version } from './incident-fixtures.js';
import { DEFAULT_REPORT_RULES, reportRules } from './report-rules.js';

const china = new CountyTime('Asia/Shanghai');
const cst = (text: string) => china.parse(text);
const rules = DEFAULT_REPORT_RULES;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** R1 at 03:20 on 14 July; the flood began at 02:00. */
const started = withStartedAt(r1Incident(), cst('2026-07-14 02:00'));

const summary = (incident: Incident, now: number) =>
  incidentDeadlines(incident, rules, now).map((e) => [
    e.duty,
    china.formatLocal(e.due),
    e.day ?? '',
    e.status,
  ]);

describe('the 初报', () => {
  it('is due 2 h after the disaster began, and R1 met it', () => {
    expect(summary(started, cst('2026-07-14 04:00'))[0]).toEqual([
      'initial',
      '2026-07-14 04:00:00',
      '',
      'met',
    ]);
  });

  it('is pending until the deadline and overdue after it when nobody filed it', () => {
    const opened = openIncident({ node: 2107, n: 1, type: 'natural', startedAt: cst('2026-07-14 02:00') });
    expect(incidentDeadlines(opened, rules, cst('2026-07-14 04:00'))).toEqual([
      {
        incidentId: 'open/2107/1',
        duty: 'initial',
        due: cst('2026-07-14 04:00'),
        status: 'pending',
        node: 2107,
      },
    ]);
    expect(incidentDeadlines(opened, rules, cst('2026-07-14 04:00') + 1)[0]?.status).toBe('overdue');
  });

  it('is due in 1 h for a workplace accident, which has no daily 续报', () => {
    const accident = withType(started, 'workplace');
    expect(summary(accident, cst('2026-07-20 12:00'))).toEqual([
      ['initial', '2026-07-14 03:00:00', '', 'late'],
    ]);
  });

  it('is not judged when the start is unknown', () => {
    expect(summary(r1Incident(), cst('2026-07-14 06:00')).map((s) => s[0])).toEqual(['update']);
  });
});

describe('daily 续报', () => {
  it('falls due at 09:00 the next morning with figures to 24:00', () => {
    expect(summary(started, cst('2026-07-15 08:59'))[1]).toEqual([
      'update',
      '2026-07-15 09:00:00',
      '2026-07-14',
      'pending',
    ]);
    expect(summary(started, cst('2026-07-15 09:01'))).toEqual([
      ['initial', '2026-07-14 04:00:00', '', 'met'],
      ['update', '2026-07-15 09:00:00', '2026-07-14', 'overdue'],
      ['update', '2026-07-16 09:00:00', '2026-07-15', 'pending'],
    ]);
  });

  it('is met by a report made after 24:00 and by 09:00, late after 09:00', () => {
    const onTime = addVersion(started, version(reportMessage(310, cst('2026-07-15 08:30'), {}))).incident;
    expect(summary(onTime, cst('2026-07-15 10:00'))[1]?.[3]).toBe('met');
    const late = addVersion(started, version(reportMessage(310, cst('2026-07-15 10:00'), {}))).incident;
    expect(summary(late, cst('2026-07-15 10:00'))[1]?.[3]).toBe('late');
    expect(incidentDeadlines(late, rules, cst('2026-07-15 10:00'))[1]).toMatchObject({
      metBy: '2107/310',
      metAt: cst('2026-07-15 10:00'),
    });
  });

  it('is not met by a report made before the day ended, unless its figures are dated after', () => {
    const evening = addVersion(started, version(reportMessage(310, cst('2026-07-14 23:00'), {}))).incident;
    expect(summary(evening, cst('2026-07-15 09:30'))[1]?.[3]).toBe('overdue');
    const dated = addVersion(
      started,
      version(reportMessage(310, cst('2026-07-14 23:00'), { asOf: cst('2026-07-15 00:00') / 1000 })),
    ).incident;
    expect(summary(dated, cst('2026-07-15 09:30'))[1]?.[3]).toBe('met');
  });

  it('lists every missed day; one later report meets them all, late', () => {
    const now = cst('2026-07-18 12:00');
    expect(
      summary(started, now)
        .filter((s) => s[3] === 'overdue')
        .map((s) => s[2]),
    ).toEqual(['2026-07-14', '2026-07-15', '2026-07-16', '2026-07-17']);
    const caughtUp = addVersion(started, version(reportMessage(310, cst('2026-07-18 11:00'), {}))).incident;
    expect(summary(caughtUp, now).map((s) => s[3])).toEqual([
      'met',
      'late',
      'late',
      'late',
      'late',
      'pending',
    ]);
  });

  it('stop when the situation stabilises; the 核报 is then due by 24:00 two days later', () => {
    const stable = withStabilisedAt(started, cst('2026-07-16 15:00'));
    expect(summary(stable, cst('2026-07-19 00:00') + 1)).toEqual([
      ['initial', '2026-07-14 04:00:00', '', 'met'],
      ['update', '2026-07-15 09:00:00', '2026-07-14', 'overdue'],
      ['update', '2026-07-16 09:00:00', '2026-07-15', 'overdue'],
      ['final', '2026-07-19 00:00:00', '', 'overdue'],
    ]);
    const closed = addVersion(
      stable,
      version(
        reportMessage(320, cst('2026-07-18 17:00'), { stage: 'final', indicators: { affected: 1300 } }),
      ),
    ).incident;
    expect(summary(closed, cst('2026-07-20 00:00')).map((s) => s[3])).toEqual(['met', 'late', 'late', 'met']);
  });

  it('stop at a 核报 filed without a declared stabilisation', () => {
    const closed = addVersion(
      started,
      version(reportMessage(320, cst('2026-07-15 20:00'), { stage: 'final' })),
    ).incident;
    expect(summary(closed, cst('2026-08-01 00:00')).map((s) => s[0])).toEqual(['initial', 'update']);
  });

  it('come every 10 days for a drought', () => {
    const drought = addVersion(undefined, version({ ...R1, body: { ...R1.body, hazard: 2 << 4 } })).incident;
    const dues = incidentDeadlines(drought, rules, cst('2026-08-10 00:00')).map((e) =>
      china.formatLocal(e.due),
    );
    expect(dues).toEqual([
      '2026-07-15 09:00:00',
      '2026-07-25 09:00:00',
      '2026-08-04 09:00:00',
      '2026-08-14 09:00:00',
    ]);
  });

  it('follow a configured hour', () => {
    const eight = reportRules({ updateDueAt: { hour: 8, minute: 30 } });
    expect(china.formatLocal(incidentDeadlines(started, eight, R1_AT)[1]?.due ?? 0)).toBe(
      '2026-07-15 08:30:00',
    );
  });
});

describe('across time zones and DST', () => {
  it('keeps 09:00 on the county clock across London changing its clocks', () => {
    const london = reportRules({ timeZone: 'Europe/London' });
    const clock = new CountyTime('Europe/London');
    const incident = addVersion(
      undefined,
      version({ ...R1, createdAt: Date.UTC(2026, 2, 27, 12) / 1000 }),
    ).incident;
    const dues = incidentDeadlines(incident, london, Date.UTC(2026, 2, 31)).map((e) =>
      clock.formatIso(e.due),
    );
    expect(dues).toEqual([
      '2026-03-28T09:00:00+00:00',
      '2026-03-29T09:00:00+01:00',
      '2026-03-30T09:00:00+01:00',
      '2026-03-31T09:00:00+01:00',
    ]);
  });

  it('for any 初报 time and any now: dues read 09:00 on consecutive county days, all past but the last', () => {
    const zones = ['Asia/Shanghai', 'Europe/London', 'America/New_York', 'Australia/Lord_Howe'];
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2027, 0, 1) }),
        fc.integer({ min: 0, max: 40 * DAY }),
        (zone, at, after) => {
          const r = reportRules({ timeZone: zone });
          const clock = new CountyTime(zone);
          const incident = addVersion(
            undefined,
            version({ ...R1, createdAt: Math.floor(at / 1000) }),
          ).incident;
          const now = at + after;
          const updates = incidentDeadlines(incident, r, now).filter((e) => e.duty === 'update');
          const first = clock.dayOf(Math.floor(at / 1000) * 1000);
          updates.forEach((e, i) => {
            expect(clock.wallClock(e.due)).toMatchObject({ hour: 9, minute: 0, second: 0 });
            expect(clock.dayOf(e.due)).toBe(first + i + 1);
            expect(e.day).toBe(clock.dateOfDay(first + i));
            expect(e.status).toBe(i === updates.length - 1 ? 'pending' : 'overdue');
          });
          expect(updates.at(-1)?.due).toBeGreaterThan(now);
          expect(updates.at(-2)?.due ?? Number.NEGATIVE_INFINITY).toBeLessThanOrEqual(now);
        },
      ),
    );
  });

  it('sorts the calendar of many incidents by deadline', () => {
    const other = withStartedAt(
      addVersion(undefined, version({ ...R1, seq: 900, createdAt: R1.createdAt + 3600 })).incident,
      cst('2026-07-14 03:30'),
    );
    const calendar = deadlineCalendar([other, started], rules, cst('2026-07-14 12:00'));
    expect(calendar.map((e) => [e.incidentId, e.duty])).toEqual([
      ['2107/305', 'initial'],
      ['2107/900', 'initial'],
      ['2107/305', 'update'],
      ['2107/900', 'update'],
    ]);
  });
});
