/**
 * Reading one line of the audit log, and checking what an entry may hold (docs/domain-model.md
 * §Entries and their hash). A line is untrusted bytes: this never throws, and says why a line is
 * not an entry, or why the entry in it is not the one that was written.
 *
 * - `malformed`: not UTF-8, not JSON, or not the shape of an entry (each field's type and bounds,
 *   no other field);
 * - `changed`: an entry, but not as it was written: its hash does not match its contents, or the
 *   line is not the one canonical form of its entry (spaces added, keys moved, `1.0` for `1`).
 */
import { ACTION_FORMAT, MAX_ACTION_LENGTH } from './audit-actions.js';
import {
  type AuditEntry,
  type AuditJson,
  canonicalJson,
  entryHash,
  MAX_DETAILS_BYTES,
  MAX_ROSTER_ACTOR,
  MAX_SUBJECT_LENGTH,
} from './audit-entry.js';

/** A line longer than this is not an entry, whatever it holds. */
export const MAX_LINE_BYTES = 8192;

const KEYS = new Set(['seq', 'at', 'node', 'actor', 'action', 'subject', 'details', 'prev', 'hash']);
const HEX64 = /^[0-9a-f]{64}$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

export type LineReading =
  | { ok: true; entry: AuditEntry }
  | { ok: false; fault: 'malformed' | 'changed'; why: string };

/** The entry on `line` (without its newline), checked against its own hash. */
export function readAuditLine(line: Uint8Array): LineReading {
  if (line.length > MAX_LINE_BYTES) return malformed(`${line.length} bytes, more than an entry can be`);
  let text: string;
  try {
    text = utf8.decode(line);
  } catch {
    return malformed('not UTF-8 text');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return malformed(`not JSON (${(err as Error).message})`);
  }
  const wrong = entryProblem(value);
  if (wrong !== undefined) return malformed(wrong);
  const entry = value as AuditEntry;
  if (entryHash(entry) !== entry.hash)
    return { ok: false, fault: 'changed', why: 'its hash does not match its contents' };
  if (canonicalJson(entry) !== text)
    return { ok: false, fault: 'changed', why: 'the line is not in the form the log writes' };
  return { ok: true, entry };
}

/** What keeps `value` from being an entry, or undefined. */
export function entryProblem(value: unknown): string | undefined {
  if (!isPlainObject(value)) return 'not a JSON object';
  for (const key of Object.keys(value)) if (!KEYS.has(key)) return `unknown field ${JSON.stringify(key)}`;
  const { seq, at, node, actor, prev, hash } = value;
  if (!isWhole(seq, 1, Number.MAX_SAFE_INTEGER)) return 'seq: not a whole number from 1';
  if (!isWhole(at, 0, 8.64e15)) return 'at: not a time in unix ms';
  if (!isWhole(node, 0, 0xffff_ffff)) return 'node: not a node id';
  if (actor !== 'system' && !isWhole(actor, 1, MAX_ROSTER_ACTOR))
    return 'actor: neither a roster id nor "system"';
  const wrong = draftFieldsProblem(value);
  if (wrong !== undefined) return wrong;
  if (typeof prev !== 'string' || !HEX64.test(prev)) return 'prev: not a SHA-256 in hex';
  if (typeof hash !== 'string' || !HEX64.test(hash)) return 'hash: not a SHA-256 in hex';
  return undefined;
}

/**
 * What is wrong with an entry's action, subject and details, or undefined. `detailsJson`, when
 * given, is canonicalJson(details), which the caller made already.
 */
export function draftFieldsProblem(
  value: {
    action?: unknown;
    subject?: unknown;
    details?: unknown;
  },
  detailsJson?: string,
): string | undefined {
  const { action, subject, details } = value;
  if (typeof action !== 'string' || action.length > MAX_ACTION_LENGTH || !ACTION_FORMAT.test(action))
    return 'action: not an action code (area.what, lower case)';
  if (subject !== undefined && !isText(subject, MAX_SUBJECT_LENGTH))
    return `subject: not text of at most ${MAX_SUBJECT_LENGTH} characters`;
  if (details !== undefined) {
    if (!isPlainObject(details) || !isJson(details, 0)) return 'details: not a JSON object';
    const bytes = Buffer.byteLength(detailsJson ?? canonicalJson(details));
    if (bytes > MAX_DETAILS_BYTES) return `details: ${bytes} bytes, more than ${MAX_DETAILS_BYTES}`;
  }
  return undefined;
}

/** JSON values only, no deeper than 8: what canonicalJson writes back the same. */
function isJson(value: unknown, depth: number): value is AuditJson {
  if (depth > 8) return false;
  if (value === null || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (typeof value === 'string') return wellFormed(value);
  if (Array.isArray(value)) return value.every((v) => isJson(v, depth + 1));
  if (isPlainObject(value))
    return Object.entries(value).every(([k, v]) => wellFormed(k) && isJson(v, depth + 1));
  return false;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function isWhole(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max;
}

function isText(value: unknown, max: number): value is string {
  return typeof value === 'string' && value.length <= max && wellFormed(value);
}

/** No lone surrogate: such a string has no UTF-8 form, and JSON would write it escaped. */
function wellFormed(text: string): boolean {
  return !/\p{Cs}/u.test(text);
}

function malformed(why: string): LineReading {
  return { ok: false, fault: 'malformed', why };
}
