/**
 * The durable half of the idempotency keys (docs/api.md §Idempotency): `<data_dir>/api-idempotency.jsonl`,
 * one JSON record per line, appended and synced before the append resolves, read back whole at
 * start. A key's `pending` record is written before the write it guards is made, its `done`
 * record (with the response) after, so a key whose write may have happened is never forgotten by a
 * power cut.
 *
 * - **Group commit**, as the store, the audit log and the incident file do (docs/conventions.md
 *   §The durable queue): records appended while a write is under way go out together, in one
 *   write and one fdatasync, in the order append() was called; a lone append waits for no timer.
 *   Each append resolves only once the sync that covers its line has completed. Filings made
 *   together share their syncs: the pending records of those arriving with the done records of
 *   those finishing.
 * - **Rewriting** (to a temp file, synced, renamed over it, the directory synced) happens at open
 *   and whenever the owner finds the file holds more than twice the live records, so it stays near
 *   the size of what is kept: at most `max` records of the last 24 h. At open it is a turn among the
 *   appends. A compaction is not: the records it writes are asked for when its turn comes (so that
 *   a record appended before it is in the new file too) and written to the temp file and synced
 *   while the appends go on into the old file; then, in a turn of its own, the lines asked to be
 *   appended since are copied after them, synced, and the file renamed and the directory synced.
 *   Appends wait only for that last turn, not for the whole file (docs/api.md §Measured). A
 *   compaction that fails is logged and tried again later; the appends go on into the old file.
 * - A failed write or sync fails the appends it carried; the file is reopened for the next one,
 *   which begins with a newline, so that a line the failure left half-written stays apart and is
 *   dropped, with a warning, when the file is read.
 * - A torn last line (a write cut short) is dropped; so is any line that cannot be read, with a
 *   warning: these records save a repeat, they are not the record of what was reported (the store
 *   and the incident ledger are).
 */
