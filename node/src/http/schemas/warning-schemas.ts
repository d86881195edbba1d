/**
 * The shapes of the warning routes (docs/api.md §Warnings): the draft the centre's form sends to
 * issue, update or cancel a warning, a person's answer (叫应), and what the routes answer: a
 * warning as held here, its preview, the 叫应 board and its calls, the public view, the kit's
 * alarm and a CAP import's result. The fields are warnings-service.ts's, one for one: a reply
 * schema that left one out would drop it silently (common-schemas.ts).
 *
 * The schema checks shape and range; the warnings workflow checks meaning (an issue without an
 * event, an expiry before the onset, an update of a warning not held here) and answers every
 * problem at once (400 WARNING_REJECTED).
 */
import { Type } from 'typebox';
import { ROLE_CODES } from '../../domain/roster/roles.js';
import { Closed, OneOf } from './common-schemas.js';

const ACTIONS = ['issue', 'update', 'cancel'] as const;
const COLOURS = ['none', 'red', 'orange', 'yellow', 'blue'] as const;

const Action = OneOf(ACTIONS, 'issue 发布, update 更新, cancel 解除.');
const Colour = OneOf(COLOURS, 'The colour of the warning; `none` for hazards without one.');
const Level = Type.Integer({
  minimum: 0,
  maximum: 4,
  description: '1 = I 特别严重 … 4 = IV 一般; 0 = no level.',
});
const UnixSeconds = (description: string) => Type.Integer({ minimum: 0, maximum: 0xffff_ffff, description });
const AreaCode = Type.Integer({
  minimum: 100_000,
  maximum: 999_999_999_999,
  description: 'GB/T 2260 / 10114 area code: 6, 9 or 12 digits.',
});
const RosterId = Type.Integer({ minimum: 1, maximum: 0xffff, description: 'A roster id.' });
const Count = (description: string) => Type.Integer({ minimum: 0, maximum: 1_000_000, description });
const Bilingual = (description?: string) => Closed({ zh: Type.String(), en: Type.String() }, description);
const Circle = Closed(
  {
    lat: Type.Number({ minimum: -90, maximum: 90 }),
    lon: Type.Number({ minimum: -180, maximum: 180 }),
    radiusM: Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'Metres.' }),
  },
  'A target circle, WGS-84 (never GCJ-02), for hazards that do not follow boundaries.',
);

export const WarningDraftBody = Closed(
  {
    action: Action,
    references: Type.Optional(
      Type.String({
        pattern: '^[0-9]{1,10}/[0-9]{1,10}$',
        description: 'For an update or a cancel: the id (`origin/seq`) of the warning it updates or cancels.',
      }),
    ),
    event: Type.Optional(
      Type.String({
        pattern: '^[0-9]{2}[A-Z][0-9]{2}$',
        description:
          'Event code, GB/T 35561 style (`11B03` 暴雨). An update or cancel without one keeps the thread’s.',
      }),
    ),
    level: Type.Optional(Level),
    colour: Type.Optional(Colour),
    areas: Type.Optional(
      Type.Array(AreaCode, {
        maxItems: 64,
        uniqueItems: true,
        description: 'Target areas. An update or cancel without them keeps the thread’s.',
      }),
    ),
    roles: Type.Optional(
      Type.Array(OneOf(ROLE_CODES), {
        maxItems: 16,
        uniqueItems: true,
        description: 'Roles that must answer (叫应), by roster role code.',
      }),
    ),
    persons: Type.Optional(
      Type.Array(RosterId, {
        maxItems: 64,
        uniqueItems: true,
        description: 'Named persons that must answer besides.',
      }),
    ),
    circle: Type.Optional(Circle),
    onset: Type.Optional(UnixSeconds('Effective from, unix s. Default now.')),
    expires: Type.Optional(
      UnixSeconds('Unix s. Required for issue and update; a cancel without one lasts an hour.'),
    ),
    instruction: Type.Optional(
      Type.String({ maxLength: 300, description: 'What people must do; at most 300 bytes.' }),
    ),
    senderName: Type.Optional(
      Type.String({
        maxLength: 64,
        description: 'The issuing office as the headline names it (某县气象台).',
      }),
    ),
    exercise: Type.Optional(
      Type.Boolean({ description: 'A drill (演练). A drill node issues every warning as one.' }),
    ),
  },
  'A warning as the centre’s form sends it. The issuer is this node’s issuer key; the person signed in is recorded.',
);

