/**
 * Checking a draft report against its incident and turning it into the wire's report body
 * (docs/reports.md §Validation, §Deltas and thresholds; docs/wire-format.md §4.1).
 *
 * Every problem is listed, not the first: each names the draft's field, a stable code, and says
 * in Chinese and English what is wrong and what to do. {@link explanationsNeeded} answers, while
 * the figures are being typed, which of them will need a reason. At the centre, where a report
 * arrives whatever it holds, {@link unexplainedChanges} says which changes came without one.
 */
import { isKitError } from '../../base/errors.js';
import { MAX_INDICATOR_UNITS } from '../../wire/codes/indicators.js';
import type { GeoPoint } from '../../wire/field-codecs.js';
import { type REPORT_STAGES, type ReportBody, reportFields } from '../../wire/kinds/report.js';
import { type Explanations, NOTE_MAX_BYTES, packNote, unpackNote, utf8Bytes } from './explanation-note.js';
import { changesFrom, figuresAfter, type IndicatorChange, versionChanges } from './figures.js';
import { type Incident, incidentHazard, initialRefOf, initialVersion, isClosed } from './incident.js';
import { factsToCarry } from './incident-facts.js';
import {
  fromUnits,
  type IndicatorName,
  type IndicatorSet,
  indicatorDef,
  indicatorLabel,
  isIndicatorName,
  toUnits,
} from './indicators.js';
import { explanationMissing, problem, type ReportProblem } from './report-problems.js';
import type { ReportRules } from './report-rules.js';
import { changesNeedingExplanation } from './thresholds.js';

export type ReportStage = (typeof REPORT_STAGES)[number];

/** A report as the 灾害信息员 fills it in, before it becomes a wire body. */
export interface ReportDraft {
  readonly stage: ReportStage;
  /** The hazard code; a 续报 or 核报 without one keeps the incident's. */
  readonly hazard?: number;
  /** The reporter's index in the kit's roster. */
  readonly reporter?: number;
  /** The figures; one left out keeps its last value (figures.ts). */
  readonly indicators: IndicatorSet;
  /** A reason per figure whose change needs one. */
  readonly explanations?: Explanations;
  /** General circumstances. */
  readonly note?: string;
  readonly cuts?: ReportBody['cuts'];
  readonly needs?: ReportBody['needs'];
  readonly point?: GeoPoint;
  /** The area reported on, when not the kit's own. */
  readonly area?: number;
  /** The time the figures stand at, unix seconds (a 续报's 24:00 of the day before). */
  readonly asOf?: number;
  /** When the disaster began, unix seconds: a 初报 says it (its deadline runs from it). */
  readonly began?: number;
}

export type PreparedReport =
  | {
      readonly ok: true;
      readonly body: ReportBody;
      /** What the report changes against the figures before it. */
      readonly changes: readonly IndicatorChange[];
    }
  | { readonly ok: false; readonly problems: readonly ReportProblem[] };

/** A part that cannot exceed its whole: [part, whole]. */
const PARTS: ReadonlyArray<readonly [IndicatorName, IndicatorName]> = [
  ['seriouslyInjured', 'injured'],
  ['relocatedCurrent', 'relocatedCumulative'],
  ['needReliefCurrent', 'needReliefCumulative'],
  ['drinkingWaterDifficulty', 'droughtRelief'],
  ['cropsDamagedHa', 'cropsAffectedHa'],
  ['cropsLostHa', 'cropsDamagedHa'],
];

const FIELD_ZH: Readonly<Record<string, string>> = {
  hazard: '灾种',
  reporter: '报告人',
  cuts: '四断情况',
  needs: '急需',
  point: '位置',
  area: '行政区划代码',
  asOf: '数据截至时间',
  began: '发生时间',
};

/** Which of `indicators`' changes against the incident's standing figures need a written reason. */
export function explanationsNeeded(
  incident: Incident | undefined,
  indicators: IndicatorSet,
  rules: ReportRules,
): IndicatorChange[] {
  const before = incident === undefined ? {} : figuresAfter(incident);
  return changesNeedingExplanation(changesFrom(before, validFigures(indicators)), rules.thresholds);
}

/** Checks `draft` as the next report of `incident` (undefined, or opened, for a 初报) and builds its body. */
export function prepareReport(
  incident: Incident | undefined,
  draft: ReportDraft,
  rules: ReportRules,
): PreparedReport {
  const problems: ReportProblem[] = [];
  const ref = incident === undefined ? undefined : initialRefOf(incident.id);
  checkStage(incident, draft.stage, ref !== undefined, problems);

  const hazard = draft.hazard ?? (incident === undefined ? undefined : incidentHazard(incident));
  if (hazard === undefined)
    problems.push(problem('REPORT_FIELD_INVALID', 'hazard', '请选择灾种', 'hazard: choose the hazard type'));
  const optional = {
    hazard,
    reporter: draft.reporter,
    cuts: draft.cuts,
    needs: draft.needs,
    point: draft.point,
    area: draft.area,
    asOf: draft.asOf,
    began: draft.began,
  };
  for (const [field, value] of Object.entries(optional)) checkField(field, value, problems);

  checkFigures(draft.indicators, problems);
  const figures = validFigures(draft.indicators);
  const before = incident === undefined ? {} : figuresAfter(incident);
  checkParts({ ...before, ...figures }, figures, problems);

  const changes = changesFrom(before, figures);
  for (const change of changesNeedingExplanation(changes, rules.thresholds)) {
    if ((draft.explanations?.[change.name] ?? '').trim() === '')
      problems.push(explanationMissing(change, rules.thresholds[change.name]));
  }

  const note = packNote(draft.note, draft.explanations);
  const bytes = utf8Bytes(note);
  if (bytes > NOTE_MAX_BYTES)
    problems.push(
      problem(
        'REPORT_NOTE_TOO_LONG',
        'note',
        `情况说明和变化原因共${bytes}字节，超过${NOTE_MAX_BYTES}字节（约${NOTE_MAX_BYTES / 3}个汉字），请精简`,
        `the note and the reasons take ${bytes} bytes, over the ${NOTE_MAX_BYTES} a report carries: shorten them`,
      ),
    );

  if (problems.length > 0 || hazard === undefined) return { ok: false, problems };
  const body: ReportBody = { stage: draft.stage, hazard, indicators: figures };
  if (draft.reporter !== undefined) body.reporter = draft.reporter;
  if (draft.cuts !== undefined) body.cuts = draft.cuts;
  if (draft.needs !== undefined) body.needs = draft.needs;
  if (draft.point !== undefined) body.point = draft.point;
  if (draft.stage !== 'initial' && ref !== undefined) body.incident = ref;
  if (draft.area !== undefined) body.area = draft.area;
  if (draft.asOf !== undefined) body.asOf = draft.asOf;
  if (note !== '') body.note = note;
  Object.assign(body, factsToCarry(incident));
  if (draft.began !== undefined) body.began = draft.began;
  return { ok: true, body, changes };
}

