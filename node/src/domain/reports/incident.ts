/**
 * An incident (one disaster process) and its chain of reports: one 初报, any number of 续报, one
 * 核报 (docs/reports.md §The chain; docs/domain.md §Disaster reports).
 *
 * An incident's id is its 初报's message id, "origin/seq" (docs/wire-format.md §2: (origin, seq) is
 * a message's global id), so every node names it alike; each 续报 and 核报 carries that ref in its
 * `incident` field. An incident opened before its 初报 exists (to time the 初报) has a local id,
 * "open/<node>/<n>", until the 初报 is filed.
 *
 * Versions are kept in chain order, which is a function of the versions alone (not of when they
 * arrived), so that two nodes holding the same reports number them alike: the 初报 first, then the
 * 续报, then the 核报, each group by creation time, then origin and sequence. A report that
 * arrives late takes its place and the versions after it move up by one.
 */
import type { MessageRef } from '../../wire/field-codecs.js';
import type { ReportBody } from '../../wire/kinds/report.js';

/** "origin/seq" of the 初报, or "open/<node>/<n>" for an incident whose 初报 is not filed yet. */
export type IncidentId = string;

/** 自然灾害 (natural disaster) or 生产安全事故 (workplace accident): their deadlines differ. */
export const INCIDENT_TYPES = ['natural', 'workplace'] as const;
export type IncidentType = (typeof INCIDENT_TYPES)[number];

/** One report of the chain as this node holds it. */
export interface ReportVersion {
  readonly origin: number;
  readonly seq: number;
  /** When the reporting kit created it (the envelope's time), unix ms. */
  readonly createdAt: number;
  /** The creating kit's clock was not trusted (envelope flag C): its time is a guess. */
  readonly clockUntrusted: boolean;
  /** A drill (演练): never summed with real figures. */
  readonly exercise: boolean;
  /** When this node recorded it, unix ms. */
  readonly recordedAt: number;
  /** The area the figures are for: the body's `area`, else the reporting kit's own when known. */
  readonly area?: number;
  readonly body: ReportBody;
}

export interface Incident {
  readonly id: IncidentId;
  readonly type: IncidentType;
  /** The hazard named when the incident was opened, before any report (hazard-types.ts code). */
  readonly hazard?: number;
  /** The area named when the incident was opened, before any report. */
  readonly area?: number;
  /**
   * The kit that reports it when that is not the 初报's origin: the kit that opened it before its
   * 初报, or the kit that took it over from a lost one (docs/kits.md §Open items).
   */
  readonly node?: number;
  /** When the disaster began, unix ms: the 初报 is due from here (its reports carry it: incident-facts.ts). */
  readonly startedAt?: number;
  /** When the situation was declared stable, unix ms: the 核报 is due from here (carried as `began` is). */
  readonly stabilisedAt?: number;
  /** The reports, in chain order; the first is the 初报 once it is here. */
  readonly versions: readonly ReportVersion[];
}

const OPENED = 'open/';

export function incidentIdOf(ref: MessageRef): IncidentId {
  return `${ref.origin}/${ref.seq}`;
}

export function openedIncidentId(node: number, n: number): IncidentId {
  return `${OPENED}${node}/${n}`;
}

/** The 初报's ref of an incident id, or undefined for an incident opened before its 初报. */
export function initialRefOf(id: IncidentId): MessageRef | undefined {
  const m = /^(\d+)\/(\d+)$/.exec(id);
  return m ? { origin: Number(m[1]), seq: Number(m[2]) } : undefined;
}

export function isOpenedId(id: IncidentId): boolean {
  return id.startsWith(OPENED);
}

export function versionId(v: Pick<ReportVersion, 'origin' | 'seq'>): string {
  return `${v.origin}/${v.seq}`;
}

/** The incident a report belongs to: its own id for a 初报, else the 初报 it continues. */
export function incidentOfReport(v: Pick<ReportVersion, 'origin' | 'seq' | 'body'>): IncidentId {
  if (v.body.stage === 'initial') return versionId(v);
  if (v.body.incident === undefined) throw new TypeError(`report ${versionId(v)} names no 初报`);
  return incidentIdOf(v.body.incident);
}

const STAGE_RANK = { initial: 0, update: 1, final: 2 } as const;

/** Chain order (see the module comment). */
export function compareVersions(a: ReportVersion, b: ReportVersion): number {
  return (
    STAGE_RANK[a.body.stage] - STAGE_RANK[b.body.stage] ||
    a.createdAt - b.createdAt ||
    a.origin - b.origin ||
    a.seq - b.seq
  );
}

export function latestVersion(incident: Incident): ReportVersion | undefined {
  return incident.versions[incident.versions.length - 1];
}

export function initialVersion(incident: Incident): ReportVersion | undefined {
  const first = incident.versions[0];
  return first?.body.stage === 'initial' ? first : undefined;
}

/** The 核报 that closed the incident (the latest, should there be more than one). */
export function finalVersion(incident: Incident): ReportVersion | undefined {
  const last = latestVersion(incident);
  return last?.body.stage === 'final' ? last : undefined;
}

export function isClosed(incident: Incident): boolean {
  return finalVersion(incident) !== undefined;
}

/** A drill: any of its reports is marked as one. */
export function isExercise(incident: Incident): boolean {
  return incident.versions.some((v) => v.exercise);
}

export function incidentHazard(incident: Incident): number | undefined {
  return latestVersion(incident)?.body.hazard ?? incident.hazard;
}

/** The area an incident is counted in: its latest version's that names one, else the one it was opened with. */
export function incidentArea(incident: Incident): number | undefined {
  for (let i = incident.versions.length - 1; i >= 0; i--) {
    const area = incident.versions[i]?.area;
    if (area !== undefined) return area;
  }
  return incident.area;
}

/**
 * The kit to remind of what is due: the one named as reporting it (the kit that opened it, or took
 * it over from a lost kit), else the one that filed the 初报.
 */
export function reportingNode(incident: Incident): number | undefined {
  return incident.node ?? initialRefOf(incident.id)?.origin;
}

/** The time a version's figures stand at: its `asOf`, else its creation. Unix ms. */
export function figuresTime(v: ReportVersion): number {
  return v.body.asOf === undefined ? v.createdAt : v.body.asOf * 1000;
}
