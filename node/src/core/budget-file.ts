/**
 * A billing budget's counts kept in a small JSON file in the data directory, one per billed link
 * (billing-budget.ts, BudgetLedger; docs/store-and-forward.md §Satellite): a kit on battery and
 * solar reboots, and without this every restart would give it a fresh day of credits. The daemon
 * keeps an Iridium SBD link's in `<data_dir>/sbd-budget-<id>.json` ({@link budgetFilePath}).
 *
 * Written whole at every change (once per billed send at most): to a temporary file,
 * synced, then renamed over the old one, so a power cut leaves the old counts or the new ones,
 * never half a file. A file that cannot be read or makes no sense is reported and ignored: the
 * budget then counts from zero, as it did before it had a file, and writes a good one at its next
 * change. A file that cannot be written is reported once per failure kind; the budget keeps
 * counting in memory.
 *
 * The budget may count on a clock that only measures differences (one that starts at zero with
 * the process); the file holds wall-clock times, converted both ways here. A wall clock
 * set back after a restart (a Pi has no real-time clock) makes spending look recent for longer:
 * the budget errs toward spending less.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../base/logger.js';
import { BillingBudget, type BudgetLedger, type BudgetSnapshot } from './billing-budget.js';

/** Where the daemon keeps the budget of the Iridium SBD link `linkId`. */
export function budgetFilePath(dataDir: string, linkId: string): string {
  return join(dataDir, `sbd-budget-${linkId}.json`);
}

/**
 * The budget of one billed link as the daemon keeps it: the configured limits, counted on the wall
 * clock, in {@link budgetFilePath} when there is a data directory (else in memory only).
 */
export function openLinkBudget(
  linkId: string,
  limits: { perDay?: number; perIncident?: number },
  dataDir: string | undefined,
  log: Logger,
): BillingBudget {
  return new BillingBudget({
    ...limits,
    ...(dataDir === undefined ? {} : { ledger: new BudgetFile(budgetFilePath(dataDir, linkId), log) }),
  });
}

/** At most this many spending records are kept (one per session: far more than a day's). */
const MAX_RECORDS = 10_000;

export class BudgetFile implements BudgetLedger {
  readonly #path: string;
  readonly #log: Logger;
  readonly #clock: { now(): number };
  readonly #wallNow: () => number;
  #lastError: string | undefined;

  /**
   * @param clock the budget's clock; default: the wall clock itself.
   * @param wallNow unix ms; tests pass their own.
   */
  constructor(path: string, log: Logger, clock?: { now(): number }, wallNow: () => number = Date.now) {
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
          'could not read the billing budget file; counting from zero',
        );
      return undefined;
    }
    const snapshot = parseBudgetSnapshot(text);
    if (!snapshot) {
      this.#log.error({ path: this.#path }, 'the billing budget file makes no sense; counting from zero');
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
        const day = byMinute(snapshot.day.map(([at, credits]) => [Math.round(at + offset), credits]));
        writeSync(fd, `${JSON.stringify({ v: 1, ...snapshot, day })}\n`);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, this.#path);
      if (this.#lastError !== undefined)
        this.#log.info({ path: this.#path }, 'billing budget file written again');
      this.#lastError = undefined;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'unknown';
      if (code !== this.#lastError)
        this.#log.error(
          { err, path: this.#path },
          'could not write the billing budget file; a restart would forget what was spent',
        );
      this.#lastError = code;
    }
  }
}

/**
 * Spending merged into one record per minute, each at its minute's end: a busy link's day stays
 * within {@link MAX_RECORDS} (at most 1,440 records), and spending counts as recent for up to a
 * minute longer, erring toward spending less.
 */
function byMinute(day: ReadonlyArray<readonly [number, number]>): Array<[number, number]> {
  const minutes = new Map<number, number>();
  for (const [wall, units] of day) {
    const end = Math.ceil(wall / 60_000) * 60_000;
    minutes.set(end, (minutes.get(end) ?? 0) + units);
  }
  return [...minutes].sort((a, b) => a[0] - b[0]);
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
