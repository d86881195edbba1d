/**
 * The centre's warning form as it is typed, kept on the screen's storage, and the draft the API
 * takes made from it (docs/ui.md §Warnings, Issue, update, cancel; docs/api.md §Warnings;
 * node/src/http/warnings-service.ts WarningDraftInput).
 *
 * Times are typed on the county clock (`datetime-local` fields read in the county's zone) and sent
 * as unix seconds. A drill node issues only drills, so its drafts always carry `exercise`. An update
 * carries the whole warning as it is to stand; a cancel carries only what it cancels, its note and
 * its drill flag (the thread's event, level and areas are kept by the kit).
 *
 * Issuing is done once per idempotency key (docs/api.md §Idempotency): a retry of the same draft
 * after no answer sends the key of the first attempt, and a changed draft gets a new key, since the
 * kit refuses a key it saw with another body.
 */
import type { WarningAction, WarningColour, WarningDraftInput, WarningView } from './api-types.js';
import { localInputValue, parseLocalInput } from './county-clock.js';
import { colourOfLevel, DEFAULT_ROLES } from './warning-data.js';

export interface WarningForm {
  action: WarningAction;
  /** The warning an update or a cancel refers to (`origin/seq`). */
  references?: string;
  event: string;
  level: number;
  colour: WarningColour;
  areas: number[];
  roles: string[];
  /** `datetime-local` values on the county clock. */
  onset: string;
  expires: string;
  instruction: string;
  senderName: string;
  exercise: boolean;
}

/** Fields the form flags when the draft cannot be made. */
export type DraftProblem = 'event' | 'areas' | 'roles' | 'onset' | 'expires' | 'expiresBeforeOnset';

/** A new warning: now, for six hours, the roles the local rules name first. */
export function emptyWarningForm(now: number, zone: string): WarningForm {
  return {
    action: 'issue',
    event: '',
    level: 2,
    colour: colourOfLevel(2),
    areas: [],
    roles: [...DEFAULT_ROLES],
    onset: localInputValue(now, zone),
    expires: localInputValue(now + 6 * 3600_000, zone),
    instruction: '',
    senderName: '',
    exercise: false,
  };
}

/** An update or a cancel of `w`, starting from the warning as it stands. */
export function formFromWarning(
  w: WarningView,
  action: 'update' | 'cancel',
  now: number,
  zone: string,
): WarningForm {
  return {
    action,
    references: w.id,
    event: w.event,
    level: w.level,
    colour: w.colour,
    areas: [...w.areas],
    roles: [...w.roles],
    onset: localInputValue(Math.max(now, w.onset * 1000), zone),
    expires: localInputValue(
      action === 'cancel' ? now + 3600_000 : Math.max(w.expires * 1000, now + 3600_000),
      zone,
    ),
    instruction: action === 'cancel' ? '' : w.instruction,
    senderName: w.senderName ?? '',
    exercise: w.exercise,
  };
}

/** Where the form is kept while typed: one per action and warning. */
export function warningFormStorageKey(action: WarningAction, references?: string): string {
  return `fieldnode.warning-form.${action}${references === undefined ? '' : `.${references}`}`;
}

/**
 * The draft of the form, or every problem that stops it. `drill`: this is a drill node, which
 * issues only drills.
 */
export function buildWarningDraft(
  form: WarningForm,
  zone: string,
  drill: boolean,
): { draft: WarningDraftInput; problems: [] } | { draft: undefined; problems: DraftProblem[] } {
  const exercise = drill || form.exercise;
  const problems: DraftProblem[] = [];
  const instruction = form.instruction.trim();
  if (form.action === 'cancel') {
    if (form.references === undefined) throw new TypeError('a cancel names the warning it cancels');
    return {
      draft: {
        action: 'cancel',
        references: form.references,
        ...(instruction === '' ? {} : { instruction }),
        ...(form.senderName.trim() === '' ? {} : { senderName: form.senderName.trim() }),
        exercise,
      },
      problems: [],
    };
  }
  const onsetMs = parseLocalInput(form.onset, zone);
  const expiresMs = parseLocalInput(form.expires, zone);
  if (!/^\d{2}[A-Z]\d{2}$/.test(form.event)) problems.push('event');
  if (form.areas.length === 0) problems.push('areas');
  if (form.roles.length === 0) problems.push('roles');
  if (form.onset.trim() !== '' && onsetMs === undefined) problems.push('onset');
  if (expiresMs === undefined) problems.push('expires');
  else if (onsetMs !== undefined && expiresMs <= onsetMs) problems.push('expiresBeforeOnset');
  if (problems.length > 0) return { draft: undefined, problems };
  const draft: WarningDraftInput = {
    action: form.action,
    ...(form.references === undefined ? {} : { references: form.references }),
    event: form.event,
    level: form.level,
    colour: form.colour,
    areas: [...form.areas].sort((a, b) => a - b),
    roles: [...form.roles],
    ...(onsetMs === undefined ? {} : { onset: Math.floor(onsetMs / 1000) }),
    expires: Math.floor((expiresMs as number) / 1000),
    ...(instruction === '' ? {} : { instruction }),
    ...(form.senderName.trim() === '' ? {} : { senderName: form.senderName.trim() }),
    exercise,
  };
  return { draft, problems: [] };
}

/** The attempt an issue is on: its key and the draft sent with it. */
export interface IssueAttempt {
  key: string;
  body: string;
}

/**
 * The key to send `draft` with: the last attempt's when the draft is the same (a retry after no
 * answer), else a new one from `fresh`.
 */
export function issueKey(
  last: IssueAttempt | undefined,
  draft: WarningDraftInput,
  fresh: () => string,
): IssueAttempt {
  const body = JSON.stringify(draft);
  return last !== undefined && last.body === body ? last : { key: fresh(), body };
}
