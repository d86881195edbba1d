/**
 * Request for help or supplies (求助/物资需求) and its replies (commit, dispatch, arrival, decline,
 * release), after EDXL-RM's request → commit → deployment status → release (docs/domain.md §Hazards, shelters and requests;
 * docs/wire-format.md §request, §request-reply). Kinds 5 and 6, MAC-tagged.
 */
import { geoPoint, messageRef, personIndex, relativeTime } from '../field-codecs.js';
import { arrayOf, enumOf, optional, type RecordOf, record, required, text, uint } from '../schema.js';

export const REQUEST_TYPES = ['rescue', 'medical', 'supplies', 'evacuation', 'other'] as const;
export const REQUEST_URGENCIES = ['routine', 'urgent', 'immediate'] as const;
export const REPLY_STATUSES = ['committed', 'dispatched', 'arrived', 'declined', 'released'] as const;

/** A quantity of one supply item (codes/supply-items.ts). */
const supplyLine = record({ item: required(uint(0xffff)), quantity: required(uint(10_000_000)) });

export const requestFields = {
  type: required(enumOf(REQUEST_TYPES)),
  urgency: required(enumOf(REQUEST_URGENCIES)),
  /** People who need the help. */
  people: optional(uint(10_000_000)),
  items: optional(arrayOf(supplyLine, 16, 1)),
  point: optional(geoPoint),
  requester: optional(personIndex),
  note: optional(text(300)),
};

export type RequestBody = RecordOf<typeof requestFields>;

export const requestReplyFields = {
  request: required(messageRef),
  status: required(enumOf(REPLY_STATUSES)),
  /** What is committed or sent, when not everything asked for. */
  items: optional(arrayOf(supplyLine, 16, 1)),
  /** Expected arrival (unix seconds; relative on the wire). */
  eta: optional(relativeTime),
  person: optional(personIndex),
  note: optional(text(300)),
};

export type RequestReplyBody = RecordOf<typeof requestReplyFields>;
