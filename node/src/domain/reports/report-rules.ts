/**
 * The configuration of the reports domain: the county's time zone, the thresholds that call for a
 * written reason, the deadlines of each incident type and the reminders (docs/reports.md
 * §Deadlines, §Deltas and thresholds, §County time). Local rules differ (docs/domain.md §Disaster
 * reports: some counties give townships 1 hour for the 初报), so every limit is a setting with the
 * national rule as its default.
 *
 * `reportRules()` fills what a configuration leaves out; `checkReportRules()` lists every problem of
 * a set of rules, for the configuration loader to report with the rest.
 */
import { DEFAULT_COUNTY_TIME_ZONE, isTimeZone, type LocalTimeOfDay } from '../county-time.js';
import type { IncidentType } from './incident.js';
import { INDICATOR_NAMES, type IndicatorName } from './indicators.js';
import { type ChangeThreshold, DEFAULT_THRESHOLDS } from './thresholds.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** The deadlines of one incident type. */
export interface TypeDeadlines {
  /** The 初报 is due this long after the disaster began, ms. Natural 2 h; workplace 1 h. */
  readonly initialWithinMs: number;
  /**
   * A 续报 is due every this many days while the incident is open, at `updateDueAt`; 0: none is
   * scheduled. Natural 1; workplace 0 (decree 493 asks for a further report when casualties change,
   * not on a timetable).
   */
  readonly updateEveryDays: number;
  /** The 核报 is due by 24:00 of the Nth day after the situation stabilised; 0: none. Natural 2; workplace 0. */
  readonly finalWithinDays: number;
}

export interface ReportRules {
  /** The county's IANA time zone: every deadline is on its clock. Default Asia/Shanghai. */
  readonly timeZone: string;
  /** When a figure's change needs a written reason, per indicator. Default DEFAULT_THRESHOLDS. */
  readonly thresholds: Readonly<Record<IndicatorName, ChangeThreshold>>;
  /** Deadlines by incident type. */
  readonly deadlines: Readonly<Record<IncidentType, TypeDeadlines>>;
  /** The time of day a 续报 is due, on the county clock, with figures to 24:00 of the day before. Default 09:00. */
  readonly updateDueAt: LocalTimeOfDay;
  /**
   * Days between 续报 for a hazard type (the code's type part, hazard >> 4), instead of the incident
   * type's. Default { 2: 10 }: drought is reported every 10 days.
   */
  readonly updateEveryDaysByHazardType: Readonly<Record<number, number>>;
  /** How long before each deadline the kit is reminded, ms; one reminder per entry. Default [30 min]. */
  readonly reminderLeadsMs: readonly number[];
}

export const DEFAULT_REPORT_RULES: ReportRules = Object.freeze({
  timeZone: DEFAULT_COUNTY_TIME_ZONE,
  thresholds: DEFAULT_THRESHOLDS,
  deadlines: Object.freeze({
    natural: Object.freeze({ initialWithinMs: 2 * HOUR, updateEveryDays: 1, finalWithinDays: 2 }),
    workplace: Object.freeze({ initialWithinMs: 1 * HOUR, updateEveryDays: 0, finalWithinDays: 0 }),
  }),
  updateDueAt: Object.freeze({ hour: 9, minute: 0 }),
  updateEveryDaysByHazardType: Object.freeze({ 2: 10 }),
  reminderLeadsMs: Object.freeze([30 * MINUTE]),
});

/** Overrides of some rules; what is left out keeps its default. */
export interface ReportRulesOverrides {
  readonly timeZone?: string;
  readonly thresholds?: Readonly<Partial<Record<IndicatorName, Partial<ChangeThreshold>>>>;
  readonly deadlines?: Readonly<Partial<Record<IncidentType, Partial<TypeDeadlines>>>>;
  readonly updateDueAt?: LocalTimeOfDay;
  readonly updateEveryDaysByHazardType?: Readonly<Record<number, number>>;
  readonly reminderLeadsMs?: readonly number[];
}

