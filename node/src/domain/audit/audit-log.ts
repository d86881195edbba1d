/**
 * The audit log, `<data_dir>/audit.jsonl` (docs/domain-model.md §The audit log): every domain
 * action, one JSON line each, hash-chained, appended and synced before the append resolves.
 *
 * - **Appends are serialized** in the order append() was called, and numbered and chained in that
 *   order.
 * - **Group commit**, as the store and the deliveries journal do (docs/conventions.md §The durable
 *   queue): entries appended while a write is under way go out together, in one write and one
 *   fdatasync; a lone append waits for no timer. Each append resolves only once the sync that
 *   covers its line has completed.
 * - **A torn last line** (a write cut short by a crash: bytes after the last newline) is cut off at
 *   open, and the cut is recorded as the first entry appended then (`audit.torn-tail-dropped`, with
 *   its size, its SHA-256 and how it began); the log goes on after the last whole entry
 *   (docs/domain-model.md §A torn last line). Opening reads only the tail; a last whole line that
 *   is not a valid entry is AUDIT_CORRUPT, since nothing sound can be chained to it.
 * - **A failed write or sync** fails its appends and every later one (AUDIT_WRITE_FAILED): after a
 *   failed fsync the file's contents are not known, so nothing more is chained to them until the
 *   log is opened again, which reads what the disk kept.
 */
