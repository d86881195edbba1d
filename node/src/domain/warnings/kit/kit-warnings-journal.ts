/**
 * The kit's warning book on disk, `<data_dir>/kit-warnings.jsonl` (docs/warnings.md §The kit's
 * warning book; docs/conventions.md §Journals beside the store): the shared JSON-lines file
 * (node/src/base/json-lines-file.ts: mode 0600, one synced line per record, a torn line skipped and
 * the next write on a line of its own), with the book's records checked as they are read.
 *
 * Nothing read here crashes the kit: a line that is not JSON (a write a power cut tore) or not a
 * record this version reads is skipped, counted and logged once at open, and the book goes on
 * with the rest. A failed append is a KitError the caller decides about.
 */
import { KitError } from '../../../base/errors.js';
import { JsonLinesFile } from '../../../base/json-lines-file.js';
import type { Logger } from '../../../base/logger.js';
import type { MessageOf } from '../../../wire/message.js';
import { type KitRecord, readKitRecord, warningOfRecord } from './kit-journal-records.js';
import './kit-warnings-errors.js';

export interface KitJournalReading {
  records: KitRecord[];
  /** The warning of each warning record, decoded (and so checked) once, by id. */
  warnings: Map<string, MessageOf<'warning'>>;
  /** Lines skipped, by number (from 1), with why. */
  skipped: Array<{ line: number; why: string }>;
}

export class KitWarningsJournal {
  readonly #file: JsonLinesFile<KitRecord>;

  private constructor(file: JsonLinesFile<KitRecord>) {
    this.#file = file;
  }

  /** Reads the journal (none yet: an empty book) and readies it for appending. */
  static async open(
    path: string,
    log: Logger,
  ): Promise<{ journal: KitWarningsJournal; reading: KitJournalReading }> {
    let opened: Awaited<ReturnType<typeof JsonLinesFile.open<unknown>>>;
    try {
      opened = await JsonLinesFile.open<unknown>(path);
    } catch (cause) {
      throw new KitError(
        'WARNING_JOURNAL_FAILED',
        `the kit's warning book ${path} cannot be read: ${(cause as Error).message}; check the data directory's owner and mode`,
        { cause },
      );
    }
    const skipped = opened.reading.unreadable.map((line) => ({ line, why: 'not JSON (a torn write?)' }));
    const records: KitRecord[] = [];
    const warnings = new Map<string, MessageOf<'warning'>>();
    const lineOf = lineNumbers(opened.reading.unreadable);
    for (const value of opened.reading.records) {
      const line = lineOf();
      const record = readKitRecord(value);
      if (typeof record === 'string') {
        skipped.push({ line, why: record });
        continue;
      }
      if (record.t === 'warning') {
        const message = warningOfRecord(record);
        if (typeof message === 'string') {
          skipped.push({ line, why: `warning ${record.id}: ${message}` });
          continue;
        }
        warnings.set(record.id, message);
      }
      records.push(record);
    }
    if (skipped.length > 0)
      log.warn(
        { file: path, skipped: skipped.length, lines: skipped.slice(0, 10) },
        "kit's warning book: lines of its journal could not be read; skipped, the rest is kept",
      );
    return {
      journal: new KitWarningsJournal(opened.file as JsonLinesFile<KitRecord>),
      reading: { records, warnings, skipped },
    };
  }

  /** Appends one record; resolves once it is synced. @throws KitError WARNING_JOURNAL_FAILED */
  async append(record: KitRecord): Promise<void> {
    try {
      await this.#file.append(record);
    } catch (cause) {
      throw new KitError(
        'WARNING_JOURNAL_FAILED',
        `the kit's warning book ${this.#file.path} could not be written: ${(cause as Error).message}; the disk may be full or failing`,
        { cause },
      );
    }
  }

  close(): Promise<void> {
    return this.#file.close();
  }
}

/**
 * The line numbers of the readable records in order, given which lines were unreadable: a
 * readable record is on the next line not among them. (Blank lines are not counted by the file,
 * and the book never writes one, so a count is off only past a blank line someone added.)
 */
function lineNumbers(unreadable: readonly number[]): () => number {
  const bad = new Set(unreadable);
  let line = 0;
  return () => {
    do line++;
    while (bad.has(line));
    return line;
  };
}
