import { describe, expect, it } from 'vitest';
import { checkReportRules, DEFAULT_REPORT_RULES, reportRules, updateEveryDays } from './report-rules.js';

describe('report rules', () => {
  it('default to the national rules', () => {
    expect(checkReportRules(DEFAULT_REPORT_RULES)).toEqual([]);
    expect(DEFAULT_REPORT_RULES.timeZone).toBe('Asia/Shanghai');
    expect(DEFAULT_REPORT_RULES.deadlines.natural.initialWithinMs).toBe(2 * 3_600_000);
    expect(DEFAULT_REPORT_RULES.deadlines.workplace.initialWithinMs).toBe(3_600_000);
    expect(DEFAULT_REPORT_RULES.updateDueAt).toEqual({ hour: 9, minute: 0 });
  });

  it('take overrides, keeping the rest of each part', () => {
    const rules = reportRules({
      deadlines: { natural: { initialWithinMs: 3_600_000 } },
      thresholds: { affected: { absolute: 500 } },
    });
    expect(rules.deadlines.natural).toEqual({
      initialWithinMs: 3_600_000,
      updateEveryDays: 1,
      finalWithinDays: 2,
    });
    expect(rules.thresholds.affected).toEqual({ absolute: 500, relative: 0.5, anyFall: true });
    expect(rules.thresholds.dead).toEqual(DEFAULT_REPORT_RULES.thresholds.dead);
  });

  it('list every problem of bad rules', () => {
    const bad = {
      ...DEFAULT_REPORT_RULES,
      timeZone: 'Mars/Olympus',
      updateDueAt: { hour: 24, minute: 0 },
      reminderLeadsMs: [0],
      updateEveryDaysByHazardType: { 2: 0 },
      thresholds: { ...DEFAULT_REPORT_RULES.thresholds, dead: { absolute: -1, relative: 2, anyFall: true } },
    };
    expect(checkReportRules(bad)).toEqual([
      'timeZone: Mars/Olympus is not an IANA time zone',
      'thresholds.dead.absolute: expected a number ≥ 0',
      'thresholds.dead.relative: expected a share 0–1',
      'updateDueAt: expected a time of day 00:00–23:59',
      'updateEveryDaysByHazardType.2: expected a whole number of days ≥ 1',
      'reminderLeadsMs[0]: expected a time > 0',
    ]);
    expect(() => reportRules({ timeZone: 'Mars/Olympus', reminderLeadsMs: [-1] })).toThrow(
      /timeZone: Mars\/Olympus.*reminderLeadsMs\[0\]/,
    );
  });

  it('give drought a 续报 every 10 days, and a workplace accident none', () => {
    expect(updateEveryDays(DEFAULT_REPORT_RULES, 'natural', 0x20)).toBe(10);
    expect(updateEveryDays(DEFAULT_REPORT_RULES, 'natural', 0x12)).toBe(1);
    expect(updateEveryDays(DEFAULT_REPORT_RULES, 'workplace', 0x20)).toBe(0);
  });
});
