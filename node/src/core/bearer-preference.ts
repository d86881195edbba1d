/**
 * Which of two links of one cost class a message prefers (docs/store-and-forward.md §Routing), from
 * what the links declare (docs/links.md §Capabilities): two satellite bearers, say an Iridium modem
 * billed per 50 bytes and a BeiDou card with a minimum interval between sends and no bill. Life
 * safety and reports (P0, P1) take the bearer whose confirmation comes back soonest; routine and bulk
 * traffic (P2, P3) the one that costs no money, then the soonest. Configuration decides first: a
 * route may carry only some priorities, and a lower route cost wins; this breaks what is left.
 */
import type { LinkCapabilities } from '../link/link.js';
import type { Priority } from '../wire/envelope.js';

/** A sort key: lower is preferred. */
export function bearerPreference(c: LinkCapabilities, priority: Priority): number[] {
  const soonest = [c.confirmationWaitMs, c.minSendIntervalMs];
  if (priority <= 1) return soonest;
  return [c.billing === undefined ? 0 : 1, ...soonest];
}

/** Compares two sort keys of {@link bearerPreference}. */
export function comparePreference(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
