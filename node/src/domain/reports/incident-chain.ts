/**
 * Changing an incident: opening one ahead of its 初报, adding a report to its chain, and the facts
 * the wire does not carry (when the disaster began, when it stabilised) (docs/reports.md §The
 * chain). Every function returns a new incident and leaves its argument as it was.
 */
import type { MessageOf } from '../../wire/message.js';
import {
  compareVersions,
  type Incident,
  type IncidentType,
  incidentOfReport,
  openedIncidentId,
  type ReportVersion,
  versionId,
} from './incident.js';

/** An incident whose 初报 is still to be written: its 初报 deadline runs from `startedAt`. */
export function openIncident(p: {
  /** The kit that will report it. */
  readonly node: number;
  /** A number unique among the incidents `node` opened. */
  readonly n: number;
  readonly type: IncidentType;
  readonly hazard?: number;
  readonly area?: number;
  /** When the disaster began, unix ms. */
  readonly startedAt: number;
}): Incident {
  const incident: {
    -readonly [K in keyof Incident]: Incident[K];
  } = { id: openedIncidentId(p.node, p.n), type: p.type, node: p.node, startedAt: p.startedAt, versions: [] };
  if (p.hazard !== undefined) incident.hazard = p.hazard;
  if (p.area !== undefined) incident.area = p.area;
  return incident;
}

/** The version a received or filed report message makes. `kitArea`: the reporting kit's own area. */
export function versionOf(message: MessageOf<'report'>, recordedAt: number, kitArea?: number): ReportVersion {
  const area = message.body.area ?? kitArea;
  return {
    origin: message.origin,
    seq: message.seq,
    createdAt: message.createdAt * 1000,
    clockUntrusted: message.clockUntrusted,
    exercise: message.flags.includes('exercise'),
    recordedAt,
    ...(area === undefined ? {} : { area }),
    body: message.body,
  };
}

/**
 * `incident` with `version` in its place in the chain; `incident` undefined starts a new one (of
 * type natural) from it, whether it is the 初报 or a 续报 that came before its 初报. A version the
 * incident holds already (same origin and seq) changes nothing: `added` is false.
 */
export function addVersion(
  incident: Incident | undefined,
  version: ReportVersion,
): { incident: Incident; added: boolean } {
  const id = incidentOfReport(version);
  if (incident === undefined) return { incident: { id, type: 'natural', versions: [version] }, added: true };
  if (incident.id !== id)
    throw new TypeError(`report ${versionId(version)} belongs to ${id}, not ${incident.id}`);
  if (incident.versions.some((v) => v.origin === version.origin && v.seq === version.seq))
    return { incident, added: false };
  const versions = [...incident.versions, version].sort(compareVersions);
  return { incident: { ...incident, versions }, added: true };
}

/**
 * The reported incident `reported` joined with the opened one `opened` that tracked it before its
 * 初报: it keeps the reported id and versions, and takes the type, start and stabilisation known
 * locally where it has none.
 */
export function adoptOpened(opened: Incident, reported: Incident): Incident {
  const merged: { -readonly [K in keyof Incident]: Incident[K] } = {
    ...opened,
    ...reported,
    type: opened.type,
  };
  delete merged.node;
  for (const key of ['startedAt', 'stabilisedAt', 'hazard', 'area'] as const) {
    const value = reported[key] ?? opened[key];
    if (value !== undefined) merged[key] = value;
  }
  return merged;
}

export function withStartedAt(incident: Incident, startedAt: number): Incident {
  return { ...incident, startedAt };
}

export function withStabilisedAt(incident: Incident, stabilisedAt: number | undefined): Incident {
  const { stabilisedAt: _, ...rest } = incident;
  return stabilisedAt === undefined ? rest : { ...rest, stabilisedAt };
}

export function withType(incident: Incident, type: IncidentType): Incident {
  return { ...incident, type };
}
