/**
 * The JSON shapes of the hazard routes (docs/api.md §Hazards), in TypeBox: what a form may send
 * (closed: an unknown field is a 400 naming it) and what the node answers (a field the schema
 * does not name never leaves the node, so a reply can hold no more than it says).
 */
import { Type } from 'typebox';
import { STATUSES } from '../domain/hazards/hazard-status.js';
import { MAX_HAZARD_CODE } from '../wire/codes/hazard-types.js';
import { HAZARD_SEVERITIES } from '../wire/kinds/hazard.js';
import { Closed, OneOf, PageInfo } from './schemas/common-schemas.js';

const AreaCode = Type.Integer({
  minimum: 100_000,
  maximum: 999_999_999_999,
  description: 'GB/T 2260 / 10114 area code: 6, 9 or 12 digits.',
});

const Point = Closed(
  { lat: Type.Number({ minimum: -90, maximum: 90 }), lon: Type.Number({ minimum: -180, maximum: 180 }) },
  'WGS-84 (never GCJ-02).',
);

const HazardCode = Type.Integer({
  minimum: 0,
  maximum: MAX_HAZARD_CODE,
  description: 'Hazard type × 16 + sub-type (node/src/wire/codes/hazard-types.ts); 滑坡 is 160.',
});
const Severity = OneOf(HAZARD_SEVERITIES, 'low 一般, medium 较大, high 重大, critical 特别重大.');
const Status = OneOf(STATUSES, 'reported 已上报, verified 已核实, handled 已处置, closed 已销号.');
const Sector = Type.Integer({ minimum: 0, maximum: 255, description: '行业领域 (hazard-sectors.ts).' });
const PeopleAtRisk = Type.Integer({
  minimum: 0,
  maximum: 10_000_000,
  description: 'People threatened (威胁人数).',
});
const HouseholdsAtRisk = Type.Integer({ minimum: 0, maximum: 1_000_000 });
const PhotoToken = Type.String({
  pattern: '^[0-9a-f]{32}$',
  description: 'As POST /api/hazards/photos gave it.',
});

export const HazardDraftBody = Closed(
  {
    hazard: HazardCode,
    severity: Severity,
    sector: Type.Optional(Sector),
    area: Type.Optional(AreaCode),
    point: Type.Optional(Point),
    peopleAtRisk: Type.Optional(PeopleAtRisk),
    householdsAtRisk: Type.Optional(HouseholdsAtRisk),
    description: Type.Optional(
      Type.String({ maxLength: 1000, description: 'At most 300 bytes of UTF-8 on air.' }),
    ),
    photos: Type.Optional(Type.Array(PhotoToken, { maxItems: 16 })),
    exercise: Type.Optional(Type.Boolean({ description: 'A drill (演练); always so on a drill node.' })),
  },
  'A hazard (隐患) as the form sends it; the reporter is the person signed in.',
);

export const HazardChangeBody = Closed(
  {
    status: Status,
    note: Type.Optional(
      Type.String({ maxLength: 1000, description: 'What was done or found: at most 300 bytes.' }),
    ),
    hazard: Type.Optional(HazardCode),
    severity: Type.Optional(Severity),
    sector: Type.Optional(Sector),
    point: Type.Optional(Point),
    peopleAtRisk: Type.Optional(PeopleAtRisk),
    householdsAtRisk: Type.Optional(HouseholdsAtRisk),
  },
  'A change of a hazard’s status; only a verification may correct the rest.',
);

const Step = Closed({
  id: Type.String({ description: 'The message that said it.' }),
  status: Status,
  by: Type.Optional(Type.Integer({ description: 'Roster id.' })),
  byName: Type.Optional(Type.String()),
  at: Type.Integer({ description: 'Unix ms.' }),
  node: Type.Integer(),
  note: Type.Optional(Type.String()),
  severity: Severity,
  refused: Type.Optional(Type.String({ description: 'Why this node did not apply it.' })),
});

export const Hazard = Closed(
  {
    id: Type.String({ description: 'Its opening report’s message id, `origin/seq`.' }),
    opened: Type.Boolean({ description: 'False while only a change of it has arrived.' }),
    exercise: Type.Boolean(),
    hazard: HazardCode,
    sector: Type.Optional(Sector),
    severity: Severity,
    status: Status,
    area: Type.Optional(Type.Integer()),
    point: Type.Optional(Point),
    peopleAtRisk: Type.Optional(Type.Integer()),
    householdsAtRisk: Type.Optional(Type.Integer()),
    description: Type.Optional(Type.String()),
    node: Type.Integer({ description: 'The node that reported it: its photos are there.' }),
    reportedBy: Type.Optional(Type.Integer()),
    reportedByName: Type.Optional(Type.String()),
    reportedAt: Type.Integer(),
    updatedAt: Type.Integer(),
    photos: Type.Integer({ description: 'Photos of it at the reporting kit.' }),
    photoNumbers: Type.Array(Type.Integer(), { description: 'Those held on this node.' }),
    steps: Type.Array(Step),
    next: Type.Array(Status, { description: 'The statuses it may still move to.' }),
  },
  'A hazard (隐患) held here.',
);

export const HazardList = Closed({ items: Type.Array(Hazard), page: PageInfo });

export const HazardListQuery = Closed({
  status: Type.Optional(Status),
  open: Type.Optional(Type.Boolean({ description: 'Only those not yet closed.' })),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000, default: 1 })),
  per_page: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
});

export const HazardReply = Closed({
  hazard: Hazard,
  message: Closed({ id: Type.String(), href: Type.String() }),
});

export const LedgerQuery = Closed({
  by: Type.Optional(OneOf(['area', 'type', 'sector'] as const)),
  level: Type.Optional(OneOf(['county', 'township', 'village'] as const)),
});

const Counts = (keys: readonly string[]) => Closed(Object.fromEntries(keys.map((k) => [k, Type.Integer()])));

export const LedgerReply = Closed({
  by: OneOf(['area', 'type', 'sector'] as const),
  level: Type.Optional(Type.String()),
  exercise: Type.Boolean({ description: 'These are a drill node’s drills.' }),
  items: Type.Array(
    Closed({
      key: Type.Optional(Type.Integer({ description: 'Area, hazard or sector code; absent: not placed.' })),
      total: Type.Integer(),
      open: Type.Integer(),
      byStatus: Counts(STATUSES),
      bySeverity: Counts(HAZARD_SEVERITIES),
      peopleAtRisk: Type.Integer(),
    }),
  ),
});

export const PublicHazard = Closed(
  {
    id: Type.String(),
    hazard: HazardCode,
    severity: Severity,
    status: Status,
    area: Type.Optional(Type.Integer()),
    point: Type.Optional(Point),
    reportedAt: Type.Integer(),
    exercise: Type.Boolean(),
  },
  'A hazard as anyone may see it: what and where, never who, never the words typed.',
);

export const PublicHazardList = Closed({ items: Type.Array(PublicHazard) });

export const StagedPhotoReply = Closed({
  token: PhotoToken,
  type: Type.String(),
  bytes: Type.Integer(),
});

export const PhotoParams = Closed({
  origin: Type.Integer({ minimum: 1, maximum: 0xffff_ffff }),
  seq: Type.Integer({ minimum: 0, maximum: 0xffff_ffff }),
  n: Type.Integer({ minimum: 1, maximum: 255 }),
});
