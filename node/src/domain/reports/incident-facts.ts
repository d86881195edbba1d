/**
 * The incident's facts that travel in its reports (docs/reports.md §The incident's facts on the
 * wire): when the disaster began (the 初报 is due 2 h after), when the situation became stable (the
 * 核报 is due from then, and the daily 续报 stop), and whether it is a workplace accident (1 h for
 * the 初报, no daily 续报). Without them the centre could not judge a kit's deadlines.
 *
 * A kit puts into a report what its incident knows and no earlier report carried, so each fact
 * costs its bytes once. Every node takes them from the reports it records: a report fills a fact
 * the incident lacks, and the newest report in chain order may correct one, so that two nodes
 * holding the same reports agree.
 */
import type { ReportBody } from '../../wire/kinds/report.js';
import type { Incident, ReportVersion } from './incident.js';

export type IncidentFacts = Pick<ReportBody, 'began' | 'stabilised' | 'incidentType'>;

const toS = (ms: number) => Math.floor(ms / 1000);

/** What `incident` knows that none of its reports carried yet. */
export function factsToCarry(incident: Incident | undefined): IncidentFacts {
  if (incident === undefined) return {};
  const carried = (has: (b: ReportBody) => boolean) => incident.versions.some((v) => has(v.body));
  const facts: IncidentFacts = {};
  const began = incident.startedAt === undefined ? undefined : toS(incident.startedAt);
  if (began !== undefined && !carried((b) => b.began === began)) facts.began = began;
  const stabilised = incident.stabilisedAt === undefined ? undefined : toS(incident.stabilisedAt);
  if (stabilised !== undefined && !carried((b) => b.stabilised === stabilised)) facts.stabilised = stabilised;
  if (incident.type === 'workplace' && !carried((b) => b.incidentType === 'workplace'))
    facts.incidentType = 'workplace';
  return facts;
}

/**
 * `incident` with the facts `version` carries: each one the incident lacks, or every one when the
 * version is the newest of the chain (a correction).
 */
export function withFactsOf(incident: Incident, version: ReportVersion): Incident {
  const { began, stabilised, incidentType } = version.body;
  const newest = incident.versions.at(-1) === version;
  const next: { -readonly [K in keyof Incident]: Incident[K] } = { ...incident };
  if (began !== undefined && (newest || next.startedAt === undefined)) next.startedAt = began * 1000;
  if (stabilised !== undefined && (newest || next.stabilisedAt === undefined))
    next.stabilisedAt = stabilised * 1000;
  if (incidentType !== undefined && (newest || version.body.stage === 'initial')) next.type = incidentType;
  return next;
}
