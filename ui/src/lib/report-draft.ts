/**
 * The report form's state, kept on the phone as it is typed, and the draft the API takes made from
 * it (docs/ui.md §Reports, §Nothing typed is lost; docs/api.md §Reports).
 *
 * What the draft cannot carry goes into the note, in Chinese, where the duty officer reads it: the
 * time the disaster began (the wire has no field for it: docs/reports.md §What the wire does not
 * carry) and the place in words. Reasons for large changes are packed after the note by the
 * domain's own convention (docs/reports.md §Deltas and thresholds), so the bytes counted here are
 * the bytes that travel.
 */
import {
  type Explanations,
  NOTE_MAX_BYTES,
  packNote,
} from '../../../node/src/domain/reports/explanation-note.js';
import { changesFrom } from '../../../node/src/domain/reports/figures.js';
import {
  changesNeedingExplanation,
  DEFAULT_THRESHOLDS,
} from '../../../node/src/domain/reports/thresholds.js';
import {
  INDICATORS,
  type IndicatorName,
  type IndicatorSet,
} from '../../../node/src/wire/codes/indicators.js';
import { fill } from '../i18n/fill.js';
import { zhCN } from '../i18n/zh-CN.js';
import type { ReportDraftInput, ReportStage } from './api-types.js';
import { localInputValue, parseLocalInput } from './county-clock.js';

export { NOTE_MAX_BYTES };

export interface FormState {
  stage: ReportStage;
  /** The incident a 续报 continues. */
  incident?: string;
  hazard?: number;
  /** An area code as typed or chosen; '' for the kit's own. */
  area: string;
  /** The place in words. */
  place: string;
  /** When it began, as a datetime-local value on the county clock; '' when not known. */
  startedAt: string;
  /** Figures as typed, by indicator. */
  figures: Record<string, string>;
  explanations: Record<string, string>;
  cuts: string[];
  needs: string[];
  note: string;
  exercise: boolean;
  point?: { lat: number; lon: number; accuracy: number };
}

export function emptyForm(stage: ReportStage, now: number, zone: string, incident?: string): FormState {
  return {
    stage,
    ...(incident === undefined ? {} : { incident }),
    area: '',
    place: '',
    startedAt: stage === 'initial' ? localInputValue(now, zone) : '',
    figures: {},
    explanations: {},
    cuts: [],
    needs: [],
    note: '',
    exercise: false,
  };
}

const scales = new Map<string, number>(INDICATORS.map((d) => [d.name, d.scale]));

/** The figures typed, as numbers; `invalid` names those that are not a figure of the indicator's step. */
export function figuresOf(form: FormState): { values: IndicatorSet; invalid: IndicatorName[] } {
  const values: IndicatorSet = {};
  const invalid: IndicatorName[] = [];
  for (const [name, raw] of Object.entries(form.figures)) {
    const text = raw.trim().replace(/[，,\s]/g, '');
    if (text === '' || !scales.has(name)) continue;
    const n = Number(text);
    const scale = scales.get(name) ?? 1;
    if (!Number.isFinite(n) || n < 0 || Math.abs(Math.round(n * scale) - n * scale) > 1e-9)
      invalid.push(name as IndicatorName);
    else values[name as IndicatorName] = n;
  }
  return { values, invalid };
}

/**
 * The note's own text: where, in Chinese, then what the person wrote. When it began travels in a
 * field of its own (`began`), which the centre reads to time the 初报 (docs/reports.md §The
 * incident's facts on the wire).
 */
export function noteText(form: FormState): string {
  const parts: string[] = [];
  if (form.place.trim() !== '') parts.push(fill(zhCN['form.placeInNote'], { place: form.place.trim() }));
  if (form.note.trim() !== '') parts.push(form.note.trim());
  return parts.join(zhCN['form.noteJoin']);
}

/** The reasons typed, for the figures that have one. */
export function explanationsOf(form: FormState): Explanations {
  const out: Partial<Record<IndicatorName, string>> = {};
  for (const [name, text] of Object.entries(form.explanations))
    if (scales.has(name) && text.trim() !== '') out[name as IndicatorName] = text.trim();
  return out;
}

