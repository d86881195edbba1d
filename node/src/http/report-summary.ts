/**
 * A report as the API shows it (docs/api.md §Reports): one version of an incident with what it
 * changed against the versions before it (docs/reports.md §Deltas and thresholds) and which of
 * those changes came without a reason.
 */
import { versionChanges } from '../domain/reports/figures.js';
import { type Incident, versionId } from '../domain/reports/incident.js';
import type { ReportRules } from '../domain/reports/report-rules.js';
import { unexplainedChanges } from '../domain/reports/report-validation.js';
import type { ReportSummary } from './reports-service.js';

/** Every version of `incident` as the API shows it. */
export function summariesOf(incident: Incident, rules: ReportRules): ReportSummary[] {
  return incident.versions.map((_, i) => summaryOf(incident, i, rules));
}

/** Version `index` of `incident` as the API shows it, with what it changed against the versions before it. */
export function summaryOf(incident: Incident, index: number, rules: ReportRules): ReportSummary {
  const v = incident.versions[index];
  if (v === undefined) throw new RangeError(`incident ${incident.id} has no version ${index + 1}`);
  const b = v.body;
  return {
    id: versionId(v),
    incidentId: incident.id,
    stage: b.stage,
    version: index + 1,
    origin: v.origin,
    hazard: b.hazard,
    ...(v.area === undefined ? {} : { area: v.area }),
    createdAt: v.createdAt,
    clockUntrusted: v.clockUntrusted,
    recordedAt: v.recordedAt,
    exercise: v.exercise,
    ...(b.reporter === undefined ? {} : { reporter: b.reporter }),
    indicators: { ...(b.indicators as Record<string, number>) },
    ...(b.note === undefined ? {} : { note: b.note }),
    ...(b.cuts === undefined ? {} : { cuts: [...b.cuts] }),
    ...(b.needs === undefined ? {} : { needs: [...b.needs] }),
    ...(b.asOf === undefined ? {} : { asOf: b.asOf }),
    ...(b.began === undefined ? {} : { began: b.began }),
    ...(b.stabilised === undefined ? {} : { stabilised: b.stabilised }),
    changes: versionChanges(incident, index).map((c) => ({
      name: c.name,
      ...(c.before === undefined ? {} : { before: c.before }),
      after: c.after,
      change: c.change,
    })),
    unexplained: unexplainedChanges(incident, index, rules).map((c) => c.name),
  };
}
