/**
 * What the shelters workflow knows (docs/shelters.md): the county's shelter registry (安置点), the
 * villages' evacuation lists (转移名单), and what the roll-calls made of them: each shelter's head
 * count, and where each registration id (登记号) was last checked in or out.
 */
import type { CheckinBody } from '../../wire/kinds/rollcall.js';

export type PersonFlag = NonNullable<CheckinBody['flags']>[number];
export type Movement = CheckinBody['movement'];

/** Whom a check-in names: a registration id (登记号), or a roster id. Never a name. */
export type Checked = { readonly registration: number } | { readonly person: number };

/** The key a person's movements are kept under: `r1201`, `p5`; undefined for an entry naming no one. */
export function checkedKey(c: {
  registration?: number | undefined;
  person?: number | undefined;
}): string | undefined {
  if (c.registration !== undefined) return `r${c.registration}`;
  return c.person === undefined ? undefined : `p${c.person}`;
}

/** A shelter of the registry, from the `shelters:` configuration, the same at the centre and the kits. */
export interface ShelterSite {
  /** Its number, unique in the county: the wire names it by this. */
  readonly number: number;
  readonly name: string;
  /** The area (a village's or township's code) it lies in. */
  readonly area: number;
  readonly point?: { readonly lat: number; readonly lon: number };
  readonly capacity: number;
}

/** A person on a village's evacuation list: configured at the centre only, never on air. */
export interface ExpectedPerson {
  readonly registration: number;
  readonly name: string;
  /** The village (or other area) that expects them moved. */
  readonly area: number;
  readonly flags?: readonly PersonFlag[];
}

/** The head count of a shelter as its latest roll-call gave it. */
export interface ShelterCount {
  readonly present: number;
  /** Taken in since it opened; absent from an older kit's roll-call. */
  readonly arrived?: number;
  /** Unix seconds: the roll-call's creation time. */
  readonly at: number;
  /** The roll-call's message id, `origin/seq`. */
  readonly message: string;
  /** The node that counted. */
  readonly node: number;
}

/** The last movement of one person (registration or roster id) at one shelter. */
export interface LastMovement {
  readonly shelter: number;
  readonly movement: Movement;
  readonly flags: readonly PersonFlag[];
  readonly at: number;
  readonly message: string;
  /** The person was checked in here at some time, whatever came since. */
  readonly everIn: boolean;
}

/** A shelter as the signed-in views show it: its registry entry and its head count. */
export interface ShelterView {
  number: number;
  name: string;
  area?: number;
  point?: { lat: number; lon: number };
  capacity?: number;
  /** In the registry here; false: only roll-calls name it. */
  registered: boolean;
  present: number;
  arrived: number;
  /** Unix ms of the latest roll-call; absent before any. */
  countedAt?: number;
  countedBy?: number;
  /** People checked in here by registration or roster id and not checked out. */
  checkedIn: number;
}

/** A shelter as anyone may see it: counts, capacity and place, never a name or an id of a person. */
export interface PublicShelterView {
  number: number;
  name: string;
  area?: number;
  point?: { lat: number; lon: number };
  capacity?: number;
  present: number;
  countedAt?: number;
}

/** One person checked in at two shelters or more at once (docs/shelters.md §What the centre makes of them). */
export interface DuplicateCheckin {
  registration?: number;
  person?: number;
  shelters: Array<{ number: number; at: number }>;
}

/** A person the evacuation list expects and no shelter has checked in (未清点). */
export interface UnaccountedPerson {
  registration: number;
  name: string;
  area: number;
  flags: PersonFlag[];
}

export function publicShelterView(s: ShelterView): PublicShelterView {
  return {
    number: s.number,
    name: s.name,
    ...(s.area === undefined ? {} : { area: s.area }),
    ...(s.point === undefined ? {} : { point: s.point }),
    ...(s.capacity === undefined ? {} : { capacity: s.capacity }),
    present: s.present,
    ...(s.countedAt === undefined ? {} : { countedAt: s.countedAt }),
  };
}
