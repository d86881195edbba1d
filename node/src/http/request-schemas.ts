/**
 * The JSON shapes of the request and SOS routes (docs/api.md §Routes), in TypeBox: what a form may
 * send (closed: an unknown field is a 400 naming it) and what the node answers (a field the schema
 * does not name never leaves the node).
 */
import { Type } from 'typebox';
import { REQUEST_STATUSES } from '../domain/requests/request-status.js';
import { REQUEST_TYPES, REQUEST_URGENCIES } from '../wire/kinds/request.js';
import { Closed, OneOf } from './schemas/common-schemas.js';

const Point = Closed(
  { lat: Type.Number({ minimum: -90, maximum: 90 }), lon: Type.Number({ minimum: -180, maximum: 180 }) },
  'WGS-84 (never GCJ-02).',
);
const RequestType = OneOf(
  REQUEST_TYPES,
  'rescue 救援, medical 医疗, supplies 物资, evacuation 转移, other 其他.',
);
const Urgency = OneOf(REQUEST_URGENCIES, 'routine 一般, urgent 紧急, immediate 特急.');
const Status = OneOf(
  REQUEST_STATUSES,
  'requested 已请求, committed 已承诺, dispatched 已调派, arrived 已到达, released 已完结, declined 已拒绝.',
);
const ReplyStatus = OneOf(
  REQUEST_STATUSES.filter((s) => s !== 'requested') as Exclude<
    (typeof REQUEST_STATUSES)[number],
    'requested'
  >[],
  'The step taken.',
);
const People = Type.Integer({ minimum: 0, maximum: 10_000_000, description: 'People who need the help.' });
const Note = Type.String({ maxLength: 1000, description: 'At most 300 bytes of UTF-8 on air.' });
const Line = Closed({
  item: Type.Integer({ minimum: 0, maximum: 0xffff, description: 'node/src/wire/codes/supply-items.ts.' }),
  quantity: Type.Integer({ minimum: 1, maximum: 10_000_000 }),
});
const Items = Type.Array(Line, { maxItems: 16 });

export const RequestDraftBody = Closed(
  {
    type: RequestType,
    urgency: Urgency,
    people: Type.Optional(People),
    items: Type.Optional(Items),
    point: Type.Optional(Point),
    note: Type.Optional(Note),
    exercise: Type.Optional(Type.Boolean({ description: 'A drill (演练); always so on a drill node.' })),
  },
  'A request for help or supplies; the requester is the person signed in.',
);

export const SosBody = Closed(
  { point: Type.Optional(Point), people: Type.Optional(People), note: Type.Optional(Note) },
  'An SOS: sent at once as a rescue request at P0, with the place when the phone knows it.',
);

export const ReplyBody = Closed(
  {
    status: ReplyStatus,
    items: Type.Optional(Items),
    eta: Type.Optional(Type.Integer({ minimum: 0, description: 'Expected arrival, unix ms.' })),
    note: Type.Optional(Note),
  },
  'A step of a request: a (partial) commit, a dispatch, its arrival, its release or a decline.',
);

export const AcknowledgeBody = Closed({ note: Type.Optional(Note) });

const Step = Closed({
  id: Type.String({ description: 'The message that said it.' }),
  status: Status,
  by: Type.Optional(Type.Integer()),
  byName: Type.Optional(Type.String()),
  at: Type.Integer({ description: 'Unix ms.' }),
  node: Type.Integer(),
  items: Type.Optional(Items),
  eta: Type.Optional(Type.Integer()),
  note: Type.Optional(Type.String()),
  refused: Type.Optional(Type.String({ description: 'Why this node did not apply it.' })),
});

export const RequestSchema = Closed(
  {
    id: Type.String({ description: 'The request message’s id, `origin/seq`.' }),
    opened: Type.Boolean(),
    sos: Type.Boolean({ description: 'Sent at P0: an SOS.' }),
    exercise: Type.Boolean(),
    type: RequestType,
    urgency: Urgency,
    status: Status,
    area: Type.Optional(Type.Integer()),
    point: Type.Optional(Point),
    people: Type.Optional(Type.Integer()),
    items: Items,
    committed: Type.Array(Line, { description: 'Committed so far, over every (partial) commit.' }),
    eta: Type.Optional(Type.Integer()),
    note: Type.Optional(Type.String()),
    node: Type.Integer(),
    requestedBy: Type.Optional(Type.Integer()),
    requestedByName: Type.Optional(Type.String()),
    requestedAt: Type.Integer(),
    updatedAt: Type.Integer(),
    answeredAt: Type.Optional(Type.Integer()),
    answeredBy: Type.Optional(Type.Integer()),
    answeredByName: Type.Optional(Type.String()),
    steps: Type.Array(Step),
    next: Type.Array(ReplyStatus),
    sounding: Type.Boolean({ description: 'At the centre: its SOS alarm sounds until acknowledged.' }),
  },
  'A request held here.',
);

export const RequestReply = Closed({
  request: RequestSchema,
  message: Closed({ id: Type.String(), href: Type.String() }),
});

export const AcknowledgeReply = Closed({
  request: RequestSchema,
  message: Type.Optional(Closed({ id: Type.String(), href: Type.String() })),
  wasSounding: Type.Boolean(),
});

export const RequestList = Closed({ items: Type.Array(RequestSchema) });

export const RequestListQuery = Closed({
  open: Type.Optional(Type.Boolean({ description: 'Only those not yet released or declined.' })),
  sos: Type.Optional(Type.Boolean({ description: 'Only SOS.' })),
});

export const BoardReply = Closed({
  items: Type.Array(
    Closed({
      request: RequestSchema,
      ageMs: Type.Integer(),
      overdue: Type.Boolean(),
      overdueWhy: Type.Optional(OneOf(['unanswered', 'late'] as const)),
    }),
  ),
});

export const PublicRequestCounts = Closed(
  { open: Closed(Object.fromEntries(REQUEST_TYPES.map((t) => [t, Type.Integer()]))) },
  'Open requests by type: never a name, a place or a word typed.',
);
