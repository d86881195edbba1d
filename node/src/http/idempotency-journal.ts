/**
 * The durable half of the idempotency keys (docs/api.md §Idempotency): `<data_dir>/api-idempotency.jsonl`,
 * one JSON record per line, appended and synced before the append resolves, read back whole at
 * start. A key's `pending` record is written before the write it guards is made, its `done`
 * record (with the response) after, so a key whose write may have happened is never forgotten by a
 * power cut.
 *
 * The file is rewritten (to a temp file, synced, renamed over it) at open and whenever it holds
 * more than twice the live records, so it stays near the size of what is kept: at most `max`
 * records of the last 24 h. A torn last line (a write cut short) is dropped; so is any line that
 * cannot be read, with a warning: these records save a repeat, they are not the record of what
 * was reported (the store and the incident ledger are).
 */
import { type FileHandle, open, readFile, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from '../base/logger.js';
import type { FilingMark } from './reports-service.js';

export const IDEMPOTENCY_FILE = 'api-idempotency.jsonl';

/** A response kept for replay. */
export interface KeptResponse {
  status: number;
  body: unknown;
  /** Headers the replay repeats (Set-Cookie of a sign-in, Content-Type). */
  headers?: Record<string, string | string[]>;
}

export interface JournalRecord {
  /** The key's hash (scope and key). */
  k: string;
  /** The request's fingerprint. */
  f: string;
  /** When the key was first used, wall-clock unix ms. */
  t: number;
  /** What the service needs to find a write the first attempt may have made. */
  m?: FilingMark;
  /** The response, once the write finished; absent while pending. */
  r?: KeptResponse;
}

export class IdempotencyJournal {
  readonly #path: string;
  readonly #log: Logger;
  #file: FileHandle | undefined;
  #lines = 0;
  #turn: Promise<unknown> = Promise.resolve();

  constructor(path: string, log: Logger) {
    this.#path = path;
    this.#log = log;
  }

  /** Reads the records (the last per key wins), keeps those `keep` says, and rewrites the file with them. */
  async open(keep: (r: JournalRecord) => boolean): Promise<JournalRecord[]> {
    const byKey = new Map<string, JournalRecord>();
    let text = '';
    try {
      text = await readFile(this.#path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const lines = text.split('\n');
    const torn = lines.pop();
    if (torn !== undefined && torn !== '')
      this.#log.warn({ bytes: torn.length }, 'idempotency journal: torn last line dropped');
    let unreadable = 0;
    for (const line of lines) {
      const record = parse(line);
      if (record === undefined) unreadable++;
      else byKey.set(record.k, record);
    }
    if (unreadable > 0)
      this.#log.warn({ lines: unreadable }, 'idempotency journal: unreadable lines dropped');
    const live = [...byKey.values()].filter(keep);
    await this.rewrite(live);
    return live;
  }

  /** Appends one record and syncs it. */
  append(record: JournalRecord): Promise<void> {
    return this.#serial(async () => {
      const file = this.#file ?? (await this.#openForAppend());
      await file.write(`${JSON.stringify(record)}\n`);
      await file.datasync();
      this.#lines++;
    });
  }

  /** Lines in the file since it was last rewritten. */
  get lines(): number {
    return this.#lines;
  }

  /** Replaces the file with exactly these records. */
  rewrite(records: readonly JournalRecord[]): Promise<void> {
    return this.#serial(async () => {
      await this.#file?.close();
      this.#file = undefined;
      const temp = `${this.#path}.${process.pid}.tmp`;
      const handle = await open(temp, 'w', 0o600);
      try {
        await handle.writeFile(records.map((r) => `${JSON.stringify(r)}\n`).join(''));
        await handle.sync();
      } finally {
        await handle.close();
      }
      try {
        await rename(temp, this.#path);
      } catch (err) {
        await unlink(temp).catch(() => {});
        throw err;
      }
      await syncDir(dirname(this.#path));
      this.#lines = records.length;
    });
  }

  async close(): Promise<void> {
    await this.#serial(async () => {
      await this.#file?.close();
      this.#file = undefined;
    });
  }

  async #openForAppend(): Promise<FileHandle> {
    this.#file = await open(this.#path, 'a', 0o600);
    return this.#file;
  }

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#turn.then(fn, fn);
    this.#turn = run.catch(() => {});
    return run;
  }
}

function parse(line: string): JournalRecord | undefined {
  try {
    const r = JSON.parse(line) as Partial<JournalRecord>;
    if (typeof r.k !== 'string' || typeof r.f !== 'string' || typeof r.t !== 'number') return undefined;
    if (r.r !== undefined && (typeof r.r !== 'object' || r.r === null || typeof r.r.status !== 'number'))
      return undefined;
    return r as JournalRecord;
  } catch {
    return undefined;
  }
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
