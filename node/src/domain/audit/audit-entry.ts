/**
 * One entry of the audit log and its hash (docs/domain-model.md §The audit log, §Entries and
 * their hash): who did what, when, on which node, chained to the entry before it.
 *
 * The hash is SHA-256 over the entry's canonical JSON without its `hash` field, `prev` included,
 * so each entry vouches for every one before it. Canonical JSON is the JSON Canonicalization
 * Scheme (RFC 8785) for the values an entry can hold: no whitespace, object keys sorted by UTF-16
 * code units, strings and numbers as ECMAScript's JSON.stringify writes them. The line in the file
 * is the canonical JSON of the whole entry, hash included, so a line has exactly one correct form.
 */
import { createHash } from 'node:crypto';
import type { AuditAction } from './audit-actions.js';

/** Who acted: a person by roster id (1–65535), or the node itself. */
export type AuditActor = number | 'system';

/** Small JSON: what the action concerned beyond its subject. Never a PIN, a hash or a key. */
export type AuditJson = null | boolean | number | string | AuditJson[] | { [key: string]: AuditJson };
export type AuditDetails = { [key: string]: AuditJson };

export interface AuditEntry {
  /** 1 for the first entry, then one more for each. */
  seq: number;
  /** When it was recorded, unix ms, by the node's clock. */
  at: number;
  /** The node that recorded it. */
  node: number;
  actor: AuditActor;
  /** A registered action code (audit-actions.ts); any well-formed code when read back. */
  action: string;
  /** What it was done to, e.g. a message id `2107/15` or `person:17`. */
  subject?: string;
  details?: AuditDetails;
  /** The hash of the entry before, or 64 zeros for the first. */
  prev: string;
  /** SHA-256, hex, of this entry's canonical JSON without `hash`. */
  hash: string;
}

/** What a caller gives; the log adds the sequence, the time, the node and the chain. */
export interface AuditDraft {
  actor: AuditActor;
  action: AuditAction;
  subject?: string;
  details?: AuditDetails;
}

/** Anything that records domain actions: the audit log, or a test's stand-in. */
export interface AuditSink {
  /** Resolves once the entry is durable. */
  append(draft: AuditDraft): Promise<AuditEntry>;
}

/** The `prev` of the first entry. */
export const GENESIS = '0'.repeat(64);
export const MAX_ROSTER_ACTOR = 0xffff;
export const MAX_SUBJECT_LENGTH = 200;
/** Bytes of the details' canonical JSON. */
export const MAX_DETAILS_BYTES = 2048;

/** RFC 8785 canonical JSON of a JSON value (one an entry can hold: finite numbers, no undefined). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    const record = value as Record<string, unknown>;
    return `{${keys
      .filter((k) => record[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The hash an entry must carry: over all of it but `hash`. */
export function entryHash(entry: Omit<AuditEntry, 'hash'> & { hash?: string }): string {
  return sha256(entryJson({ ...entry, hash: undefined }));
}

/** The entry's line in the file, newline included. */
export function entryLine(entry: AuditEntry): string {
  return `${entryJson(entry)}\n`;
}

/**
 * canonicalJson(entry), written field by field in the canonical order of an entry's keys, so that
 * an append makes it once: `detailsJson` is canonicalJson(entry.details) when the caller has it
 * already. A `hash` that is undefined is left out, as canonicalJson leaves it.
 */
export function entryJson(
  entry: Omit<AuditEntry, 'hash'> & { hash?: string | undefined },
  detailsJson?: string,
): string {
  // action < actor < at < details < hash < node < prev < seq < subject, by UTF-16 code units.
  let json = `{"action":${JSON.stringify(entry.action)},"actor":${JSON.stringify(entry.actor)},"at":${JSON.stringify(entry.at)}`;
  if (entry.details !== undefined) json += `,"details":${detailsJson ?? canonicalJson(entry.details)}`;
  if (entry.hash !== undefined) json += `,"hash":${JSON.stringify(entry.hash)}`;
  json += `,"node":${JSON.stringify(entry.node)},"prev":${JSON.stringify(entry.prev)},"seq":${JSON.stringify(entry.seq)}`;
  if (entry.subject !== undefined) json += `,"subject":${JSON.stringify(entry.subject)}`;
  return `${json}}`;
}

/** The next entry after one whose hash is `prev` and sequence `seq`. */
export function chainEntry(
  draft: AuditDraft,
  after: { seq: number; hash: string },
  at: number,
  node: number,
): AuditEntry {
  return chainLine(draft, undefined, after, at, node).entry;
}

/**
 * The next entry and its line (newline included), hashing and writing its canonical JSON once;
 * `detailsJson` is canonicalJson(draft.details) when the caller has it already.
 */
export function chainLine(
  draft: AuditDraft,
  detailsJson: string | undefined,
  after: { seq: number; hash: string },
  at: number,
  node: number,
): { entry: AuditEntry; line: string } {
  const unhashed: Omit<AuditEntry, 'hash'> = {
    seq: after.seq + 1,
    at,
    node,
    actor: draft.actor,
    action: draft.action,
    ...(draft.subject === undefined ? {} : { subject: draft.subject }),
    ...(draft.details === undefined ? {} : { details: draft.details }),
    prev: after.hash,
  };
  const details = draft.details === undefined ? undefined : (detailsJson ?? canonicalJson(draft.details));
  const entry: AuditEntry = { ...unhashed, hash: sha256(entryJson(unhashed, details)) };
  return { entry, line: `${entryJson(entry, details)}\n` };
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
