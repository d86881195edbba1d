/**
 * Reading the deliveries journal back (deliveries-journal.ts writes it; docs/store-and-forward.md
 * §Crashes and the deliveries journal): its records in order, and the ids it names more than once,
 * which is what the crash test and the crash benchmark count as "delivered twice".
 *
 * A line that is not one whole record is counted by its number, never fatal: a crash can tear the
 * last line, and the writer then starts the next record on a line of its own.
 */
import { readFile } from 'node:fs/promises';
import type { DeliveryRecord } from './deliveries-journal.js';

export interface DeliveriesJournalListing {
  records: DeliveryRecord[];
  /** Numbers (from 1) of the lines that are not one whole record. */
  unreadable: number[];
  /** Each id named on more than one line, with how many lines name it. */
  twice: Map<string, number>;
  /** The file does not exist: nothing was delivered since the journal was configured. */
  missing: boolean;
}

/**
 * Reads the whole file.
 * @throws the read's own error for anything but a missing file.
 */
export async function readDeliveriesJournal(path: string): Promise<DeliveriesJournalListing> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      return { records: [], unreadable: [], twice: new Map(), missing: true };
    throw err;
  }
  return { ...parseDeliveriesJournal(text), missing: false };
}

/** The journal's text taken apart; never throws. */
export function parseDeliveriesJournal(text: string): Omit<DeliveriesJournalListing, 'missing'> {
  const records: DeliveryRecord[] = [];
  const unreadable: number[] = [];
  const lines = text.split('\n');
  // After the last newline there is text only when a write was cut short.
  if (lines.at(-1) === '') lines.pop();
  for (const [i, line] of lines.entries()) {
    const record = parseRecord(line);
    if (record === undefined) unreadable.push(i + 1);
    else records.push(record);
  }
  const seen = new Map<string, number>();
  for (const r of records) seen.set(r.id, (seen.get(r.id) ?? 0) + 1);
  const twice = new Map([...seen].filter(([, n]) => n > 1));
  return { records, unreadable, twice };
}

function parseRecord(line: string): DeliveryRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined; // a torn line: counted by the caller
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { id, kind, at, history } = value as Record<string, unknown>;
  if (typeof id !== 'string' || typeof kind !== 'string' || typeof at !== 'number') return undefined;
  if (history !== undefined && typeof history !== 'string') return undefined;
  return { id, kind, at, ...(history === undefined ? {} : { history }) };
}
