/**
 * A request for help or supplies (求助/物资需求) as a node holds it (docs/requests.md §The state of
 * a request): the messages of its life, each kept as the wire carried it (the request, kind 5, and
 * its replies, kind 6), and the view derived from them (request-state.ts). An SOS is a request sent
 * at priority P0 (docs/requests.md §SOS).
 */
import type { GeoPoint } from '../../wire/field-codecs.js';
import type { RequestBody, RequestReplyBody } from '../../wire/kinds/request.js';
import type { RequestStatus } from './request-status.js';

export type RequestType = RequestBody['type'];
export type RequestUrgency = RequestBody['urgency'];

/** A quantity of one supply item (node/src/wire/codes/supply-items.ts). */
export interface SupplyLine {
  item: number;
  quantity: number;
}

/** One message of a request's life: the request itself or a reply to it. */
export type RequestEntry = {
  /** The message id, `origin/seq`. */
  id: string;
  origin: number;
  seq: number;
  /** The envelope's creation time, unix seconds. */
  createdAt: number;
  /** The envelope's priority: 0 for an SOS and the replies to it. */
  priority: number;
  exercise: boolean;
  /** When this node recorded it, unix ms. */
  receivedAt: number;
  /** Why this node did not apply it, if so. */
  refused?: string;
} & ({ kind: 'request'; body: RequestBody } | { kind: 'request-reply'; body: RequestReplyBody });

/** One step of a request's life, as shown. */
export interface RequestStep {
  id: string;
  status: RequestStatus;
  /** Roster id of who asked or answered. */
  by?: number;
  /** When it was said, unix ms. */
  at: number;
  node: number;
  items?: SupplyLine[];
  /** Expected arrival, unix ms. */
  eta?: number;
  note?: string;
  refused?: string;
}

/** A request as the API and the board show it. */
export interface RequestView {
  /** The request message's id. */
  id: string;
  /** The request itself is held here; false while only a reply to it has arrived. */
  opened: boolean;
  /** Sent at P0: an SOS. */
  sos: boolean;
  exercise: boolean;
  type: RequestType;
  urgency: RequestUrgency;
  status: RequestStatus;
  /** The requesting kit's area, when known. */
  area?: number;
  point?: GeoPoint;
  people?: number;
  /** What was asked for. */
  items: SupplyLine[];
  /** What has been committed so far, per item, over every commit (partial commits add up). */
  committed: SupplyLine[];
  /** The latest expected arrival a commit or dispatch gave, unix ms. */
  eta?: number;
  note?: string;
  /** The node that asked. */
  node: number;
  requestedBy?: number;
  /** When it was asked, unix ms. */
  requestedAt: number;
  updatedAt: number;
  /** When a node other than the requesting kit first answered it, unix ms. */
  answeredAt?: number;
  answeredBy?: number;
  steps: RequestStep[];
}

/** The id of the request a message belongs to. */
export function requestIdOf(entry: Pick<RequestEntry, 'id' | 'kind' | 'body'>): string {
  if (entry.kind === 'request') return entry.id;
  const r = (entry.body as RequestReplyBody).request;
  return `${r.origin}/${r.seq}`;
}
