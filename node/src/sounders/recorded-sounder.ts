/**
 * The recorded sounder (docs/warnings.md §The alarm at the kit, "Sounders"): it sounds nothing and
 * keeps every sound event instead, in memory and, when a file is named, as one JSON line each
 * appended to it. The simulator, the demonstration county and the tests use it: what the alarm did,
 * and when, can be read back and asserted.
 *
 * Memory keeps the last `keep` events (1000 by default), so a kit left sounding for days does not
 * grow without end; the file keeps everything. A file that cannot be written is logged once, and
 * the events stay in memory.
 */
import { type FileHandle, open } from 'node:fs/promises';
import { KitError } from '../base/errors.js';
import type { Logger } from '../base/logger.js';
import type { AlarmPattern } from '../domain/warnings/alarm/alarm-patterns.js';
import type { Announcement } from '../domain/warnings/alarm/announcement.js';
import type { Sounder } from '../domain/warnings/alarm/sounder.js';
import './sounder-errors.js';

export type SoundEvent =
  | { at: number; event: 'siren'; pattern: AlarmPattern; ms: number }
  | { at: number; event: 'speak'; zh: string; en: string; drill: boolean }
  | { at: number; event: 'stop' };

export interface RecordedSounderOptions {
  /** Absolute path of a JSON-lines file every event is appended to. Default: memory only. */
  file?: string;
  /** How many events memory keeps, the newest. Default 1000. */
  keep?: number;
  /** Unix ms of each event. Default `Date.now`. */
  now?: () => number;
  log: Logger;
}

export class RecordedSounder implements Sounder {
  readonly kind = 'recorded';
  readonly #o: RecordedSounderOptions;
  readonly #events: SoundEvent[] = [];
  #file: FileHandle | undefined;
  /** Appends in order, one after the other. */
  #writing: Promise<void> = Promise.resolve();
  #failed = false;

  constructor(options: RecordedSounderOptions) {
    this.#o = options;
  }

  /** The events kept in memory, oldest first. */
  get events(): readonly SoundEvent[] {
    return this.#events;
  }

  async start(): Promise<void> {
    if (this.#o.file === undefined || this.#file !== undefined) return;
    try {
      this.#file = await open(this.#o.file, 'a', 0o640);
    } catch (cause) {
      this.#fail(cause);
    }
  }

  siren(pattern: AlarmPattern, ms: number): Promise<void> {
    return this.#record({ at: this.#now(), event: 'siren', pattern, ms });
  }

  speak(text: Announcement): Promise<void> {
    return this.#record({ at: this.#now(), event: 'speak', zh: text.zh, en: text.en, drill: text.drill });
  }

  stop(): Promise<void> {
    return this.#record({ at: this.#now(), event: 'stop' });
  }

  async close(): Promise<void> {
    const file = this.#file;
    this.#file = undefined;
    await this.#writing;
    await file?.close();
  }

  #now(): number {
    return (this.#o.now ?? Date.now)();
  }

  /** Keeps the event; resolves at once (the file is written behind it, in order). */
  #record(e: SoundEvent): Promise<void> {
    this.#events.push(e);
    const keep = this.#o.keep ?? 1000;
    if (this.#events.length > keep) this.#events.splice(0, this.#events.length - keep);
    const file = this.#file;
    if (file !== undefined)
      this.#writing = this.#writing.then(() =>
        file.appendFile(`${JSON.stringify(e)}\n`).then(
          () => {
            this.#failed = false;
          },
          (cause: unknown) => this.#fail(cause),
        ),
      );
    return Promise.resolve();
  }

  #fail(cause: unknown): void {
    if (this.#failed) return;
    this.#failed = true;
    const err = new KitError(
      'SOUNDER_FAILED',
      `cannot append alarm events to ${this.#o.file}: ${(cause as Error).message}; check the path and its permissions`,
      { cause },
    );
    this.#o.log.warn({ err }, 'alarm: the recorded sounder keeps its events in memory only');
  }

  /** Every event written so far has reached the file (for tests and a clean stop). */
  flushed(): Promise<void> {
    return this.#writing;
  }
}
