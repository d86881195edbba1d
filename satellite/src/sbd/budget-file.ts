/**
 * The credit budget's counts kept in a small JSON file in the data directory
 * (credit-budget.ts, BudgetLedger; docs/links.md §Iridium SBD): a kit on battery and solar
 * reboots, and without this every restart would give it a fresh day of credits.
 *
 * Written whole at every change (once per satellite session at most): to a temporary file,
 * synced, then renamed over the old one, so a power cut leaves the old counts or the new ones,
 * never half a file. A file that cannot be read or makes no sense is reported and ignored: the
 * budget then counts from zero, as it did before it had a file, and writes a good one at its next
 * change. A file that cannot be written is reported once per failure kind; the budget keeps
 * counting in memory.
 *
 * The budget counts on the link's clock, which only measures differences (the daemon's starts at
 * zero with the process); the file holds wall-clock times, converted both ways here. A wall clock
 * set back after a restart (a Pi has no real-time clock) makes spending look recent for longer:
 * the budget errs toward spending less.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import type { Logger } from '../../../node/src/base/logger.js';
import type { Clock } from '../../../node/src/link/clock.js';
import type { BudgetLedger, BudgetSnapshot } from './credit-budget.js';

/** At most this many spending records are kept (one per session: far more than a day's). */
const MAX_RECORDS = 10_000;

export class BudgetFile implements BudgetLedger {
  readonly #path: string;
  readonly #log: Logger;
  readonly #clock: Pick<Clock, 'now'>;
  readonly #wallNow: () => number;
  #lastError: string | undefined;

  /**
   * @param clock the budget's clock (the SBD link's); default: the wall clock itself.
   * @param wallNow unix ms; tests pass their own.
   */
  constructor(path: string, log: Logger, clock?: Pick<Clock, 'now'>, wallNow: () => number = Date.now) {
    this.#path = path;
    this.#log = log;
    this.#wallNow = wallNow;
    this.#clock = clock ?? { now: wallNow };
  }

  /** Wall-clock ms minus the budget clock's ms, now. */
  #offset(): number {
    return this.#wallNow() - this.#clock.now();
  }

  load(): BudgetSnapshot | undefined {
    let text: string;
    try {
      text = readFileSync(this.#path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
        this.#log.error(
          { err, path: this.#path },
          'could not read the credit budget file; counting from zero',
        );
      return undefined;
    }
    const snapshot = parseBudgetSnapshot(text);
    if (!snapshot) {
      this.#log.error({ path: this.#path }, 'the credit budget file makes no sense; counting from zero');
      return undefined;
    }
    const offset = this.#offset();
    return { ...snapshot, day: snapshot.day.map(([wall, credits]) => [wall - offset, credits]) };
  }

  save(snapshot: BudgetSnapshot): void {
    const tmp = `${this.#path}.tmp`;
    try {
      const fd = openSync(tmp, 'w', 0o600);
      try {
        const offset = this.#offset();
        const day = snapshot.day.map(([at, credits]) => [Math.round(at + offset), credits]);
        writeSync(fd, `${JSON.stringify({ v: 1, ...snapshot, day })}\n`);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, this.#path);
      if (this.#lastError !== undefined)
        this.#log.info({ path: this.#path }, 'credit budget file written again');
      this.#lastError = undefined;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'unknown';
      if (code !== this.#lastError)
        this.#log.error(
          { err, path: this.#path },
          'could not write the credit budget file; a restart would forget what was spent',
        );
      this.#lastError = code;
    }
  }
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** The snapshot in a budget file's text, or undefined if it is not one. Never throws. */
export function parseBudgetSnapshot(text: string): BudgetSnapshot | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof raw !== 'object' || raw === null) return undefined;
  const { v, day, incident, perIncident } = raw as Record<string, unknown>;
  if (v !== 1 || !Array.isArray(day) || day.length > MAX_RECORDS || !isCount(incident)) return undefined;
  if (perIncident !== undefined && !isCount(perIncident)) return undefined;
  const records: Array<[number, number]> = [];
  for (const r of day) {
    if (!Array.isArray(r) || r.length !== 2 || !isCount(r[0]) || !isCount(r[1])) return undefined;
    records.push([r[0], r[1]]);
  }
  return { day: records, incident, ...(perIncident !== undefined ? { perIncident } : {}) };
}
