/**
 * The WarningsService (warnings-service.ts) at the centre (docs/api.md §Warnings; docs/warnings.md
 * §Issuing, §The board): over the warning desk (node/src/domain/warnings/desk/) that issues, keeps
 * the 叫应 board and escalates. CAP 1.2 goes out and comes in through
 * node/src/domain/warnings/cap/. The kit's side is kit-warnings-adapter.ts.
 *
 * Issuing runs under the API's durable idempotency key like filing a report (reports-adapter.ts):
 * the mark is the store's sequence counter, and a retry after a restart looks among this node's
 * messages above it for the warning the first attempt sent before it sends one.
 */
import { KitError } from '../base/errors.js';
import type { Draft } from '../core/core-types.js';
import type { DraftPreview } from '../core/node-core.js';
import { countyTime } from '../domain/county-time.js';
import type { AreaDirectory } from '../domain/roster/area-directory.js';
import type { Person } from '../domain/roster/person.js';
import { callRecordCsv } from '../domain/warnings/call-record-csv.js';
import { exportCap } from '../domain/warnings/cap/cap-export.js';
import { importCap } from '../domain/warnings/cap/cap-import.js';
import type { CapWarningDraft } from '../domain/warnings/cap/cap-warning-draft.js';
import type { Composed } from '../domain/warnings/desk/warning-compose.js';
import type { DeskWarning, WarningDesk } from '../domain/warnings/desk/warning-desk.js';
import '../domain/warnings/warning-errors.js';
import type { MessageOf } from '../wire/message.js';
import { ApiError } from './api-errors.js';
import type { FeedEvent } from './event-hub.js';
import { linkPreviewViews } from './link-preview-view.js';
import type { ApiPerson, PermissionScope } from './people-directory.js';
import type { FilingMark } from './reports-service.js';
import { warningWithinScope } from './warning-access.js';
import { inForce, publicWarningView } from './warning-public-view.js';
import { boardOrder, callCounts, callView, type ViewNames, warningView } from './warning-views.js';
import type {
  AlarmView,
  AnswerResult,
  CallBoardView,
  CallView,
  CapImportResultView,
  PublicWarningView,
  WarningDraftInput,
  WarningPreview,
  WarningsService,
  WarningView,
} from './warnings-service.js';

export interface CentreWarningsOptions {
  desk: WarningDesk;
  core: { preview(draft: Draft): DraftPreview };
  /** The store's sequence counter: the mark of an issue. */
  lastSeq: () => Promise<number>;
  nodeId: number;
  people: () => readonly Person[];
  areas: AreaDirectory;
  /** CAP `<sender>` and the issuer's name for `<senderName>` (docs/cap.md). */
  cap: { sender: string; issuerName: string };
  timeZone: string;
  now: () => number;
  emit: (event: FeedEvent) => void;
}

/** The centre's side: issue, the board, CAP. */
export class CentreWarnings implements WarningsService {
  readonly role = 'centre' as const;
  readonly #o: CentreWarningsOptions;
  readonly #names: ViewNames;

