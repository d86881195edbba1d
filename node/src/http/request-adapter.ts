/**
 * The RequestsService (request-service.ts) over the request book, the SOS desk and the node's core
 * (docs/requests.md; docs/api.md §Routes). A request from a kit goes to the centre, P1, or P0 for
 * an SOS; a reply made at the centre goes to the kit that asked (or the kit that replaced it, when
 * it was lost: `successorOf`), one made at the kit goes to the centre; replies to an SOS go at P0
 * as the SOS did. Finding a write a restart cut short works as for hazards (filings-made.ts).
 */
import type { Logger } from '../base/logger.js';
import type { Draft } from '../core/core-types.js';
import type { RequestView } from '../domain/requests/request.js';
import { openCounts, requestBoard } from '../domain/requests/request-board.js';
import type { RequestBook } from '../domain/requests/request-book.js';
import { requestCsv } from '../domain/requests/request-csv.js';
import { checkReply, checkRequestDraft, type RequestProblem } from '../domain/requests/request-draft.js';
import type { RequestMessage } from '../domain/requests/request-journal.js';
import { isClosed, nextSteps } from '../domain/requests/request-status.js';
import type { SosDesk } from '../domain/requests/sos-desk.js';
import type { MessageStore } from '../store/message-store.js';
import { KINDS } from '../wire/kinds.js';
import { decodeFrame } from '../wire/message.js';
import { ApiError } from './api-errors.js';
import { FilingsMade } from './filings-made.js';
import { type ApiPerson, type PermissionScope, withinScope } from './people-directory.js';
import type { FilingMark } from './reports-service.js';
import type {
  ReplyInput,
  RequestApiView,
  RequestBoardRow,
  RequestDraftInput,
  RequestMade,
  RequestsService,
  SosInput,
} from './request-service.js';

export interface RequestAdapterOptions {
  book: RequestBook;
  /** At the centre: the SOS sounding until acknowledged. */
  desk?: SosDesk;
  core: { submit(draft: Draft): Promise<string> };
  store: Pick<MessageStore, 'getKv' | 'getMeta' | 'getFrame'>;
  nodeId: number;
  centre: boolean;
  centreNodes: readonly number[];
  /** At the centre: the kit that answers now for a lost kit. Default: every kit for itself. */
  successorOf?: (kit: number) => number;
  area?: number;
  drill?: boolean;
  personName: (id: number) => string | undefined;
  areaName: (code: number) => string | undefined;
  timeZone: string;
  now: () => number;
  /** How long a request is worth delivering, minutes. Default three days. */
  lifetimeMin?: number;
  log: Logger;
}

export class RequestAdapter implements RequestsService {
  readonly #o: RequestAdapterOptions;
  readonly #made: FilingsMade;

  constructor(o: RequestAdapterOptions) {
    this.#o = o;
    this.#made = new FilingsMade(o.store, o.nodeId);
  }

  defaultArea(): number | undefined {
    return this.#o.area;
  }

  mark(): Promise<FilingMark> {
    return this.#made.mark();
  }

  ask(draft: RequestDraftInput, by: ApiPerson, earlier?: FilingMark): Promise<RequestMade> {
    const { exercise, ...rest } = draft;
    return this.#send(
      rest,
      by,
      { priority: 1, exercise: this.#o.drill === true || exercise === true },
      earlier,
    );
  }

  sos(input: SosInput, by: ApiPerson, earlier?: FilingMark): Promise<RequestMade> {
    const draft = { type: 'rescue' as const, urgency: 'immediate' as const, ...input };
    return this.#send(draft, by, { priority: 0, exercise: this.#o.drill === true }, earlier);
  }

