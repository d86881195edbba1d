/**
 * Incidents as the UI rebuilds them from the reports the API lists (docs/reports.md §The chain):
 * the API gives reports one by one, each with its incident and its version number, and the
 * domain's own functions (zero report, totals, overdue list) take incidents. The reports are
 * turned back into the domain's shape here, so that the UI computes nothing the domain does not
 * (docs/ui.md §Reports, §The board).
 */
import type { Incident, ReportVersion } from '../../../node/src/domain/reports/incident.js';
import type { ReportRules } from '../../../node/src/domain/reports/report-rules.js';
import { zeroReportDraft } from '../../../node/src/domain/reports/zero-report.js';
import type { ReportBody } from '../../../node/src/wire/kinds/report.js';
import type { ReportDraftInput, ReportSummary } from './api-types.js';

/** An incident with the reports the API gave for it, in chain order. */
export interface IncidentReports {
  id: string;
  reports: ReportSummary[];
  latest: ReportSummary;
  closed: boolean;
  exercise: boolean;
}

/** Groups reports by incident, each in chain order; incidents by their latest report, newest first. */
export function groupIncidents(reports: readonly ReportSummary[]): IncidentReports[] {
  const byId = new Map<string, ReportSummary[]>();
  for (const r of reports) {
    const list = byId.get(r.incidentId) ?? [];
    if (!list.some((x) => x.id === r.id)) list.push(r);
    byId.set(r.incidentId, list);
  }
  const out: IncidentReports[] = [];
  for (const [id, list] of byId) {
    list.sort((a, b) => a.version - b.version);
    const latest = list[list.length - 1] as ReportSummary;
    out.push({
      id,
      reports: list,
      latest,
      closed: list.some((r) => r.stage === 'final'),
      exercise: list.some((r) => r.exercise),
    });
  }
  return out.sort((a, b) => b.latest.createdAt - a.latest.createdAt);
}

/**
 * The incidents a person's list shows (docs/ui.md §Drill mode): on a drill node the drill's alone,
 * since a 续报 filed there is an exercise and must not join a real incident's chain; on any other,
 * all of them, a drill's marked as one, so that a drill begun by ticking the box can go on.
 */
export function listedIncidents(groups: readonly IncidentReports[], drill: boolean): IncidentReports[] {
  return drill ? groups.filter((g) => g.exercise) : [...groups];
}

/** The incident in the domain's shape (node/src/domain/reports/incident.ts). */
export function toDomainIncident(group: IncidentReports): Incident {
  return { id: group.id, type: 'natural', versions: group.reports.map(toVersion) };
}

function toVersion(r: ReportSummary): ReportVersion {
  const [origin, seq] = r.id.split('/').map(Number) as [number, number];
  const ref = /^(\d+)\/(\d+)$/.exec(r.incidentId);
  const body = {
    stage: r.stage,
    hazard: r.hazard,
    indicators: r.indicators,
    ...(r.reporter === undefined ? {} : { reporter: r.reporter }),
    ...(r.cuts === undefined ? {} : { cuts: r.cuts }),
    ...(r.needs === undefined ? {} : { needs: r.needs }),
    ...(r.area === undefined ? {} : { area: r.area }),
    ...(r.asOf === undefined ? {} : { asOf: r.asOf }),
    ...(r.note === undefined ? {} : { note: r.note }),
    ...(r.stage !== 'initial' && ref ? { incident: { origin: Number(ref[1]), seq: Number(ref[2]) } } : {}),
  } as ReportBody;
  return {
    origin,
    seq,
    createdAt: r.createdAt,
    clockUntrusted: r.clockUntrusted,
    exercise: r.exercise,
    recordedAt: r.recordedAt,
    ...(r.area === undefined ? {} : { area: r.area }),
    body,
  };
}

/**
 * The zero report of an incident as the API takes it: the domain's zero report (no figures, the
 * last 四断, needs and area, figures as of 24:00 of the day before `now`) for this incident.
 */
export function zeroReportFor(group: IncidentReports, rules: ReportRules, now: number): ReportDraftInput {
  const draft = zeroReportDraft(toDomainIncident(group), rules, now);
  return {
    stage: 'update',
    incident: group.id,
    indicators: {},
    ...(draft.asOf === undefined ? {} : { asOf: draft.asOf }),
    ...(draft.cuts === undefined ? {} : { cuts: [...draft.cuts] }),
    ...(draft.needs === undefined ? {} : { needs: [...draft.needs] }),
    ...(draft.area === undefined ? {} : { area: draft.area }),
    ...(group.exercise ? { exercise: true } : {}),
  };
}

/** Each figure as last reported across the incident's reports (carried forward). */
export function standingFigures(group: IncidentReports): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of group.reports) Object.assign(out, r.indicators);
  return out;
}
