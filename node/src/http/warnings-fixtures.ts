/**
 * An in-memory WarningsService for the warning routes' tests (docs/api.md §Warnings;
 * warnings-service.ts): a small real workflow over maps, not canned answers. At the centre it
 * issues, updates and cancels warnings (an update supersedes the thread's current warning, a cancel
 * ends it), calls the roster's people by role and area or by name (docs/warnings.md §Who must
 * answer) and keeps their calls, which move as answers are heard; at a kit it holds the warnings
 * it received, lets people answer them (states only move forward, counts only grow) and keeps the
 * alarm: red and orange sound until anyone here answers. The headline, the CAP export and import
 * and the record's CSV are the domain's own (warning-fixture-cap.ts, call-record-csv.ts).
 *
 * Like MemoryReports it keeps the contract's exactly-once rule: an issue made after a mark is found
 * again by the same draft and person; `failAfterIssuing` makes the next issue throw once made.
 */
import { KitError } from '../base/errors.js';
import { countyTime } from '../domain/county-time.js';
import { AreaDirectory } from '../domain/roster/area-directory.js';
import type { Person } from '../domain/roster/person.js';
import { callRecordCsv } from '../domain/warnings/call-record-csv.js';
import '../domain/warnings/warning-errors.js';
import { ApiError } from './api-errors.js';
import { NODE_ID } from './api-fixtures.js';
import type { EventFeed } from './event-hub.js';
import type { ApiPerson, PermissionScope } from './people-directory.js';
import type { FilingMark } from './reports-service.js';
import { warningWithinScope } from './warning-access.js';
import { capOf, draftFromCap } from './warning-fixture-cap.js';
import {
  AREA_NAMES,
  CENTRE_ID,
  callTargets,
  draftView,
  linkPreviews,
  urgency,
  WARNING_PEOPLE,
} from './warning-fixture-draft.js';
import { areaNameMap, inForce, publicWarningView } from './warning-public-view.js';
import type * as W from './warnings-service.js';

/** How long a call may wait before the next escalation step (docs/warnings.md §Escalation). */
const ANSWER_WITHIN_MS = 5 * 60_000;
/** Answers within this much of the first ride with it (docs/warnings.md §Answers travel together). */
const BUNDLE_MS = 10_000;
const RANK = { unanswered: 0, sent: 0, delivered: 1, acknowledged: 2, acted: 3 } as const;

export interface MemoryWarningsOptions {
  role: 'centre' | 'kit';
  feed?: EventFeed;
  people?: readonly Person[];
  /** unix ms. Default Date.now. */
  now?: () => number;
}

export class MemoryWarnings implements W.WarningsService {
  readonly role: 'centre' | 'kit';
  /** Whether this node holds an issuer key. Default: at the centre. */
  issuer: boolean;
  failAfterIssuing = false;
  /** By id, oldest first. */
  readonly #held = new Map<string, W.WarningView>();
  readonly #drafts = new Map<string, string>();
  readonly #calls = new Map<string, W.CallView[]>();
  readonly #lastAnswer = new Map<string, number>();
  readonly #o: MemoryWarningsOptions;
  readonly #areas = new AreaDirectory(AREA_NAMES);
  #seq = 500;
  #alarmJson = '';

  constructor(o: MemoryWarningsOptions) {
    this.#o = o;
    this.role = o.role;
    this.issuer = o.role === 'centre';
  }

  canIssue(): boolean {
    return this.issuer;
  }

