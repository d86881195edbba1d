/**
 * The deliveries journal (docs/store-and-forward.md §Crashes and the deliveries journal): when the
 * configuration names one (`deliveries.journal`), every message the core delivers to this node is
 * appended to it as one JSON line and synced, in the order the core delivered them.
 *
 * It lives outside the message store on purpose: the store dedups by id, so counting deliveries
 * there can never show one twice. A line is written when the core emits 'delivered', which is
 * after the store's synced admit, so the journal names only messages the store holds; a crash
 * between the two loses the line, never adds one. An id written twice therefore means the node
 * delivered that message twice.
 *
 * Lines that arrive while a write is under way go out together with one sync (group commit). A
 * crash can tear the last line; the next start begins a fresh line after it, so the tear stays on a
 * line of its own and every later record reads whole (deliveries-journal-reader.ts).
 */
import { type FileHandle, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from '../base/logger.js';

/** One line of the journal. */
export interface DeliveryRecord {
  /** The message id, `origin/seq`. */
  id: string;
  /** The message kind (report, warning, receipt…). */
  kind: string;
  /** When the core delivered it, unix ms (this node's clock). */
  at: number;
  /** Set for a warning delivered as history (a newer one is current on its thread): why. */
  history?: string;
}

export interface DeliveriesJournalOptions {
  /** Absolute path of the file; made mode 0600 if missing, appended to if present. */
  path: string;
  log: Logger;
}

interface Pending {
  line: string;
  done: () => void;
}

/** Owns the open journal file and the queue of lines not yet synced. */
export class DeliveriesJournal {
  readonly #o: DeliveriesJournalOptions;
  #file: FileHandle | undefined;
  /** The file ended in a torn line when opened: the first write starts a new line. */
  #tornTail = false;
  #pending: Pending[] = [];
  #writing: Promise<void> | undefined;
  /** Lines lost since writing began to fail; undefined while writing works. */
  #failed: number | undefined;

  constructor(opts: DeliveriesJournalOptions) {
    this.#o = opts;
  }

  /**
   * Queues one record; resolves once it is on disk (synced), or once its loss was logged: a
   * failure is never thrown, since the caller is an event listener and the store stays the truth.
   */
  append(record: DeliveryRecord): Promise<void> {
    return new Promise<void>((done) => {
      this.#pending.push({ line: `${JSON.stringify(record)}\n`, done });
      this.#writing ??= this.#drain();
    });
  }

  /** Waits for every queued record and closes the file. */
  async close(): Promise<void> {
    await this.#writing;
    await this.#file?.close();
    this.#file = undefined;
  }

  async #drain(): Promise<void> {
    while (this.#pending.length > 0) {
      const batch = this.#pending;
      this.#pending = [];
      await this.#write(batch.map((p) => p.line).join(''), batch.length);
      for (const p of batch) p.done();
    }
    this.#writing = undefined;
  }

  async #write(text: string, lines: number): Promise<void> {
    try {
      const file = this.#file ?? (await this.#open());
      await file.appendFile(this.#tornTail ? `\n${text}` : text);
      this.#tornTail = false;
      await file.datasync();
      if (this.#failed !== undefined) {
        this.#o.log.info(
          { file: this.#o.path, lost: this.#failed },
          'the deliveries journal is written again; deliveries in between are in the store only',
        );
        this.#failed = undefined;
      }
    } catch (err) {
      if (this.#failed === undefined)
        this.#o.log.error(
          { err, file: this.#o.path },
          'the deliveries journal cannot be written: deliveries go on, recorded in the store only, until it can',
        );
      this.#failed = (this.#failed ?? 0) + lines;
    }
  }

  async #open(): Promise<FileHandle> {
    const file = await open(this.#o.path, 'a+', 0o600);
    try {
      const { size } = await file.stat();
      if (size === 0) {
        // A new file's name must survive a power cut too: sync the directory that holds it.
        const dir = await open(dirname(this.#o.path), 'r');
        await dir.sync().finally(() => dir.close());
      } else {
        const last = Buffer.alloc(1);
        await file.read(last, 0, 1, size - 1);
        this.#tornTail = last[0] !== 0x0a;
      }
    } catch (err) {
      await file.close();
      throw err;
    }
    this.#file = file;
    return file;
  }
}
