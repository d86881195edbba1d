/**
 * A warning as the centre's form drafts it, made into the wire's warning body (docs/warnings.md
 * §Issuing; docs/wire-format.md §4.2), with every problem found at once.
 *
 * An update or a cancel names any warning of its thread; on the wire it references the thread's
 * first warning (docs/control-messages.md §Warning threads), and what the draft leaves out is the
 * thread's current warning's: an update that changes only the colour says only the colour. A cancel
 * needs no instruction (解除 is its own instruction) and lasts an hour unless it says otherwise.
 */
import { eventCodeToWire, isEventCode } from '../../../wire/codes/event-codes.js';
import type { EnvelopeFlag } from '../../../wire/envelope.js';
import { isAreaCode } from '../../../wire/field-codecs.js';
import { checkWarning, WARNING_COLOURS, type WarningBody } from '../../../wire/kinds/warning.js';
import { isRoleCode, ROLES, type RoleCode } from '../../roster/roles.js';

/** A warning as drafted (the API's WarningDraftInput has this shape). */
export interface WarningDraft {
  action: WarningBody['action'];
  /** For an update or cancel: any warning of the thread, `origin/seq`. */
  references?: string;
  event?: string;
  level?: number;
  colour?: WarningBody['colour'];
  areas?: number[];
  roles?: string[];
  persons?: number[];
  circle?: { lat: number; lon: number; radiusM: number };
  /** Unix seconds. */
  onset?: number;
  expires?: number;
  instruction?: string;
  senderName?: string;
  exercise?: boolean;
}

export interface DraftProblem {
  path: string;
  message: string;
}

/** The thread an update or cancel continues, as the desk knows it. */
export interface ThreadContext {
  /** The thread's first warning: what `references` names on the wire. */
  first: { origin: number; seq: number };
  /** The thread's current warning. */
  current: WarningBody;
}

export interface ComposeContext {
  issuer: number;
  /** Unix seconds. */
  now: number;
  /** The thread of `draft.references`; undefined when it is not known here (the caller says so). */
  thread?: ThreadContext;
  /** Where a named person is reached: the kit serving their area, or this node. */
  personNode: (person: number) => number | undefined;
  /** A drill node issues every warning as a drill. */
  drill: boolean;
  /** Default roles when an issue names none: those who answer 叫应 by the policy. */
  defaultRoles?: readonly RoleCode[];
}

export type Composed =
  | { ok: true; body: WarningBody; flags: EnvelopeFlag[] }
  | { ok: false; problems: DraftProblem[] };

/** How long a cancel stays in force when the draft does not say: long enough to reach every kit. */
const CANCEL_LASTS_S = 3600;
const DEFAULT_ROLES: readonly RoleCode[] = ['flood-responsible', 'grid-member'];

