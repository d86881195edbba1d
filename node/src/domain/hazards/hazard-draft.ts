/**
 * Checking a hazard before it goes on air (docs/hazards.md §Filing, §Changing a hazard): a report
 * from a kit's form, or a change of status, turned into the wire body it will travel as. Every
 * problem is listed at once, each with the field it concerns, a stable code, and a message in
 * Chinese for the person at the form and in English for the log (docs/conventions.md §Errors).
 * Fields are checked by the wire's own codecs (docs/wire-format.md §4.8), so a body that passes
 * here is one the wire carries.
 */
import { KitError, type KitErrorCode } from '../../base/errors.js';
import { hazardByCode } from '../../wire/codes/hazard-types.js';
import type { GeoPoint, MessageRef } from '../../wire/field-codecs.js';
import { HAZARD_SEVERITIES, type HazardBody, hazardFields } from '../../wire/kinds/hazard.js';
import { readAreaCode } from '../roster/area-code.js';
import type { HazardView } from './hazard.js';
import './hazard-errors.js';
import { sectorByCode } from './hazard-sectors.js';
import { type HazardStatus, nextStatuses, STATUSES, wireStatus } from './hazard-status.js';

export type HazardProblemCode = Extract<
  KitErrorCode,
  'HAZARD_FIELD_INVALID' | 'HAZARD_TEXT_TOO_LONG' | 'HAZARD_STATUS_INVALID'
>;

export interface HazardProblem {
  readonly code: HazardProblemCode;
  readonly field: string;
  readonly zh: string;
  readonly en: string;
}

/** A hazard as the form gives it; the reporter is the person signed in. */
export interface HazardDraft {
  /** Hazard code (node/src/wire/codes/hazard-types.ts). */
  hazard: number;
  severity: HazardBody['severity'];
  sector?: number;
  /** The area, when not the kit's own. */
  area?: number;
  point?: GeoPoint;
  peopleAtRisk?: number;
  householdsAtRisk?: number;
  description?: string;
}

/** A change of a hazard's status; a verification may correct what the report said. */
export interface HazardChange {
  status: HazardStatus;
  /** What was done or found. */
  note?: string;
  hazard?: number;
  severity?: HazardBody['severity'];
  sector?: number;
  point?: GeoPoint;
  peopleAtRisk?: number;
  householdsAtRisk?: number;
}

export type Checked = { ok: true; body: HazardBody } | { ok: false; problems: HazardProblem[] };

const CORRECTIONS = ['hazard', 'severity', 'sector', 'point', 'peopleAtRisk', 'householdsAtRisk'] as const;

/**
 * The opening report's body for `draft`, by `reporter`, with `photos` held at the kit. `ownArea`
 * is the kit's own area: a draft naming it sends none (the centre knows each kit's area).
 */
export function checkHazardDraft(
  draft: HazardDraft,
  o: { reporter: number; ownArea?: number; photos?: number },
): Checked {
  const problems: HazardProblem[] = [];
  checkType(draft.hazard, problems);
  checkSeverity(draft.severity, problems);
  if (draft.sector !== undefined) checkSector(draft.sector, problems);
  let area: number | undefined;
  if (draft.area !== undefined) {
    const read = readAreaCode(draft.area);
    if (!read.ok) problems.push(invalid('area', `地区代码不对：${read.problem}`, read.problem));
    else if (read.code !== o.ownArea) area = read.code;
  }
  const body: HazardBody = {
    hazard: draft.hazard,
    severity: draft.severity,
    status: 'reported',
    ...(draft.point === undefined ? {} : { point: draft.point }),
    ...(draft.peopleAtRisk === undefined ? {} : { peopleAtRisk: draft.peopleAtRisk }),
    ...(draft.householdsAtRisk === undefined ? {} : { householdsAtRisk: draft.householdsAtRisk }),
    reporter: o.reporter,
    ...textField(draft.description),
    ...(area === undefined ? {} : { area }),
    ...(draft.sector === undefined ? {} : { sector: draft.sector }),
    ...(o.photos === undefined || o.photos === 0 ? {} : { photos: o.photos }),
  };
  checkWire(body, problems, 'description');
  return problems.length > 0 ? { ok: false, problems } : { ok: true, body };
}

/**
 * The body of a change of `hazard` to `change.status`, by `by`. A change repeats the code and
 * severity (the wire requires them); only a verification may correct them and the rest. It names
 * the hazard's area only when it differs from the sending kit's own (`ownArea`), and never from
 * the centre (`fromCentre`), whose change goes to the kit that holds the report.
 */
