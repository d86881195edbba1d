/**
 * The JSON shapes of the shelter routes (docs/shelters.md §The API), in TypeBox: what a form may send
 * (closed: an unknown field is a 400 naming it) and what the node answers (a field the schema does
 * not name never leaves the node: the public shelter reply names no person and no registration id,
 * whatever the service hands it).
 */
import { Type } from 'typebox';
import { AREA_LEVELS } from '../domain/reports/area-levels.js';
import { MAX_REGISTRATION, MOVEMENTS, PERSON_FLAGS } from '../wire/kinds/rollcall.js';
import { Closed, OneOf } from './schemas/common-schemas.js';

const Count = Type.Integer({ minimum: 0, maximum: 1_000_000 });
const Ms = Type.Integer({ minimum: 0, description: 'Unix ms.' });
const Area = Type.Integer({
  minimum: 100_000,
  maximum: 999_999_999_999,
  description: 'GB/T 2260 / 10114 area code.',
});
const Place = Closed({ lat: Type.Number(), lon: Type.Number() }, 'WGS-84.');
const Registration = Type.Integer({
  minimum: 0,
  maximum: MAX_REGISTRATION,
  description:
    'The registration id (登记号): the evacuation list’s number, or one handed out at the shelter.',
});
const Flags = Type.Array(OneOf(PERSON_FLAGS), { maxItems: PERSON_FLAGS.length, uniqueItems: true });

export const ShelterParams = Closed({ number: Type.Integer({ minimum: 1, maximum: 0xffff }) });

export const ShelterCountBody = Closed(
  { in: Type.Optional(Count), out: Type.Optional(Count) },
  'People counted in and out since the last count; the counter is the person signed in.',
);

const RosterId = Type.Integer({
  minimum: 1,
  maximum: 0xffff,
  description: 'A roster id: someone on the roster.',
});

export const CheckinBody = Closed(
  {
    registration: Type.Optional(Registration),
    person: Type.Optional(RosterId),
    movement: OneOf(MOVEMENTS, 'in 入住, out 离开.'),
    flags: Type.Optional(Flags),
  },
  'One person checked in or out by registration id or roster id (one of the two), never by name.',
);

const PublicShelterProps = {
  number: Type.Integer(),
  name: Type.String(),
  area: Type.Optional(Area),
  point: Type.Optional(Place),
  capacity: Type.Optional(Count),
  present: Count,
  countedAt: Type.Optional(Ms),
};

export const PublicShelter = Closed(PublicShelterProps, 'A shelter as anyone may see it: counts and place.');
export const PublicShelterList = Closed({ items: Type.Array(PublicShelter) });

export const Shelter = Closed(
  {
    ...PublicShelterProps,
    registered: Type.Boolean({ description: 'In the registry here; false: only roll-calls name it.' }),
    arrived: Type.Integer({ minimum: 0, description: '紧急转移安置 累计: taken in since it opened.' }),
    countedBy: Type.Optional(Type.Integer({ description: 'The node that counted last.' })),
    checkedIn: Type.Integer({
      minimum: 0,
      description: 'People checked in by registration id and still there.',
    }),
  },
  'A shelter with its head count.',
);

export const ShelterReply = Closed({
  shelter: Shelter,
  message: Closed({ id: Type.String(), href: Type.String() }),
});

const Totals = Closed(
  {
    area: Type.Optional(Area),
    shelters: Type.Integer(),
    shelterSites: Type.Integer({ description: '集中安置点数量: shelters holding anyone now.' }),
    capacity: Type.Integer(),
    relocatedCurrent: Type.Integer({ description: '紧急转移安置人口(实时), in shelters.' }),
    relocatedCumulative: Type.Integer({ description: '紧急转移安置人口(累计), in shelters.' }),
  },
  'The figures of an area, named as the quick report’s indicators.',
);

export const SheltersQuery = Closed({ level: Type.Optional(OneOf(AREA_LEVELS)) });

export const SheltersReply = Closed({
  level: OneOf(AREA_LEVELS),
  items: Type.Array(Shelter),
  totals: Type.Array(Totals),
  total: Totals,
  duplicates: Type.Array(
    Closed({
      registration: Type.Optional(Registration),
      person: Type.Optional(RosterId),
      shelters: Type.Array(Closed({ number: Type.Integer(), at: Ms })),
    }),
  ),
});

export const UnaccountedReply = Closed({
  items: Type.Array(Closed({ registration: Registration, name: Type.String(), area: Area, flags: Flags })),
  listed: Type.Integer({
    minimum: 0,
    description: 'People the evacuation lists held here expect in your areas; 0: no list here (a kit).',
  }),
});
