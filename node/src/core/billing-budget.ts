/**
 * The billing budget of one billed link (docs/links.md §Capabilities `billing`; docs/store-and-forward.md
 * §Satellite): units spent in a rolling day and in the current incident, each against an optional
 * limit, with an alarm when use crosses a threshold (default 80 % and 100 %) and cleared when it
 * falls back. On an Iridium link a unit is a RockBLOCK credit (docs/iridium.md §2.4).
 *
 * What the limit means: P0 is life safety (warnings, SOS, 叫应 answers), so by default a P0
 * message still goes when a budget is used up; P1–P3 wait (the store keeps them; they go when the
 * rolling day frees units or a new incident budget is set). The dispatcher of the link checks the
 * budget before each send and counts what the link took, and what the link reports it spent
 * besides (a satellite's mailbox checks and the messages it received).
 *
 * Pure bookkeeping on the caller's milliseconds; it owns no timers. What it has counted survives a
 * restart when it is given a ledger (budget-file.ts): a kit on solar power reboots, and its day's
 * spending must not start again from zero each time.
 */

export interface BillingBudgetOptions {
  /** Units allowed in any 24 h (rolling). Default: no limit. */
  perDay?: number;
  /** Units allowed since the current incident began ({@link BillingBudget.startIncident}). Default: no limit. */
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
  /** Spending in the last 24 h, oldest first: [clock ms, units]. */
  day: Array<[number, number]>;
  /** Units spent in the current incident. */
  incident: number;
  /** The current incident's limit, when one was set with {@link BillingBudget.startIncident}. */
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

export class BillingBudget {
  readonly #perDay: number | undefined;
  #perIncident: number | undefined;
  readonly #thresholds: readonly number[];
  readonly p0OverBudget: boolean;
  readonly #ledger: BudgetLedger | undefined;
  /** The limit startIncident() set, which outlives a restart (the configured one may change). */
  #incidentLimit: number | undefined;
  /** Spending in the last 24 h, oldest first: [clock ms, units]. */
  #day: Array<[number, number]> = [];
  #incident = 0;
  /** Thresholds currently crossed, per scope. */
  readonly #crossed: Record<BudgetScope, Set<number>> = { day: new Set(), incident: new Set() };

  constructor(options: BillingBudgetOptions = {}) {
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
      day: this.#day.map(([at, units]) => [at, units]),
      incident: this.#incident,
      ...(this.#incidentLimit !== undefined ? { perIncident: this.#incidentLimit } : {}),
    };
  }

  /** Units spent in the 24 h before `now`. */
  usedToday(now: number): number {
    this.#expire(now);
    return this.#day.reduce((sum, [, c]) => sum + c, 0);
  }

  usedInIncident(): number {
    return this.#incident;
  }

  /** Units that may still be spent on P1–P3 now: the smaller of what both limits leave. */
  remaining(now: number): number {
    let left = Number.POSITIVE_INFINITY;
    if (this.#perDay !== undefined) left = Math.min(left, this.#perDay - this.usedToday(now));
    if (this.#perIncident !== undefined) left = Math.min(left, this.#perIncident - this.#incident);
    return Math.max(0, left);
  }

  /** Whether a message costing `units` may go at `priority`. */
  allows(units: number, priority: 0 | 1 | 2 | 3, now: number): boolean {
    if (priority === 0 && this.p0OverBudget) return true;
    return units <= this.remaining(now);
  }

  /** Records units spent; returns the thresholds this crossed (up or, as the day rolls, down). */
  spend(units: number, now: number): BudgetCrossing[] {
    if (units > 0) {
      this.#day.push([now, units]);
      this.#incident += units;
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

  /** The crossings since the last look (the rolling day frees units as time passes). */
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

  /** When the rolling day next frees units (clock ms), if anything is counted. */
  nextRelease(): number | undefined {
    const first = this.#day[0];
    return first ? first[0] + DAY_MS : undefined;
  }

  #expire(now: number): void {
    while (this.#day.length > 0 && (this.#day[0] as [number, number])[0] <= now - DAY_MS) this.#day.shift();
  }
}

/** Alarm codes of a billing budget: a threshold below 100 % passed, or the budget used up. */
export type BudgetAlarmCode = 'BUDGET_WARNING' | 'BUDGET_EXHAUSTED';

/** A budget alarm, raised once when use crosses a threshold and cleared once when it falls back. */
export interface BudgetAlarm {
  code: BudgetAlarmCode;
  /** The billed link whose budget it is. */
  link: string;
  /** True when raised, false when cleared. */
  active: boolean;
  scope: BudgetScope;
  used: number;
  limit: number;
  detail: string;
}

/** The alarms for threshold crossings: below 100 % a warning, at 100 % exhausted. */
export function budgetAlarms(link: string, crossings: readonly BudgetCrossing[]): BudgetAlarm[] {
  return crossings.map((c) => ({
    code: c.threshold >= 1 ? 'BUDGET_EXHAUSTED' : 'BUDGET_WARNING',
    link,
    active: c.raised,
    scope: c.scope,
    used: c.used,
    limit: c.limit,
    detail: `${c.used} of ${c.limit} units used (${c.scope}, ${Math.round(c.threshold * 100)} %)`,
  }));
}