export const AnswerBody = Closed(
  {
    state: OneOf(['acknowledged', 'acted'] as const, 'acknowledged 收到, acted 已行动.'),
    evacuated: Type.Optional(Count('已转移 N 人.')),
    notified: Type.Optional(Count('People or households told (door to door, gong, loudspeaker).')),
    note: Type.Optional(Type.String({ maxLength: 200, description: 'At most 200 bytes.' })),
  },
  'A person’s answer at this kit; the person is the one signed in.',
);

export const WarningListQuery = Closed({
  active: Type.Optional(
    Type.Boolean({ description: 'Only warnings in force. Default false: every warning held.' }),
  ),
});

const CallCounts = Closed(
  {
    total: Type.Integer(),
    sent: Type.Integer(),
    delivered: Type.Integer(),
    acknowledged: Type.Integer(),
    acted: Type.Integer(),
    unanswered: Type.Integer({ description: 'Calls not yet acknowledged: its share of 未叫应.' }),
    evacuated: Type.Integer({ description: 'Sum of 已转移 N 人 over its calls.' }),
  },
  'How its calls stand (the centre).',
);

const HereAnswer = Closed({
  person: Type.Integer(),
  name: Type.Optional(Type.String()),
  state: OneOf(['unanswered', 'acknowledged', 'acted'] as const),
  evacuated: Type.Optional(Type.Integer()),
  notified: Type.Optional(Type.Integer()),
});

export const Warning = Closed(
  {
    id: Type.String({ description: 'Its message id, `origin/seq`.' }),
    action: Action,
    references: Type.Optional(Type.String({ description: 'The warning it updates or cancels.' })),
    thread: Type.String({ description: 'The id of its thread’s first warning.' }),
    issuer: Type.Integer(),
    event: Type.String(),
    eventName: Type.Optional(Bilingual()),
    level: Type.Integer(),
    colour: Colour,
    headline: Bilingual('The headline people know, rendered (某县气象台发布暴雨红色预警[I级/特别严重]).'),
    areas: Type.Array(Type.Integer()),
    roles: Type.Array(Type.String()),
    persons: Type.Optional(Type.Array(Type.Integer())),
    circle: Type.Optional(Circle),
    onset: Type.Integer({ description: 'Unix s.' }),
    expires: Type.Integer({ description: 'Unix s.' }),
    instruction: Type.String(),
    senderName: Type.Optional(Type.String()),
    exercise: Type.Boolean({ description: '演练: shown on every screen, sound and export.' }),
    createdAt: Type.Number({ description: 'When it was made, unix ms.' }),
    recordedAt: Type.Number({ description: 'When this node recorded it, unix ms.' }),
    status: OneOf(['active', 'superseded', 'cancelled', 'expired', 'pending'] as const),
    imported: Type.Optional(
      Closed({ sender: Type.String(), identifier: Type.String() }, 'Imported from CAP: where it came from.'),
    ),
    calls: Type.Optional(CallCounts),
    here: Type.Optional(
      Closed(
        {
          persons: Type.Array(HereAnswer),
          alarm: Type.Optional(OneOf(['sounding', 'waiting', 'answered', 'chimed'] as const)),
        },
        'At a kit: who must answer here and how they stand, and the kit’s alarm for it.',
      ),
    ),
  },
  'A warning held here: issued here (the centre) or received (a kit).',
);

export const WarningList = Type.Array(Warning, { description: 'Newest first.' });

export const IssuedReply = Closed({ warning: Warning });

