/**
 * The handover file (docs/kits.md §Open items): what a replacement kit needs to carry on where a
 * lost kit stopped, made at the centre when the duty officer names the replacement and taken to
 * the new kit with its key file (`fieldnode kits adopt FILE` before its first start). No message
 * kind carries incidents to a kit, and the lost kit's own book went with it; the centre holds every
 * report of those incidents, so it writes them out.
 *
 * JSON lines: a header, then one incident per line in the incident ledger's own form
 * (incident-json.ts), read back with the ledger's strict check; then the other workflows' open
 * items as the messages the centre holds of them, each line a message's frame without its trailer
 * as the books beside the store keep them (docs/conventions.md §Journals beside the store), tagged
 * with what it is for: `request` (an open request of the lost kit and every reply the centre
 * holds of it), `task` (an open task of a lost team kit, and its steps), `rollcall` (the last
 * count of each shelter the lost kit counted), `hazard` (an open hazard the lost kit reported, and
 * every change of it the centre holds). Each frame is read back through the wire decoder
 * and must be of its tag's kind, so a damaged file can never put a message that was not sent
 * into a book. The header counts every kind the file holds; a count absent is 0, so a file with
 * none of them is the one written before they were carried, and reads the same everywhere:
 *
 *     {"format":"fieldnode-handover","version":1,"from":2107,"to":2111,"area":430121101201,"madeAt":…,"incidents":1,"requests":2,"tasks":0,"rollcalls":1}
 *     {"id":"2107/305","type":"natural","node":2111,"versions":[…]}
 *     {"t":"request","at":1717000000000,"frame":"01…"}
 *
 * The file says nothing secret (the reports went over the air), but it is made mode 0600 as every
 * file of the data directory is.
 */
import { isKitError, KitError, show } from '../../base/errors.js';
import { decodeFrame } from '../../wire/message.js';
import type { Incident } from '../reports/incident.js';
import { incidentFromJson, incidentToJson } from '../reports/incident-json.js';
import './kits-errors.js';

export const HANDOVER_FORMAT = 'fieldnode-handover';
/** More incidents than a kit ever has open: a larger file is refused. */
export const MAX_HANDOVER_INCIDENTS = 10_000;
/** More messages of the other workflows than a kit ever has open: a larger file is refused. */
export const MAX_HANDOVER_MESSAGES = 50_000;
/** A frame's length as hex: no message of these kinds is larger than 16 KiB. */
const MAX_FRAME_HEX = 2 * 16_384;
const HEX = /^(?:[0-9a-f]{2})+$/;

/** What a handed-over message is for, and the message kinds each may be. */
const HANDED_KINDS = {
  request: ['request', 'request-reply'],
  task: ['task'],
  rollcall: ['rollcall'],
  hazard: ['hazard'],
} as const;

export type HandedFor = keyof typeof HANDED_KINDS;

/** One message of an open item, as the books beside the store keep it. */
export interface HandedMessage {
  /** When the centre recorded it, unix ms. */
  at: number;
  /** The message's frame without its trailer, hex. */
  frame: string;
  /** Why the centre refused it, when it did (a request reply it kept but did not apply). */
  refused?: string;
}

export interface Handover {
  /** The lost kit. */
  from: number;
  /** The kit that carries on. */
  to: number;
  area?: number;
  /** When the centre made it, unix ms. */
  madeAt: number;
  incidents: Incident[];
  /** The lost kit's open requests: each one's messages, the request first. */
  requests?: HandedMessage[];
  /** The open tasks of a lost team kit: each one's messages, the assignment first. */
  tasks?: HandedMessage[];
  /** The last roll-call of each shelter the lost kit counted. */
  rollcalls?: HandedMessage[];
  /** The lost kit's open hazards: each one's messages, the report first. */
  hazards?: HandedMessage[];
}

const HANDED: readonly HandedFor[] = ['request', 'task', 'rollcall', 'hazard'];
/** Each tag's count in the header, and its list in a Handover. */
const KEY = { request: 'requests', task: 'tasks', rollcall: 'rollcalls', hazard: 'hazards' } as const;
const counted = (key: string, list: readonly HandedMessage[]) =>
  list.length === 0 ? {} : { [key]: list.length };
const listOf = (h: Handover, t: HandedFor): HandedMessage[] => h[KEY[t]] ?? [];