  async issueMark(): Promise<FilingMark> {
    return { seq: this.#seq };
  }

  async issue(draft: W.WarningDraftInput, by: ApiPerson, earlier?: FilingMark): Promise<W.WarningView> {
    const key = JSON.stringify({ draft, by: by.id });
    if (earlier !== undefined) {
      const after = (earlier as { seq: number }).seq;
      for (const [id, k] of this.#drafts)
        if (k === key && Number(id.split('/')[1]) > after) return this.#copy(id) as W.WarningView;
    }
    if (!this.issuer) throw noIssuer();
    const made = this.#make(draft, NODE_ID);
    this.#drafts.set(made.id, key);
    if (this.failAfterIssuing) {
      this.failAfterIssuing = false;
      throw new Error('the node stopped before it answered');
    }
    return structuredClone(made);
  }

  /** A kit receives a warning from the centre. */
  receive(draft: W.WarningDraftInput): W.WarningView {
    return structuredClone(this.#make(draft, CENTRE_ID));
  }

  async preview(draft: W.WarningDraftInput): Promise<W.WarningPreview> {
    if (!this.issuer) throw noIssuer();
    const current = this.#current(draft);
    const warning = draftView(draft, `${NODE_ID}/${this.#seq + 1}`, current, 'pending', this.#now());
    const cap = capOf(warning, current && this.#held.get(current.thread), this.#areas);
    const bytes =
      40 + Buffer.byteLength(warning.instruction) + 5 * warning.areas.length + 2 * warning.roles.length;
    const now = this.#now();
    return {
      warning,
      bytes,
      links: linkPreviews(bytes, now),
      cap,
      calls: callTargets(warning, this.#people()).length,
    };
  }

  async list(q: { scope: PermissionScope; active: boolean }): Promise<W.WarningView[]> {
    const now = this.#now();
    return [...this.#held.keys()]
      .reverse()
      .map((id) => this.#copy(id) as W.WarningView)
      .filter((w) => warningWithinScope(q.scope, w) && (!q.active || inForce(w, now)));
  }

  async get(id: string): Promise<W.WarningView | undefined> {
    return this.#copy(id);
  }

  async answer(id: string, by: ApiPerson, input: W.AnswerInput): Promise<W.AnswerResult> {
    if (this.role === 'centre')
      throw new KitError('WARNING_NOT_HERE', 'answers are made at a kit, where the person is');
    const w = this.#open(id);
    const here = w.here ?? { persons: [] };
    let mine = here.persons.find((p) => p.person === by.id);
    if (mine === undefined) {
      mine = { person: by.id, name: by.name, state: 'unanswered' };
      here.persons.push(mine);
    }
    if (RANK[input.state] > RANK[mine.state]) mine.state = input.state;
    if (input.evacuated !== undefined) mine.evacuated = Math.max(mine.evacuated ?? 0, input.evacuated);
    if (input.notified !== undefined) mine.notified = Math.max(mine.notified ?? 0, input.notified);
    here.alarm = 'answered';
    w.here = here;
    // The first answer of a window goes at once; those within it ride with it.
    const now = this.#now();
    const last = this.#lastAnswer.get(id);
    const atOnce = last === undefined || now - last > BUNDLE_MS;
    if (atOnce) this.#lastAnswer.set(id, now);
    this.#emitWarning(w);
    this.#emitAlarm();
    return {
      warning: id,
      person: by.id,
      state: mine.state as 'acknowledged' | 'acted',
      sending: atOnce ? 'at-once' : 'bundled',
    };
  }

  /** The centre hears a kit's answer (or its receipt, `delivered`) for `person`. */
  hear(id: string, person: number, state: W.CallView['state'], counts: { evacuated?: number } = {}): void {
    const call = this.#calls.get(id)?.find((c) => c.person === person);
    if (call === undefined) throw new RangeError(`no call of ${person} for ${id}`);
    if (state !== 'sent' && RANK[state] > RANK[call.state]) {
      call.state = state;
      call.at[state] = this.#now();
    }
    if (counts.evacuated !== undefined) call.evacuated = Math.max(call.evacuated ?? 0, counts.evacuated);
    this.#countCalls(id);
    this.#emitWarning(this.#held.get(id) as W.WarningView);
    this.#o.feed?.emit({ type: 'calls', warning: id, calls: structuredClone(this.#calls.get(id) ?? []) });
  }

  async calls(id: string): Promise<W.CallBoardView | undefined> {
    const warning = this.#copy(id);
    const calls = this.#calls.get(id);
    if (warning === undefined || calls === undefined) return undefined;
    const open = calls.filter((c) => RANK[c.state] < 2).sort((a, b) => a.at.sent - b.at.sent);
    const answered = calls.filter((c) => RANK[c.state] >= 2);
    const first = open[0];
    return {
      warning,
      calls: structuredClone([...open, ...answered]),
      ...(first === undefined || warning.status !== 'active'
        ? {}
        : { nextStepAt: first.at.sent + ANSWER_WITHIN_MS }),
    };
  }

  async unanswered(): Promise<W.CallView[]> {
    const now = this.#now();
    return [...this.#calls]
      .filter(([id]) => inForce(this.#copy(id) as W.WarningView, now))
      .flatMap(([, calls]) => calls.filter((c) => RANK[c.state] < 2))
      .sort((a, b) => a.at.sent - b.at.sent)
      .map((c) => structuredClone(c));
  }

  async callRecordCsv(id: string): Promise<string | undefined> {
    const calls = this.#calls.get(id);
    if (calls === undefined) return undefined;
    const people = this.#people();
    return callRecordCsv(
      calls.map((c) => ({ ...c, kit: c.kit })),
      { person: (p) => people.find((x) => x.id === p)?.name, area: (a) => this.#areas.name(a) ?? String(a) },
      countyTime(),
      (w) => this.#copy(w)?.exercise === true,
    );
  }

  async exportCap(id: string): Promise<string | undefined> {
    const w = this.#copy(id);
    return w === undefined ? undefined : capOf(w, this.#held.get(w.thread), this.#areas);
  }

  async importCap(xml: Uint8Array, _by: ApiPerson): Promise<W.CapImportResultView> {
    if (!this.issuer) throw noIssuer();
    const imported = draftFromCap(xml, Math.floor(this.#now() / 1000), (sender, identifier) =>
      [...this.#held.values()].find(
        (w) => w.imported?.sender === sender && w.imported.identifier === identifier,
      ),
    );
    const warning = this.#make({ ...imported.draft, roles: [] }, NODE_ID, imported.source);
    return { warning: structuredClone(warning), notes: imported.notes };
  }

  async publicActive(): Promise<W.PublicWarningView[]> {
    const now = this.#now();
    const names = areaNameMap(AREA_NAMES);
    return [...this.#held.values()].filter((w) => inForce(w, now)).map((w) => publicWarningView(w, names));
  }

  alarm(): W.AlarmView | undefined {
    if (this.role === 'centre') return undefined;
    const now = this.#now();
    const waiting = [...this.#held.values()]
      .filter((w) => inForce(w, now) && w.here?.alarm === 'sounding')
      .sort((a, b) => urgency(a) - urgency(b));
    const first = waiting[0];
    return {
      ...(first === undefined
        ? {}
        : { sounding: { warning: first.id, colour: first.colour, exercise: first.exercise } }),
      unanswered: waiting.map((w) => w.id),
    };
  }

  /** Checks, makes and keeps a warning from `origin`; the thread's current one ends. */
  #make(
    draft: W.WarningDraftInput,
    origin: number,
    imported?: { sender: string; identifier: string },
  ): W.WarningView {
    const current = this.#current(draft);
    const w = draftView(draft, `${origin}/${++this.#seq}`, current, 'active', this.#now());
    if (imported !== undefined) w.imported = imported;
    if (current !== undefined) {
      current.status = draft.action === 'cancel' ? 'cancelled' : 'superseded';
      if (current.here?.alarm === 'sounding') current.here.alarm = 'waiting';
      this.#emitWarning(current);
    }
    const targets = draft.action === 'cancel' ? [] : callTargets(w, this.#people());
    if (this.role === 'centre') {
      const at = this.#now();
      this.#calls.set(
        w.id,
        targets.map(
          ({ person, area, named }): W.CallView => ({
            warning: w.id,
            person: person.id,
            name: person.name,
            area,
            areaName: this.#areas.label(area),
            kit: 2107,
            named,
            state: 'sent' as const,
            at: { sent: at },
            steps: [],
          }),
        ),
      );
    } else if (draft.action !== 'cancel') {
      const loud =
        w.colour === 'red' || w.colour === 'orange' || (w.colour === 'none' && w.level >= 1 && w.level <= 2);
      w.here = {
        persons: targets.map(({ person }) => ({ person: person.id, name: person.name, state: 'unanswered' })),
        alarm: loud ? 'sounding' : 'chimed',
      };
    }
    this.#held.set(w.id, w);
    this.#countCalls(w.id);
    this.#emitWarning(w);
    if (this.role === 'centre')
      this.#o.feed?.emit({
        type: 'calls',
        warning: w.id,
        calls: structuredClone(this.#calls.get(w.id) ?? []),
      });
    else this.#emitAlarm();
    return w;
  }

  /** For an update or cancel: the thread's warning in force now. */
  #current(draft: W.WarningDraftInput): W.WarningView | undefined {
    if (draft.references === undefined || draft.action === 'issue') {
      if (draft.action !== 'issue')
        throw new ApiError('WARNING_REJECTED', `the warning was not issued: references`, {
          problems: [
            {
              field: 'references',
              message: `an ${draft.action} names the warning it changes`,
              zh: '请选择要更新或解除的预警',
            },
          ],
        });
      return undefined;
    }
    const referenced = this.#held.get(draft.references);
    if (referenced === undefined)
      throw new KitError('WARNING_UNKNOWN', `no warning ${draft.references} is held here`);
    const now = this.#now();
    const current = [...this.#held.values()]
      .reverse()
      .find((w) => w.thread === referenced.thread && inForce(w, now));
    if (current === undefined)
      throw new KitError('WARNING_CLOSED', `warning ${draft.references} is cancelled, superseded or expired`);
    return current;
  }

  /** A live warning that may still be answered. */
  #open(id: string): W.WarningView {
    const w = this.#held.get(id);
    if (w === undefined) throw new KitError('WARNING_UNKNOWN', `no warning ${id} is held here`);
    if (!inForce(w, this.#now()))
      throw new KitError('WARNING_CLOSED', `warning ${id} is cancelled, superseded or expired`);
    return w;
  }

  #countCalls(id: string): void {
    const calls = this.#calls.get(id);
    const w = this.#held.get(id);
    if (calls === undefined || w === undefined) return;
    const count = (s: W.CallView['state']) => calls.filter((c) => c.state === s).length;
    w.calls = {
      total: calls.length,
      sent: count('sent'),
      delivered: count('delivered'),
      acknowledged: count('acknowledged'),
      acted: count('acted'),
      unanswered: count('sent') + count('delivered'),
      evacuated: calls.reduce((n, c) => n + (c.evacuated ?? 0), 0),
    };
  }

  /** A copy, with the status its expiry gives it now. */
  #copy(id: string): W.WarningView | undefined {
    const w = this.#held.get(id);
    if (w === undefined) return undefined;
    const copy = structuredClone(w);
    if (copy.status === 'active' && copy.expires * 1000 <= this.#now()) copy.status = 'expired';
    return copy;
  }

  #emitWarning(w: W.WarningView): void {
    this.#o.feed?.emit({ type: 'warning', warning: structuredClone(w) });
  }

  /** Tells the streams the alarm, when it changed. */
  #emitAlarm(): void {
    const alarm = this.alarm();
    const json = JSON.stringify(alarm);
    if (alarm === undefined || json === this.#alarmJson) return;
    this.#alarmJson = json;
    this.#o.feed?.emit({ type: 'alarm', alarm });
  }

  #people(): readonly Person[] {
    return this.#o.people ?? WARNING_PEOPLE;
  }

  #now(): number {
    return (this.#o.now ?? Date.now)();
  }
}

function noIssuer(): KitError {
  return new KitError(
    'WARNING_NO_ISSUER',
    'this node holds no issuer key: warnings are issued at the centre',
  );
}
