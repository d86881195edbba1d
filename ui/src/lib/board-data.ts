/**
 * The centre's board (docs/ui.md §The board; docs/reports.md §Aggregation, §Reminders and the
 * overdue list): per area its latest report and what it owes, per township the totals. The
 * overdue list and the totals come from the kit (GET /api/reports/overdue and /totals: the
 * domain's own over its incident book, by the county's rules, with the start and stabilisation
 * of incidents that only the centre knows). When those routes fail (an older kit, a fault), the
 * board falls back to the domain's functions run here on the incidents rebuilt from the reports,
 * under the national default rules, and says so.
 *
 * Drills are never summed with real reports (docs/reports.md §Aggregation): a node that is not a
 * drill shows its real reports alone, and a drill node (docs/ui.md §Drill mode), whose every report
 * is an exercise, shows its drill's alone, so the demonstration's board is not empty.
 */
import { type AreaTotals, aggregate } from '../../../node/src/domain/reports/aggregate.js';
import { type OverdueItem, overdueList } from '../../../node/src/domain/reports/reminders.js';
import { DEFAULT_REPORT_RULES } from '../../../node/src/domain/reports/report-rules.js';
import type { ApiClient } from './api-client.js';
import type { OverdueReport, ReportSummary, TotalsReport } from './api-types.js';
import { groupIncidents, toDomainIncident } from './incidents.js';

export interface AreaRow {
  /** The area code, or undefined for reports that name none (the reporting kit's own). */
  area: number | undefined;
  latest: ReportSummary;
  incidents: number;
  overdue: OverdueItem[];
}

export interface Board {
  rows: AreaRow[];
  overdue: OverdueItem[];
  townships: AreaTotals[];
  /** The overdue list and the totals are the kit's (the county's rules), not computed here. */
  fromServer: boolean;
}

/** What the kit said of the board, and when the page heard it (its clock, unix ms). */
export interface ServerBoard {
  overdue: OverdueReport;
  /** At level township. */
  totals: TotalsReport;
  /** The roster's area names, by code (an older kit without the route: none). */
  areaNames: ReadonlyMap<number, string>;
  heardAt: number;
}

/**
 * Reads the kit's overdue list and township totals; undefined when either fails (an older kit
 * without the routes, a fault, no answer), and the board then computes its own.
 */
export async function loadServerBoard(
  api: Pick<ApiClient, 'get'>,
  now: () => number = Date.now,
): Promise<ServerBoard | undefined> {
  try {
    const [overdue, totals, areas] = await Promise.all([
      api.get<OverdueReport>('/api/reports/overdue'),
      api.get<TotalsReport>('/api/reports/totals?level=township'),
      api.get<{ items: Array<{ code: number; name: string }> }>('/api/areas').catch(() => ({ items: [] })),
    ]);
    return { overdue, totals, areaNames: new Map(areas.items.map((a) => [a.code, a.name])), heardAt: now() };
  } catch {
    return undefined;
  }
}

/** The reports a board sums: the drill's on a drill node, the real ones on any other. */
export function boardReports(reports: readonly ReportSummary[], drill: boolean): ReportSummary[] {
  return reports.filter((r) => r.exercise === drill);
}

/**
 * The board at `now`: of the real reports, or on a drill node (`drill`) of the drill's. With what
 * the kit said (`server`: its lists already hold the real or the drill's incidents, as the node
 * is), its overdue list, each line older by the time since it was heard, and its totals.
 */
export function boardOf(
  reports: readonly ReportSummary[],
  now: number,
  zone: string,
  drill = false,
  server?: ServerBoard,
): Board {
  const groups = groupIncidents(boardReports(reports, drill));
  const incidents = groups.map(toDomainIncident);
  const rules = { ...DEFAULT_REPORT_RULES, timeZone: zone };
  const overdue = server === undefined ? overdueList(incidents, rules, now) : serverOverdue(server, now);
  const townships =
    server === undefined
      ? aggregate(incidents, 'township', { exercise: drill })
      : serverTotals(server.totals);
  const rows = new Map<number | undefined, AreaRow>();
  for (const g of groups) {
    const area = g.latest.area;
    const row = rows.get(area);
    const mine = overdue.filter((o) => o.incidentId === g.id);
    if (row === undefined) rows.set(area, { area, latest: g.latest, incidents: 1, overdue: mine });
    else {
      row.incidents++;
      row.overdue.push(...mine);
      if (g.latest.createdAt > row.latest.createdAt) row.latest = g.latest;
    }
  }
  const sorted = [...rows.values()].sort(
    (a, b) =>
      Number(b.overdue.length > 0) - Number(a.overdue.length > 0) || b.latest.createdAt - a.latest.createdAt,
  );
  return { rows: sorted, overdue, townships, fromServer: server !== undefined };
}

function serverOverdue(server: ServerBoard, now: number): OverdueItem[] {
  const since = Math.max(0, now - server.heardAt);
  return server.overdue.items.map((o) => ({
    incidentId: o.incidentId,
    duty: o.duty,
    since: o.due,
    missed: o.missed,
    overdueMs: o.overdueMs + since,
    ...(o.node === undefined ? {} : { node: o.node }),
    ...(o.area === undefined ? {} : { area: o.area }),
    ...(o.hazard === undefined ? {} : { hazard: o.hazard }),
  }));
}

function serverTotals(totals: TotalsReport): AreaTotals[] {
  return totals.items.map((t) => ({
    area: t.area,
    level: totals.level,
    incidents: t.incidents,
    figures: t.figures,
  }));
}

/** The figures the board shows per township, in this order. */
export const BOARD_FIGURES = [
  'affected',
  'dead',
  'missing',
  'injured',
  'relocatedCumulative',
  'collapsedHouseholds',
  'directLossWanYuan',
] as const;
