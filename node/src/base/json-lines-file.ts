/**
 * A record kept as JSON lines in the data directory (docs/conventions.md §Journals beside the
 * store): read whole at open, appended one synced line per record. The warning workflows keep
 * their journals this way (docs/warnings.md §The board, §The kit's warning book).
 *
 * - Records appended while a write is under way go out together, in order, with one datasync
 *   (group commit); `append` resolves once its line is on disk and rejects when the write fails,
 *   so the caller knows its record is not kept.
 * - A torn last line (an append a crash cut short) is skipped when read, with every other line that
 *   is not one JSON value, and counted; the next write starts on a line of its own, so a tear never
 *   swallows a later record.
 * - The file is made mode 0600 (names and answers are personal data), and its directory is synced
 *   when it is made, so its name survives a power cut too.
 */
import { type FileHandle, open, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface JsonLinesReading<T> {
  records: T[];
  /** Numbers (from 1) of the lines that were not one JSON value: skipped. */
  unreadable: number[];
}

interface Pending {
  line: string;
  done: (err?: unknown) => void;
}

export class JsonLinesFile<T> {
  readonly #path: string;
  #file: FileHandle | undefined;
  #tornTail = false;
  #pending: Pending[] = [];
  #writing: Promise<void> | undefined;

  private constructor(path: string) {
    this.#path = path;
  }

  /** Reads what the file holds (nothing when it is missing) and readies it for appending. */
  static async open<T>(path: string): Promise<{ file: JsonLinesFile<T>; reading: JsonLinesReading<T> }> {
    let text = '';
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const file = new JsonLinesFile<T>(path);
    file.#tornTail = text.length > 0 && !text.endsWith('\n');
    return { file, reading: parseJsonLines<T>(text) };
  }

  get path(): string {
    return this.#path;
  }

  /** Appends one record; resolves once it is synced, rejects when it could not be written. */
  append(record: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#pending.push({
        line: `${JSON.stringify(record)}\n`,
        done: (err) => (err === undefined ? resolve() : reject(err)),
      });
      this.#writing ??= this.#drain();
    });
  }

  /** Waits for what is queued and closes the file. */
  async close(): Promise<void> {
    await this.#writing;
    await this.#file?.close();
    this.#file = undefined;
  }

  async #drain(): Promise<void> {
    while (this.#pending.length > 0) {
      const batch = this.#pending;
      this.#pending = [];
      let failure: unknown;
      try {
        const file = this.#file ?? (await this.#open());
        const text = batch.map((p) => p.line).join('');
        await file.appendFile(this.#tornTail ? `\n${text}` : text);
        this.#tornTail = false;
        await file.datasync();
      } catch (err) {
        failure = err;
        // The file may now end in part of the batch: the next write starts a line of its own.
        this.#tornTail = true;
        await this.#file?.close().catch(() => {});
        this.#file = undefined;
      }
      for (const p of batch) p.done(failure);
    }
    this.#writing = undefined;
  }

  async #open(): Promise<FileHandle> {
    const file = await open(this.#path, 'a', 0o600);
    if ((await file.stat()).size === 0) {
      const dir = await open(dirname(this.#path), 'r');
      await dir.sync().finally(() => dir.close());
    }
    this.#file = file;
    return file;
  }
}

/** The records of a JSON-lines text; never throws. */
export function parseJsonLines<T>(text: string): JsonLinesReading<T> {
  const records: T[] = [];
  const unreadable: number[] = [];
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      records.push(JSON.parse(line) as T);
    } catch {
      unreadable.push(i + 1);
    }
  });
  return { records, unreadable };
}