  constructor(o: CentreWarningsOptions) {
    this.#o = o;
    this.#names = {
      person: (id) => o.people().find((p) => p.id === id)?.name,
      area: (code) => o.areas.name(code),
    };
  }

  /** The desk's warning changed: its view and its calls go to the event streams. */
  changed(id: string): void {
    const w = this.#o.desk.warning(id);
    if (w === undefined) return;
    this.#o.emit({ type: 'warning', warning: this.#view(w) });
    this.#o.emit({ type: 'calls', warning: id, calls: this.#calls(id) });
  }

  canIssue(): boolean {
    return this.#o.desk.canIssue;
  }

  async issueMark(): Promise<FilingMark> {
    return this.#o.lastSeq();
  }

  async issue(draft: WarningDraftInput, by: ApiPerson, earlier?: FilingMark): Promise<WarningView> {
    const composed = this.#compose(draft);
    if (typeof earlier === 'number') {
      const found = await this.#o.desk.findSent(composed, earlier, await this.#o.lastSeq(), { by: by.id });
      if (found !== undefined) return this.#view(found);
    }
    return this.#view(await this.#o.desk.send(composed, { by: by.id }));
  }

  async preview(draft: WarningDraftInput): Promise<WarningPreview> {
    if (!this.#o.desk.canIssue)
      throw new KitError(
        'WARNING_NO_ISSUER',
        'this centre holds no issuer key: set keys.issuer_key_file (fieldnode keys new-issuer) to issue warnings',
      );
    const composed = this.#compose(draft);
    const wireDraft = this.#o.desk.draftOf(composed);
    const { bytes, links } = this.#o.core.preview(wireDraft);
    const message = {
      ...wireDraft,
      origin: this.#o.nodeId,
      seq: 0,
      createdAt: Math.floor(this.#o.now() / 1000),
      clockUntrusted: false,
      flags: wireDraft.flags ?? [],
    } as MessageOf<'warning'>;
    return {
      warning: warningView(message, {
        id: 'preview',
        thread: composed.body.references === undefined ? 'preview' : refId(composed.body.references),
        status: 'pending',
        recordedAt: this.#o.now(),
      }),
      bytes,
      links: linkPreviewViews(links),
      cap: this.#cap(message),
      calls: this.#o.desk.targetsOf(composed.body).length,
    };
  }

  async list(query: { scope: PermissionScope; active: boolean }): Promise<WarningView[]> {
    const now = this.#o.now();
    return this.#o.desk
      .warnings()
      .map((w) => this.#view(w))
      .filter((v) => warningWithinScope(query.scope, v))
      .filter((v) => !query.active || inForce(v, now));
  }

  async get(id: string): Promise<WarningView | undefined> {
    const w = this.#o.desk.warning(id);
    return w === undefined ? undefined : this.#view(w);
  }

  async answer(): Promise<AnswerResult> {
    throw new KitError(
      'WARNING_NOT_HERE',
      'answers are made at the kit where the person is; the centre keeps the board (GET /api/warnings/{id}/calls)',
    );
  }

  async calls(id: string): Promise<CallBoardView | undefined> {
    const w = this.#o.desk.warning(id);
    if (w === undefined) return undefined;
    const next = this.#o.desk.nextStepAt(id);
    return {
      warning: this.#view(w),
      calls: this.#calls(id),
      ...(next === undefined ? {} : { nextStepAt: next }),
    };
  }

  async unanswered(): Promise<CallView[]> {
    return this.#o.desk.unanswered().map((c) => callView(c, this.#names));
  }

  async callRecordCsv(id: string): Promise<string | undefined> {
    if (this.#o.desk.warning(id) === undefined) return undefined;
    return callRecordCsv(
      this.#o.desk.calls(id),
      { person: this.#names.person, area: (code) => this.#o.areas.label(code) },
      countyTime(this.#o.timeZone),
      (w) => this.#o.desk.warning(w)?.message.flags.includes('exercise') === true,
    );
  }

  async exportCap(id: string): Promise<string | undefined> {
    const w = this.#o.desk.warning(id);
    return w === undefined ? undefined : this.#cap(w.message);
  }

  async importCap(xml: Uint8Array, by: ApiPerson): Promise<CapImportResultView> {
    const result = importCap(xml, {
      now: Math.floor(this.#o.now() / 1000),
      resolveReference: (ref) => {
        const w = this.#o.desk
          .warnings()
          .find((d) => d.imported?.sender === ref.sender && d.imported.identifier === ref.identifier);
        if (w === undefined) return undefined;
        const [origin, seq] = w.thread.split('/').map(Number) as [number, number];
        return { ref: { origin, seq }, warning: w.message.body };
      },
    });
    if (!result.ok)
      throw new ApiError(
        'CAP_REJECTED',
        `the CAP message was not imported: ${result.reasons.length} problems`,
        {
          problems: result.reasons.map((r) => ({ field: r.path, code: r.code, message: r.message })),
        },
      );
    const { draft } = result;
    const composed = this.#compose(draftFromCap(draft, this.#threadId(draft)));
    const imported = {
      sender: draft.source.sender,
      identifier: draft.source.identifier,
      sent: draft.source.sentText,
    };
    const sent = await this.#o.desk.send(composed, { by: by.id, imported });
    return {
      warning: this.#view(sent),
      notes: draft.notes.map((n) => ({ path: n.path, message: n.message })),
    };
  }

  async publicActive(): Promise<PublicWarningView[]> {
    const now = this.#o.now();
    const names = new Map(this.#o.areas.list().map((a) => [a.code, a.name]));
    return this.#o.desk
      .warnings()
      .map((w) => this.#view(w))
      .filter((v) => inForce(v, now))
      .map((v) => publicWarningView(v, names));
  }

  alarm(): AlarmView | undefined {
    return undefined;
  }

  #compose(draft: WarningDraftInput): Extract<Composed, { ok: true }> {
    const composed = this.#o.desk.compose(draft);
    if (!composed.ok)
      throw new ApiError(
        'WARNING_REJECTED',
        `the warning was not issued: ${composed.problems.map((p) => `${p.path || 'warning'}: ${p.message}`).join('; ')}`,
        { problems: composed.problems.map((p) => ({ field: p.path, message: p.message })) },
      );
    return composed;
  }

  /** The desk id of the thread an imported update or cancel continues. */
  #threadId(draft: CapWarningDraft): string | undefined {
    const ref = draft.body.references;
    return ref === undefined ? undefined : refId(ref);
  }

  #view(w: DeskWarning): WarningView {
    const status = this.#o.desk.status(w.id) ?? 'active';
    return {
      ...warningView(w.message, {
        id: w.id,
        thread: w.thread,
        status,
        recordedAt: w.recordedAt,
        ...(w.imported === undefined
          ? {}
          : { imported: { sender: w.imported.sender, identifier: w.imported.identifier } }),
      }),
      calls: callCounts(this.#o.desk.calls(w.id)),
    };
  }

  #calls(id: string): CallView[] {
    return boardOrder(this.#o.desk.calls(id).map((c) => callView(c, this.#names)));
  }

  #cap(message: MessageOf<'warning'>): string {
    const ref = message.body.references;
    const first = ref === undefined ? undefined : this.#o.desk.warning(refId(ref));
    return exportCap(message, {
      sender: this.#o.cap.sender,
      issuerName: this.#o.cap.issuerName,
      areas: this.#o.areas,
      timeZone: this.#o.timeZone,
      ...(first === undefined ? {} : { referencedSentAt: first.message.createdAt }),
    });
  }
}

function refId(ref: { origin: number; seq: number }): string {
  return `${ref.origin}/${ref.seq}`;
}

/** An imported CAP draft as the desk's draft: the forwarding centre chooses who answers (its default roles). */
function draftFromCap(d: CapWarningDraft, thread: string | undefined): WarningDraftInput {
  const b = d.body;
  return {
    action: b.action,
    ...(thread === undefined ? {} : { references: thread }),
    event: b.event,
    level: b.level,
    colour: b.colour,
    areas: [...b.areas],
    ...(b.circle === undefined
      ? {}
      : { circle: { lat: b.circle.centre.lat, lon: b.circle.centre.lon, radiusM: b.circle.radiusM } }),
    onset: b.onset,
    expires: b.expires,
    instruction: b.instruction,
    ...(b.senderName === undefined ? {} : { senderName: b.senderName }),
    exercise: d.exercise,
  };
}
