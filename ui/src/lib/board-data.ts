/**
 * The centre's board from the reports the API lists (docs/ui.md §The board; docs/reports.md
 * §Aggregation, §Reminders and the overdue list): per area its latest report and what it owes,
 * per township the totals. The sums and the overdue list are the domain's own functions run on the
 * incidents rebuilt from the reports, under the national default rules: the API does not yet give
 * the county's own rules, nor the start and stabilisation of incidents that only the centre
 * knows (docs/ui.md §What the UI needs from the API).
 *
 * Drills are never summed with real reports (docs/reports.md §Aggregation): a node that is not a
 * drill shows its real reports alone, and a drill node (docs/ui.md §Drill mode), whose every report
 * is an exercise, shows its drill's alone, so the demonstration's board is not empty.
 */
import { type AreaTotals, aggregate } from '../../../node/src/domain/reports/aggregate.js';
import { type OverdueItem, overdueList } from '../../../node/src/domain/reports/reminders.js';
import { DEFAULT_REPORT_RULES } from '../../../node/src/domain/reports/report-rules.js';
import type { ReportSummary } from './api-types.js';
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
}

/** The reports a board sums: the drill's on a drill node, the real ones on any other. */
export function boardReports(reports: readonly ReportSummary[], drill: boolean): ReportSummary[] {
  return reports.filter((r) => r.exercise === drill);
}

/** The board at `now`: of the real reports, or on a drill node (`drill`) of the drill's. */
export function boardOf(reports: readonly ReportSummary[], now: number, zone: string, drill = false): Board {
  const groups = groupIncidents(boardReports(reports, drill));
  const incidents = groups.map(toDomainIncident);
  const rules = { ...DEFAULT_REPORT_RULES, timeZone: zone };
  const overdue = overdueList(incidents, rules, now);
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
  return { rows: sorted, overdue, townships: aggregate(incidents, 'township', { exercise: drill }) };
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
