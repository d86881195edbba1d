/**
 * The reports of an incident book kept in memory in the order the API lists them (docs/api.md
 * §Reports, §Measured): newest recorded first, then newest created, then by id. Built once from
 * the book's incidents, then kept up to date one incident at a time as reports are recorded, so
 * that a page costs a binary search and its own items, not a summary and a sort of every report in
 * the book, nor a pass over all of them.
 *
 * - The list is held oldest first, so that a report just recorded, the usual case, goes on at the
 *   end instead of shifting every other one along; a page reads it from the end.
 * - A person who may see only some areas gets a view of the list filtered to them, made on first
 *   use and kept up to date with the list; a few dozen scopes (people's areas) are kept, the least
 *   recently used dropped first.
 * - The summaries are frozen and handed out as they are: a page is serialised as soon as it is
 *   made, and a caller that tried to change one would be refused (TypeError) instead of changing
 *   what every later page shows. Copying them per page cost more than everything else a page does.
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

/** Scopes whose filtered views are kept at once. */
const MAX_VIEWS = 32;

interface View {
  readonly scope: PermissionScope & { all: false };
  /** The reports within the scope, oldest first, as the whole list. */
  readonly held: ReportSummary[];
}

export class ReportIndex {
  readonly #summarise: (incident: Incident) => ReportSummary[];
  /** Every report's summary, frozen, oldest first: the API's order backwards. */
  readonly #held: ReportSummary[] = [];
  readonly #byIncident = new Map<IncidentId, ReportSummary[]>();
  readonly #byId = new Map<string, ReportSummary>();
  readonly #incidents = new Map<IncidentId, Incident>();
  /** Filtered views by scope key, least recently used first. */
  readonly #views = new Map<string, View>();

  /** An index of `incidents`, which it keeps (the caller hands them over and changes them no more). */
  constructor(incidents: Iterable<Incident>, summarise: (incident: Incident) => ReportSummary[]) {
    this.#summarise = (incident) => summarise(incident).map(frozen);
    for (const incident of incidents) {
      const summaries = this.#summarise(incident);
      this.#incidents.set(incident.id, incident);
      this.#byIncident.set(incident.id, summaries);
      for (const s of summaries) {
        this.#held.push(s);
        this.#byId.set(s.id, s);
      }
    }
    this.#held.sort(heldBefore);
  }

  /** Adds `incident`, or replaces the one of its id, with all its reports. */
  put(incident: Incident): void {
    this.remove(incident.id);
    const summaries = this.#summarise(incident);
    this.#incidents.set(incident.id, incident);
    this.#byIncident.set(incident.id, summaries);
    for (const s of summaries) {
      insert(this.#held, s);
      this.#byId.set(s.id, s);
      for (const view of this.#views.values()) if (withinScope(view.scope, s.area)) insert(view.held, s);
    }
  }

  remove(id: IncidentId): void {
    for (const s of this.#byIncident.get(id) ?? []) {
      take(this.#held, s);
      this.#byId.delete(s.id);
      for (const view of this.#views.values()) if (withinScope(view.scope, s.area)) take(view.held, s);
    }
    this.#byIncident.delete(id);
    this.#incidents.delete(id);
  }

  /** Reports `offset` to `offset + limit` of those within `scope`, newest first, and how many there are. */
  page(scope: PermissionScope, offset: number, limit: number): ReportPage {
    const held = scope.all ? this.#held : this.#viewOf(scope).held;
    const items: ReportSummary[] = [];
    for (let i = held.length - 1 - offset; i >= 0 && items.length < limit; i--)
      items.push(held[i] as ReportSummary);
    return { items, total: held.length };
  }

  /** The report with this message id (frozen). */
  get(id: string): ReportSummary | undefined {
    return this.#byId.get(id);
  }

  /** The incidents, as kept: not to be changed. */
  incidents(): IterableIterator<Incident> {
    return this.#incidents.values();
  }

  /** The view of `scope`, made from the whole list if it is not kept. */
  #viewOf(scope: PermissionScope & { all: false }): View {
    const key = [...scope.areas].sort((a, b) => a - b).join(',');
    let view = this.#views.get(key);
    if (view === undefined) {
      view = {
        scope: { all: false, areas: [...scope.areas] },
        held: this.#held.filter((s) => withinScope(scope, s.area)),
      };
      if (this.#views.size >= MAX_VIEWS) this.#views.delete(this.#views.keys().next().value as string);
    } else this.#views.delete(key);
    this.#views.set(key, view);
    return view;
  }
}

/** Whether `a` is held before `b`: the API's order backwards. */
function heldBefore(a: ReportSummary, b: ReportSummary): number {
  return listedBefore(b, a);
}

/** The first place in `held` where `s` may stand: after every report held before it. */
function position(held: readonly ReportSummary[], s: ReportSummary): number {
  let lo = 0;
  let hi = held.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (heldBefore(held[mid] as ReportSummary, s) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function insert(held: ReportSummary[], s: ReportSummary): void {
  const at = position(held, s);
  if (at === held.length) held.push(s);
  else held.splice(at, 0, s);
}

function take(held: ReportSummary[], s: ReportSummary): void {
  const at = position(held, s);
  if (held[at] !== s) throw new Error(`report index out of order at ${s.id}`);
  held.splice(at, 1);
}

/** `s` and everything in it, frozen. */
function frozen(s: ReportSummary): ReportSummary {
  Object.freeze(s.indicators);
  if (s.cuts) Object.freeze(s.cuts);
  if (s.needs) Object.freeze(s.needs);
  if (s.changes) for (const c of s.changes) Object.freeze(c);
  Object.freeze(s.changes);
  Object.freeze(s.unexplained);
  return Object.freeze(s);
}
