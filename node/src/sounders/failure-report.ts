/**
 * One log line when a sounder's program starts failing and one when it works again, with the count
 * between (docs/conventions.md §Logging: changes, not repetitions): an alarm that sounds every 12 s
 * on a sound card someone unplugged says so once, not three hundred times an hour.
 */
import { KitError } from '../base/errors.js';
import type { Logger } from '../base/logger.js';
import './sounder-errors.js';

export class FailureReport {
  #failing = false;
  #count = 0;

  constructor(
    private readonly log: Logger,
    /** What fails, for people: "pi-audio siren (aplay)". */
    private readonly what: string,
  ) {}

  /** A failure: logged if it is the first since the last success. */
  failed(problem: string, cause?: unknown): void {
    this.#count++;
    if (this.#failing) return;
    this.#failing = true;
    const err = new KitError(
      'SOUNDER_FAILED',
      `${this.what} ${problem}`,
      cause === undefined ? undefined : { cause },
    );
    this.log.warn(
      { err },
      `alarm: ${err.message}; the other sounds go on, and it is tried again at the next`,
    );
  }

  /** A success: logged if it ends a run of failures. */
  ok(): void {
    if (!this.#failing) return;
    this.log.info({ failures: this.#count }, `alarm: ${this.what} works again after ${this.#count} failures`);
    this.#failing = false;
    this.#count = 0;
  }
}
