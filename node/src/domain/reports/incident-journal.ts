/**
 * The incident file's format, read and written as bytes (docs/reports.md §Storage): a header line,
 * a snapshot of incidents one per line, then a journal of changes one per line, each the
 * {@link LedgerChange} itself as JSON. Version 2 names in its header how many snapshot lines
 * follow; version 1, the format before the journal, is a snapshot alone and is still read.
 *
 * Reading never trusts the file (docs/conventions.md §The durable queue): every incident goes
 * through incident-json.ts's checks, and anything wrong is REPORT_LEDGER_CORRUPT naming the line.
 * The one exception is bytes after the last newline: only an append cut short by a crash leaves
 * them, so they are returned as a torn tail for the caller to cut off, and the changes before them
 * are kept.
 */
import { KitError, show } from '../../base/errors.js';
import type { Incident, IncidentId } from './incident.js';
import { incidentFromJson, incidentToJson } from './incident-json.js';
import type { LedgerChange } from './incident-ledger.js';

const FIELDNODE = 'incidents';
const FIX = 'move the file aside and restore the last good copy';
const ID = /^(open\/)?\d+\/\d+$/;

/** What a ledger file holds. */
export interface LedgerFile {
  readonly incidents: Map<IncidentId, Incident>;
  /** 1: the format before the journal (a snapshot alone); 2: snapshot and journal. */
  readonly version: 1 | 2;
  /** Bytes of the header and snapshot lines. */
  readonly snapshotBytes: number;
  /** Bytes of the journal's whole lines. */
  readonly journalBytes: number;
  /** How many changes the journal holds. */
  readonly changes: number;
  /** Bytes after the last newline, which a crash mid-append leaves: to be cut off. */
  readonly torn?: Buffer;
}

/** A version 2 file holding `incidents` and an empty journal. */
export function snapshotText(incidents: Iterable<Incident>): string {
  const lines: string[] = [];
  for (const i of incidents) lines.push(incidentToJson(i));
  return `${snapshotHeader(lines.length)}${lines.map((l) => `${l}\n`).join('')}`;
}

/** The header line of a version 2 file whose snapshot holds `count` incidents, with its newline. */
export function snapshotHeader(count: number): string {
  return `${JSON.stringify({ fieldnode: FIELDNODE, v: 2, incidents: count })}\n`;
}

/** The snapshot lines of `incidents`, each with its newline. */
export function snapshotLines(incidents: readonly Incident[]): string {
  let text = '';
  for (const i of incidents) text += `${incidentToJson(i)}\n`;
  return text;
}

/** One journal line: the change as JSON, with its newline. */
export function changeLine(change: LedgerChange): string {
  return `${JSON.stringify({ put: change.put ?? [], remove: change.remove ?? [] })}\n`;
}

/** Applies `change` to `incidents` in place, as every ledger does: removals, then puts by id. */
export function applyChange(incidents: Map<IncidentId, Incident>, change: LedgerChange): void {
  for (const id of change.remove ?? []) incidents.delete(id);
  for (const i of change.put ?? []) incidents.set(i.id, i);
}

/** The ledger a file's bytes hold; an empty file is an empty ledger. */
export function readLedgerFile(bytes: Buffer, path: string): LedgerFile {
  const incidents = new Map<IncidentId, Incident>();
  if (bytes.length === 0) return { incidents, version: 2, snapshotBytes: 0, journalBytes: 0, changes: 0 };
  const end = bytes.lastIndexOf(0x0a) + 1;
  const torn = end < bytes.length ? bytes.subarray(end) : undefined;
  const lines = bytes.subarray(0, end).toString('utf8').split('\n');
  lines.pop(); // after the last newline: nothing, or the torn tail set apart above
  const header = readHeader(lines[0], path);
  if (header.version === 1 && torn !== undefined)
    // A version 1 file was only ever written whole and renamed into place: nothing appends to it.
    throw corrupt(`${path}:${lines.length + 1}: the file ends without a newline`);
  const snapshotLines = header.version === 1 ? lines.length - 1 : header.incidents;
  if (lines.length - 1 < snapshotLines)
    throw corrupt(`${path}: the header names ${snapshotLines} incidents, the file holds ${lines.length - 1}`);
  let snapshotBytes = Buffer.byteLength(lines[0] as string) + 1;
  for (let n = 1; n <= snapshotLines; n++) {
    const line = lines[n] as string;
    snapshotBytes += Buffer.byteLength(line) + 1;
    const incident = incidentFrom(line, `${path}:${n + 1}`);
    if (incidents.has(incident.id)) throw corrupt(`${path}:${n + 1}: incident ${incident.id} twice; ${FIX}`);
    incidents.set(incident.id, incident);
  }
  for (let n = snapshotLines + 1; n < lines.length; n++)
    applyChange(incidents, changeFrom(lines[n] as string, `${path}:${n + 1}`));
  return {
    incidents,
    version: header.version,
    snapshotBytes,
    journalBytes: end - snapshotBytes,
    changes: lines.length - 1 - snapshotLines,
    ...(torn === undefined ? {} : { torn }),
  };
}

function readHeader(line: string | undefined, path: string): { version: 1 | 2; incidents: number } {
  let value: unknown;
  try {
    value = JSON.parse(line ?? '');
  } catch {
    value = undefined;
  }
  const h = value as { fieldnode?: unknown; v?: unknown; incidents?: unknown } | undefined;
  if (h?.fieldnode === FIELDNODE && h.v === 1) return { version: 1, incidents: 0 };
  if (
    h?.fieldnode === FIELDNODE &&
    h.v === 2 &&
    typeof h.incidents === 'number' &&
    Number.isSafeInteger(h.incidents) &&
    h.incidents >= 0
  )
    return { version: 2, incidents: h.incidents };
  throw corrupt(`${path}:1: not an incident ledger of version 1 or 2; ${FIX}`);
}

function incidentFrom(line: string, where: string): Incident {
  try {
    return incidentFromJson(line, where);
  } catch (err) {
    throw corrupt(`${(err as Error).message}; ${FIX}`, err);
  }
}

function changeFrom(line: string, where: string): LedgerChange {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    throw corrupt(`${where}: not JSON; ${FIX}`, err);
  }
  const o = value as { put?: unknown; remove?: unknown };
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw corrupt(`${where}: expected a change, an object with put and remove; ${FIX}`);
  for (const key of Object.keys(o)) {
    if (key !== 'put' && key !== 'remove')
      throw corrupt(`${where}: ${show(key)} is not part of a change; ${FIX}`);
  }
  if (!Array.isArray(o.put) || !Array.isArray(o.remove))
    throw corrupt(`${where}: put and remove must be lists; ${FIX}`);
  const remove = o.remove.map((id, k) => {
    if (typeof id !== 'string' || !ID.test(id))
      throw corrupt(`${where}: remove[${k}]: ${show(id)} is not an incident id; ${FIX}`);
    return id;
  });
  // Each incident goes through the same checks as a snapshot line.
  const put = o.put.map((i, k) => incidentFrom(JSON.stringify(i), `${where}: put[${k}]`));
  return { put, remove };
}

function corrupt(message: string, cause?: unknown): KitError {
  return new KitError('REPORT_LEDGER_CORRUPT', message, cause === undefined ? undefined : { cause });
}
