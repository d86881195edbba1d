/**
 * How long to wait before trying again (docs/ui.md §Live updates): doubling from `initialMs` up
 * to `maxMs`, each wait shortened by a random share of up to `jitter`, so that thirty phones that
 * lost the kit together do not all knock at the same instant when it comes back.
 */
export interface BackoffOptions {
  /** The first wait, ms. Default 500. */
  initialMs?: number;
  /** The longest wait, ms. Default 30,000. */
  maxMs?: number;
  /** The share of a wait that may be taken off at random, 0–1. Default 0.5. */
  jitter?: number;
  /** Default Math.random. */
  random?: () => number;
}

/** The wait before try number `attempt` (0 for the first retry). */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const { initialMs = 500, maxMs = 30_000, jitter = 0.5, random = Math.random } = options;
  const base = Math.min(maxMs, initialMs * 2 ** Math.min(Math.max(0, attempt), 30));
  return Math.round(base * (1 - jitter * random()));
}