/**
 * The changes version `index` of a recorded incident made that needed a reason and came without
 * one: no reason for that figure in the note, and no general text either.
 */
export function unexplainedChanges(incident: Incident, index: number, rules: ReportRules): IndicatorChange[] {
  const v = incident.versions[index];
  if (v === undefined) return [];
  const { note, explanations } = unpackNote(v.body.note);
  return changesNeedingExplanation(versionChanges(incident, index), rules.thresholds).filter(
    (c) => explanations[c.name] === undefined && note === '',
  );
}

function checkStage(
  incident: Incident | undefined,
  stage: ReportStage,
  reported: boolean,
  problems: ReportProblem[],
): void {
  if (stage === 'initial') {
    if (incident !== undefined && (reported || initialVersion(incident) !== undefined))
      problems.push(
        problem(
          'REPORT_STAGE_INVALID',
          'stage',
          '该灾害过程已有初报，请报续报或核报',
          'stage: this incident has its 初报 already; file a 续报 or 核报',
        ),
      );
    return;
  }
  if (!reported)
    problems.push(
      problem(
        'REPORT_STAGE_INVALID',
        'stage',
        '续报和核报须接在初报之后，请先报初报',
        'stage: a 续报 or 核报 continues a 初报; file the 初报 first',
      ),
    );
  else if (incident !== undefined && isClosed(incident))
    problems.push(
      problem(
        'REPORT_INCIDENT_CLOSED',
        'stage',
        '该灾害过程已核报，不再接受续报或核报',
        'stage: this incident has its 核报; it takes no further report',
      ),
    );
}

function checkField(field: string, value: unknown, problems: ReportProblem[]): void {
  if (value === undefined) return;
  const codec = reportFields[field as keyof typeof reportFields].codec as {
    encode(v: unknown, path: string, ctx: { createdAt: number }): unknown;
  };
  try {
    codec.encode(value, field, { createdAt: 0 });
  } catch (err) {
    if (!isKitError(err)) throw err;
    problems.push(problem('REPORT_FIELD_INVALID', field, `${FIELD_ZH[field] ?? field}无效`, err.message));
  }
}

function figureProblem(name: string, value: unknown): string | undefined {
  if (!isIndicatorName(name)) return 'is not an indicator of the quick-report form';
  const { scale, unit } = indicatorDef(name);
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
    return `expected a number ≥ 0 ${unit}`;
  const units = toUnits(name, value);
  if (Math.abs(units - value * scale) > 1e-6) return `${value} is finer than 1/${scale} ${unit}`;
  if (units > MAX_INDICATOR_UNITS) return `${value} is over ${fromUnits(name, MAX_INDICATOR_UNITS)} ${unit}`;
  return undefined;
}

function checkFigures(indicators: IndicatorSet, problems: ReportProblem[]): void {
  for (const [name, value] of Object.entries(indicators)) {
    const why = figureProblem(name, value);
    if (why === undefined) continue;
    const label = isIndicatorName(name) ? indicatorLabel(name) : name;
    problems.push(
      problem(
        'REPORT_FIGURE_INVALID',
        `indicators.${name}`,
        `${label}的数值无效`,
        `indicators.${name}: ${why}`,
      ),
    );
  }
}

/** The figures of `indicators` that are valid, rounded to their step. */
function validFigures(indicators: IndicatorSet): IndicatorSet {
  const out: Record<string, number> = {};
  for (const [name, value] of Object.entries(indicators)) {
    if (figureProblem(name, value) === undefined && isIndicatorName(name))
      out[name] = fromUnits(name, toUnits(name, value as number));
  }
  return out as IndicatorSet;
}

function checkParts(standing: IndicatorSet, reported: IndicatorSet, problems: ReportProblem[]): void {
  for (const [part, whole] of PARTS) {
    const p = standing[part];
    const w = standing[whole];
    if (p === undefined || w === undefined || p <= w) continue;
    if (reported[part] === undefined && reported[whole] === undefined) continue;
    problems.push(
      problem(
        'REPORT_FIGURES_INCONSISTENT',
        `indicators.${reported[part] === undefined ? whole : part}`,
        `${indicatorLabel(part)}（${p}）不能大于${indicatorLabel(whole)}（${w}）`,
        `${part} (${p}) is more than ${whole} (${w}), which includes it: correct one of them`,
      ),
    );
  }
}
