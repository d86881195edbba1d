/**
 * The reports of an incident book kept in memory in the order the API lists them (docs/api.md
 * §Reports): newest recorded first, then newest created, then by id. Built once from the book's
 * incidents, then kept up to date one incident at a time as reports are recorded, so that a page
 * costs a pass over the summaries for its scope and copies of its own items, not a summary and a
 * sort of every report in the book.
 *
 * A report's summary depends on its whole incident (its version number and what it changed move
 * when an earlier report arrives late: docs/reports.md §The chain), so an incident is replaced
 * whole: its old summaries out, its new ones in, each by binary search. The incidents are kept
 * too, for the overdue list, the totals and the CSV.
 */
import type { Incident, IncidentId } from '../domain/reports/incident.js';
import { type PermissionScope, withinScope } from './people-directory.js';
import type { ReportPage, ReportSummary } from './reports-service.js';

/** Whether `a` is listed before `b`: the API's order. */
export function listedBefore(a: ReportSummary, b: ReportSummary): number {
  return b.recordedAt - a.recordedAt || b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

export class ReportIndex {
  readonly #summarise: (incident: Incident) => ReportSummary[];
  /** Every report's summary, in the API's order. */
  readonly #listed: ReportSummary[] = [];
  readonly #byIncident = new Map<IncidentId, ReportSummary[]>();
  readonly #byId = new Map<string, ReportSummary>();
  readonly #incidents = new Map<IncidentId, Incident>();

  /** An index of `incidents`, which it keeps (the caller hands them over and changes them no more). */
  constructor(incidents: Iterable<Incident>, summarise: (incident: Incident) => ReportSummary[]) {
    this.#summarise = summarise;
    for (const incident of incidents) {
      const summaries = summarise(incident);
      this.#incidents.set(incident.id, incident);
      this.#byIncident.set(incident.id, summaries);
      for (const s of summaries) {
        this.#listed.push(s);
        this.#byId.set(s.id, s);
      }
    }
    this.#listed.sort(listedBefore);
  }

  /** Adds `incident`, or replaces the one of its id, with all its reports. */
  put(incident: Incident): void {
    this.remove(incident.id);
    const summaries = this.#summarise(incident);
    this.#incidents.set(incident.id, incident);
    this.#byIncident.set(incident.id, summaries);
    for (const s of summaries) {
      this.#listed.splice(this.#position(s), 0, s);
      this.#byId.set(s.id, s);
    }
  }

  remove(id: IncidentId): void {
    for (const s of this.#byIncident.get(id) ?? []) {
      const at = this.#position(s);
      if (this.#listed[at] !== s) throw new Error(`report index out of order at ${s.id}`);
      this.#listed.splice(at, 1);
      this.#byId.delete(s.id);
    }
    this.#byIncident.delete(id);
    this.#incidents.delete(id);
  }

  /** Reports `offset` to `offset + limit` of those within `scope`, copied, and how many there are. */
  page(scope: PermissionScope, offset: number, limit: number): ReportPage {
    if (scope.all)
      return {
        items: structuredClone(this.#listed.slice(offset, offset + limit)),
        total: this.#listed.length,
      };
    const items: ReportSummary[] = [];
    let total = 0;
    for (const s of this.#listed) {
      if (!withinScope(scope, s.area)) continue;
      if (total >= offset && items.length < limit) items.push(s);
      total++;
    }
    return { items: structuredClone(items), total };
  }

  /** The report with this message id, copied. */
  get(id: string): ReportSummary | undefined {
    const s = this.#byId.get(id);
    return s === undefined ? undefined : structuredClone(s);
  }

  /** The incidents, as kept: not to be changed. */
  incidents(): IterableIterator<Incident> {
    return this.#incidents.values();
  }

  /** The first place in the list where `s` may stand: before every report listed after it. */
  #position(s: ReportSummary): number {
    let lo = 0;
    let hi = this.#listed.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (listedBefore(this.#listed[mid] as ReportSummary, s) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
