/**
 * An incident as one line of JSON and back, checked on the way in (docs/reports.md §Storage;
 * docs/conventions.md §The durable queue: decode never trusts its input). Report bodies are checked
 * by the wire codec's own field codecs, so a stored body is always one the wire could carry.
 */
import { isKitError, KitError, show } from '../../base/errors.js';
import { isAreaCode } from '../../wire/field-codecs.js';
import { checkReport, type ReportBody, reportFields } from '../../wire/kinds/report.js';
import { encodeFields } from '../../wire/schema.js';
import {
  compareVersions,
  INCIDENT_TYPES,
  type Incident,
  type IncidentType,
  incidentOfReport,
  isOpenedId,
  type ReportVersion,
} from './incident.js';

export function incidentToJson(incident: Incident): string {
  return JSON.stringify(incident);
}

/** The incident of one line; REPORT_LEDGER_CORRUPT, naming `where` and the field, if it is not one. */
export function incidentFromJson(line: string, where: string): Incident {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    throw new KitError('REPORT_LEDGER_CORRUPT', `${where}: not JSON`, { cause: err });
  }
  const fail = (path: string, what: string) =>
    new KitError('REPORT_LEDGER_CORRUPT', `${where}: ${path}: ${what}`);
  const o = record(value, 'incident', fail);
  if (typeof o.id !== 'string' || !/^(open\/)?\d+\/\d+$/.test(o.id))
    throw fail('id', `${show(o.id)} is not an incident id`);
  if (!INCIDENT_TYPES.includes(o.type as IncidentType))
    throw fail('type', `${show(o.type)} is not an incident type`);
  const incident: { -readonly [K in keyof Incident]: Incident[K] } = {
    id: o.id,
    type: o.type as IncidentType,
    versions: [],
  };
  if (o.hazard !== undefined) incident.hazard = uint(o.hazard, 'hazard', fail, 0xfff);
  if (o.area !== undefined) incident.area = area(o.area, 'area', fail);
  if (o.node !== undefined) incident.node = uint(o.node, 'node', fail);
  if (o.startedAt !== undefined) incident.startedAt = time(o.startedAt, 'startedAt', fail);
  if (o.stabilisedAt !== undefined) incident.stabilisedAt = time(o.stabilisedAt, 'stabilisedAt', fail);
  if (!Array.isArray(o.versions)) throw fail('versions', 'expected a list');
  const versions = o.versions.map((v, i) => versionFrom(v, `versions[${i}]`, fail));
  for (const [i, v] of versions.entries()) {
    if (isOpenedId(incident.id) || incidentOfReport(v) !== incident.id)
      throw fail(`versions[${i}]`, `the report belongs to ${incidentOfReport(v)}, not ${incident.id}`);
  }
  incident.versions = versions.sort(compareVersions);
  return incident;
}

type Fail = (path: string, what: string) => KitError;

function record(value: unknown, path: string, fail: Fail): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw fail(path, 'expected an object');
  return value as Record<string, unknown>;
}

function uint(value: unknown, path: string, fail: Fail, max = 0xffff_ffff): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max)
    throw fail(path, `${show(value)} is not a whole number 0–${max}`);
  return value;
}

function time(value: unknown, path: string, fail: Fail): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw fail(path, `${show(value)} is not a time`);
  return value;
}

function area(value: unknown, path: string, fail: Fail): number {
  if (!isAreaCode(value)) throw fail(path, `${show(value)} is not a 6, 9 or 12 digit area code`);
  return value;
}

function bool(value: unknown, path: string, fail: Fail): boolean {
  if (typeof value !== 'boolean') throw fail(path, 'expected true or false');
  return value;
}

function versionFrom(value: unknown, path: string, fail: Fail): ReportVersion {
  const o = record(value, path, fail);
  const body = record(o.body, `${path}.body`, fail);
  for (const key of Object.keys(body)) {
    if (!(key in reportFields)) throw fail(`${path}.body.${key}`, 'not a field of a report');
  }
  try {
    encodeFields(reportFields, body, `${path}.body`, { createdAt: 0 });
  } catch (err) {
    if (!isKitError(err)) throw err;
    throw fail(path, err.message);
  }
  const problem = checkReport(body as ReportBody);
  if (problem !== undefined) throw fail(`${path}.body`, problem);
  const v: { -readonly [K in keyof ReportVersion]: ReportVersion[K] } = {
    origin: uint(o.origin, `${path}.origin`, fail),
    seq: uint(o.seq, `${path}.seq`, fail),
    createdAt: time(o.createdAt, `${path}.createdAt`, fail),
    clockUntrusted: bool(o.clockUntrusted, `${path}.clockUntrusted`, fail),
    exercise: bool(o.exercise, `${path}.exercise`, fail),
    recordedAt: time(o.recordedAt, `${path}.recordedAt`, fail),
    body: body as ReportBody,
  };
  if (o.area !== undefined) v.area = area(o.area, `${path}.area`, fail);
  return v;
}
