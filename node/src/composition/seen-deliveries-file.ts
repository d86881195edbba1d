/**
 * The keys of the deliveries a centre door already took, kept in a small JSON file in the data
 * directory so that a push or MO message replayed after a restart is still a duplicate
 * (satellite/src/centre/seen-deliveries.ts; docs/centre-doors.md §Duplicates and restarts). The
 * daemon keeps one per centre satellite link: `<data_dir>/seen-deliveries-<link id>.json`.
 *
 * Written whole at every save (the adapter coalesces a burst of deliveries into a few saves): to a
 * temporary file of mode 0600, synced, then renamed over the old one, so a power cut leaves the old
 * keys or the new, never half a file. Its size is bounded by the adapter's limit on keys (10,000
 * by default, about 60 bytes each: some 600 KB at the most). A file that cannot be read or makes
 * no sense is reported and ignored: the door then remembers only what it sees from now on, as it
 * did before it had a file, and its next save writes a good one.
 */
import { open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../base/logger.js';

/** One remembered key and when it was first seen, Unix ms (the adapter's SeenEntry). */
type Entry = readonly [key: string, seenAt: number];

/** Where the daemon keeps the delivery keys of link `linkId`. */
export function seenDeliveriesPath(dataDir: string, linkId: string): string {
  return join(dataDir, `seen-deliveries-${linkId}.json`);
}

/** The longest key read back: an IMEI, a MOMSN and a time fit in far less. */
const MAX_KEY = 200;

export class SeenDeliveriesFile {
  readonly #path: string;
  readonly #log: Logger;

  constructor(path: string, log: Logger) {
    this.#path = path;
    this.#log = log;
  }

  /** The keys saved last; none when there is no file or it cannot be used (said in the log). */
  async load(): Promise<Entry[]> {
    let text: string;
    try {
      text = await readFile(this.#path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
        this.#log.error(
          { err, path: this.#path },
          'could not read the keys of deliveries already taken; a delivery replayed now is taken again',
        );
      return [];
    }
    const entries = parseEntries(text);
    if (entries === undefined) {
      this.#log.error(
        { path: this.#path },
        'the file of deliveries already taken makes no sense; starting without it',
      );
      return [];
    }
    return entries;
  }

  /** Replaces the file with `entries`, atomically. Throws what the file system throws. */
  async save(entries: readonly Entry[]): Promise<void> {
    const tmp = `${this.#path}.tmp`;
    const file = await open(tmp, 'w', 0o600);
    try {
      await file.writeFile(`${JSON.stringify({ v: 1, seen: entries })}\n`);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(tmp, this.#path);
  }
}

/** The entries of a file's text, or undefined if it is not one. */
function parseEntries(text: string): Entry[] | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { v, seen } = value as { v?: unknown; seen?: unknown };
  if (v !== 1 || !Array.isArray(seen)) return undefined;
  const entries: Entry[] = [];
  for (const e of seen) {
    if (!Array.isArray(e) || e.length !== 2) return undefined;
    const [key, at] = e as [unknown, unknown];
    if (typeof key !== 'string' || key.length > MAX_KEY || typeof at !== 'number' || !Number.isFinite(at))
      return undefined;
    entries.push([key, at]);
  }
  return entries;
}