  async reply(id: string, input: ReplyInput, by: ApiPerson, earlier?: FilingMark): Promise<RequestMade> {
    const request = this.#known(id);
    if (earlier !== undefined) {
      const found = await this.#findMade(
        earlier,
        KINDS['request-reply'].code,
        (m) =>
          m.kind === 'request-reply' &&
          `${m.body.request.origin}/${m.body.request.seq}` === id &&
          m.body.person === by.id &&
          m.body.status === input.status,
      );
      if (found !== undefined) return { request: this.#api(this.#known(id)), message: found };
    }
    const checked = checkReply(request, input, { by: by.id, now: this.#o.now() });
    if (!checked.ok) {
      const moved = checked.problems.find((p) => p.code === 'REQUEST_STATUS_INVALID');
      if (moved !== undefined && checked.problems.length === 1)
        throw new ApiError('REQUEST_STATUS_INVALID', moved.en, {
          status: 409,
          problems: problemsOf([moved]),
        });
      throw rejected(checked.problems);
    }
    const message = await this.#submit({
      kind: 'request-reply',
      body: checked.body,
      dest: this.#toward(request),
      priority: request.sos ? 0 : 1,
      lifetimeMin: this.#o.lifetimeMin ?? 3 * 24 * 60,
      flags: request.exercise ? ['exercise'] : [],
    });
    // Any answer at the centre is someone having the SOS in hand.
    if (this.#o.centre) this.#o.desk?.acknowledge(id);
    return { request: this.#api(this.#known(id)), message };
  }

  async acknowledge(
    id: string,
    by: ApiPerson,
    note?: string,
  ): Promise<{ request: RequestApiView; message?: string; wasSounding: boolean }> {
    const request = this.#known(id);
    const wasSounding = this.#o.desk?.acknowledge(id) ?? false;
    if (request.status !== 'requested' || request.answeredAt !== undefined)
      return { request: this.#api(this.#known(id)), wasSounding };
    const made = await this.reply(id, { status: 'committed', note: note ?? '中心已收到，正在组织救援' }, by);
    return { request: made.request, message: made.message, wasSounding };
  }

  get(id: string): RequestApiView | undefined {
    const r = this.#o.book.get(id);
    return r === undefined ? undefined : this.#api(r);
  }

  list(query: { scope: PermissionScope; open?: boolean; sos?: boolean }): RequestApiView[] {
    return this.#mine(query.scope)
      .filter((r) => (query.open !== true || !isClosed(r.status)) && (query.sos !== true || r.sos))
      .map((r) => this.#api(r));
  }

  board(scope: PermissionScope): RequestBoardRow[] {
    return requestBoard(this.#mine(scope), this.#o.now()).map((row) => ({
      ...row,
      request: this.#api(row.request),
    }));
  }

  exportCsv(scope: PermissionScope): string {
    return requestCsv(this.#mine(scope), {
      timeZone: this.#o.timeZone,
      personName: this.#o.personName,
      areaName: this.#o.areaName,
    });
  }

  publicCounts(): Record<RequestView['type'], number> {
    return openCounts(this.#o.book.list().filter((r) => r.exercise === (this.#o.drill === true)));
  }

  /** The requests of this node's kind (a drill's on a drill node) within `scope`. */
  #mine(scope: PermissionScope): RequestView[] {
    const drill = this.#o.drill === true;
    return this.#o.book.list().filter((r) => r.exercise === drill && withinScope(scope, r.area));
  }

  async #send(
    draft: Parameters<typeof checkRequestDraft>[0],
    by: ApiPerson,
    o: { priority: 0 | 1; exercise: boolean },
    earlier?: FilingMark,
  ): Promise<RequestMade> {
    if (earlier !== undefined) {
      const found = await this.#findMade(
        earlier,
        KINDS.request.code,
        (m) =>
          m.kind === 'request' &&
          m.body.requester === by.id &&
          m.priority === o.priority &&
          m.body.type === draft.type,
      );
      if (found !== undefined) return { request: this.#api(this.#known(found)), message: found };
    }
    const checked = checkRequestDraft(draft, { requester: by.id });
    if (!checked.ok) throw rejected(checked.problems);
    const id = await this.#submit({
      kind: 'request',
      body: checked.body,
      dest: { to: 'centre' },
      priority: o.priority,
      lifetimeMin: this.#o.lifetimeMin ?? 3 * 24 * 60,
      flags: o.exercise ? ['exercise'] : [],
    });
    return { request: this.#api(this.#known(id)), message: id };
  }

  /** Where a reply to `request` goes: the centre from a kit, the asking kit (or its successor) from the centre. */
  #toward(request: RequestView): Draft['dest'] {
    if (!this.#o.centre || this.#o.centreNodes.includes(request.node)) return { to: 'centre' };
    return { to: 'node', node: this.#o.successorOf?.(request.node) ?? request.node };
  }

  async #submit(draft: Draft<'request'> | Draft<'request-reply'>): Promise<string> {
    const id = await this.#o.core.submit(draft);
    const message = await this.#message(id);
    if (message === undefined)
      throw new TypeError(`request message ${id} was submitted but is not in the store`);
    await this.#o.book.record(message, { local: true });
    return id;
  }

  #known(id: string): RequestView {
    const r = this.#o.book.get(id);
    if (r === undefined) throw new ApiError('REQUEST_UNKNOWN', `no request ${id} here`, { status: 404 });
    return r;
  }

  #api(r: RequestView): RequestApiView {
    const name = (id: number | undefined) => (id === undefined ? undefined : this.#o.personName(id));
    const requestedByName = name(r.requestedBy);
    const answeredByName = name(r.answeredBy);
    return {
      ...r,
      steps: r.steps.map((s) => {
        const byName = name(s.by);
        return byName === undefined ? s : { ...s, byName };
      }),
      ...(requestedByName === undefined ? {} : { requestedByName }),
      ...(answeredByName === undefined ? {} : { answeredByName }),
      next: nextSteps(r.status),
      sounding: this.#o.desk?.isSounding(r.id) ?? false,
    };
  }

  async #message(id: string): Promise<RequestMessage | undefined> {
    const frame = await this.#o.store.getFrame(id);
    if (frame === undefined) return undefined;
    const m = decodeFrame(frame).message;
    return m?.kind === 'request' || m?.kind === 'request-reply' ? m : undefined;
  }

  async #findMade(
    mark: FilingMark,
    kindCode: number,
    same: (m: RequestMessage) => boolean,
  ): Promise<string | undefined> {
    for await (const id of this.#made.since(mark, kindCode)) {
      const m = await this.#message(id);
      if (m !== undefined && same(m)) {
        await this.#o.book.record(m, { local: true });
        this.#o.log.info({ msgId: id }, 'a request write cut short by a restart was found; not sent again');
        return id;
      }
    }
    return undefined;
  }
}

function problemsOf(problems: readonly RequestProblem[]) {
  return problems.map((p) => ({ field: p.field, code: p.code, message: p.en, zh: p.zh }));
}

function rejected(problems: readonly RequestProblem[]): ApiError {
  return new ApiError(
    'REQUEST_REJECTED',
    `the request was not sent: ${problems.map((p) => `${p.field}: ${p.en}`).join('; ')}`,
    { status: 400, problems: problemsOf(problems) },
  );
}
