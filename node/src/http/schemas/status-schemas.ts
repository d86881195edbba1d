/**
 * The shapes of the status routes (docs/api.md §Status), as status-view.ts makes them.
 */
import { Type } from 'typebox';
import { Closed, OneOf } from './common-schemas.js';

const Numbers = Type.Record(Type.String(), Type.Number());

export const Power = Closed(
  {
    source: OneOf(['mains', 'solar', 'battery', 'unknown']),
    batteryPercent: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
    batteryVolts: Type.Optional(Type.Number()),
    charging: Type.Optional(Type.Boolean()),
    minutesLeft: Type.Optional(Type.Number()),
    at: Type.Number({ description: 'When it was read, unix ms.' }),
  },
  'The kit’s power supply; absent until the kit has a sensor.',
);

const LinkState = OneOf(['starting', 'up', 'down']);

const Drill = Type.Optional(
  Type.Boolean({
    description: 'true on a drill node (演练), whose every report is an exercise; absent otherwise.',
  }),
);

const TimeZone = Type.String({
  description:
    'The county’s IANA time zone (county.time_zone): deadlines fall and times are shown on its clock.',
});

export const Status = Closed({
  node: Closed({
    id: Type.Integer(),
    role: Type.String(),
    name: Type.Optional(Type.String()),
    drill: Drill,
    version: Type.String(),
  }),
  timeZone: TimeZone,
  ready: Type.Boolean(),
  startedAt: Type.Number(),
  clock: Closed({
    now: Type.Number(),
    trusted: Type.Boolean(),
    source: Type.String(),
    why: Type.Optional(Type.String()),
    expiryTrusted: Type.Optional(Type.Boolean()),
    offsetMs: Type.Optional(Type.Number()),
    since: Type.Optional(Type.Number()),
    lowerBound: Type.Optional(Type.Number()),
  }),
  links: Type.Array(
    Closed({
      id: Type.String(),
      kind: Type.String(),
      status: LinkState,
      since: Type.Optional(Type.Number()),
      reason: Type.Optional(Type.String()),
      detail: Type.Optional(Type.String()),
      counters: Numbers,
      mt: Type.Optional(Closed({ on: Type.Boolean(), reason: Type.Optional(Type.String()) })),
      outage: Type.Optional(
        Closed({ since: Type.Number(), attempts: Type.Integer(), lastError: Type.String() }),
      ),
    }),
  ),
  queue: Closed({ total: Type.Integer(), byLink: Numbers }, 'Messages waiting, per link.'),
  credits: Type.Array(
    Closed({
      link: Type.String(),
      spent: Type.Number({ description: 'Since the daemon started.' }),
      usedDay: Type.Optional(Type.Number()),
      perDay: Type.Optional(Type.Number()),
      usedIncident: Type.Optional(Type.Number()),
      perIncident: Type.Optional(Type.Number()),
      left: Type.Optional(Type.Number()),
      nextReleaseAt: Type.Optional(Type.Number()),
    }),
    { description: 'Satellite credits, per satellite link.' },
  ),
  power: Type.Optional(Power),
  store: Type.Optional(Closed({ bytes: Type.Number(), retentionMs: Type.Number() })),
});

export const PublicStatus = Closed({
  node: Closed({
    id: Type.Integer(),
    role: Type.String(),
    name: Type.Optional(Type.String()),
    drill: Drill,
  }),
  timeZone: TimeZone,
  ready: Type.Boolean(),
  clockTrusted: Type.Boolean(),
  reach: OneOf(['ok', 'degraded', 'down']),
  links: Closed({ up: Type.Integer(), total: Type.Integer() }),
  power: Type.Optional(
    Closed({
      source: Power.properties.source,
      batteryPercent: Type.Optional(Type.Number()),
      charging: Type.Optional(Type.Boolean()),
      minutesLeft: Type.Optional(Type.Number()),
    }),
  ),
});

export const Health = Closed({
  status: Type.Literal('ok'),
  node: Type.Integer(),
  role: Type.String(),
  version: Type.String(),
});

export const Starting = Closed({ status: Type.Literal('starting') });
