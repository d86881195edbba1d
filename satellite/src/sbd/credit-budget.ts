/**
 * The RockBLOCK credit budget of one modem (protocols/iridium.md §2.4; issue 5 item 3): credits
 * spent in a rolling day and in the current incident, each against an optional limit, with an
 * alarm when use crosses a threshold (default 80 % and 100 %) and cleared when it falls back.
 *
 * What the limit means (DESIGN.md Messages, priorities): P0 is life safety (warnings, SOS, 叫应
 * answers), so by default a P0 session still goes when a budget is used up; P1–P3 are refused with
 * SBD_BUDGET and retry 'later' (the store keeps them; they go when the rolling day frees credits or
 * a new incident budget is set). Mailbox checks that answer a ring alert or serve an active warning
 * count as P0: what waits may be a warning.
 *
 * Pure bookkeeping on the injected clock's milliseconds; it owns no timers. What it has counted
 * survives a restart when it is given a ledger (budget-file.ts): a kit on solar power reboots, and
 * its day's spending must not start again from zero each time.
 */

export interface CreditBudgetOptions {
  /** Credits allowed in any 24 h (rolling). Default: no limit. */
  perDay?: number;
  /** Credits allowed since the current incident began ({@link CreditBudget.startIncident}). Default: no limit. */
  perIncident?: number;
  /** Fractions of a limit at which an alarm is raised, ascending; 1 means used up. Default [0.8, 1]. */
  thresholds?: readonly number[];
  /** Whether P0 sessions go when a budget is used up. Default true. */
  p0OverBudget?: boolean;
  /** Where the counts are kept across restarts: read once here, written at every change. */
  ledger?: BudgetLedger;
}

/** What a budget has counted, as kept across restarts. */
export interface BudgetSnapshot {
  /** Spending in the last 24 h, oldest first: [clock ms, credits]. */
  day: Array<[number, number]>;
  /** Credits spent in the current incident. */
  incident: number;
  /** The current incident's limit, when one was set with {@link CreditBudget.startIncident}. */
  perIncident?: number;
}

export interface BudgetLedger {
  /** The counts kept, or undefined when there are none (or they cannot be read). */
  load(): BudgetSnapshot | undefined;
  /** Keeps the counts; never throws (a budget that cannot be written still counts in memory). */
  save(snapshot: BudgetSnapshot): void;
}

export type BudgetScope = 'day' | 'incident';

/** A threshold crossing: `raised` when use went up past it, else it was cleared. */
export interface BudgetCrossing {
  scope: BudgetScope;
  threshold: number;
  raised: boolean;
  used: number;
  limit: number;
}

const DAY_MS = 24 * 3600 * 1000;

export class CreditBudget {
  readonly #perDay: number | undefined;
  #perIncident: number | undefined;
  readonly #thresholds: readonly number[];
  readonly p0OverBudget: boolean;
  readonly #ledger: BudgetLedger | undefined;
  /** The limit startIncident() set, which outlives a restart (the configured one may change). */
  #incidentLimit: number | undefined;
  /** Spending in the last 24 h, oldest first: [clock ms, credits]. */
  #day: Array<[number, number]> = [];
  #incident = 0;
  /** Thresholds currently crossed, per scope. */
  readonly #crossed: Record<BudgetScope, Set<number>> = { day: new Set(), incident: new Set() };

  constructor(options: CreditBudgetOptions = {}) {
    for (const [name, v] of [
      ['perDay', options.perDay],
      ['perIncident', options.perIncident],
    ] as const) {
      if (v !== undefined && !(Number.isInteger(v) && v >= 0))
        throw new RangeError(`${name} must be a non-negative integer, got ${v}`);
    }
    const thresholds = [...(options.thresholds ?? [0.8, 1])].sort((a, b) => a - b);
    if (thresholds.some((t) => !(t > 0 && t <= 1)))
      throw new RangeError(`thresholds must be in (0, 1], got ${thresholds.join(', ')}`);
    this.#perDay = options.perDay;
    this.#perIncident = options.perIncident;
    this.#thresholds = thresholds;
    this.p0OverBudget = options.p0OverBudget ?? true;
    this.#ledger = options.ledger;
    const kept = options.ledger?.load();
    if (kept) {
      this.#day = [...kept.day].sort((a, b) => a[0] - b[0]);
      this.#incident = kept.incident;
      if (kept.perIncident !== undefined) this.#perIncident = this.#incidentLimit = kept.perIncident;
    }
  }

  /** What is counted now (for a ledger). */
  snapshot(): BudgetSnapshot {
    return {
      day: this.#day.map(([at, credits]) => [at, credits]),
      incident: this.#incident,
      ...(this.#incidentLimit !== undefined ? { perIncident: this.#incidentLimit } : {}),
    };
  }

  /** Credits spent in the 24 h before `now`. */
  usedToday(now: number): number {
    this.#expire(now);
    return this.#day.reduce((sum, [, c]) => sum + c, 0);
  }

  usedInIncident(): number {
    return this.#incident;
  }

  /** Credits that may still be spent on P1–P3 now: the smaller of what both limits leave. */
  remaining(now: number): number {
    let left = Number.POSITIVE_INFINITY;
    if (this.#perDay !== undefined) left = Math.min(left, this.#perDay - this.usedToday(now));
    if (this.#perIncident !== undefined) left = Math.min(left, this.#perIncident - this.#incident);
    return Math.max(0, left);
  }

  /** Whether a session costing `credits` may go at `priority`. */
  allows(credits: number, priority: 0 | 1 | 2 | 3, now: number): boolean {
    if (priority === 0 && this.p0OverBudget) return true;
    return credits <= this.remaining(now);
  }

  /** Records credits spent; returns the thresholds this crossed (up or, as the day rolls, down). */
  spend(credits: number, now: number): BudgetCrossing[] {
    if (credits > 0) {
      this.#day.push([now, credits]);
      this.#incident += credits;
      this.#expire(now);
      this.#ledger?.save(this.snapshot());
    }
    return this.check(now);
  }

  /** A new incident: its spending starts from zero, optionally under a new limit. */
  startIncident(now: number, limit?: number): BudgetCrossing[] {
    this.#incident = 0;
    if (limit !== undefined) this.#perIncident = this.#incidentLimit = limit;
    this.#ledger?.save(this.snapshot());
    return this.check(now);
  }

  /** The crossings since the last look (the rolling day frees credits as time passes). */
  check(now: number): BudgetCrossing[] {
    const out: BudgetCrossing[] = [];
    const scopes: Array<[BudgetScope, number | undefined, number]> = [
      ['day', this.#perDay, this.usedToday(now)],
      ['incident', this.#perIncident, this.#incident],
    ];
    for (const [scope, limit, used] of scopes) {
      const crossed = this.#crossed[scope];
      for (const threshold of this.#thresholds) {
        const over = limit !== undefined && used >= threshold * limit;
        if (over && !crossed.has(threshold)) {
          crossed.add(threshold);
          out.push({ scope, threshold, raised: true, used, limit });
        } else if (!over && crossed.has(threshold)) {
          crossed.delete(threshold);
          out.push({ scope, threshold, raised: false, used, limit: limit ?? 0 });
        }
      }
    }
    return out;
  }

  /** When the rolling day next frees credits (clock ms), if anything is counted. */
  nextRelease(): number | undefined {
    const first = this.#day[0];
    return first ? first[0] + DAY_MS : undefined;
  }

  #expire(now: number): void {
    while (this.#day.length > 0 && (this.#day[0] as [number, number])[0] <= now - DAY_MS) this.#day.shift();
  }
}