import { type FileHandle, open as openFile, readFile, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from '../base/logger.js';
import type { FilingMark } from './reports-service.js';

export const IDEMPOTENCY_FILE = 'api-idempotency.jsonl';

/** About this much goes out in one write; more waits for the next (bounds a torn tail). */
const BATCH_BYTES = 256 * 1024;

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

export interface IdempotencyJournalOptions {
  /** Opens files; tests pass a wrapper to watch writes and syncs. Default node:fs/promises `open`. */
  open?: (path: string, flags: string, mode?: number) => Promise<FileHandle>;
}

type Turn =
  | { kind: 'line'; line: string; resolve: () => void; reject: (err: unknown) => void }
  | { kind: 'other'; run: () => Promise<void>; resolve: () => void; reject: (err: unknown) => void };

export class IdempotencyJournal {
  readonly #path: string;
  readonly #log: Logger;
  readonly #open: (path: string, flags: string, mode?: number) => Promise<FileHandle>;
  #file: FileHandle | undefined;
  #lines = 0;
  /** What waits its turn, in the order asked. */
  #queue: Turn[] = [];
  #writing: Promise<void> | undefined;
  #syncsStarted = 0;
  #syncsCompleted = 0;
  /** A write failed: the file may end in part of a line, which the next write ends first. */
  #torn = false;
  /** A compaction under way: its records being written beside the file, the lines appended since. */
  #compaction: Compaction | undefined;
  /** compact() under way, from its call until its last turn: a call meanwhile joins it. */
  #compacting: Promise<void> | undefined;
  /** Wakes a writer waiting for its compaction's file when something is asked of it. */
  #wake: (() => void) | undefined;

  constructor(path: string, log: Logger, options: IdempotencyJournalOptions = {}) {
    this.#path = path;
    this.#log = log;
    this.#open = options.open ?? openFile;
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
      if (line === '') continue; // after a failed write (see the module comment)
      const record = parse(line);
      if (record === undefined) unreadable++;
      else byKey.set(record.k, record);
    }
    if (unreadable > 0)
      this.#log.warn({ lines: unreadable }, 'idempotency journal: unreadable lines dropped');
    const live = [...byKey.values()].filter(keep);
    await this.rewrite(() => live.map((r) => JSON.stringify(r)));
    return live;
  }

  /**
   * Appends one record, `json` being JSON.stringify(record); resolves once a sync begun after its
   * line was written has completed.
   */
  append(json: string): Promise<void> {
    const line = `${json}\n`;
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ kind: 'line', line, resolve, reject });
      this.#kick();
    });
  }

  /** Lines in the file since it was last rewritten. */
  get lines(): number {
    return this.#lines;
  }

  /** Syncs of appended lines begun and completed (rewrites aside). */
  get syncs(): { started: number; completed: number } {
    return { started: this.#syncsStarted, completed: this.#syncsCompleted };
  }

  /**
   * Replaces the file with exactly the records `records()` gives, as JSON (a line each, without
   * its newline), when the rewrite's turn comes.
   */
  rewrite(records: () => readonly string[]): Promise<void> {
    return this.#turn(() => this.#rewrite(records()));
  }

  /**
   * As rewrite(), but the appends go on while the records are written (see the module comment),
   * and a failure is logged, not thrown: the file only grows until the next try.
   */
  compact(records: () => readonly string[]): Promise<void> {
    // One at a time: a second would take the first's place and leave it unfinished, both writing
    // the same temporary file. A call while one is under way joins it.
    this.#compacting ??= this.#compactOnce(records).finally(() => {
      this.#compacting = undefined;
    });
    return this.#compacting;
  }

  async #compactOnce(records: () => readonly string[]): Promise<void> {
    let finished: Promise<void> | undefined;
    await this.#turn(async () => {
      const c: Compaction = { since: [], written: Promise.resolve(), done: false, finish: () => {} };
      finished = new Promise<void>((resolve) => (c.finish = resolve));
      const lines = records();
      c.written = writeBeside(this.#open, this.#tempPath(), lines).then(
        (file) => {
          c.file = file;
          c.lines = lines.length;
          c.done = true;
        },
        (err: unknown) => {
          c.error = err;
          c.done = true;
        },
      );
      this.#compaction = c;
    });
    await finished;
  }

  /** Closes the file once what was asked before is done, a compaction under way included. */
  async close(): Promise<void> {
    await this.#turn(async () => {
      await this.#file?.close();
      this.#file = undefined;
    });
    while (this.#writing !== undefined) await this.#writing;
  }

  #turn(run: () => Promise<void>): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ kind: 'other', run, resolve, reject });
      this.#kick();
    });
  }

  /** Starts the writer a microtask later, so that appends made together go out together. */
  #kick(): void {
    this.#writing ??= Promise.resolve().then(() => this.#drain());
    this.#wake?.();
  }

  async #drain(): Promise<void> {
    for (;;) {
      await this.#drainQueue();
      const c = this.#compaction;
      // What was asked while drainQueue() returned goes too: #kick() started no writer for it,
      // and nothing may come between this look at the queue and the writer's end below.
      if (c === undefined && this.#queue.length > 0) continue;
      if (c === undefined) break;
      if (c.done) await this.#finishCompaction(c);
      else {
        // The appends go on while the compaction's file is written: wait for whichever comes first.
        await Promise.race([c.written, new Promise<void>((r) => (this.#wake = r))]);
        this.#wake = undefined;
      }
    }
    this.#writing = undefined;
  }

  /**
   * Copies the lines appended since the compaction's records were taken after them, syncs, renames
   * the file over the journal and syncs the directory; any failure leaves the journal as it was.
   */
  async #finishCompaction(c: Compaction): Promise<void> {
    this.#compaction = undefined;
    const temp = this.#tempPath();
    try {
      if (c.error !== undefined) throw c.error;
      const file = c.file as FileHandle;
      try {
        if (c.since.length > 0) {
          await file.writeFile(c.since.join(''));
          await file.datasync();
        }
      } finally {
        await file.close();
      }
      await this.#file?.close();
      this.#file = undefined;
      this.#torn = false;
      await rename(temp, this.#path);
      await this.#syncDirectory();
      this.#lines = (c.lines ?? 0) + c.since.length;
    } catch (err) {
      await unlink(temp).catch(() => {});
      this.#log.warn({ err, lines: this.#lines }, 'idempotency journal: could not compact; will try again');
    } finally {
      c.finish();
    }
  }

  #tempPath(): string {
    return `${this.#path}.${process.pid}.compact.tmp`;
  }

  async #syncDirectory(): Promise<void> {
    const dir = await this.#open(dirname(this.#path), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }

  async #drainQueue(): Promise<void> {
    while (this.#queue.length > 0) {
      const first = this.#queue[0] as Turn;
      if (first.kind === 'other') {
        this.#queue.shift();
        await first.run().then(first.resolve, first.reject);
        continue;
      }
      let bytes = 0;
      let n = 0;
      for (const t of this.#queue) {
        if (t.kind !== 'line' || (n > 0 && bytes >= BATCH_BYTES)) break;
        bytes += t.line.length;
        n++;
      }
      const batch = this.#queue.splice(0, n) as Array<Extract<Turn, { kind: 'line' }>>;
      try {
        this.#file ??= await this.#open(this.#path, 'a', 0o600);
        await this.#file.write((this.#torn ? '\n' : '') + batch.map((t) => t.line).join(''));
        this.#torn = false;
        this.#syncsStarted++;
        await this.#file.datasync();
        this.#syncsCompleted++;
      } catch (err) {
        // The file's end is not known: the next append opens it afresh, after a newline.
        this.#torn = true;
        await this.#file?.close().catch(() => {});
        this.#file = undefined;
        for (const t of batch) t.reject(err);
        continue;
      }
      this.#lines += batch.length;
      if (this.#compaction !== undefined) for (const t of batch) this.#compaction.since.push(t.line);
      for (const t of batch) t.resolve();
    }
  }

  async #rewrite(records: readonly string[]): Promise<void> {
    await this.#file?.close();
    this.#file = undefined;
    this.#torn = false;
    const temp = `${this.#path}.${process.pid}.tmp`;
    const handle = await this.#open(temp, 'w', 0o600);
    try {
      await handle.writeFile(records.length === 0 ? '' : `${records.join('\n')}\n`);
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
    await this.#syncDirectory();
    this.#lines = records.length;
  }
}

/** A compaction under way (compact()). */
interface Compaction {
  /** Lines appended (and synced) to the journal since its records were taken, in order. */
  readonly since: string[];
  /** Settles (never rejects) once the records are written beside the journal and synced, or failed. */
  written: Promise<void>;
  done: boolean;
  file?: FileHandle;
  /** How many records it wrote. */
  lines?: number;
  error?: unknown;
  /** Resolves compact(). */
  finish: () => void;
}

/** Writes `records` (a line each) to `path`, mode 0600, synced; returns it open for appending more. */
async function writeBeside(
  open: (path: string, flags: string, mode?: number) => Promise<FileHandle>,
  path: string,
  records: readonly string[],
): Promise<FileHandle> {
  const file = await open(path, 'w', 0o600);
  try {
    await file.writeFile(records.length === 0 ? '' : `${records.join('\n')}\n`);
    await file.sync();
    return file;
  } catch (err) {
    await file.close().catch(() => {});
    await unlink(path).catch(() => {});
    throw err;
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
