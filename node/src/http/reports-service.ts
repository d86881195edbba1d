/**
 * What the report routes need from the reports domain and the node's core (docs/api.md §Reports,
 * §Idempotency, §The board): file a report, preview what filing it would put on air, list and read
 * the reports held here with what each changed, export them, and the centre's overdue list and
 * totals. reports-adapter.ts
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
  /** When the disaster began, unix seconds: a 初报 says it. */
  began?: number;
  /** A drill (演练): never summed with real figures. */
  exercise?: boolean;
}

/**
 * One figure a report gave against the figure before it in its incident (docs/reports.md §Deltas
 * and thresholds).
 */
export interface ReportChange {
  /** The indicator's name (`affected`, `dead`…). */
  name: string;
  /** The figure before this report; absent when no earlier report gave one. */
  before?: number;
  after: number;
  /** after − before (after itself when there was none before). */
  change: number;
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
  /** When the disaster began, unix s, as this report says (docs/reports.md §The incident's facts on the wire). */
  began?: number;
  /** When the situation became stable, unix s, as this report says. */
  stabilised?: number;
  /**
   * Each figure it gave against the incident's figures before it, in wire order: the delta from
   * the last version. Absent only where a service does not know the chain (the tests' fixtures).
   */
  changes?: ReportChange[];
  /** Figures whose change needed a reason and came without one (at the centre, recorded all the same). */
  unexplained?: string[];
}

/** What filing made. */
export interface FiledReport {
  report: ReportSummary;
  /** Figures whose change came without the reason it needs (at the centre, recorded all the same). */
  unexplained: string[];
}

/** One link a report would go on (POST /api/reports/preview), and its cost there sent alone. */
export interface LinkPreviewView {
  link: string;
  costClass: 'ip' | 'mesh' | 'satellite';
  /** The link is up now. */
  up: boolean;
  /** Due at once; otherwise only if nothing cheaper has confirmed it by `dueAt` (a fallback). */
  dueNow: boolean;
  /** When it falls due on the link, unix ms. */
  dueAt: number;
  /** Bytes put on the link (hop tag and fragment headers included), in `frames` frames. */
  bytes: number;
  frames: number;
  /** The link bills what it sends (satellite). */
  billed: boolean;
  /** Billed units (satellite credits) it costs sent alone; 0 where nothing is billed. */
  credits: number;
}

/** What filing a draft would put on air, found without filing it. */
export interface ReportPreview {
  /** Bytes of the report's message as this node would encode and authenticate it. */
  bytes: number;
  /** The links it would be due on, the cheapest class first; none when no route leads to the centre now. */
  links: LinkPreviewView[];
}

/** One duty an incident's kit has not met in time (docs/reports.md §Reminders and the overdue list). */
export interface OverdueView {
  incidentId: string;
  duty: ReportStage;
  /** The earliest deadline missed, unix ms. */
  due: number;
  /** The same on the county clock, ISO 8601 with its offset (`2026-07-15T09:00:00+08:00`). */
  dueLocal: string;
  /** How many deadlines of this duty are missed (days of 续报). */
  missed: number;
  overdueMs: number;
  /** The kit that owes it. */
  node?: number;
  area?: number;
  hazard?: number;
}

export interface OverdueReport {
  /** The time the list is for, unix ms (the node's clock). */
  at: number;
  /** The county's IANA zone the deadlines fall in. */
  timeZone: string;
  /** The longest overdue first. */
  items: OverdueView[];
}

export type TotalsLevel = 'township' | 'county';

/** One area's sum of its incidents' standing figures (docs/reports.md §Aggregation). */
export interface AreaTotalsView {
  /** The area's code at the level; absent for incidents that cannot be placed at it. */
  area?: number;
  incidents: number;
  figures: Record<string, number>;
}

export interface TotalsReport {
  level: TotalsLevel;
  /** Whether these are a drill's totals (a drill node's), never summed with real ones. */
  exercise: boolean;
  items: AreaTotalsView[];
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
  /**
   * What filing `draft` as `by` would put on air, with every problem filing would find; numbers,
   * stores and sends nothing.
   * @throws ApiError REPORT_REJECTED with every problem; KitError REPORT_INCIDENT_UNKNOWN.
   */
  preview(draft: ReportDraftInput, by: ApiPerson): Promise<ReportPreview>;
  /** Reports within `scope`, newest first. */
  list(query: { scope: PermissionScope; offset: number; limit: number }): Promise<ReportPage>;
  /** The report with this message id, or undefined. */
  get(id: string): Promise<ReportSummary | undefined>;
  /** The quick-report CSV of the incidents within `scope` (docs/reports.md §Export). */
  exportCsv(scope: PermissionScope): Promise<string>;
  /** What is overdue now among the incidents within `scope`: a drill's when `exercise`, else real ones. */
  overdue(query: { scope: PermissionScope; exercise: boolean }): Promise<OverdueReport>;
  /** Totals per area at `level` of the incidents within `scope`: a drill's if `exercise`, else real ones. */
  totals(query: { scope: PermissionScope; level: TotalsLevel; exercise: boolean }): Promise<TotalsReport>;
}
