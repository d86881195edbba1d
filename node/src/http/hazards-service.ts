/**
 * What the hazard routes need (docs/api.md §Hazards; docs/hazards.md): file a hazard (隐患) with
 * its photos, change its status, list and read the hazards held here, the ledger's tallies, the
 * CSV, the public view, and the photos. hazards-adapter.ts implements it over the hazard ledger
 * (node/src/domain/hazards/hazard-book.ts), the photo store and NodeCore.
 *
 * Filing and changing happen once per idempotency key across restarts, as a report's filing does
 * (reports-service.ts): the route saves a mark before it calls, and a retry after a restart hands
 * the first attempt's mark back as `earlier`, for the service to find what that attempt made.
 */
import type { HazardStep, HazardView } from '../domain/hazards/hazard.js';
import type { LedgerBy, LedgerRow } from '../domain/hazards/hazard-ledger.js';
import type { HazardStatus } from '../domain/hazards/hazard-status.js';
import type { AreaLevel } from '../domain/reports/area-levels.js';
import type { ApiPerson, PermissionScope } from './people-directory.js';
import type { FilingMark } from './reports-service.js';

/** A hazard as the form sends it (the body of POST /api/hazards). */
export interface HazardDraftInput {
  hazard: number;
  severity: 'low' | 'medium' | 'high' | 'critical';
  sector?: number;
  /** The area, when not the kit's own. */
  area?: number;
  point?: { lat: number; lon: number };
  peopleAtRisk?: number;
  householdsAtRisk?: number;
  description?: string;
  /** Tokens of photos uploaded for it (POST /api/hazards/photos). */
  photos?: string[];
  /** A drill (演练); always on a drill node. */
  exercise?: boolean;
}

/** A change of status (the body of POST /api/hazards/{origin}/{seq}/status). */
export interface HazardChangeInput {
  status: HazardStatus;
  note?: string;
  /** A verification may correct these. */
  hazard?: number;
  severity?: HazardDraftInput['severity'];
  sector?: number;
  point?: { lat: number; lon: number };
  peopleAtRisk?: number;
  householdsAtRisk?: number;
}

/** A step as the API shows it: with the person's name where the roster has it. */
export interface HazardStepView extends HazardStep {
  byName?: string;
}

/** A hazard as the API shows it to a person who may see it. */
export interface HazardApiView extends Omit<HazardView, 'steps'> {
  steps: HazardStepView[];
  reportedByName?: string;
  /** The photos held on this node, by number (the reporting kit's; none elsewhere). */
  photoNumbers: number[];
  /** The statuses the hazard may still move to. */
  next: HazardStatus[];
}

/**
 * A hazard as anyone on the kit's Wi-Fi may see it (docs/hazards.md §The public map): what and where,
 * never who, never the words typed (they may name people), never a photo.
 */
export interface PublicHazardView {
  id: string;
  hazard: number;
  severity: HazardDraftInput['severity'];
  status: HazardStatus;
  area?: number;
  point?: { lat: number; lon: number };
  reportedAt: number;
  exercise: boolean;
}

export interface LedgerReport {
  by: LedgerBy;
  level?: AreaLevel;
  exercise: boolean;
  items: LedgerRow[];
}

/** What a filing or a change made: the hazard as it stands, and the message that went. */
export interface HazardMade {
  hazard: HazardApiView;
  /** The message's id, `origin/seq`, for its delivery page. */
  message: string;
}

export interface HazardPhotoBytes {
  type: string;
  bytes: Buffer;
}

export interface HazardsService {
  /** This kit's own area, for drafts that name none. */
  defaultArea(): number | undefined;
  /** Whether this node keeps photos (a node with a data directory for them). */
  readonly keepsPhotos: boolean;
  /** A mark taken before a write, for a retry after a restart to find what the write made. */
  mark(): Promise<FilingMark>;
  /** @throws ApiError HAZARD_REJECTED (400) with every problem, a photo not waiting here among them */
  file(draft: HazardDraftInput, by: ApiPerson, earlier?: FilingMark): Promise<HazardMade>;
  /** @throws ApiError HAZARD_UNKNOWN (404), HAZARD_REJECTED (400), HAZARD_STATUS_INVALID (409) */
  change(id: string, change: HazardChangeInput, by: ApiPerson, earlier?: FilingMark): Promise<HazardMade>;
  get(id: string): HazardApiView | undefined;
  list(query: { scope: PermissionScope; status?: HazardStatus; open?: boolean }): HazardApiView[];
  ledger(query: { scope: PermissionScope; by: LedgerBy; level?: AreaLevel }): LedgerReport;
  exportCsv(scope: PermissionScope): string;
  /** What anyone may see: the hazards verified and not yet closed, a drill node's drills or the real ones. */
  publicList(): PublicHazardView[];
  /** @throws KitError HAZARD_PHOTO_INVALID, HAZARD_PHOTO_TOO_LARGE, HAZARD_PHOTOS_FULL */
  stagePhoto(person: number, bytes: Uint8Array): Promise<{ token: string; type: string; bytes: number }>;
  photo(id: string, n: number): Promise<HazardPhotoBytes | undefined>;
}
