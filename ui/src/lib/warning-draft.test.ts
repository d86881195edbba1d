/**
 * The warning form's draft (docs/ui.md §Warnings, Issue, update, cancel): times typed on the county
 * clock sent as unix seconds whatever the screen's zone, every problem named at once, a drill node's
 * drafts always drills, a cancel carrying only what it cancels, an update starting from the warning
 * as it stands, and the idempotency key kept for a retry of the same draft only.
 */
import { describe, expect, it } from 'vitest';
import type { WarningView } from './api-types.js';
import {
  buildWarningDraft,
  emptyWarningForm,
  formFromWarning,
  issueKey,
  type WarningForm,
  warningFormStorageKey,
} from './warning-draft.js';

const ZONE = 'Asia/Shanghai';
/** 2026-07-14 03:20 in Beijing. */
const AT = Date.UTC(2026, 6, 13, 19, 20);

const form = (over: Partial<WarningForm> = {}): WarningForm => ({
  ...emptyWarningForm(AT, ZONE),
  event: '11B03',
  areas: [430121101202, 430121101201],
  instruction: '  立即转移河边群众 ',
  senderName: '某县气象台',
  ...over,
});

describe('buildWarningDraft', () => {
  it('reads the times on the county clock and sends unix seconds, the areas in order, the text trimmed', () => {
    const { draft, problems } = buildWarningDraft(
      form({ onset: '2026-07-14T03:20', expires: '2026-07-14T09:20' }),
      ZONE,
      false,
    );
    expect(problems).toEqual([]);
    expect(draft).toEqual({
      action: 'issue',
      event: '11B03',
      level: 2,
      colour: 'orange',
      areas: [430121101201, 430121101202],
      roles: ['flood-responsible', 'village-committee', 'grid-member'],
      onset: AT / 1000,
      expires: AT / 1000 + 6 * 3600,
      instruction: '立即转移河边群众',
      senderName: '某县气象台',
      exercise: false,
    });
  });

  it('reads the same typed time in another county’s zone as another instant', () => {
    const urumqi = buildWarningDraft(
      form({ onset: '2026-07-14T03:20', expires: '2026-07-14T09:20' }),
      'Asia/Urumqi',
      false,
    );
    expect(urumqi.draft?.onset).toBe(AT / 1000 + 2 * 3600);
  });

  it('names every problem at once', () => {
    const { draft, problems } = buildWarningDraft(
      form({ event: '', areas: [], roles: [], onset: '2026-07-14T09:00', expires: '2026-07-14T08:00' }),
      ZONE,
      false,
    );
    expect(draft).toBeUndefined();
    expect(problems).toEqual(['event', 'areas', 'roles', 'expiresBeforeOnset']);
    expect(buildWarningDraft(form({ expires: '' }), ZONE, false).problems).toEqual(['expires']);
  });

  it('makes every draft of a drill node a drill, whatever the box says', () => {
    expect(buildWarningDraft(form({ exercise: false }), ZONE, true).draft?.exercise).toBe(true);
    expect(buildWarningDraft(form({ exercise: true }), ZONE, false).draft?.exercise).toBe(true);
  });

  it('leaves out an empty onset (now, at the centre) and empty text', () => {
    const { draft } = buildWarningDraft(form({ onset: '', instruction: ' ', senderName: '' }), ZONE, false);
    expect(draft).not.toHaveProperty('onset');
    expect(draft).not.toHaveProperty('instruction');
    expect(draft).not.toHaveProperty('senderName');
  });
});

describe('updates and cancels', () => {
  const w = {
    id: '1/42',
    action: 'issue',
    thread: '1/42',
    issuer: 1,
    event: '11B03',
    level: 1,
    colour: 'red',
    headline: { zh: '某县气象台发布暴雨红色预警[I级/特别严重]', en: 'rainstorm' },
    areas: [430121101201],
    roles: ['flood-responsible'],
    onset: AT / 1000 - 3600,
    expires: AT / 1000 + 3 * 3600,
    instruction: '转移',
    senderName: '某县气象台',
    exercise: true,
    createdAt: AT - 3600_000,
    recordedAt: AT - 3600_000,
    status: 'active',
  } satisfies WarningView;

  it('an update starts from the warning as it stands, from now, and names it', () => {
    const f = formFromWarning(w, 'update', AT, ZONE);
    const { draft } = buildWarningDraft(f, ZONE, false);
    expect(draft).toMatchObject({
      action: 'update',
      references: '1/42',
      event: '11B03',
      level: 1,
      colour: 'red',
      areas: [430121101201],
      onset: AT / 1000,
      expires: AT / 1000 + 3 * 3600,
      exercise: true,
    });
  });

  it('a cancel carries what it cancels, its note and its drill flag, nothing of the thread', () => {
    const f = { ...formFromWarning(w, 'cancel', AT, ZONE), instruction: '雨停了' };
    expect(buildWarningDraft(f, ZONE, false).draft).toEqual({
      action: 'cancel',
      references: '1/42',
      instruction: '雨停了',
      senderName: '某县气象台',
      exercise: true,
    });
  });

  it('keeps each form apart', () => {
    expect(warningFormStorageKey('issue')).not.toBe(warningFormStorageKey('update', '1/42'));
    expect(warningFormStorageKey('update', '1/42')).not.toBe(warningFormStorageKey('cancel', '1/42'));
  });
});

describe('issueKey', () => {
  const draft = buildWarningDraft(form(), ZONE, false).draft;
  let n = 0;
  const fresh = () => `key-${++n}`;

  it('sends a retry of the same draft with the first attempt’s key, and a changed draft with a new one', () => {
    if (draft === undefined) throw new Error('no draft');
    const first = issueKey(undefined, draft, fresh);
    expect(issueKey(first, { ...draft }, fresh).key).toBe(first.key);
    const changed = issueKey(first, { ...draft, level: 1 }, fresh);
    expect(changed.key).not.toBe(first.key);
    expect(issueKey(changed, draft, fresh).key).not.toBe(first.key);
  });
});
