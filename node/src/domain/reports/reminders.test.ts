import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CountyTime } from '../county-time.js';
import { deadlineCalendar } from './deadline-calendar.js';
import { addVersion, openIncident, withStartedAt } from './incident-chain.js';
import { r1Incident, reportMessage, VILLAGE_AREA, version } from './incident-fixtures.js';
import { nextReminderAt, overdueList, remindersDue } from './reminders.js';
import { reportRules, DEFAULT_REPORT_RULES as rules } from './report-rules.js';

const china = new CountyTime();
const cst = (text: string) => china.parse(text);
const MIN = 60_000;
const started = withStartedAt(r1Incident(), cst('2026-07-14 02:00'));

describe('reminders', () => {
  it('tell the kit 30 min before the 初报 is due, and again when it is overdue', () => {
    const opened = openIncident({
      node: 2107,
      n: 1,
      type: 'natural',
      hazard: 0x12,
      startedAt: cst('2026-07-14 02:00'),
    });
    const soon = remindersDue([opened], rules, cst('2026-07-14 03:00'), cst('2026-07-14 03:30'));
    expect(soon).toHaveLength(1);
    expect(soon[0]).toMatchObject({ at: cst('2026-07-14 03:30'), kind: 'soon', leadMs: 30 * MIN });
    expect(soon[0]?.entry).toMatchObject({ duty: 'initial', node: 2107 });
    expect(soon[0]?.zh).toBe('灾害过程open/2107/1（洪涝/山洪）：初报应于7月14日 04:00前报送，还有30分钟');
    expect(soon[0]?.en).toBe(
      'incident open/2107/1 (flashFlood): the initial report (初报) is due by 2026-07-14T04:00:00+08:00, in 30 min',
    );
    expect(remindersDue([opened], rules, cst('2026-07-14 03:30'), cst('2026-07-14 04:00'))).toEqual([]);
    const late = remindersDue([opened], rules, cst('2026-07-14 04:00'), cst('2026-07-14 04:00') + 1);
    expect(late.map((r) => [r.kind, r.zh])).toEqual([
      ['overdue', '灾害过程open/2107/1（洪涝/山洪）：初报应于7月14日 04:00前报送，已超时，请立即报送'],
    ]);
  });

  it('name the day whose figures a 续报 carries, and stop once it is filed', () => {
    const [r] = remindersDue([started], rules, cst('2026-07-15 08:00'), cst('2026-07-15 08:30'));
    expect(r?.zh).toContain('续报（2026-07-14 24时数据）应于7月15日 09:00前报送');
    const filed = addVersion(started, version(reportMessage(310, cst('2026-07-15 08:10'), {}))).incident;
    expect(remindersDue([filed], rules, cst('2026-07-15 08:00'), cst('2026-07-15 08:30'))).toEqual([]);
  });

  it('leave out a "soon" whose deadline passed while nobody asked', () => {
    const kinds = remindersDue([started], rules, cst('2026-07-15 08:00'), cst('2026-07-15 10:00')).map(
      (r) => r.kind,
    );
    expect(kinds).toEqual(['overdue']);
  });

  it('say when to wake next: the next day once today is filed', () => {
    expect(nextReminderAt([started], rules, cst('2026-07-15 08:00'))).toBe(cst('2026-07-15 08:30'));
    const filed = addVersion(started, version(reportMessage(310, cst('2026-07-15 08:10'), {}))).incident;
    expect(nextReminderAt([filed], rules, cst('2026-07-15 08:20'))).toBe(cst('2026-07-16 08:30'));
  });

  it('fall due once each over any sequence of wake-ups', () => {
    const r = reportRules({ reminderLeadsMs: [60 * MIN, 15 * MIN] });
    const from = cst('2026-07-14 00:00');
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 36 * 60 }), { minLength: 1, maxLength: 30 }),
        (steps) => {
          const ticks = [from];
          for (const s of steps) ticks.push((ticks.at(-1) as number) + s * MIN);
          const fired = ticks.slice(1).flatMap((t, i) => remindersDue([started], r, ticks[i] as number, t));
          const keys = fired.map((f) => `${f.entry.duty} ${f.entry.due} ${f.kind} ${f.leadMs}`);
          expect(new Set(keys).size).toBe(keys.length);
          for (const f of fired) expect(f.at).toBeGreaterThan(from);
          // Nothing is lost either: every deadline passed in the window was announced as overdue.
          const last = ticks.at(-1) as number;
          const passed = deadlineCalendar([started], r, last).filter((e) => e.due > from && e.due <= last);
          expect(fired.filter((f) => f.kind === 'overdue').map((f) => f.entry.due)).toEqual(
            passed.filter((e) => e.status === 'overdue').map((e) => e.due),
          );
        },
      ),
    );
  });
});

describe('the overdue list', () => {
  it('has one line per incident and duty, with how many deadlines it missed', () => {
    const opened = openIncident({
      node: 2110,
      n: 1,
      type: 'natural',
      area: 430121102,
      startedAt: cst('2026-07-16 06:00'),
    });
    const now = cst('2026-07-17 12:00');
    expect(overdueList([started, opened], rules, now)).toEqual([
      {
        incidentId: '2107/305',
        duty: 'update',
        since: cst('2026-07-15 09:00'),
        missed: 3,
        overdueMs: now - cst('2026-07-15 09:00'),
        node: 2107,
        area: VILLAGE_AREA,
        hazard: 0x12,
      },
      {
        incidentId: 'open/2110/1',
        duty: 'initial',
        since: cst('2026-07-16 08:00'),
        missed: 1,
        overdueMs: now - cst('2026-07-16 08:00'),
        node: 2110,
        area: 430121102,
      },
    ]);
  });
});
