/**
 * The centre's kit journal, `<data_dir>/kit-board.jsonl` (docs/kits.md §The kit board;
 * docs/conventions.md §Journals beside the store): the inputs the kit board acted on, one JSON line
 * each, replayed at open to rebuild it. What it keeps:
 *
 * - `heard`: something came from a kit (at most one line a minute per kit: the minute is what a
 *   restart may lose of "last heard"), when it arrived and, when earlier, when the kit made it;
 * - `health`: a kit's health message, whole;
 * - `revoked` and `replaced`: what the duty officer did about a lost kit, for good;
 * - `alert`: an alert raised or cleared, so that a restart does not sound again what already sounded.
 *
 * Health lines grow with time (a county of thirty kits at the default interval writes about 3,000 a
 * day), so at open a journal holding more than twice what the board keeps is rewritten with only
 * that: each kit's latest word and its last SAMPLES_KEPT health messages, every revocation and
 * replacement, and each kit's standing alerts.
 */

import type { HealthBody } from '../../wire/kinds/health.js';
import type { AuditActor } from '../audit/audit-entry.js';
import type { AlertKind } from './kit-alerts.js';

/** Health messages kept per kit: a day at the default interval, enough for any trend. */
export const SAMPLES_KEPT = 96;
/** A `heard` line is written at most this often per kit. */
export const HEARD_EVERY_MS = 60_000;

export type KitRecord =
  | {
      t: 'heard';
      kit: number;
      /** When the centre took it in (its clock). */
      at: number;
      msg: string;
      kind: string;
      /** When the kit made it, by its trusted clock, when that is earlier than `at` (saidAt). */
      said?: number;
    }
  | {
      t: 'health';
      kit: number;
      at: number;
      msg: string;
      createdAt: number;
      clockUntrusted: boolean;
      body: HealthBody;
    }
  | { t: 'revoked'; kit: number; at: number; by: AuditActor; control: string }
  | {
      t: 'replaced';
      kit: number;
      /** The kit that took over. */
      by: number;
      at: number;
      who: AuditActor;
      /** The incidents handed over. */
      incidents: string[];
      /** The control message that carried the area's roster to the new kit, when one was sent. */
      control?: string;
    }
  | { t: 'alert'; kit: number; alert: AlertKind; at: number; on: boolean };

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const isActor = (v: unknown): v is AuditActor =>
  v === 'system' || (Number.isInteger(v) && (v as number) >= 1);

/** Whether a line read back is a record this version applies (a damaged line is skipped, counted). */
export function isKitRecord(r: unknown): r is KitRecord {
  if (typeof r !== 'object' || r === null) return false;
  const o = r as Record<string, unknown>;
  if (!isNum(o.kit) || !isNum(o.at)) return false;
  switch (o.t) {
    case 'heard':
      return isStr(o.msg) && isStr(o.kind) && (o.said === undefined || isNum(o.said));
    case 'health':
      return (
        isStr(o.msg) &&
        isNum(o.createdAt) &&
        typeof o.clockUntrusted === 'boolean' &&
        typeof o.body === 'object' &&
        o.body !== null &&
        isNum((o.body as Record<string, unknown>).intervalS)
      );
    case 'revoked':
      return isActor(o.by) && isStr(o.control);
    case 'replaced':
      return isNum(o.by) && isActor(o.who) && Array.isArray(o.incidents) && o.incidents.every(isStr);
    case 'alert':
      return (o.alert === 'silent' || o.alert === 'battery') && typeof o.on === 'boolean';
    default:
      return false;
  }
}

/**
 * When the kit was last known alive by this line: when it made the message, by its own clock when
 * it trusted it (never later than the centre took it in), else when the centre took it in
 * (docs/kits.md §Last heard). An old message relayed late says the kit was alive then, not now.
 */
export function saidAt(r: Extract<KitRecord, { t: 'heard' | 'health' }>): number {
  if (r.t === 'heard') return Math.min(r.at, r.said ?? r.at);
  return r.clockUntrusted ? r.at : Math.min(r.at, r.createdAt);
}

/**
 * What a rewrite keeps of `records`, in their order: the latest `heard` or `health` line of each
 * kit and its last SAMPLES_KEPT health lines, every revocation and replacement, and the latest
 * alert line of each kit and kind when it raised the alert.
 */
export function compacted(records: readonly KitRecord[]): KitRecord[] {
  const keep = new Set<number>();
  const samples = new Map<number, number[]>();
  /** Per kit, the line of its latest word (by when it was said, not the order it came in). */
  const latestWord = new Map<number, number>();
  const latest = (kit: number, i: number) => {
    const was = latestWord.get(kit);
    const said = (j: number) => saidAt(records[j] as Extract<KitRecord, { t: 'heard' | 'health' }>);
    if (was === undefined || said(i) >= said(was)) latestWord.set(kit, i);
  };
  const latestAlert = new Map<string, number>();
  records.forEach((r, i) => {
    switch (r.t) {
      case 'health': {
        const list = samples.get(r.kit) ?? [];
        list.push(i);
        samples.set(r.kit, list);
        latest(r.kit, i);
        break;
      }
      case 'heard':
        latest(r.kit, i);
        break;
      case 'alert':
        latestAlert.set(`${r.kit}/${r.alert}`, i);
        break;
      default:
        keep.add(i);
    }
  });
  for (const list of samples.values()) for (const i of list.slice(-SAMPLES_KEPT)) keep.add(i);
  for (const i of latestWord.values()) keep.add(i);
  for (const i of latestAlert.values())
    if ((records[i] as Extract<KitRecord, { t: 'alert' }>).on) keep.add(i);
  return records.filter((_, i) => keep.has(i));
}
