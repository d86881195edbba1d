/**
 * The shapes of the team and text routes (docs/api.md §Teams, §Texts): teams with their members
 * and positions, tasks with their steps, the bodies that assign a task, take a step, report a
 * position and send a text. The fields are team-service.ts's and text-service.ts's, one for one: a
 * reply schema that left one out would drop it silently (schemas/common-schemas.ts).
 */
import { Type } from 'typebox';
import { TASK_STEPS } from '../domain/teams/task-state.js';
import { DELIVERY_STEPS } from './delivery-view.js';
import { Closed, OneOf } from './schemas/common-schemas.js';

const UnixMs = (description: string) => Type.Integer({ minimum: 0, description });
const NodeId = Type.Integer({ minimum: 1, maximum: 0xffff_ffff, description: 'A node id.' });
const RosterId = Type.Integer({ minimum: 1, maximum: 0xffff, description: 'A roster id.' });
const MessageId = Type.String({ description: 'A message id, origin/seq.' });
const AreaCode = Type.Integer({
  minimum: 100_000,
  maximum: 999_999_999_999,
  description: 'GB/T 2260 / 10114 area code.',
});
const Step = OneOf(
  TASK_STEPS,
  'assigned 已派, accepted 已接受, on-scene 已到场, done 已完成, declined 已拒绝.',
);

export const Point = Closed(
  { lat: Type.Number({ minimum: -90, maximum: 90 }), lon: Type.Number({ minimum: -180, maximum: 180 }) },
  'WGS-84 (never GCJ-02).',
);

export const Position = Closed({
  node: NodeId,
  person: Type.Optional(RosterId),
  name: Type.Optional(Type.String()),
  teamName: Type.Optional(Type.String()),
  point: Point,
  at: UnixMs('When the fix was taken.'),
  accuracyM: Type.Optional(Type.Integer({ minimum: 0 })),
  speedMps: Type.Optional(Type.Number({ minimum: 0 })),
  headingDeg: Type.Optional(Type.Integer({ minimum: 0, maximum: 359 })),
  batteryPct: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
  exercise: Type.Boolean(),
});

const Member = Closed({
  id: RosterId,
  name: Type.Optional(Type.String()),
  leader: Type.Boolean(),
  position: Type.Optional(Position),
});

const Team = Closed({
  kit: NodeId,
  name: Type.String(),
  members: Type.Array(Member),
  open: Type.Integer({ minimum: 0, description: 'Tasks not yet done or declined.' }),
});

export const TeamsReply = Closed({
  at: UnixMs('Now, at the node.'),
  centre: Type.Boolean({ description: 'This node is the centre (it assigns tasks).' }),
  ownTeam: Type.Optional(NodeId),
  teams: Type.Array(Team),
  positions: Type.Array(Position),
});

const StepRecord = Closed({
  step: Step,
  message: MessageId,
  at: UnixMs('When it was made.'),
  by: Type.Optional(RosterId),
  note: Type.Optional(Type.String()),
});

export const Task = Closed({
  id: MessageId,
  team: NodeId,
  teamName: Type.Optional(Type.String()),
  status: Step,
  what: Type.Optional(Type.String()),
  point: Type.Optional(Point),
  area: Type.Optional(AreaCode),
  due: Type.Optional(UnixMs('By when.')),
  assignedAt: UnixMs('When it was assigned.'),
  assignedBy: Type.Optional(RosterId),
  assignedByName: Type.Optional(Type.String()),
  reason: Type.Optional(Type.String({ description: 'Why it was declined.' })),
  steps: Type.Array(StepRecord),
  complete: Type.Boolean({ description: 'The assignment itself is held here.' }),
  exercise: Type.Boolean(),
  open: Type.Boolean(),
  next: Type.Array(Step, { description: 'The steps it may take next, here.' }),
});

export const TaskList = Closed({ at: UnixMs('Now, at the node.'), tasks: Type.Array(Task) });

export const TaskReply = Closed({ task: Task, message: Closed({ id: MessageId, href: Type.String() }) });

export const TaskBody = Closed({
  team: NodeId,
  what: Type.String({ minLength: 1, maxLength: 120, description: 'What to do; at most 120 UTF-8 bytes.' }),
  point: Type.Optional(Point),
  area: Type.Optional(AreaCode),
  due: Type.Optional(UnixMs('By when.')),
});

export const StepBody = Closed({
  step: OneOf(['accepted', 'on-scene', 'done', 'declined'] as const),
  note: Type.Optional(
    Type.String({ maxLength: 120, description: 'A note; the reason, for declined. ≤ 120 UTF-8 bytes.' }),
  ),
});

export const PositionBody = Closed({
  lat: Type.Number({ minimum: -90, maximum: 90 }),
  lon: Type.Number({ minimum: -180, maximum: 180 }),
  accuracyM: Type.Optional(Type.Number({ minimum: 0, maximum: 100_000 })),
});

export const PositionReply = Closed({
  sent: Type.Boolean({ description: 'It went on air; false: too soon after the last, try at nextAt.' }),
  message: Type.Optional(MessageId),
  nextAt: Type.Optional(UnixMs('When a position may next go on air.')),
});

const Peer = Type.Union([
  Closed({ to: Type.Literal('centre') }),
  Closed({ to: Type.Literal('node'), node: NodeId }),
  Closed({ to: Type.Literal('area'), area: AreaCode }),
]);

export const Text = Closed({
  id: MessageId,
  conversation: Type.String(),
  from: NodeId,
  person: Type.Optional(RosterId),
  name: Type.Optional(Type.String()),
  text: Type.String(),
  at: UnixMs('When it was made.'),
  mine: Type.Boolean(),
  replyTo: Type.Optional(MessageId),
  bytes: Type.Integer({ minimum: 0, maximum: 160 }),
  delivery: Type.Optional(
    Closed(
      { step: OneOf(DELIVERY_STEPS), expired: Type.Boolean() },
      'Sent here: the furthest delivery step reached.',
    ),
  ),
  exercise: Type.Boolean(),
});

export const ConversationList = Closed({
  unread: Type.Integer({ minimum: 0 }),
  conversations: Type.Array(
    Closed({
      conversation: Type.String(),
      peer: Peer,
      label: Type.String(),
      last: Text,
      count: Type.Integer({ minimum: 1 }),
      unread: Type.Integer({ minimum: 0 }),
    }),
  ),
});

export const ConversationParams = Closed({
  conversation: Type.String({
    pattern: '^(centre|node-[0-9]{1,10}|area-[0-9]{6,12})$',
    description: 'centre, node-N or area-CODE.',
  }),
});

export const TextList = Closed({ conversation: Type.String(), texts: Type.Array(Text) });

export const TextBody = Closed({
  to: Type.String({
    pattern: '^(centre|node-[0-9]{1,10}|area-[0-9]{6,12})$',
    description: 'centre, node-N or area-CODE.',
  }),
  text: Type.String({
    minLength: 1,
    maxLength: 160,
    description: 'At most 160 UTF-8 bytes (53 Chinese characters).',
  }),
  replyTo: Type.Optional(Type.String({ pattern: '^[0-9]{1,10}/[0-9]{1,10}$' })),
});

export const TextReply = Closed({ text: Text });
