/**
 * What is wrong with a draft report, field by field, in Chinese for the 灾害信息员 and in English
 * for the logs (docs/reports.md §Validation; docs/conventions.md §Errors: validation returns every
 * problem, with a stable code). A UI shows `zh` beside the field `field` names.
 */
import { KitError, type KitErrorCode } from '../../base/errors.js';
import type { IndicatorChange } from './figures.js';
import { indicatorDef, indicatorLabel } from './indicators.js';
import type { ChangeThreshold } from './thresholds.js';

export type ReportProblemCode = Extract<
  KitErrorCode,
  | 'REPORT_EXPLANATION_MISSING'
  | 'REPORT_FIGURE_INVALID'
  | 'REPORT_FIGURES_INCONSISTENT'
  | 'REPORT_FIELD_INVALID'
  | 'REPORT_STAGE_INVALID'
  | 'REPORT_INCIDENT_CLOSED'
  | 'REPORT_NOTE_TOO_LONG'
>;

export interface ReportProblem {
  readonly code: ReportProblemCode;
  /** The draft's field: "indicators.dead", "explanations.affected", "note", "stage"… */
  readonly field: string;
  readonly zh: string;
  readonly en: string;
}

/** The form's units in English, for the log. */
const UNIT_EN: Readonly<Record<string, string>> = {
  人: 'people',
  间: 'rooms',
  户: 'households',
  个: 'sites',
  公顷: 'ha',
  头只: 'head',
  公里: 'km',
  座: '',
  所: '',
  万元: '× 10,000 yuan',
};

function amount(name: IndicatorChange['name'], value: number): { zh: string; en: string } {
  const { unit } = indicatorDef(name);
  const en = UNIT_EN[unit] ?? unit;
  return { zh: `${value}${unit}`, en: en === '' ? `${value}` : `${value} ${en}` };
}

export function explanationMissing(change: IndicatorChange, threshold: ChangeThreshold): ReportProblem {
  const { name, before = 0, after, change: delta } = change;
  const from = amount(name, before);
  const to = amount(name, after);
  const fell = delta < 0;
  const rule =
    fell && threshold.anyFall
      ? { zh: '累计数减少', en: 'a to-date total fell' }
      : {
          zh: `变化超过${threshold.absolute}${indicatorDef(name).unit}且超过${Math.round(threshold.relative * 100)}%`,
          en: `the change is over ${threshold.absolute} and over ${Math.round(threshold.relative * 100)} %`,
        };
  return {
    code: 'REPORT_EXPLANATION_MISSING',
    field: `explanations.${name}`,
    zh: `${indicatorLabel(name)}由${from.zh}${fell ? '减至' : '增至'}${to.zh}，${rule.zh}，请填写变化原因`,
    en: `${name} went from ${from.en} to ${to.en} (${delta > 0 ? '+' : ''}${delta}); ${rule.en}: write the reason for the change`,
  };
}

export function problem(code: ReportProblemCode, field: string, zh: string, en: string): ReportProblem {
  return { code, field, zh, en };
}

/** One KitError for a refused draft, its message listing every problem (English, for the log). */
export function reportRejected(problems: readonly ReportProblem[]): KitError {
  const lines = problems.map((p) => `${p.field}: ${p.en} (${p.code})`);
  return new KitError('REPORT_REJECTED', `the report was not filed: ${lines.join('; ')}`);
}