export const Call = Closed(
  {
    warning: Type.String(),
    person: Type.Integer(),
    name: Type.Optional(Type.String()),
    area: Type.Integer(),
    areaName: Type.Optional(Type.String()),
    kit: Type.Optional(
      Type.Integer({ description: 'The kit that serves the person’s area; absent when none does.' }),
    ),
    named: Type.Boolean({ description: 'The warning named the person, not only their role.' }),
    uncalled: Type.Optional(Type.Boolean({ description: 'Answered though not called.' })),
    escalatedFrom: Type.Optional(
      Type.Integer({ description: 'A superior’s call: whose silence it escalates.' }),
    ),
    state: OneOf(['sent', 'delivered', 'acknowledged', 'acted'] as const),
    at: Closed(
      {
        sent: Type.Number(),
        delivered: Type.Optional(Type.Number()),
        acknowledged: Type.Optional(Type.Number()),
        acted: Type.Optional(Type.Number()),
      },
      'When each state was reached, unix ms.',
    ),
    steps: Type.Array(
      Closed({ step: OneOf(['resent', 'realarmed', 'superior'] as const), at: Type.Number() }),
      { description: 'Escalation steps taken, in order.' },
    ),
    evacuated: Type.Optional(Type.Integer()),
    notified: Type.Optional(Type.Integer()),
    note: Type.Optional(Type.String()),
  },
  'One call of the 叫应 board.',
);

export const CallList = Type.Array(Call, {
  description: '未叫应: the unanswered calls of open warnings, the longest waiting first.',
});

export const CallBoard = Closed({
  warning: Warning,
  calls: Type.Array(Call, { description: '未叫应 first (the longest waiting first), then the answered.' }),
  nextStepAt: Type.Optional(
    Type.Number({ description: 'When the next escalation step falls due, unix ms.' }),
  ),
});

const LinkPreview = Closed({
  link: Type.String(),
  costClass: OneOf(['ip', 'mesh', 'satellite'] as const),
  up: Type.Boolean(),
  dueNow: Type.Boolean(),
  dueAt: Type.Number(),
  bytes: Type.Integer(),
  frames: Type.Integer(),
  billed: Type.Boolean(),
  credits: Type.Integer(),
});

export const WarningPreviewReply = Closed(
  {
    warning: Warning,
    bytes: Type.Integer({ description: 'Bytes of its message, signed as this node would sign it.' }),
    links: Type.Array(LinkPreview, { description: 'As the report preview’s (docs/api.md §Reports).' }),
    cap: Type.String({ description: 'Its CAP 1.2 XML (docs/cap.md).' }),
    calls: Type.Integer({ description: 'How many persons it would call, by the roster.' }),
  },
  'What issuing the draft would put on air. Nothing was issued.',
);

export const AnswerReply = Closed({
  warning: Type.String(),
  person: Type.Integer(),
  state: OneOf(['acknowledged', 'acted'] as const),
  sending: OneOf(
    ['at-once', 'bundled'] as const,
    'Sent at once as its own ack, or riding with the answers of the next few seconds.',
  ),
});

export const PublicWarning = Closed(
  {
    id: Type.String(),
    headline: Bilingual(),
    colour: Colour,
    level: Type.Integer(),
    event: Type.String(),
    areas: Type.Array(Closed({ code: Type.Integer(), name: Type.Optional(Type.String()) })),
    onset: Type.Integer(),
    expires: Type.Integer(),
    instruction: Type.String(),
    exercise: Type.Boolean(),
  },
  'A warning in force, as anyone may read it: no person, no name.',
);

export const PublicWarningList = Type.Array(PublicWarning);

export const CapImportReply = Closed({
  warning: Warning,
  notes: Type.Array(Closed({ path: Type.String(), message: Type.String() }), {
    description: 'What of the CAP message the warning does not carry, and why.',
  }),
});

export const Alarm = Closed(
  {
    sounding: Type.Optional(
      Closed({ warning: Type.String(), colour: Colour, exercise: Type.Boolean() }, 'What sounds now.'),
    ),
    unanswered: Type.Array(Type.String(), {
      description: 'Red and orange warnings nobody here has answered: the full-screen alarm shows while any.',
    }),
  },
  'The kit’s alarm.',
);