export function checkHazardChange(
  hazard: HazardView,
  change: HazardChange,
  o: { by: number; ownArea?: number; fromCentre: boolean; photos?: number },
): Checked {
  const problems: HazardProblem[] = [];
  if (!(STATUSES as readonly string[]).includes(change.status)) {
    problems.push(invalid('status', '状态不对', `unknown status ${String(change.status)}`));
    return { ok: false, problems };
  }
  if (!nextStatuses(hazard.status).includes(change.status))
    problems.push({
      code: 'HAZARD_STATUS_INVALID',
      field: 'status',
      zh:
        hazard.status === 'closed'
          ? '这个隐患已销号，不能再更改'
          : `这个隐患已是“${STATUS_ZH[hazard.status]}”，不能改为“${STATUS_ZH[change.status]}”`,
      en: `the hazard is ${hazard.status}: it cannot move to ${change.status} (a hazard only moves forward)`,
    });
  const corrects = CORRECTIONS.filter((k) => change[k] !== undefined);
  if (change.status !== 'verified')
    for (const k of corrects)
      problems.push(
        invalid(k, '只有核实时才能更正隐患的类型、等级和位置', `only a verification may correct ${k}`),
      );
  if (change.hazard !== undefined) checkType(change.hazard, problems);
  if (change.severity !== undefined) checkSeverity(change.severity, problems);
  if (change.sector !== undefined) checkSector(change.sector, problems);
  const area =
    o.fromCentre || hazard.area === undefined || hazard.area === o.ownArea ? undefined : hazard.area;
  const body: HazardBody = {
    hazard: change.hazard ?? hazard.hazard,
    severity: change.severity ?? hazard.severity,
    status: wireStatus(change.status),
    ...(change.point === undefined ? {} : { point: change.point }),
    ...(change.peopleAtRisk === undefined ? {} : { peopleAtRisk: change.peopleAtRisk }),
    ...(change.householdsAtRisk === undefined ? {} : { householdsAtRisk: change.householdsAtRisk }),
    reporter: o.by,
    ...textField(change.note),
    previous: refOf(hazard.id),
    ...(area === undefined ? {} : { area }),
    ...(change.sector === undefined ? {} : { sector: change.sector }),
    ...(o.photos === undefined || o.photos === 0 ? {} : { photos: o.photos }),
  };
  checkWire(body, problems, 'note');
  return problems.length > 0 ? { ok: false, problems } : { ok: true, body };
}

/** One KitError for a refused draft or change, listing every problem (English, for the log). */
export function hazardRejected(problems: readonly HazardProblem[]): KitError {
  const lines = problems.map((p) => `${p.field}: ${p.en} (${p.code})`);
  return new KitError('HAZARD_REJECTED', `the hazard was not sent: ${lines.join('; ')}`);
}

export const STATUS_ZH: Readonly<Record<HazardStatus, string>> = {
  reported: '已上报',
  verified: '已核实',
  handled: '已处置',
  closed: '已销号',
};

export function refOf(id: string): MessageRef {
  const [origin, seq] = id.split('/').map(Number) as [number, number];
  return { origin, seq };
}

function textField(text: string | undefined): { description?: string } {
  const t = text?.trim();
  return t === undefined || t === '' ? {} : { description: t };
}

function checkType(code: number, problems: HazardProblem[]): void {
  if (!Number.isInteger(code) || hazardByCode(code) === undefined)
    problems.push(invalid('hazard', '请选择隐患类型', `${code} is not a hazard code of the table`));
}

function checkSeverity(severity: string, problems: HazardProblem[]): void {
  if (!(HAZARD_SEVERITIES as readonly string[]).includes(severity))
    problems.push(invalid('severity', '请选择严重程度', `${severity} is not a severity`));
}

function checkSector(code: number, problems: HazardProblem[]): void {
  if (!Number.isInteger(code) || sectorByCode(code) === undefined)
    problems.push(invalid('sector', '请选择行业领域', `${code} is not a sector of the table`));
}

/** Every field through the wire's codec: what the wire refuses is a problem of its field. */
function checkWire(body: HazardBody, problems: HazardProblem[], textName: string): void {
  const ctx = { createdAt: 0 };
  const seen = new Set(problems.map((p) => p.field));
  for (const [name, field] of Object.entries(hazardFields)) {
    const value = (body as Record<string, unknown>)[name];
    if (value === undefined) continue;
    const key = name === 'description' ? textName : name;
    if (seen.has(key)) continue;
    try {
      (field.codec as { encode(v: unknown, p: string, c: { createdAt: number }): unknown }).encode(
        value,
        name,
        ctx,
      );
    } catch (err) {
      const en = (err as Error).message;
      problems.push(
        name === 'description'
          ? {
              code: 'HAZARD_TEXT_TOO_LONG',
              field: textName,
              zh: `文字最多300字节（约100个汉字），现在${Buffer.byteLength(String(value))}字节`,
              en,
            }
          : invalid(key, FIELD_ZH[name] ?? '这一项不能发送', en),
      );
    }
  }
}

const FIELD_ZH: Readonly<Record<string, string>> = {
  point: '位置不对：纬度−90至90，经度−180至180',
  peopleAtRisk: '威胁人数应为0至一千万的整数',
  householdsAtRisk: '威胁户数应为0至一百万的整数',
  reporter: '上报人编号不对',
  sector: '行业领域不对',
  photos: '照片太多',
};

function invalid(field: string, zh: string, en: string): HazardProblem {
  return { code: 'HAZARD_FIELD_INVALID', field, zh, en };
}
