/**
 * The zero report (零报告): the daily 续报 of an incident in which nothing changed, made in one
 * action from the last version (docs/reports.md §Zero report; docs/domain.md §Disaster reports:
 * a 续报 is due every day, a zero report when nothing changed).
 *
 * It sends no figures: a figure left out keeps its last value (figures.ts), so an empty set says
 * "all as before" in 2 bytes, and the report fits one satellite credit. It repeats the last 四断 and
 * needs, which are a state, not a tally, and the area when the last version named one. Its figures
 * stand at 24:00 of the day before (its `asOf`), as a 续报's do.
 */
import { countyTime } from '../county-time.js';
import { type Incident, latestVersion } from './incident.js';
import type { ReportRules } from './report-rules.js';
import { type PreparedReport, prepareReport, type ReportDraft } from './report-validation.js';

/** The draft of a zero report for `incident` at `now` (unix ms). */
export function zeroReportDraft(
  incident: Incident,
  rules: ReportRules,
  now: number,
  reporter?: number,
): ReportDraft {
  const last = latestVersion(incident)?.body;
  const asOf = Math.floor(countyTime(rules.timeZone).startOfDay(now) / 1000);
  return {
    stage: 'update',
    indicators: {},
    asOf,
    ...(reporter === undefined ? {} : { reporter }),
    ...(last?.cuts === undefined ? {} : { cuts: last.cuts }),
    ...(last?.needs === undefined ? {} : { needs: last.needs }),
    ...(last?.area === undefined ? {} : { area: last.area }),
  };
}

/** The zero report's body, checked as any report is (the incident must have its 初报 and be open). */
export function zeroReport(
  incident: Incident,
  rules: ReportRules,
  now: number,
  reporter?: number,
): PreparedReport {
  return prepareReport(incident, zeroReportDraft(incident, rules, now, reporter), rules);
}
