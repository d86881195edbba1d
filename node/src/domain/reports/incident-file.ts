/**
 * The incident ledger as a file in the data directory (docs/reports.md §Storage): a snapshot of the
 * incidents and a journal of the changes since, one JSON line each (incident-journal.ts).
 *
 * - **A change is one appended line**, synced (fdatasync) before apply() resolves. Changes made
 *   while a write is under way go out together, in one write and one sync (group commit, as the
 *   audit log does: docs/conventions.md §The durable queue), in the order apply() was called.
 *   The file stays open for appending between writes; a compaction or a failed write reopens it.
 * - **A change is seen at once**: all() and get() return it from the moment apply() is called,
 *   while its write is under way (incident-ledger.ts), so that a book making changes one after
 *   another need not wait for each one's sync before it reads for the next, and changes made
 *   together share a sync. A change whose write fails is undone, and so is every change applied
 *   after it and not yet written, which may build on it: each of them is rejected.
 * - **Compaction**: once the journal holds more bytes than the snapshot (and at least
 *   `minCompactBytes`), the file is rewritten as a snapshot: the incidents as written so far go to
 *   a temporary file of mode 0600, a part at a time, synced (incident-snapshot-file.ts), **while
 *   changes go on being appended to the old file**; then, between two appends, the lines appended
 *   meanwhile are copied after the snapshot, the temporary file is synced again, renamed over the
 *   old one, and the directory synced. A power cut leaves the old file (every change synced in it)
 *   or the new one (the snapshot and the same changes). Changes wait only for that last step, a
 *   few small syncs, not for the snapshot: written with appends held, it held filings some 300 ms
 *   beside another writer on the disk (docs/api.md §Measured).
 * - **A torn last line** (bytes after the last newline: an append cut short by a crash, never
 *   synced) is cut off when the file is read, logged, and kept in `torn`; the changes before it
 *   stand.
 * - **A failed write or sync** fails the changes it carried and those applied behind them
 *   (REPORT_LEDGER_WRITE_FAILED); the file may then end in part of them, so the next change first
 *   rewrites the file from what is known to be written, as a compaction does.
 * - A file in the format before the journal (version 1, a snapshot alone) is read, and rewritten
 *   as version 2 before the first change is appended.
 *
 * Unlike files that only save work (seen-deliveries-file.ts), this one holds the record of what
 * was reported: a file that cannot be read back is refused with REPORT_LEDGER_CORRUPT, naming the
 * line, and nothing is written over it until a person has looked.
 */