/** The rules with `overrides` applied. Throws RangeError listing every problem (check them first). */
export function reportRules(overrides: ReportRulesOverrides = {}): ReportRules {
  const thresholds = { ...DEFAULT_THRESHOLDS };
  for (const [name, t] of Object.entries(overrides.thresholds ?? {})) {
    const key = name as IndicatorName;
    thresholds[key] = { ...(DEFAULT_THRESHOLDS[key] ?? { absolute: 0, relative: 0, anyFall: false }), ...t };
  }
  const d = DEFAULT_REPORT_RULES.deadlines;
  const rules: ReportRules = {
    timeZone: overrides.timeZone ?? DEFAULT_REPORT_RULES.timeZone,
    thresholds,
    deadlines: {
      natural: { ...d.natural, ...overrides.deadlines?.natural },
      workplace: { ...d.workplace, ...overrides.deadlines?.workplace },
    },
    updateDueAt: overrides.updateDueAt ?? DEFAULT_REPORT_RULES.updateDueAt,
    updateEveryDaysByHazardType:
      overrides.updateEveryDaysByHazardType ?? DEFAULT_REPORT_RULES.updateEveryDaysByHazardType,
    reminderLeadsMs: overrides.reminderLeadsMs ?? DEFAULT_REPORT_RULES.reminderLeadsMs,
  };
  const problems = checkReportRules(rules);
  if (problems.length > 0) throw new RangeError(`report rules: ${problems.join('; ')}`);
  return rules;
}

/** Every problem of `rules`, as "path: what is wrong". */
export function checkReportRules(rules: ReportRules): string[] {
  const problems: string[] = [];
  const nonNegative = (path: string, v: unknown, integer = false) => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (integer && !Number.isInteger(v)))
      problems.push(`${path}: expected a ${integer ? 'whole number' : 'number'} ≥ 0`);
  };
  if (!isTimeZone(rules.timeZone)) problems.push(`timeZone: ${rules.timeZone} is not an IANA time zone`);
  for (const name of Object.keys(rules.thresholds)) {
    if (!INDICATOR_NAMES.includes(name as IndicatorName))
      problems.push(`thresholds.${name}: unknown indicator`);
  }
  for (const name of INDICATOR_NAMES) {
    const t = rules.thresholds[name];
    nonNegative(`thresholds.${name}.absolute`, t?.absolute);
    nonNegative(`thresholds.${name}.relative`, t?.relative);
    if (t !== undefined && t.relative > 1) problems.push(`thresholds.${name}.relative: expected a share 0–1`);
    if (typeof t?.anyFall !== 'boolean') problems.push(`thresholds.${name}.anyFall: expected true or false`);
  }
  for (const type of ['natural', 'workplace'] as const) {
    const t = rules.deadlines[type];
    if (!(t?.initialWithinMs > 0)) problems.push(`deadlines.${type}.initialWithinMs: expected a time > 0`);
    nonNegative(`deadlines.${type}.updateEveryDays`, t?.updateEveryDays, true);
    nonNegative(`deadlines.${type}.finalWithinDays`, t?.finalWithinDays, true);
  }
  const { hour, minute } = rules.updateDueAt;
  if (
    !Number.isInteger(hour) ||
    hour < 0 ||
    hour > 23 ||
    !Number.isInteger(minute) ||
    minute < 0 ||
    minute > 59
  )
    problems.push('updateDueAt: expected a time of day 00:00–23:59');
  for (const [type, days] of Object.entries(rules.updateEveryDaysByHazardType)) {
    if (!/^\d+$/.test(type))
      problems.push(`updateEveryDaysByHazardType.${type}: expected a hazard type number`);
    if (!Number.isInteger(days) || days < 1)
      problems.push(`updateEveryDaysByHazardType.${type}: expected a whole number of days ≥ 1`);
  }
  rules.reminderLeadsMs.forEach((lead, i) => {
    if (!(lead > 0) || !Number.isFinite(lead)) problems.push(`reminderLeadsMs[${i}]: expected a time > 0`);
  });
  return problems;
}

/** Days between 续报 of an incident of `type` and `hazard`; 0: none scheduled. */
export function updateEveryDays(rules: ReportRules, type: IncidentType, hazard: number | undefined): number {
  const base = rules.deadlines[type].updateEveryDays;
  if (base === 0 || hazard === undefined) return base;
  return rules.updateEveryDaysByHazardType[hazard >> 4] ?? base;
}
