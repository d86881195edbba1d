/**
 * What `fieldnode status` shows of a satellite link beyond its state and counters
 * (docs/operating.md §Status; docs/store-and-forward.md §Satellite): its credit budget and the last
 * session it ran.
 *
 * - The budget is the core's (billing-budget.ts), made by the composition root for each Iridium SBD
 *   link and kept in `<data_dir>/sbd-budget-<id>.json` across restarts (budget-file.ts): credits in
 *   the rolling 24 hours and in the current incident, against `budget.per_day` and
 *   `budget.per_incident` (or the limit a new incident set), what is left, and when the rolling day
 *   next frees credits.
 * - The last session comes from the SBD link's `session` events (satellite/src/sbd/sbd-link-types.ts).
 *   A link that could not be built yet (pending-link.ts) has none until it is: each state change of
 *   a link looks again for the link built, and that comes before its first session (a link starts
 *   before it runs one). The MO status in words is the satellite adapter's table, loaded with it.
 */
import type { SbdSessionRecord } from '../../../satellite/src/sbd/sbd-link-types.js';
import type { SatelliteStatus } from '../app-contract.js';
import type { LinkConfig } from '../config/schema.js';
import type { BillingBudget } from '../core/billing-budget.js';
import type { CoreLink } from '../core/core-types.js';
import type { Link } from '../link/link.js';

type LastSession = NonNullable<SatelliteStatus['lastSession']>;

interface SessionSource {
  sbdEvents: { on(event: 'session', listener: (record: SbdSessionRecord) => void): unknown };
}

interface Budgeted {
  budget: BillingBudget;
  perDay?: number;
  perIncident?: number;
}

export class SatelliteWatch {
  readonly #budgets = new Map<string, Budgeted>();
  readonly #sessions = new Map<string, { record: SbdSessionRecord }>();
  readonly #watched = new WeakSet<object>();
  #moStatusText: ((status: number) => string) | undefined;

  /**
   * @param links the core's links, with their sharing options (the budget).
   * @param configs the configured links, for the budget limits.
   */
  constructor(links: readonly CoreLink[], configs: readonly LinkConfig[]) {
    for (const { link, sharing } of links) {
      const config = configs.find((c) => c.id === link.id);
      if (sharing?.budget !== undefined)
        this.#budgets.set(link.id, {
          budget: sharing.budget,
          ...(config?.type === 'iridium-sbd' ? config.budget : {}),
        });
      this.#watch(link);
      link.on('state', () => this.#watch(link));
    }
  }

  /** `{ satellite }` for a satellite link, `{}` for any other: spread into its LinkStatus. */
  fields(linkId: string, now: number): { satellite?: SatelliteStatus } {
    const budgeted = this.#budgets.get(linkId);
    const session = this.#sessions.get(linkId);
    if (budgeted === undefined && session === undefined) return {};
    return {
      satellite: {
        ...(budgeted === undefined ? {} : { budget: budgetStatus(budgeted, now) }),
        ...(session === undefined ? {} : { lastSession: this.#lastSession(session.record) }),
      },
    };
  }

  /** Listens to the sessions of the link, or of the link it stands in for once built. */
  #watch(link: Link): void {
    const inner = (link as { built?: Link }).built ?? link;
    const source = inner as Partial<SessionSource>;
    if (this.#watched.has(inner) || typeof source.sbdEvents?.on !== 'function') return;
    this.#watched.add(inner);
    source.sbdEvents.on('session', (record) => this.#sessions.set(link.id, { record }));
    // The satellite adapter is loaded already: the link is one of its.
    void import('../../../satellite/src/modem/mo-status.js').then(
      (m) => {
        this.#moStatusText = m.moStatusText;
      },
      () => {},
    );
  }

  #lastSession(r: SbdSessionRecord): LastSession {
    const text = r.moStatus === undefined ? undefined : this.#moStatusText?.(r.moStatus);
    const detail =
      r.error ??
      (r.outcome !== 'ok' && r.moStatus !== undefined
        ? `MO status ${r.moStatus}${text === undefined ? '' : `: ${text}`}`
        : undefined);
    return {
      at: r.at,
      reason: r.reason,
      outcome: r.outcome,
      credits: r.credits,
      ...(r.moStatus === undefined ? {} : { moStatus: r.moStatus }),
      ...(detail === undefined ? {} : { detail }),
    };
  }
}

function budgetStatus(b: Budgeted, now: number): NonNullable<SatelliteStatus['budget']> {
  // A new incident may have set its own limit; the snapshot keeps it, as the budget file does.
  const perIncident = b.budget.snapshot().perIncident ?? b.perIncident;
  const left = b.budget.remaining(now);
  const next = b.budget.nextRelease();
  return {
    usedDay: b.budget.usedToday(now),
    ...(b.perDay === undefined ? {} : { perDay: b.perDay }),
    usedIncident: b.budget.usedInIncident(),
    ...(perIncident === undefined ? {} : { perIncident }),
    ...(Number.isFinite(left) ? { left } : {}),
    ...(next === undefined ? {} : { nextReleaseAt: next }),
  };
}
