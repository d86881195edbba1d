/**
 * Reading the foreign payload file back (foreign-payload-file.ts writes it; docs/centre-doors.md
 * §Releasing a kept frame), for the duty officer's `fieldnode foreign list` and `release`, without
 * the daemon.
 *
 * Each payload is one line, so it is numbered by its line in the file: the file is only ever
 * appended to, so a number keeps naming the same payload while the daemon runs on. A line that
 * does not read as a record is counted by its number, never fatal: a power cut can leave the last
 * line torn, and the daemon, started again, appends the next record after it, on the same line.
 * That record was paid for like any other, so it is looked for behind the tear and listed under
 * the line's number.
 */
import { readFile } from 'node:fs/promises';
import type { ForeignPayloadRecord } from './foreign-payload-file.js';

/** One readable line of the file. */
export interface ForeignPayloadEntry {
  /** Its line in the file, from 1: the number the duty officer names it by. */
  n: number;
  record: ForeignPayloadRecord;
  /** The line is torn, and this is the whole record written after the tear. */
  afterTear?: true;
}

export interface ForeignPayloadListing {
  entries: ForeignPayloadEntry[];
  /** The numbers of the lines that are not one whole record (torn by a power cut, or edited). */
  unreadable: number[];
  /** The file does not exist: nothing was ever kept in this data directory. */
  missing: boolean;
}

const HEX = /^(?:[0-9a-fA-F]{2})*$/;

/**
 * Reads the whole file (the writer caps it at 16 MiB by default).
 * @throws the read's own error for anything but a missing file (EACCES…), for the caller to word.
 */
export async function readForeignPayloadFile(path: string): Promise<ForeignPayloadListing> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      return { entries: [], unreadable: [], missing: true };
    throw err;
  }
  const entries: ForeignPayloadEntry[] = [];
  const unreadable: number[] = [];
  const lines = text.split('\n');
  // The text after the last newline is a line only if a write was cut short: a whole record ends with one.
  if (lines.at(-1) === '') lines.pop();
  for (const [i, line] of lines.entries()) {
    const record = parseRecord(line);
    if (record !== undefined) {
      entries.push({ n: i + 1, record });
      continue;
    }
    unreadable.push(i + 1);
    const after = recordAfterTear(line);
    if (after !== undefined) entries.push({ n: i + 1, record: after, afterTear: true });
  }
  return { entries, unreadable, missing: false };
}

/** How many places in a torn line are tried as the start of a record written after the tear. */
const MAX_TEAR_TRIES = 64;

/**
 * The whole record at the end of a torn line, if there is one: the first place a record starts
 * (`{"`) from which the rest of the line reads as one. A place inside the torn record cannot: the
 * rest would hold that record's tail as well.
 */
function recordAfterTear(line: string): ForeignPayloadRecord | undefined {
  let at = line.indexOf('{"', 1);
  for (let tries = 0; at > 0 && tries < MAX_TEAR_TRIES; tries++) {
    const record = parseRecord(line.slice(at));
    if (record !== undefined) return record;
    at = line.indexOf('{"', at + 1);
  }
  return undefined;
}

/** A line as a record, checked field by field; undefined if it is not one. */
function parseRecord(line: string): ForeignPayloadRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const r = value as Record<string, unknown>;
  const { link, from, source, hex, reason, detail, receivedAt } = r;
  if (typeof link !== 'string' || typeof reason !== 'string' || typeof detail !== 'string') return undefined;
  if (typeof hex !== 'string' || !HEX.test(hex)) return undefined;
  if (typeof receivedAt !== 'number' || !Number.isFinite(receivedAt)) return undefined;
  if (from !== undefined && typeof from !== 'string') return undefined;
  if (source !== undefined && (typeof source !== 'object' || source === null || Array.isArray(source)))
    return undefined;
  return {
    link,
    ...(from !== undefined ? { from } : {}),
    ...(source !== undefined ? { source: source as Record<string, unknown> } : {}),
    hex,
    reason,
    detail,
    receivedAt,
  };
}
