/**
 * The payloads the node keeps for the duty officer, as the daemon writes and counts them
 * (docs/centre-doors.md §What the doors keep): the core's foreign payloads and the centre doors'
 * quarantined deliveries go to one durable file, `<data_dir>/foreign-payloads.jsonl`
 * (node/src/store/foreign-payload-file.ts), which `fieldnode foreign list` reads; and
 * `fieldnode status` shows how many it holds, by reason, and the latest few.
 *
 * {@link load} counts what an earlier run left in the file, once; each record written after it is
 * counted as it is synced, under the number `fieldnode foreign list` gives it: its line in the
 * file. A record the file had no room for is counted as not written.
 */
import { readFile } from 'node:fs/promises';
import type { KeptStatus } from '../app-contract.js';
import type { Logger } from '../base/logger.js';
import { ForeignPayloadFile, type ForeignPayloadRecord } from '../store/foreign-payload-file.js';
import { readForeignPayloadFile } from '../store/foreign-payload-reader.js';

/** A record with its number: its line in the file. */
export interface NumberedPayload {
  n: number;
  record: ForeignPayloadRecord;
}

/** What the file holds, for the status. */
export interface KeptSummary {
  file: string;
  /** Records in the file. */
  count: number;
  /** Records by reason. */
  byReason: Record<string, number>;
  /** The latest few, oldest first. */
  latest: NumberedPayload[];
  /** Records not written since the daemon started (the file full, or a write failed). */
  notWritten: number;
}

export interface KeptPayloadsOptions {
  path: string;
  log: Logger;
  /** How many of the latest records the summary holds. Default 5. */
  latest?: number;
  /** The size the file may reach, bytes. Default the file's own (16 MiB). */
  maxBytes?: number;
}

export class KeptPayloads {
  readonly #o: KeptPayloadsOptions;
  readonly #file: ForeignPayloadFile;
  /** Loads and appends, one at a time, in order: a record's number depends on those before it. */
  #queue: Promise<void> = Promise.resolve();
  #loaded = false;
  /** Line ends in the file: the next record is on line `#newlines + 1`, after a torn line or not. */
  #newlines = 0;
  #count = 0;
  #notWritten = 0;
  readonly #byReason: Record<string, number> = {};
  #latest: NumberedPayload[] = [];

  constructor(opts: KeptPayloadsOptions) {
    this.#o = opts;
    this.#file = new ForeignPayloadFile({
      path: opts.path,
      log: opts.log,
      ...(opts.maxBytes === undefined ? {} : { maxBytes: opts.maxBytes }),
    });
  }

  /** Counts what the file holds already; a failure is logged, never thrown. */
  load(): Promise<void> {
    this.#queue = this.#queue.then(() => this.#load());
    return this.#queue;
  }

  /** Appends and syncs one record, and counts it; a failure is logged, never thrown. */
  append(record: ForeignPayloadRecord): Promise<void> {
    this.#queue = this.#queue.then(async () => {
      await this.#load();
      if (await this.#file.append(record)) {
        this.#newlines++;
        this.#counted({ n: this.#newlines, record });
      } else {
        this.#notWritten++;
      }
    });
    return this.#queue;
  }

  summary(): KeptSummary {
    return {
      file: this.#o.path,
      count: this.#count,
      byReason: { ...this.#byReason },
      latest: [...this.#latest],
      notWritten: this.#notWritten,
    };
  }

  /** Waits for what was appended and closes the file. */
  async close(): Promise<void> {
    await this.#queue;
    await this.#file.close();
  }

  async #load(): Promise<void> {
    if (this.#loaded) return;
    this.#loaded = true;
    try {
      const text = await readFile(this.#o.path, 'utf8');
      let newlines = 0;
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) newlines++;
      this.#newlines = newlines;
      for (const entry of (await readForeignPayloadFile(this.#o.path)).entries) this.#counted(entry);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
        this.#o.log.error(
          { err, file: this.#o.path },
          'the foreign payload file could not be read: the status counts only what is kept from now on',
        );
    }
  }

  #counted(entry: NumberedPayload): void {
    this.#count++;
    this.#byReason[entry.record.reason] = (this.#byReason[entry.record.reason] ?? 0) + 1;
    this.#latest.push(entry);
    const keep = this.#o.latest ?? 5;
    if (this.#latest.length > keep) this.#latest = this.#latest.slice(-keep);
  }
}

/** The summary as `fieldnode status` gets it: each record's size instead of its bytes. */
export function keptStatus(summary: KeptSummary): KeptStatus {
  return {
    ...summary,
    latest: summary.latest.map(({ n, record: { hex, source, from, ...rest } }) => ({
      n,
      ...rest,
      ...(from === undefined ? {} : { from }),
      bytes: hex.length / 2,
      ...(source === undefined ? {} : { source: carrierSaid(source) }),
    })),
  };
}

/** The keys of a record's source the status shows; not a door's own fields, nor a push's claims. */
function carrierSaid(source: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of ['carrier', 'momsn', 'sessionTime', 'latitude', 'longitude', 'cepKm'])
    if (source[k] !== undefined) out[k] = source[k];
  return out;
}