export function composeWarning(draft: WarningDraft, ctx: ComposeContext): Composed {
  const problems: DraftProblem[] = [];
  const problem = (path: string, message: string) => problems.push({ path, message });
  const base = draft.action === 'issue' ? undefined : ctx.thread?.current;
  if (draft.action !== 'issue' && ctx.thread === undefined)
    problem('references', `an ${draft.action} names the warning it continues, as origin/seq`);
  if (draft.action === 'issue' && draft.references !== undefined)
    problem('references', 'a new warning continues none: leave references out, or make it an update');

  const event = draft.event ?? base?.event;
  if (event === undefined || !isEventCode(event))
    problem('event', `an event code such as 11B03 (暴雨) is needed; got ${JSON.stringify(draft.event)}`);
  const level = draft.level ?? base?.level;
  if (level === undefined || !Number.isInteger(level) || level < 0 || level > 4)
    problem('level', 'the level is 1 (I) to 4 (IV), or 0 for none');
  const colour = draft.colour ?? base?.colour;
  if (colour === undefined || !WARNING_COLOURS.includes(colour))
    problem('colour', `the colour is one of ${WARNING_COLOURS.join(', ')}`);
  const areas = draft.areas ?? base?.areas ?? [];
  areas.forEach((a, i) => {
    if (!isAreaCode(a)) problem(`areas[${i}]`, `${a} is not a 6, 9 or 12 digit area code`);
  });
  if (areas.length > 64) problem('areas', 'at most 64 areas: name their common township or county instead');
  const roles = rolesOf(draft, base, ctx, problem);
  const persons = personsOf(draft, base, ctx, problem);
  const onset = draft.onset ?? ctx.now;
  const expires =
    draft.expires ?? (draft.action === 'cancel' ? Math.max(onset, ctx.now) + CANCEL_LASTS_S : base?.expires);
  if (expires === undefined) problem('expires', 'say until when the warning is in force');
  else if (expires <= ctx.now) problem('expires', 'the warning would already have expired');
  const instruction = (
    draft.instruction ??
    (draft.action === 'cancel' ? '' : base?.instruction) ??
    ''
  ).trim();
  if (draft.action !== 'cancel' && instruction === '')
    problem('instruction', 'say what people must do (转移, 避险…)');
  if (new TextEncoder().encode(instruction).length > 300)
    problem('instruction', 'at most 300 bytes (100 Chinese characters)');
  const senderName = draft.senderName ?? base?.senderName;
  if (senderName !== undefined && new TextEncoder().encode(senderName).length > 64)
    problem('senderName', 'at most 64 bytes');
  const circle = circleOf(draft, base, problem);
  if (problems.length > 0) return { ok: false, problems };

  const body: WarningBody = {
    action: draft.action,
    issuer: ctx.issuer,
    event: event as string,
    level: level as number,
    colour: colour as WarningBody['colour'],
    areas,
    roles,
    onset,
    expires: expires as number,
    instruction,
    ...(senderName === undefined || senderName === '' ? {} : { senderName }),
    ...(ctx.thread === undefined || draft.action === 'issue' ? {} : { references: ctx.thread.first }),
    ...(persons.length === 0 ? {} : { persons }),
    ...(circle === undefined ? {} : { circle }),
  };
  const inconsistent = checkWarning(body);
  if (inconsistent !== undefined) return { ok: false, problems: [{ path: '', message: inconsistent }] };
  // The event code must survive the wire's encoding (two digits, a letter, two digits).
  eventCodeToWire(body.event);
  const exercise = ctx.drill || draft.exercise === true;
  return { ok: true, body, flags: exercise ? ['exercise'] : [] };
}

function rolesOf(
  draft: WarningDraft,
  base: WarningBody | undefined,
  ctx: ComposeContext,
  problem: (path: string, message: string) => void,
): number[] {
  if (draft.roles === undefined)
    return base?.roles ?? (ctx.defaultRoles ?? DEFAULT_ROLES).map((r) => ROLES[r].wire);
  const roles: number[] = [];
  draft.roles.forEach((r, i) => {
    if (isRoleCode(r)) roles.push(ROLES[r].wire);
    else
      problem(`roles[${i}]`, `${JSON.stringify(r)} is not a roster role (${Object.keys(ROLES).join(', ')})`);
  });
  if (roles.length > 16) problem('roles', 'at most 16 roles');
  return [...new Set(roles)];
}

function personsOf(
  draft: WarningDraft,
  base: WarningBody | undefined,
  ctx: ComposeContext,
  problem: (path: string, message: string) => void,
): NonNullable<WarningBody['persons']> {
  if (draft.persons === undefined) return base?.persons ?? [];
  const persons: NonNullable<WarningBody['persons']> = [];
  draft.persons.forEach((p, i) => {
    const node = ctx.personNode(p);
    if (node === undefined) problem(`persons[${i}]`, `no person ${p} in the roster`);
    else persons.push({ node, person: p });
  });
  if (persons.length > 64) problem('persons', 'at most 64 named persons');
  return persons;
}

function circleOf(
  draft: WarningDraft,
  base: WarningBody | undefined,
  problem: (path: string, message: string) => void,
): WarningBody['circle'] {
  if (draft.circle === undefined) return base?.circle;
  const { lat, lon, radiusM } = draft.circle;
  if (!(Math.abs(lat) <= 90) || !(Math.abs(lon) <= 180))
    problem('circle', 'the centre is a latitude (−90..90) and a longitude (−180..180)');
  if (!Number.isInteger(radiusM) || radiusM < 1 || radiusM > 1_000_000)
    problem('circle.radiusM', 'the radius is 1 to 1,000,000 metres');
  return { centre: { lat, lon }, radiusM };
}
