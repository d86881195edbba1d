/**
 * The shapes of the kit routes (docs/api.md §Kits): a kit at the centre with its last word, its
 * health and its alerts, and the replies to revoking and replacing one. The fields are
 * kits-service.ts's, one for one: a reply schema that left one out would drop it silently
 * (common-schemas.ts).
 */
import { Type } from 'typebox';
import { Closed, OneOf } from './common-schemas.js';

const UnixMs = (description: string) => Type.Integer({ minimum: 0, description });
const NodeId = Type.Integer({ minimum: 1, maximum: 0xffff_ffff, description: 'A node id.' });
const MessageId = Type.String({ description: 'A message id, origin/seq.' });
const Actor = Type.Union([Type.Integer({ minimum: 1 }), Type.Literal('system')], {
  description: 'The roster id of who did it, or `system` (the command line at the centre).',
});

export const KitIdParams = Closed({
  id: Type.Integer({ minimum: 1, maximum: 0xffff_ffff, description: 'The kit’s node id.' }),
});

const KitHealth = Closed(
  {
    msg: MessageId,
    at: UnixMs('When the centre took it in.'),
    createdAt: UnixMs('When the kit made it, by its clock.'),
    clockUntrusted: Type.Boolean(),
    intervalS: Type.Integer({ minimum: 1, description: 'Seconds to its next health message.' }),
    power: Closed({
      source: Type.String({ description: 'mains, solar, battery or unknown.' }),
      batteryPercent: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
      batteryVolts: Type.Optional(Type.Number({ minimum: 0 })),
      charging: Type.Optional(Type.Boolean()),
      minutesLeft: Type.Optional(Type.Integer({ minimum: 0 })),
    }),
    clock: Closed({
      source: Type.String({ description: 'none, system, operator, centre, iridium, gps (or `code N`).' }),
      trusted: Type.Boolean(),
    }),
    links: Type.Array(
      Closed({
        kind: Type.String({ description: 'meshtastic, iridium-sbd, beidou, ip (or `code N`).' }),
        state: Type.String({ description: 'up, starting, or why it is down (no-device, no-service…).' }),
        up: Type.Boolean(),
      }),
    ),
    queued: Type.Optional(Type.Integer({ minimum: 0, description: 'Messages waiting at the kit.' })),
    upMin: Type.Optional(Type.Integer({ minimum: 0, description: 'Minutes since its daemon started.' })),
  },
  'The kit’s latest health message (docs/wire-format.md §4.7).',
);

const KitAlert = Type.Union([
  Closed(
    {
      kind: Type.Literal('silent'),
      since: UnixMs('When it was raised.'),
      lastHeard: UnixMs('When the kit was last heard (or the centre started listening).'),
      allowedMs: Type.Integer({ minimum: 0, description: 'The silence it was allowed.' }),
    },
    'Nothing came from the kit past its expected interval.',
  ),
  Closed(
    {
      kind: Type.Literal('battery'),
      since: UnixMs('When it was raised.'),
      percent: Type.Integer({ minimum: 0, maximum: 100 }),
      low: Type.Boolean({ description: 'At or below the low mark.' }),
      cutoffAt: Type.Optional(UnixMs('When it is expected to reach the cut-off.')),
      perHour: Type.Optional(Type.Number({ description: 'Percent per hour, negative while falling.' })),
    },
    'The battery is low, or falling toward its cut-off.',
  ),
]);

export const Kit = Closed(
  {
    id: NodeId,
    area: Type.Optional(Type.Integer({ minimum: 100_000 })),
    areaName: Type.Optional(Type.String()),
    role: Type.Optional(Type.String()),
    enrolled: Type.Boolean({ description: 'In the centre’s configuration (keys.nodes) now.' }),
    state: OneOf(['ok', 'alert', 'never-heard', 'revoked'] as const),
    lastHeard: Type.Optional(
      Closed({
        at: UnixMs('When.'),
        msg: MessageId,
        kind: Type.String({ description: 'The message’s kind.' }),
      }),
    ),
    silentFrom: Type.Optional(UnixMs('When it becomes silent if nothing more comes.')),
    allowedSilenceMs: Type.Integer({ minimum: 0 }),
    health: Type.Optional(KitHealth),
    alerts: Type.Array(KitAlert),
    revoked: Type.Optional(Closed({ at: UnixMs('When.'), by: Actor, control: MessageId })),
    replacedBy: Type.Optional(
      Closed({
        kit: NodeId,
        at: UnixMs('When.'),
        incidents: Type.Array(Type.String(), { description: 'The incidents handed over.' }),
        control: Type.Optional(MessageId),
      }),
    ),
    replaces: Type.Optional(NodeId),
    history: Type.Optional(
      Type.Array(
        Closed({
          at: UnixMs('When it was true.'),
          percent: Type.Integer({ minimum: 0, maximum: 100 }),
          charging: Type.Boolean(),
          power: Type.String(),
        }),
        { description: 'Its recent charge readings, oldest first.' },
      ),
    ),
  },
  'A kit at the centre (docs/kits.md §The kit board).',
);

export const KitList = Closed({
  at: UnixMs('The centre’s time the list is for.'),
  kits: Type.Array(Kit),
});

export const RevokeBody = Closed({}, 'Nothing: the kit is in the path.');

export const RevokedReply = Closed({ kit: Kit, control: MessageId });

export const ReplaceBody = Closed({ by: NodeId }, 'The kit enrolled for the same area that carries on.');

export const ReplacedReply = Closed({
  kit: Kit,
  replacement: Kit,
  incidents: Type.Array(Type.String(), { description: 'The incidents handed over.' }),
  warnings: Type.Array(Type.String(), {
    description: 'The warnings in force whose calls on the lost kit were unanswered: sent to the new kit.',
  }),
  control: Type.Optional(MessageId),
});