import { createHash } from 'node:crypto';
import { type FileHandle, open as openFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { KitError } from '../../base/errors.js';
import type { Logger } from '../../base/logger.js';
import {
  type AuditDraft,
  type AuditEntry,
  type AuditSink,
  canonicalJson,
  chainLine,
  GENESIS,
  MAX_ROSTER_ACTOR,
} from './audit-entry.js';
import './audit-errors.js';
import { draftFieldsProblem, readAuditLine } from './audit-line.js';
import { readTail } from './audit-tail.js';

export const AUDIT_FILE_NAME = 'audit.jsonl';
/** About this much goes out in one write; more waits for the next (bounds a torn tail). */
const BATCH_BYTES = 256 * 1024;

export interface AuditLogOptions {
  /** Absolute path of the log; made mode 0600 if missing. */
  path: string;
  /** This node's id, recorded in every entry. */
  nodeId: number;
  log: Logger;
  /** The time recorded in entries, unix ms. Default `Date.now`. */
  now?: () => number;
  /** Opens the file; tests pass a wrapper to watch writes and syncs. Default node:fs/promises `open`. */
  open?: (path: string, flags: string, mode: number) => Promise<FileHandle>;
}

/** What open() found at the end of the file and cut off. */
export interface TornTail {
  bytes: number;
  sha256: string;
}

interface Pending {
  draft: AuditDraft;
  /** canonicalJson(draft.details). */
  detailsJson: string | undefined;
  at: number;
  resolve: (entry: AuditEntry) => void;
  reject: (err: unknown) => void;
}

/** Owns the open log file, its head (the last entry's sequence and hash) and the appends not yet synced. */
export class AuditLog implements AuditSink {
  readonly #o: AuditLogOptions;
  readonly #file: FileHandle;
  #head: { seq: number; hash: string; at?: number };
  #pending: Pending[] = [];
  #writing: Promise<void> | undefined;
  #failed: KitError | undefined;
  #closed = false;
  #closing: Promise<void> | undefined;
  #syncsStarted = 0;
  #syncsCompleted = 0;
  /** What open() cut off, if anything. */
  readonly torn: TornTail | undefined;

  private constructor(
    o: AuditLogOptions,
    file: FileHandle,
    head: { seq: number; hash: string; at?: number },
    torn?: TornTail,
  ) {
    this.#o = o;
    this.#file = file;
    this.#head = head;
    this.torn = torn;
  }

  /**
   * Opens the log, making it if missing, and gets it ready to append after its last entry.
   * @throws KitError AUDIT_CORRUPT when its end is not a valid entry (nor a torn write after one);
   *   AUDIT_UNREADABLE when it cannot be opened or read.
   */
  static async open(o: AuditLogOptions): Promise<AuditLog> {
    const openFn = o.open ?? openFile;
    let file: FileHandle;
    try {
      file = await openFn(o.path, 'a+', 0o600);
    } catch (cause) {
      throw new KitError('AUDIT_UNREADABLE', `cannot open ${o.path}: ${(cause as Error).message}`, { cause });
    }
    try {
      const { head, torn } = await recover(file, o);
      const auditLog = new AuditLog(o, file, head, torn);
      if (torn !== undefined) {
        o.log.warn(
          { file: o.path, bytes: torn.bytes, seq: head.seq },
          'the audit log ended in a torn line, a write cut short; cut it off, appending after the last whole entry',
        );
        await auditLog.append({
          actor: 'system',
          action: 'audit.torn-tail-dropped',
          details: { bytes: torn.bytes, sha256: torn.sha256, after: head.seq, began: torn.began },
        });
      }
      return auditLog;
    } catch (err) {
      await file.close();
      throw err;
    }
  }

  /** The last entry written: its sequence (0 for none) and hash. */
  get head(): { seq: number; hash: string } {
    return { seq: this.#head.seq, hash: this.#head.hash };
  }

  /** Syncs begun and completed; an append resolves only after a sync begun after it was called. */
  get syncs(): { started: number; completed: number } {
    return { started: this.#syncsStarted, completed: this.#syncsCompleted };
  }

  /**
   * Records one action; resolves with its entry once the entry is on disk (synced).
   * @throws TypeError for a draft no entry can hold (a bad action code, details that are not small JSON).
   * @rejects KitError AUDIT_WRITE_FAILED, AUDIT_CLOSED.
   */
  append(draft: AuditDraft): Promise<AuditEntry> {
    // Made once, here: it is checked, copied, hashed and written (entryJson).
    const detailsJson = draft.details === undefined ? undefined : canonicalJsonOf(draft.details);
    const wrong = draftProblem(draft, detailsJson);
    if (wrong !== undefined) throw new TypeError(`audit append: ${wrong}`);
    if (this.#closed) return Promise.reject(new KitError('AUDIT_CLOSED', `${this.#o.path} is closed`));
    if (this.#failed) return Promise.reject(this.#failed);
    const own: AuditDraft = {
      actor: draft.actor,
      action: draft.action,
      ...(draft.subject === undefined ? {} : { subject: draft.subject }),
      // A copy: the caller changing its object later must not change what is hashed.
      ...(detailsJson === undefined ? {} : { details: JSON.parse(detailsJson) }),
    };
    const at = (this.#o.now ?? Date.now)();
    return new Promise<AuditEntry>((resolve, reject) => {
      this.#pending.push({ draft: own, detailsJson, at, resolve, reject });
      // A microtask later, so that appends made together go out together.
      this.#writing ??= Promise.resolve().then(() => this.#drain());
    });
  }

  /** Waits for every append made so far, then closes the file; again, waits for that. */
  close(): Promise<void> {
    this.#closed = true;
    this.#closing ??= (async () => {
      await this.#writing;
      await this.#file.close();
    })();
    return this.#closing;
  }

  async #drain(): Promise<void> {
    while (this.#pending.length > 0) {
      let bytes = 0;
      let n = 0;
      const entries: AuditEntry[] = [];
      let text = '';
      let head = this.#head;
      for (const p of this.#pending) {
        if (bytes >= BATCH_BYTES) break;
        const { entry, line } = chainLine(p.draft, p.detailsJson, head, p.at, this.#o.nodeId);
        entries.push(entry);
        text += line;
        bytes += Buffer.byteLength(line);
        head = { seq: entry.seq, hash: entry.hash, at: entry.at };
        n++;
      }
      const batch = this.#pending.splice(0, n);
      try {
        if (this.#failed) throw this.#failed;
        await this.#file.appendFile(text, 'utf8');
        this.#syncsStarted++;
        await this.#file.datasync();
        this.#syncsCompleted++;
      } catch (err) {
        this.#fail(err, batch.length + this.#pending.length);
        for (const p of [...batch, ...this.#pending.splice(0)]) p.reject(this.#failed);
        break;
      }
      this.#head = head;
      for (const [i, p] of batch.entries()) p.resolve(entries[i] as AuditEntry);
    }
    this.#writing = undefined;
  }

  #fail(err: unknown, lost: number): void {
    if (this.#failed) return;
    this.#failed = new KitError(
      'AUDIT_WRITE_FAILED',
      `${this.#o.path} could not be written after entry ${this.#head.seq} (${(err as Error).message}): ` +
        'no action is recorded until the node is restarted; free the disk or fix the file system first',
      { cause: err },
    );
    this.#o.log.error(
      { err, file: this.#o.path, seq: this.#head.seq, lost },
      'the audit log cannot be written: actions that need an entry fail until the node restarts',
    );
  }
}

/** What a draft must be for append(). */
function draftProblem(draft: AuditDraft, detailsJson: string | undefined): string | undefined {
  const { actor } = draft;
  if (actor !== 'system' && !(Number.isInteger(actor) && actor >= 1 && actor <= MAX_ROSTER_ACTOR))
    return `actor ${String(actor)} is neither a roster id nor 'system'`;
  return draftFieldsProblem(draft, detailsJson);
}

/**
 * canonicalJson(details), or undefined for details no entry can hold (a cycle, a BigInt), which
 * draftFieldsProblem then names.
 */
function canonicalJsonOf(details: unknown): string | undefined {
  try {
    return canonicalJson(details);
  } catch {
    return undefined;
  }
}

/** The head to append after, cutting off a torn tail first. */
async function recover(
  file: FileHandle,
  o: AuditLogOptions,
): Promise<{ head: { seq: number; hash: string; at?: number }; torn?: TornTail & { began: string } }> {
  const { size } = await file.stat();
  if (size === 0) {
    // A new file's name must survive a power cut too: sync the directory that holds it.
    const openFn = o.open ?? openFile;
    const dir = await openFn(dirname(o.path), 'r', 0);
    await dir.sync().finally(() => dir.close());
    return { head: { seq: 0, hash: GENESIS } };
  }
  const tail = await readTail(file, size);
  if (tail.tooLong)
    throw corrupt(o.path, 'it ends in more bytes without a newline than any write leaves', size);
  let head: { seq: number; hash: string; at?: number } = { seq: 0, hash: GENESIS };
  if (tail.lastLine !== undefined) {
    const read = readAuditLine(tail.lastLine);
    if (!read.ok) throw corrupt(o.path, `its last whole line is not a valid entry: ${read.why}`, size);
    head = { seq: read.entry.seq, hash: read.entry.hash, at: read.entry.at };
  }
  if (tail.torn === undefined) return { head };
  await file.truncate(tail.end);
  await file.datasync();
  const began = tail.torn.subarray(0, 120).toString('utf8');
  return {
    head,
    torn: { bytes: tail.torn.length, sha256: createHash('sha256').update(tail.torn).digest('hex'), began },
  };
}

function corrupt(path: string, why: string, size: number): KitError {
  return new KitError(
    'AUDIT_CORRUPT',
    `${path} (${size} bytes): ${why}. Run \`fieldnode audit verify\` to see where it breaks; to start a ` +
      'new log, move this one aside (keep it: it is the record) and start again',
  );
}
