/**
 * What the shelter routes need (docs/shelters.md §The API; docs/shelters.md): the registry and the
 * shelters' head counts, counting people in and out, checking them in by registration id (登记号),
 * the totals by area, the duplicate check-ins, the people still unaccounted for, the CSV and the
 * public view. shelters-adapter.ts implements it over the shelter book
 * (node/src/domain/shelters/shelter-book.ts) and NodeCore.
 *
 * Counting and checking in happen once per idempotency key across restarts, as a report's filing
 * does (reports-service.ts): a retry after a restart hands back the first attempt's mark.
 */
import type { AreaLevel } from '../domain/reports/area-levels.js';
import type {
  DuplicateCheckin,
  Movement,
  PersonFlag,
  PublicShelterView,
  ShelterSite,
  ShelterView,
  UnaccountedPerson,
} from '../domain/shelters/shelter.js';
import type { ShelterTotals } from '../domain/shelters/shelter-figures.js';
import type { ApiPerson, PermissionScope } from './people-directory.js';
import type { FilingMark } from './reports-service.js';

/** People counted in and out at a shelter (the body of POST /api/shelters/{number}/counts). */
export interface ShelterCountInput {
  /** People who came in since the last count. */
  in?: number;
  /** People who left. */
  out?: number;
}

/** One person checked in or out (the body of POST /api/shelters/{number}/checkins): by one of the two ids. */
export interface CheckinInput {
  registration?: number;
  /** A roster id, for someone on the roster rather than an evacuation list. */
  person?: number;
  movement: Movement;
  flags?: PersonFlag[];
}

export interface ShelterMade {
  shelter: ShelterView;
  /** The roll-call's message id, `origin/seq`. */
  message: string;
}

export interface SheltersReport {
  level: AreaLevel;
  items: ShelterView[];
  totals: ShelterTotals[];
  total: ShelterTotals;
  /** Registration ids checked in at two shelters at once (docs/shelters.md §Duplicates). */
  duplicates: DuplicateCheckin[];
}

export interface SheltersService {
  site(number: number): ShelterSite | undefined;
  mark(): Promise<FilingMark>;
  /** @throws ApiError SHELTER_UNKNOWN (404), SHELTER_REJECTED (409) */
  count(number: number, input: ShelterCountInput, by: ApiPerson, earlier?: FilingMark): Promise<ShelterMade>;
  /** @throws ApiError SHELTER_UNKNOWN (404), SHELTER_REJECTED (409) */
  checkin(number: number, input: CheckinInput, by: ApiPerson, earlier?: FilingMark): Promise<ShelterMade>;
  list(query: { scope: PermissionScope; level: AreaLevel }): SheltersReport;
  /** The unaccounted, and how many people the evacuation lists held here expect in `scope` (0: no list here). */
  unaccounted(scope: PermissionScope): { items: UnaccountedPerson[]; listed: number };
  exportCsv(scope: PermissionScope): string;
  /** What anyone may see: counts, capacity and places, never a name or an id. */
  publicList(): PublicShelterView[];
}
