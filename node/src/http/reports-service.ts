/**
 * What the report routes need from the reports domain and the node's core (docs/api.md §Reports,
 * §Idempotency): file a report, list and read the reports held here, export them. reports-adapter.ts
 * implements it over the incident book (node/src/domain/reports/incident-book.ts) and NodeCore;
 * the tests give an in-memory one.
 *
 * Filing must happen exactly once per idempotency key, across restarts. The API writes a pending
 * record with a mark (`filingMark()`, taken before filing) to its journal, synced, before it calls
 * `file()`. If the node stops between the two, the pending record outlives it, and the retry passes
 * the first attempt's mark as `earlier`: `file()` must then look for what that attempt made, and
 * return it instead of filing again, or file if nothing was made.
 */
import type { ApiPerson, PermissionScope } from './people-directory.js';

/** Opaque to the API, JSON to the journal: whatever lets the service find a filing made after it. */
export type FilingMark = null | boolean | number | string | FilingMark[] | { [key: string]: FilingMark };

export type ReportStage = 'initial' | 'update' | 'final';

/** A report as the form sends it (the body of POST /api/reports). */
export interface ReportDraftInput {
  stage: ReportStage;
  /** The incident a 续报 or 核报 continues, or an incident opened ahead of its 初报. */
  incident?: string;
  /** Hazard type code × 16 + sub-type; a 续报 or 核报 without one keeps the incident's. */
  hazard?: number;
  /** The figures, by indicator name; one left out keeps its last value. */
  indicators: Record<string, number>;
  /** The reason for each figure whose change needs one. */
  explanations?: Record<string, string>;
  note?: string;
  cuts?: string[];
  needs?: string[];
  point?: { lat: number; lon: number };
  /** The area reported on, when not the kit's own. */
  area?: number;
  /** The time the figures stand at, unix seconds. */
  asOf?: number;
  /** A drill (演练): never summed with real figures. */
  exercise?: boolean;
}

/** One report held here, filed here or received. */
export interface ReportSummary {
  /** Its message id, `origin/seq`. */
  id: string;
  incidentId: string;
  stage: ReportStage;
  /** Its place in the incident's chain, 1 for the 初报. */
  version: number;
  origin: number;
  hazard: number;
  area?: number;
  /** When the reporting kit made it, unix ms (a guess when `clockUntrusted`). */
  createdAt: number;
  clockUntrusted: boolean;
  /** When this node recorded it, unix ms. */
  recordedAt: number;
  exercise: boolean;
  /** The reporter's roster id at the reporting kit. */
  reporter?: number;
  indicators: Record<string, number>;
  note?: string;
  cuts?: string[];
  needs?: string[];
  asOf?: number;
}

/** What filing made. */
export interface FiledReport {
  report: ReportSummary;
  /** Figures whose change came without the reason it needs (at the centre, recorded all the same). */
  unexplained: string[];
}

export interface ReportPage {
  items: ReportSummary[];
  total: number;
}

export interface ReportsService {
  /** The area a report is for when the draft names none: the kit's own, when configured. */
  defaultArea(): number | undefined;
  /** A mark that `file()` can later tell filings made after it by. */
  filingMark(): Promise<FilingMark>;
  /**
   * Checks the draft, makes its message (stored, synced, routed) and records it; `by` is the
   * reporter. With `earlier`, first looks for a filing of this draft made after that mark by an
   * attempt that did not finish, and returns it if there is one.
   * @throws ApiError REPORT_REJECTED with every problem; KitError REPORT_INCIDENT_UNKNOWN, STORE_FULL.
   */
  file(draft: ReportDraftInput, by: ApiPerson, earlier?: FilingMark): Promise<FiledReport>;
  /** Reports within `scope`, newest first. */
  list(query: { scope: PermissionScope; offset: number; limit: number }): Promise<ReportPage>;
  /** The report with this message id, or undefined. */
  get(id: string): Promise<ReportSummary | undefined>;
  /** The quick-report CSV of the incidents within `scope` (docs/reports.md §Export). */
  exportCsv(scope: PermissionScope): Promise<string>;
}
