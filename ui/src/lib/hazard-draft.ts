/**
 * The hazard form's data (docs/ui.md §Hazards): which types a village sees first, and the form's
 * state turned into the body the kit takes (docs/api.md §Hazards: POST /api/hazards). Pure: the
 * form (views/HazardForm.svelte) keeps its state and calls these.
 */

import { HAZARD_SECTORS } from '../../../node/src/domain/hazards/hazard-sectors.js';
import { areaContains } from '../../../node/src/domain/roster/area-code.js';
import type { HazardChangeInput, HazardDraftInput } from '../../../node/src/http/hazards-service.js';
import { HAZARD_TYPES } from '../../../node/src/wire/codes/hazard-types.js';

export type { HazardChangeInput, HazardDraftInput };
export type Severity = HazardDraftInput['severity'];
export const SEVERITIES: readonly Severity[] = ['low', 'medium', 'high', 'critical'];

/**
 * The hazards an inspection in a hilly county finds most, first on the form (docs/hazards.md
 * §Types and sectors): the geological hazards of the State Council's regulations on geological
 * hazard prevention (collapse, landslide, debris flow, ground collapse), flash-flood and
 * waterlogging spots, river banks, and forest fire. Codes of node/src/wire/codes/hazard-types.ts.
 */
export const COMMON_HAZARDS: readonly number[] = [160, 144, 176, 256, 18, 19, 17, 225];

/** Every other hazard type, for the list under the common ones. */
export const OTHER_HAZARDS: readonly number[] = HAZARD_TYPES.map((h) => h.code).filter(
  (c) => !COMMON_HAZARDS.includes(c),
);

export const SECTOR_CODES: readonly number[] = HAZARD_SECTORS.map((s) => s.code);

export interface HazardFormState {
  hazard?: number;
  severity: Severity;
  sector?: number;
  area?: number;
  point?: { lat: number; lon: number };
  /** As typed: digits, or empty. */
  peopleAtRisk: string;
  householdsAtRisk: string;
  description: string;
  /** Tokens of the photos uploaded for it. */
  photos: string[];
  exercise: boolean;
}

export function emptyForm(): HazardFormState {
  return {
    severity: 'medium',
    peopleAtRisk: '',
    householdsAtRisk: '',
    description: '',
    photos: [],
    exercise: false,
  };
}

/** UTF-8 bytes of a text, as the wire counts them (300 at most). */
export function textBytes(text: string): number {
  return new TextEncoder().encode(text.trim()).length;
}

/** A count typed on the keypad, or undefined when nothing (or nothing sensible) was typed. */
export function countOf(typed: string): number | undefined {
  const t = typed.trim();
  if (!/^\d{1,8}$/.test(t)) return undefined;
  return Number(t);
}

/** What is missing before the form can go: the type, an over-long text, a count that is not one. */
export function formProblems(
  f: HazardFormState,
): Array<'type' | 'description' | 'peopleAtRisk' | 'householdsAtRisk'> {
  const out: Array<'type' | 'description' | 'peopleAtRisk' | 'householdsAtRisk'> = [];
  if (f.hazard === undefined) out.push('type');
  if (textBytes(f.description) > 300) out.push('description');
  if (f.peopleAtRisk.trim() !== '' && countOf(f.peopleAtRisk) === undefined) out.push('peopleAtRisk');
  if (f.householdsAtRisk.trim() !== '' && countOf(f.householdsAtRisk) === undefined)
    out.push('householdsAtRisk');
  return out;
}

/** The body POST /api/hazards takes, from a form with no problems. */
export function draftOf(f: HazardFormState): HazardDraftInput {
  if (f.hazard === undefined) throw new TypeError('a hazard draft needs its type');
  const people = countOf(f.peopleAtRisk);
  const households = countOf(f.householdsAtRisk);
  const description = f.description.trim();
  return {
    hazard: f.hazard,
    severity: f.severity,
    ...(f.sector === undefined ? {} : { sector: f.sector }),
    ...(f.area === undefined ? {} : { area: f.area }),
    ...(f.point === undefined ? {} : { point: f.point }),
    ...(people === undefined ? {} : { peopleAtRisk: people }),
    ...(households === undefined ? {} : { householdsAtRisk: households }),
    ...(description === '' ? {} : { description }),
    ...(f.photos.length === 0 ? {} : { photos: [...f.photos] }),
    ...(f.exercise ? { exercise: true } : {}),
  };
}

/** A change's body: a note when one was typed, and a verification's corrected severity. */
export function changeOf(
  status: HazardChangeInput['status'],
  note: string,
  severity?: Severity,
): HazardChangeInput {
  const n = note.trim();
  return {
    status,
    ...(n === '' ? {} : { note: n }),
    ...(status === 'verified' && severity !== undefined ? { severity } : {}),
  };
}

/** Whether the grants of the person signed in allow `permission` in `area` (docs/domain-model.md §Roles). */
export function grantsAllow(
  grants: ReadonlyArray<{ permission: string; all: boolean; areas: readonly number[] }>,
  permission: string,
  area: number | undefined,
): boolean {
  return grants.some(
    (g) =>
      g.permission === permission &&
      (g.all || (area !== undefined && g.areas.some((a) => areaContains(a, area)))),
  );
}

/** The statuses the person may move a hazard to (hazard-status.ts `permissionsFor`), of those it may still take. */
export function allowedNext(
  next: readonly HazardChangeInput['status'][],
  grants: ReadonlyArray<{ permission: string; all: boolean; areas: readonly number[] }>,
  area: number | undefined,
): HazardChangeInput['status'][] {
  return next.filter((s) =>
    (s === 'handled' ? ['hazard.file', 'hazard.verify'] : ['hazard.verify']).some((p) =>
      grantsAllow(grants, p, area),
    ),
  );
}
