/**
 * The `county` section of the configuration file (docs/conventions.md §Configuration;
 * docs/reports.md §County time, §Deadlines): the county's time zone, on whose clock every report
 * deadline falls and every time is shown to people, and the two report rules a county most often
 * sets for itself (docs/domain.md §Disaster reports: some give townships an hour for the 初报, and
 * the hour of the daily 续报). What is left out keeps the national rule.
 *
 * The file's values are read here; their ranges are the reports domain's own `checkReportRules`,
 * run on the rules they make, so the file can never give the incident book rules it would refuse.
 */
import { DEFAULT_COUNTY_TIME_ZONE, isTimeZone } from '../domain/county-time.js';
import { checkReportRules, DEFAULT_REPORT_RULES, type ReportRules } from '../domain/reports/report-rules.js';
import type { Section } from './reader.js';
import type { CountyConfig } from './schema.js';

export const COUNTY_KEYS = ['time_zone', 'update_due_at', 'initial_within_s'];

/** The domain's paths of the rules this section sets, and their keys in the file. */
const FILE_KEYS: Readonly<Record<string, string>> = {
  timeZone: 'time_zone',
  updateDueAt: 'update_due_at',
  'deadlines.natural.initialWithinMs': 'initial_within_s',
};

export function parseCountySection(s: Section): CountyConfig {
  const timeZone = s.str('time_zone', undefined, (zone) =>
    isTimeZone(zone) ? undefined : 'expected an IANA time zone such as Asia/Shanghai',
  );
  const due = s.str('update_due_at', undefined, (text) =>
    /^\d{1,2}:\d{2}$/.test(text) ? undefined : 'expected a time of day as HH:MM, such as "09:00"',
  );
  const initialS = s.num('initial_within_s', 0, Number.POSITIVE_INFINITY);
  const [hour, minute] = due === undefined ? [] : due.split(':').map(Number);
  const config: CountyConfig = {
    timeZone: timeZone ?? DEFAULT_COUNTY_TIME_ZONE,
    updateDueAt:
      hour === undefined || minute === undefined ? DEFAULT_REPORT_RULES.updateDueAt : { hour, minute },
    initialWithinMs:
      initialS === undefined ? DEFAULT_REPORT_RULES.deadlines.natural.initialWithinMs : initialS * 1000,
  };
  for (const problem of checkReportRules(countyReportRules(config))) {
    const at = problem.indexOf(': ');
    const path = problem.slice(0, at);
    s.problem(FILE_KEYS[path] ?? path, problem.slice(at + 2));
  }
  return config;
}

/**
 * The reports domain's rules for this county: the national ones with the county's zone and its
 * own 续报 hour and 初报 limit for natural disasters (docs/reports.md §Deadlines).
 */
export function countyReportRules(county: CountyConfig): ReportRules {
  const { deadlines } = DEFAULT_REPORT_RULES;
  return {
    ...DEFAULT_REPORT_RULES,
    timeZone: county.timeZone,
    updateDueAt: county.updateDueAt,
    deadlines: { ...deadlines, natural: { ...deadlines.natural, initialWithinMs: county.initialWithinMs } },
  };
}