export function handoverText(h: Handover): string {
  const header = {
    format: HANDOVER_FORMAT,
    version: 1,
    from: h.from,
    to: h.to,
    ...(h.area === undefined ? {} : { area: h.area }),
    madeAt: h.madeAt,
    incidents: h.incidents.length,
    // Only the kinds it holds: a file with none is the one an older fieldnode reads.
    ...Object.assign({}, ...HANDED.map((t) => counted(KEY[t], listOf(h, t)))),
  };
  const handed = HANDED.flatMap((t) =>
    listOf(h, t).map((m) =>
      JSON.stringify({
        t,
        at: m.at,
        frame: m.frame,
        ...(m.refused === undefined ? {} : { refused: m.refused }),
      }),
    ),
  );
  return [JSON.stringify(header), ...h.incidents.map(incidentToJson), ...handed]
    .map((l) => `${l}\n`)
    .join('');
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
  const counts: Record<HandedFor, number> = { request: 0, task: 0, rollcall: 0, hazard: 0 };
  const key = KEY;
  for (const t of HANDED) {
    const v = h[key[t]] ?? 0;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0)
      fail(1, `${key[t]}: expected a count, found ${show(v)}`);
    counts[t] = v as number;
  }
  const handedCount = HANDED.reduce((n, t) => n + counts[t], 0);
  const count = lines.length - 1 - handedCount;
  if (count < 0)
    fail(
      1,
      `the header says ${handedCount} messages of open items, the file holds fewer lines: is it cut short?`,
    );
  if (h.incidents !== count)
    fail(
      1,
      handedCount === 0
        ? `the header says ${show(h.incidents)} incidents, the file holds ${count}: is it cut short?`
        : `the header says ${show(h.incidents)} incidents and ${handedCount} messages of open items, the file holds ${lines.length - 1} lines: is it cut short?`,
    );
  if (count > MAX_HANDOVER_INCIDENTS) fail(1, `${count} incidents: more than ${MAX_HANDOVER_INCIDENTS}`);
  if (handedCount > MAX_HANDOVER_MESSAGES)
    fail(1, `${handedCount} messages of open items: more than ${MAX_HANDOVER_MESSAGES}`);
  const incidents: Incident[] = [];
  for (let i = 1; i <= count; i++) {
    try {
      incidents.push(incidentFromJson(lines[i] as string, `${where}:${i + 1}`));
    } catch (err) {
      if (!isKitError(err)) throw err;
      // The ledger's check names the file, the line and the field already.
      throw new KitError('KIT_HANDOVER_INVALID', err.message, { cause: err });
    }
  }
  const handed: Record<HandedFor, HandedMessage[]> = { request: [], task: [], rollcall: [], hazard: [] };
  for (let i = count + 1; i < lines.length; i++) {
    const [t, m] = handedLine(lines[i] as string, (what, cause) => fail(i + 1, what, cause));
    handed[t].push(m);
  }
  for (const t of HANDED)
    if (handed[t].length !== counts[t])
      fail(1, `the header says ${counts[t]} ${key[t]}, the file holds ${handed[t].length}`);
  return {
    from,
    to,
    ...(typeof h.area === 'number' ? { area: h.area } : {}),
    madeAt: h.madeAt as number,
    incidents,
    ...(handed.request.length === 0 ? {} : { requests: handed.request }),
    ...(handed.task.length === 0 ? {} : { tasks: handed.task }),
    ...(handed.rollcall.length === 0 ? {} : { rollcalls: handed.rollcall }),
    ...(handed.hazard.length === 0 ? {} : { hazards: handed.hazard }),
  };
}

/** One line of an open item's message, checked down to its frame's kind. */
function handedLine(
  line: string,
  fail: (what: string, cause?: unknown) => never,
): [HandedFor, HandedMessage] {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    return fail('not JSON', err);
  }
  const v = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const t = v.t;
  if (typeof t !== 'string' || !(HANDED as readonly string[]).includes(t))
    return fail(`t: expected request, task, rollcall or hazard, found ${show(t)}`);
  const tag = t as HandedFor;
  if (typeof v.at !== 'number' || !Number.isFinite(v.at))
    return fail(`at: expected unix ms, found ${show(v.at)}`);
  const frame = v.frame;
  if (typeof frame !== 'string' || frame.length > MAX_FRAME_HEX || !HEX.test(frame))
    return fail(`frame: expected the hex of a frame of at most ${MAX_FRAME_HEX / 2} bytes`);
  if (v.refused !== undefined && typeof v.refused !== 'string')
    return fail(`refused: expected words, found ${show(v.refused)}`);
  let kind: string | undefined;
  try {
    kind = decodeFrame(Buffer.from(frame, 'hex')).message?.kind;
  } catch (err) {
    return fail('frame: does not decode as a message', err);
  }
  if (kind === undefined || !(HANDED_KINDS[tag] as readonly string[]).includes(kind))
    return fail(`frame: a ${tag} line holds a ${kind ?? 'message that does not decode'}`);
  return [tag, { at: v.at, frame, ...(typeof v.refused === 'string' ? { refused: v.refused } : {}) }];
}