/** The note as it will travel, reasons packed after it. */
export function packedNote(form: FormState): string {
  return packNote(noteText(form), explanationsOf(form));
}

/** The packed note's size in UTF-8, as the wire counts its 300 bytes (TextEncoder: a browser has no Buffer). */
export function noteBytes(form: FormState): number {
  return new TextEncoder().encode(packedNote(form)).length;
}

/**
 * The figures whose change from `standing` (the incident's figures so far) needs a reason by the
 * domain's default thresholds. The kit checks against the county's own and has the last word: its
 * refusal names the figures it wants reasons for, and the form asks for those too.
 */
export function reasonsNeeded(form: FormState, standing: IndicatorSet): IndicatorName[] {
  if (form.stage === 'initial') return [];
  const changes = changesFrom(standing, figuresOf(form).values);
  return changesNeedingExplanation(changes, DEFAULT_THRESHOLDS).map((c) => c.name);
}

/**
 * The draft the API takes. On a drill node (`drill`: docs/ui.md §Drill mode) it is an exercise
 * whatever the form says; the kit forces the flag too, and the form is left as typed.
 */
export function buildDraft(form: FormState, zone: string, drill = false): ReportDraftInput {
  const { values } = figuresOf(form);
  const explanations = explanationsOf(form);
  const note = noteText(form);
  const area = /^\d{6,12}$/.test(form.area.trim()) ? Number(form.area.trim()) : undefined;
  const started = form.stage === 'initial' ? parseLocalInput(form.startedAt, zone) : undefined;
  return {
    stage: form.stage,
    ...(form.incident === undefined ? {} : { incident: form.incident }),
    ...(form.hazard === undefined ? {} : { hazard: form.hazard }),
    indicators: values,
    ...(Object.keys(explanations).length > 0 ? { explanations: explanations as Record<string, string> } : {}),
    ...(note === '' ? {} : { note }),
    ...(form.cuts.length > 0 ? { cuts: [...form.cuts] } : {}),
    ...(form.needs.length > 0 ? { needs: [...form.needs] } : {}),
    ...(form.point === undefined ? {} : { point: { lat: form.point.lat, lon: form.point.lon } }),
    ...(area === undefined ? {} : { area }),
    ...(started === undefined ? {} : { began: Math.floor(started / 1000) }),
    ...(form.exercise || drill ? { exercise: true } : {}),
  };
}

/** A refused draft back in the form, to be corrected (its note's own text as it was sent). */
export function formFromDraft(draft: ReportDraftInput, now: number, zone: string): FormState {
  const form = emptyForm(draft.stage, now, zone, draft.incident);
  return {
    ...form,
    ...(draft.hazard === undefined ? {} : { hazard: draft.hazard }),
    area: draft.area === undefined ? '' : String(draft.area),
    startedAt: draft.began === undefined ? '' : localInputValue(draft.began * 1000, zone),
    figures: Object.fromEntries(Object.entries(draft.indicators).map(([k, v]) => [k, String(v)])),
    explanations: { ...(draft.explanations ?? {}) },
    cuts: [...(draft.cuts ?? [])],
    needs: [...(draft.needs ?? [])],
    note: draft.note ?? '',
    exercise: draft.exercise === true,
    ...(draft.point === undefined ? {} : { point: { ...draft.point, accuracy: 0 } }),
  };
}

/** Where a form in progress is kept on the phone. */
export function draftStorageKey(stage: ReportStage, incident: string | undefined): string {
  return incident === undefined ? `fieldnode.draft.${stage}` : `fieldnode.draft.${stage}.${incident}`;
}

export function loadForm(storage: Pick<Storage, 'getItem'>, key: string): FormState | undefined {
  try {
    const raw = storage.getItem(key);
    return raw === null ? undefined : (JSON.parse(raw) as FormState);
  } catch {
    return undefined;
  }
}
