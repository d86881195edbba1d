/**
 * The people, areas and rules of the in-memory warnings service (warnings-fixtures.ts): who is on
 * the test roster, what a draft makes once checked (the problems a form is shown, in English and
 * Chinese), who a warning calls (docs/warnings.md §Who must answer) and which alarm sounds first
 * (docs/warnings.md §The rules).
 */
import { areaContains } from '../domain/roster/area-code.js';
import type { Person } from '../domain/roster/person.js';
import { renderWarningHeadline } from '../domain/warning-headline.js';
import { eventName } from '../wire/codes/event-codes.js';
import { ApiError, type ApiProblem } from './api-errors.js';
import { OTHER_VILLAGE, PEOPLE, VILLAGE } from './api-fixtures.js';
import type { LinkPreviewView } from './reports-service.js';
import type * as W from './warnings-service.js';

export const COUNTY = 430121;
export const TOWNSHIP = 430121101;
/** The node the warnings a kit receives come from. */
export const CENTRE_ID = 1;

/**
 * The API fixtures' people (1 the village's information officer, 2 its grid member, 3 the county
 * duty officer, 4 the other village's officer), and 5 a flood-responsible of the village, 6 an
 * admin, 7 a flood-responsible of the other village, 9 a member of the village committee.
 */
export const WARNING_PEOPLE: Person[] = [
  ...PEOPLE,
  { id: 5, name: '刘洋', roles: ['flood-responsible'], areas: [VILLAGE] },
  { id: 6, name: '陈静', roles: ['admin'], areas: [COUNTY] },
  { id: 7, name: '周平', roles: ['flood-responsible'], areas: [OTHER_VILLAGE] },
  { id: 9, name: '郑洁', roles: ['village-committee'], areas: [VILLAGE] },
];

export const AREA_NAMES = [
  { code: COUNTY, name: '长沙县' },
  { code: TOWNSHIP, name: '星沙街道' },
  { code: VILLAGE, name: '青龙村' },
  { code: OTHER_VILLAGE, name: '白沙村' },
];

/**
 * The warning a draft makes as `id`, checked (WARNING_REJECTED with every problem found); an update
 * or cancel takes what it leaves out from `current`, the thread's warning in force.
 */
export function draftView(
  draft: W.WarningDraftInput,
  id: string,
  current: W.WarningView | undefined,
  status: W.WarningStatus,
  now: number,
): W.WarningView {
  const onset = draft.onset ?? Math.floor(now / 1000);
  const event = draft.event ?? current?.event;
  const expires = draft.expires ?? (draft.action === 'cancel' ? onset + 3600 : undefined);
  const areas = draft.areas ?? current?.areas ?? [];
  const problems: ApiProblem[] = [];
  const problem = (field: string, message: string, zh: string) =>
    problems.push({ field, code: 'WARNING_FIELD_INVALID', message, zh });
  if (draft.action === 'issue' && draft.references !== undefined)
    problem(
      'references',
      'a new warning references none: remove it, or update the warning instead',
      '新发布的预警不引用其他预警',
    );
  if (event === undefined) problem('event', 'name the event (11B03 暴雨…)', '请选择预警事件');
  if (expires === undefined) problem('expires', 'say when the warning expires', '请填写解除时间');
  else if (expires <= onset)
    problem('expires', 'the warning must expire after its onset', '解除时间须晚于生效时间');
  if (
    draft.action !== 'cancel' &&
    areas.length === 0 &&
    draft.circle === undefined &&
    current?.circle === undefined
  )
    problem('areas', 'name the areas or a circle the warning is for', '请选择预警区域');
  if (Buffer.byteLength(draft.instruction ?? '') > 300)
    problem('instruction', 'at most 300 bytes (100 Chinese characters)', '防御指南最多100个汉字');
  if (problems.length > 0)
    throw new ApiError(
      'WARNING_REJECTED',
      `the warning was not issued: ${problems.map((p) => p.field).join(', ')}`,
      { problems },
    );
  const fields = {
    action: draft.action,
    event: event as string,
    level: draft.level ?? current?.level ?? 0,
    colour: draft.colour ?? current?.colour ?? 'none',
    ...(draft.senderName === undefined ? {} : { senderName: draft.senderName }),
  };
  const name = eventName(fields.event);
  const circle = draft.circle ?? current?.circle;
  return {
    id,
    ...fields,
    ...(current === undefined ? {} : { references: current.id }),
    thread: current?.thread ?? id,
    issuer: 3,
    ...(name === undefined ? {} : { eventName: name }),
    headline: renderWarningHeadline(fields),
    areas: [...areas],
    roles: [...(draft.roles ?? current?.roles ?? [])],
    ...(draft.persons === undefined ? {} : { persons: [...draft.persons] }),
    ...(circle === undefined ? {} : { circle }),
    onset,
    expires: expires as number,
    instruction: draft.instruction ?? '',
    exercise: draft.exercise === true,
    createdAt: now,
    recordedAt: now,
    status,
  };
}

export interface CallTarget {
  person: Person;
  /** The first of the person's areas the warning covers (a named person outside them: their first). */
  area: number;
  named: boolean;
}

/** Who must answer (docs/warnings.md §Who must answer): by role within the warning's areas, and by name. */
export function callTargets(w: W.WarningView, people: readonly Person[]): CallTarget[] {
  const out: CallTarget[] = [];
  for (const person of people) {
    const named = w.persons?.includes(person.id) === true;
    const area = person.areas.find((a) => w.areas.some((wa) => areaContains(wa, a)));
    const byRole = area !== undefined && person.roles.some((r) => w.roles.includes(r));
    if (byRole || named) out.push({ person, area: area ?? (person.areas[0] as number), named });
  }
  return out;
}

/** Real red first, then orange, then drills. */
export function urgency(w: W.WarningView): number {
  return (w.exercise ? 10 : 0) + (w.colour === 'red' || (w.colour === 'none' && w.level === 1) ? 0 : 1);
}

/** The links a preview names: the mesh up now, the satellite a fallback later (as MemoryReports'). */
export function linkPreviews(bytes: number, now: number): LinkPreviewView[] {
  const base = { frames: 1, bytes, dueNow: false, billed: false, credits: 0 };
  return [
    { ...base, link: 'mesh0', costClass: 'mesh', up: true, dueNow: true, dueAt: now, bytes: bytes + 5 },
    {
      ...base,
      link: 'sbd0',
      costClass: 'satellite',
      up: false,
      dueAt: now + 300_000,
      billed: true,
      credits: Math.ceil(bytes / 50),
    },
  ];
}
