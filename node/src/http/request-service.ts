/**
 * What the request and SOS routes need (docs/api.md §Routes; docs/requests.md): ask for help or
 * supplies, send an SOS, answer a request step by step, acknowledge an SOS at the centre, the
 * requests held here, the centre's board, the CSV and the public counts. request-adapter.ts
 * implements it over the request book (node/src/domain/requests/request-book.ts), the SOS desk
 * and NodeCore. Writes happen once per idempotency key across restarts, as a report's filing does.
 */
import type { RequestStep, RequestView } from '../domain/requests/request.js';
import type { BoardRow } from '../domain/requests/request-board.js';
import type { ReplyDraft, RequestDraft } from '../domain/requests/request-draft.js';
import type { ReplyStatus } from '../domain/requests/request-status.js';
import type { ApiPerson, PermissionScope } from './people-directory.js';
import type { FilingMark } from './reports-service.js';

export type RequestDraftInput = Omit<RequestDraft, 'point'> & {
  point?: { lat: number; lon: number };
  /** A drill (演练); always on a drill node. */
  exercise?: boolean;
};

export interface SosInput {
  point?: { lat: number; lon: number };
  people?: number;
  note?: string;
}

export type ReplyInput = ReplyDraft;

export interface RequestStepView extends RequestStep {
  byName?: string;
}

/** A request as the API shows it to a person who may see it. */
export interface RequestApiView extends Omit<RequestView, 'steps'> {
  steps: RequestStepView[];
  requestedByName?: string;
  answeredByName?: string;
  /** The steps it may still take. */
  next: ReplyStatus[];
  /** At the centre: the SOS sounds the alarm until acknowledged. */
  sounding: boolean;
}

export interface RequestMade {
  request: RequestApiView;
  /** The message's id, for its delivery page. */
  message: string;
}

export interface RequestBoardRow extends Omit<BoardRow, 'request'> {
  request: RequestApiView;
}

export interface RequestsService {
  /** This kit's own area, where its requests are. */
  defaultArea(): number | undefined;
  mark(): Promise<FilingMark>;
  /** @throws ApiError REQUEST_REJECTED (400) */
  ask(draft: RequestDraftInput, by: ApiPerson, earlier?: FilingMark): Promise<RequestMade>;
  /** An SOS: a rescue request at P0 with the place. @throws ApiError REQUEST_REJECTED (400) */
  sos(input: SosInput, by: ApiPerson, earlier?: FilingMark): Promise<RequestMade>;
  /** @throws ApiError REQUEST_UNKNOWN (404), REQUEST_REJECTED (400), REQUEST_STATUS_INVALID (409) */
  reply(id: string, reply: ReplyInput, by: ApiPerson, earlier?: FilingMark): Promise<RequestMade>;
  /**
   * A duty officer has the SOS: the alarm stops, and unless someone answered already a commit goes
   * back to the kit so it knows. @throws ApiError REQUEST_UNKNOWN (404)
   */
  acknowledge(
    id: string,
    by: ApiPerson,
    note?: string,
  ): Promise<{ request: RequestApiView; message?: string; wasSounding: boolean }>;
  get(id: string): RequestApiView | undefined;
  list(query: { scope: PermissionScope; open?: boolean; sos?: boolean }): RequestApiView[];
  board(scope: PermissionScope): RequestBoardRow[];
  exportCsv(scope: PermissionScope): string;
  /** Open requests by type: never a name, a place or a word typed. */
  publicCounts(): Record<RequestView['type'], number>;
}