import { type FileHandle, open as openFile, readFile, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { KitError } from '../../base/errors.js';
import { type Logger, silentLogger } from '../../base/logger.js';
import type { Incident, IncidentId } from './incident.js';
import './incident-file-errors.js';
import { applyChange, changeLine, readLedgerFile, snapshotText } from './incident-journal.js';
import type { IncidentLedger, LedgerChange } from './incident-ledger.js';
import { writeSnapshotFile } from './incident-snapshot-file.js';

/** About this much goes out in one write; more waits for the next (bounds a torn tail). */
const BATCH_BYTES = 256 * 1024;

export interface FileIncidentLedgerOptions {
  /** Where a torn tail cut off, a failed write and a compaction are logged. Default: nowhere. */
  readonly log?: Logger;
  /** A journal smaller than this is never compacted, however small the snapshot. Default 64 KiB. */
  readonly minCompactBytes?: number;
  /** Opens files; tests pass a wrapper to watch or fail writes. Default node:fs/promises `open`. */
  readonly open?: (path: string, flags: string, mode?: number) => Promise<FileHandle>;
}

/** What was cut off the end of the file when it was read. */
export interface TornIncidentTail {
  /** Its length in bytes. */
  readonly bytes: number;
  /** Where it began, from the start of the file. */
  readonly at: number;
}

interface State {
  readonly incidents: Map<IncidentId, Incident>;
  snapshotBytes: number;
  journalBytes: number;
  /** The journal reaches this many bytes before the next compaction. */
  compactAt: number;
  /** The file must be rewritten before anything is appended: missing, version 1, or after a failed write. */
  rewrite: boolean;
}

interface Pending {
  readonly line: string;
  readonly change: LedgerChange;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

export class FileIncidentLedger implements IncidentLedger {
  readonly #path: string;
  readonly #log: Logger;
  readonly #minCompact: number;
  readonly #open: (path: string, flags: string, mode?: number) => Promise<FileHandle>;
  #loading: Promise<State> | undefined;
  /** Applied, not yet being written. */
  #pending: Pending[] = [];
  /** Being written: not yet in the state, already seen by get() and all(). */
  #inFlight: Pending[] = [];
  /** Open for appending between writes. */
  #file: FileHandle | undefined;
  #writing: Promise<void> | undefined;
  #torn: TornIncidentTail | undefined;
  /** A compaction under way: its snapshot being written, the lines appended since it was taken. */
  #compaction: Compaction | undefined;
  /** Wakes a writer waiting for its compaction's snapshot when a change comes. */
  #wake: (() => void) | undefined;
  #appends = 0;
  #compactions = 0;

  constructor(path: string, options: FileIncidentLedgerOptions = {}) {
    this.#path = path;
    this.#log = options.log ?? silentLogger;
    this.#minCompact = options.minCompactBytes ?? 64 * 1024;
    this.#open = options.open ?? openFile;
  }

  /** What was cut off the end of the file when it was read, if anything. */
  get torn(): TornIncidentTail | undefined {
    return this.#torn;
  }

  /** Appends (each one write and one sync) and compactions made so far. */
  get writes(): { appends: number; compactions: number } {
    return { appends: this.#appends, compactions: this.#compactions };
  }

  async all(): Promise<readonly Incident[]> {
    const state = await this.#load();
    const staged = [...this.#inFlight, ...this.#pending];
    if (staged.length === 0) return [...state.incidents.values()].map((i) => structuredClone(i));
    const incidents = new Map(state.incidents);
    for (const p of staged) applyChange(incidents, p.change);
    return [...incidents.values()].map((i) => structuredClone(i));
  }

  async get(id: IncidentId): Promise<Incident | undefined> {
    const state = await this.#load();
    const i = staged(this.#pending, id) ??
      staged(this.#inFlight, id) ?? { incident: state.incidents.get(id) };
    return i.incident === undefined ? undefined : structuredClone(i.incident);
  }

  apply(change: LedgerChange): Promise<void> {
    // Copied now: the caller may change its objects once apply() has returned.
    const line = changeLine(change);
    const own: LedgerChange = { put: structuredClone(change.put ?? []), remove: [...(change.remove ?? [])] };
    return new Promise<void>((resolve, reject) => {
      this.#pending.push({ line, change: own, resolve, reject });
      // A microtask later, so that changes made together go out together.
      this.#writing ??= Promise.resolve().then(() => this.#drain());
      this.#wake?.();
    });
  }

  /** Resolves once no write or compaction is under way (every change made so far is settled). */
  async flush(): Promise<void> {
    while (this.#writing !== undefined) await this.#writing;
  }

  /** Settles every change made so far, then closes the file; a later change opens it again. */
  async close(): Promise<void> {
    await this.flush();
    await this.#closeFile();
  }

  #load(): Promise<State> {
    this.#loading ??= this.#read().catch((err) => {
      this.#loading = undefined; // read again next time: a person may have restored the file
      throw err;
    });
    return this.#loading;
  }

  async #read(): Promise<State> {
    let bytes: Buffer;
    let exists = true;
    try {
      bytes = await readFile(this.#path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      bytes = Buffer.alloc(0);
      exists = false;
    }
    const file = readLedgerFile(bytes, this.#path);
    if (file.torn !== undefined) {
      const at = bytes.length - file.torn.length;
      const handle = await this.#open(this.#path, 'r+');
      try {
        await handle.truncate(at);
        await handle.datasync();
      } finally {
        await handle.close();
      }
      this.#torn = { bytes: file.torn.length, at };
      this.#log.warn(
        { file: this.#path, bytes: file.torn.length, at, changes: file.changes },
        'the incident file ended in a torn line, an append cut short; cut it off, keeping the changes before it',
      );
    }
    return {
      incidents: file.incidents,
      snapshotBytes: file.snapshotBytes,
      journalBytes: file.journalBytes,
      compactAt: Math.max(file.snapshotBytes, this.#minCompact),
      rewrite: !exists || bytes.length === 0 || file.version === 1,
    };
  }

  async #drain(): Promise<void> {
    let state: State;
    try {
      state = await this.#load();
    } catch (err) {
      // Nothing is written over a file that cannot be read back.
      for (const p of this.#pending.splice(0)) p.reject(err);
      this.#writing = undefined;
      return;
    }
    for (;;) {
      while (this.#pending.length > 0) await this.#writeBatch(state);
      const compaction = this.#compaction;
      if (compaction !== undefined) {
        if (compaction.done) await this.#finishCompaction(state, compaction);
        else {
          // Appends go on while the snapshot is written: wait for whichever comes first.
          await Promise.race([compaction.written, new Promise<void>((r) => (this.#wake = r))]);
          this.#wake = undefined;
        }
        continue;
      }
      if (state.journalBytes < state.compactAt) break;
      this.#compaction = this.#startCompaction(state);
    }
    this.#writing = undefined;
  }

  /** Takes the snapshot (the incidents as written so far) and writes it beside the file. */
  #startCompaction(state: State): Compaction {
    const incidents = [...state.incidents.values()];
    const c: Compaction = { since: [], sinceBytes: 0, done: false, written: Promise.resolve() };
    c.written = writeSnapshotFile(this.#open, `${this.#path}.compact.tmp`, incidents).then(
      (snapshot) => {
        c.snapshot = snapshot;
        c.done = true;
      },
      (err: unknown) => {
        c.error = err;
        c.done = true;
      },
    );
    return c;
  }

  /**
   * Copies the lines appended since the snapshot after it, syncs, renames the new file over the
   * old and syncs the directory: between two appends, so nothing is appended to the old file after
   * its lines were copied. Any failure leaves the old file, which holds every change.
   */
  async #finishCompaction(state: State, c: Compaction): Promise<void> {
    this.#compaction = undefined;
    const tmp = `${this.#path}.compact.tmp`;
    try {
      if (c.error !== undefined) throw c.error;
      if (c.cancelled === true || c.snapshot === undefined) {
        await c.snapshot?.file.close().catch(() => {});
        return;
      }
      const { file, bytes } = c.snapshot;
      try {
        if (c.since.length > 0) {
          await file.writeFile(c.since.join(''), 'utf8');
          await file.datasync();
        }
      } finally {
        await file.close();
      }
      await this.#closeFile();
      await rename(tmp, this.#path);
      await this.#syncDirectory();
      this.#compactions++;
      this.#log.debug(
        { file: this.#path, incidents: state.incidents.size, journalBytes: state.journalBytes },
        'incident file compacted',
      );
      state.snapshotBytes = bytes;
      state.journalBytes = c.sinceBytes;
      state.compactAt = Math.max(state.snapshotBytes, this.#minCompact);
    } catch (err) {
      await c.snapshot?.file.close().catch(() => {});
      state.compactAt = state.journalBytes + Math.max(state.snapshotBytes, this.#minCompact);
      this.#log.warn(
        { err, file: this.#path, journalBytes: state.journalBytes },
        'could not compact the incident file; changes are still appended, will try again later',
      );
    } finally {
      await unlink(tmp).catch(() => {}); // gone once renamed; left by a failure otherwise
    }
  }

  async #writeBatch(state: State): Promise<void> {
    let bytes = 0;
    let n = 0;
    for (const p of this.#pending) {
      if (n > 0 && bytes >= BATCH_BYTES) break;
      bytes += Buffer.byteLength(p.line);
      n++;
    }
    const batch = this.#pending.splice(0, n);
    this.#inFlight = batch;
    try {
      if (state.rewrite) await this.#rewrite(state);
      this.#file ??= await this.#open(this.#path, 'a', 0o600);
      await this.#file.appendFile(batch.map((p) => p.line).join(''), 'utf8');
      this.#appends++;
      await this.#file.datasync();
    } catch (cause) {
      state.rewrite = true;
      await this.#closeFile().catch(() => {});
      // The file is rewritten before the next append: a compaction under way is moot.
      if (this.#compaction !== undefined) this.#compaction.cancelled = true;
      // Those applied behind the batch may build on it: they go with it.
      const failed = [...batch, ...this.#pending.splice(0)];
      this.#inFlight = [];
      const err = new KitError(
        'REPORT_LEDGER_WRITE_FAILED',
        `${this.#path}: ${failed.length} change(s) could not be written (${(cause as Error).message}) ` +
          'and were not made; free the disk or fix the file system, then try again',
        { cause },
      );
      this.#log.error({ err, file: this.#path }, 'the incident file cannot be written: changes fail');
      for (const p of failed) p.reject(err);
      return;
    }
    for (const p of batch) applyChange(state.incidents, p.change);
    this.#inFlight = [];
    state.journalBytes += bytes;
    if (this.#compaction !== undefined) {
      for (const p of batch) this.#compaction.since.push(p.line);
      this.#compaction.sinceBytes += bytes;
    }
    for (const p of batch) p.resolve();
  }

  async #syncDirectory(): Promise<void> {
    const dir = await this.#open(dirname(this.#path), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }

  async #closeFile(): Promise<void> {
    const file = this.#file;
    this.#file = undefined;
    await file?.close();
  }

  /** Writes the file anew as a snapshot of `state`, atomically. */
  async #rewrite(state: State): Promise<void> {
    await this.#closeFile();
    const text = snapshotText(state.incidents.values());
    const tmp = `${this.#path}.tmp`;
    const file = await this.#open(tmp, 'w', 0o600);
    try {
      await file.chmod(0o600); // a temporary file left by a crash keeps its mode otherwise
      await file.writeFile(text);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(tmp, this.#path);
    await this.#syncDirectory();
    this.#compactions++;
    this.#log.debug(
      { file: this.#path, incidents: state.incidents.size, journalBytes: state.journalBytes },
      'incident file compacted',
    );
    state.snapshotBytes = Buffer.byteLength(text);
    state.journalBytes = 0;
    state.compactAt = Math.max(state.snapshotBytes, this.#minCompact);
    state.rewrite = false;
  }
}

/** A compaction under way (#startCompaction). */
interface Compaction {
  /** Lines appended (and synced) to the old file since the snapshot was taken, in order. */
  readonly since: string[];
  sinceBytes: number;
  /** Settles (never rejects) once the snapshot is written and synced, or has failed. */
  written: Promise<void>;
  done: boolean;
  snapshot?: { file: FileHandle; bytes: number };
  error?: unknown;
  /** A failed append made the file be rewritten whole: the snapshot is thrown away. */
  cancelled?: boolean;
}

/** The newest staged value of incident `id` in `changes` (`incident` undefined: removed), if any. */
function staged(changes: readonly Pending[], id: IncidentId): { incident: Incident | undefined } | undefined {
  for (let n = changes.length - 1; n >= 0; n--) {
    const change = (changes[n] as Pending).change;
    const put = change.put?.find((i) => i.id === id);
    if (put !== undefined) return { incident: put };
    if (change.remove?.includes(id)) return { incident: undefined };
  }
  return undefined;
}
