/**
 * `fieldnode foreign list [--config FILE | --data-dir DIR] [--json]`: the payloads kept as foreign
 * in <data dir>/foreign-payloads.jsonl, read from the file itself, so it works with or without a
 * daemon (docs/centre-doors.md §Releasing a kept frame; docs/security.md §The centre's doors).
 *
 * One line each: its number (its line in the file, which `fieldnode foreign release N` takes),
 * when, link, sender, why it was kept, size, what the carrier said of it (transport, MOMSN,
 * session time, position and CEP: foreign-text.ts) and the parser's words. `--json` gives each
 * record whole, its `source` included. Lines that cannot be read (a
 * write cut short by a power cut) are counted on standard error, not fatal.
 */
import { join } from 'node:path';
import { KitError } from '../base/errors.js';
import { type ForeignPayloadListing, readForeignPayloadFile } from '../store/foreign-payload-reader.js';
import { parseOptions } from './args.js';
import './foreign-errors.js';
import { carrierText, printable } from './foreign-text.js';
import { nodePlaces } from './node-places.js';
import { iso, table } from './text-table.js';

/** The file's name in the data directory (node/src/app.ts writes it). */
export const FOREIGN_PAYLOAD_FILE = 'foreign-payloads.jsonl';

export async function foreignListCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseOptions(args, {
    config: { type: 'string' },
    'data-dir': { type: 'string' },
    json: { type: 'boolean' },
  });
  if (positionals.length > 0)
    throw new KitError('CLI_USAGE', `foreign list takes no arguments, got ${positionals.join(' ')}`);
  const file = join((await nodePlaces(values)).dataDir, FOREIGN_PAYLOAD_FILE);
  const listing = await readListing(file);
  if (values.json) {
    const entries = listing.entries.map(({ n, record, afterTear }) => ({
      n,
      ...record,
      ...(afterTear ? { afterTear } : {}),
    }));
    process.stdout.write(`${JSON.stringify({ file, entries, unreadable: listing.unreadable }, null, 2)}\n`);
  } else {
    process.stdout.write(formatListing(file, listing));
  }
  if (listing.unreadable.length > 0) process.stderr.write(unreadableNote(file, listing));
  return 0;
}

/** The file's entries; a file that exists but cannot be read is FOREIGN_UNREADABLE. */
export async function readListing(file: string): Promise<ForeignPayloadListing> {
  try {
    return await readForeignPayloadFile(file);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? (cause as Error).message;
    throw new KitError(
      'FOREIGN_UNREADABLE',
      `cannot read ${file} (${code}): run this as the daemon's user (or root)`,
      { cause },
    );
  }
}

/** The entries as a table for a person at a terminal. */
export function formatListing(file: string, listing: ForeignPayloadListing): string {
  if (listing.missing) return `nothing kept: ${file} does not exist\n`;
  if (listing.entries.length === 0) return `nothing kept in ${file}\n`;
  const rows = [['#', 'WHEN', 'LINK', 'FROM', 'REASON', 'SIZE', 'CARRIER', 'DETAIL']];
  for (const { n, record: r } of listing.entries) {
    rows.push([
      String(n),
      iso(r.receivedAt),
      printable(r.link),
      printable(r.from ?? '-'),
      printable(r.reason),
      `${r.hex.length / 2} B`,
      carrierText(r.source),
      printable(r.detail),
    ]);
  }
  const releasable = listing.entries.some((e) => e.record.reason === 'unknown-sender');
  const hint = releasable
    ? '; once the device is known, release an unknown-sender one with `fieldnode foreign release N`'
    : '';
  return `${table(rows).join('\n')}\n${listing.entries.length} kept in ${file}${hint}\n`;
}

function unreadableNote(file: string, listing: ForeignPayloadListing): string {
  const { unreadable, entries } = listing;
  const lines = unreadable.length === 1 ? `line ${unreadable[0]}` : `lines ${unreadable.join(', ')}`;
  const recovered = entries.filter((e) => e.afterTear).map((e) => e.n);
  const after =
    recovered.length === 0
      ? ''
      : `; the whole record written after the tear is listed for line ${recovered.join(', ')}`;
  return (
    `fieldnode: ${unreadable.length} line${unreadable.length === 1 ? '' : 's'} of ${file} could not be read ` +
    `(${lines}): a write cut short by a power cut, or an edit${after}\n`
  );
}
