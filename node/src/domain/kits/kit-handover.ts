/**
 * The handover file (docs/kits.md §Open items): what a replacement kit needs to carry on where a
 * lost kit stopped, made at the centre when the duty officer names the replacement and taken to
 * the new kit with its key file (`fieldnode kits adopt FILE` before its first start). No message
 * kind carries incidents to a kit, and the lost kit's own book went with it; the centre holds every
 * report of those incidents, so it writes them out.
 *
 * JSON lines: a header, then one incident per line in the incident ledger's own form
 * (incident-json.ts), read back with the ledger's strict check:
 *
 *     {"format":"fieldnode-handover","version":1,"from":2107,"to":2111,"area":430121101201,"madeAt":…,"incidents":1}
 *     {"id":"2107/305","type":"natural","node":2111,"versions":[…]}
 *
 * The file says nothing secret (the reports went over the air), but it is made mode 0600 as every
 * file of the data directory is.
 */
import { isKitError, KitError, show } from '../../base/errors.js';
import type { Incident } from '../reports/incident.js';
import { incidentFromJson, incidentToJson } from '../reports/incident-json.js';
import './kits-errors.js';

export const HANDOVER_FORMAT = 'fieldnode-handover';
/** More incidents than a kit ever has open: a larger file is refused. */
export const MAX_HANDOVER_INCIDENTS = 10_000;

export interface Handover {
  /** The lost kit. */
  from: number;
  /** The kit that carries on. */
  to: number;
  area?: number;
  /** When the centre made it, unix ms. */
  madeAt: number;
  incidents: Incident[];
}

export function handoverText(h: Handover): string {
  const header = {
    format: HANDOVER_FORMAT,
    version: 1,
    from: h.from,
    to: h.to,
    ...(h.area === undefined ? {} : { area: h.area }),
    madeAt: h.madeAt,
    incidents: h.incidents.length,
  };
  return [JSON.stringify(header), ...h.incidents.map(incidentToJson)].map((l) => `${l}\n`).join('');
}

/** Reads a handover file's text; KIT_HANDOVER_INVALID, naming `where` and the line, when it is not one. */
export function parseHandover(text: string, where: string): Handover {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const fail = (line: number, what: string, cause?: unknown): never => {
    throw new KitError(
      'KIT_HANDOVER_INVALID',
      `${where}:${line}: ${what}`,
      cause === undefined ? undefined : { cause },
    );
  };
  if (lines.length === 0)
    return fail(1, 'empty: not a handover file (fieldnode kits replace --handover makes one)');
  let header: unknown;
  try {
    header = JSON.parse(lines[0] as string);
  } catch (err) {
    return fail(1, 'not a handover file: its first line is not JSON', err);
  }
  const h = (typeof header === 'object' && header !== null ? header : {}) as Record<string, unknown>;
  if (h.format !== HANDOVER_FORMAT) return fail(1, `not a handover file: format ${show(h.format)}`);
  if (h.version !== 1) return fail(1, `version ${show(h.version)}: this fieldnode reads version 1`);
  const node = (key: string) => {
    const v = h[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 0xffff_ffff)
      fail(1, `${key}: expected a node id, found ${show(v)}`);
    return v as number;
  };
  const from = node('from');
  const to = node('to');
  if (h.area !== undefined && (typeof h.area !== 'number' || !Number.isInteger(h.area) || h.area < 100_000))
    fail(1, `area: expected an area code, found ${show(h.area)}`);
  if (typeof h.madeAt !== 'number' || !Number.isFinite(h.madeAt))
    fail(1, `madeAt: expected unix ms, found ${show(h.madeAt)}`);
  const count = lines.length - 1;
  if (h.incidents !== count)
    fail(1, `the header says ${show(h.incidents)} incidents, the file holds ${count}: is it cut short?`);
  if (count > MAX_HANDOVER_INCIDENTS) fail(1, `${count} incidents: more than ${MAX_HANDOVER_INCIDENTS}`);
  const incidents: Incident[] = [];
  for (let i = 1; i < lines.length; i++) {
    try {
      incidents.push(incidentFromJson(lines[i] as string, `${where}:${i + 1}`));
    } catch (err) {
      if (!isKitError(err)) throw err;
      // The ledger's check names the file, the line and the field already.
      throw new KitError('KIT_HANDOVER_INVALID', err.message, { cause: err });
    }
  }
  return {
    from,
    to,
    ...(typeof h.area === 'number' ? { area: h.area } : {}),
    madeAt: h.madeAt as number,
    incidents,
  };
}
