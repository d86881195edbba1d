/**
 * How long the SBD link waits after a failed session (docs/iridium.md §7.2, §1.6): exponential
 * backoff with jitter, 30 s → 60 → 120 → … capped at 10 min, and never less than what the MO
 * status itself demands (36: "must wait 3 minutes since last registration"; 38 a long pause).
 * RockBLOCK's own advice is to wait a minute because "the satellite locations will not have changed
 * much"; the jitter keeps kits that lost the sky together from retrying in step.
 */

export interface SbdBackoffOptions {
  /** First wait after a failure, ms. Default 30,000 (§7.2). */
  initialMs?: number;
  /** Longest wait, ms. Default 600,000 (10 min, §7.2). */
  maxMs?: number;
  /** Fraction of the wait drawn at random either way, 0..1. Default 0.2. */
  jitter?: number;
}

export const DEFAULT_SBD_BACKOFF: Required<SbdBackoffOptions> = {
  initialMs: 30_000,
  maxMs: 600_000,
  jitter: 0.2,
};

/**
 * The wait after the `failures`-th consecutive failed session (1 for the first), at least
 * `minMs` (the MO status's own minimum). `random` returns [0, 1).
 */
export function sbdBackoffMs(
  failures: number,
  minMs: number,
  options: SbdBackoffOptions = {},
  random: () => number = Math.random,
): number {
  if (!Number.isInteger(failures) || failures < 1)
    throw new RangeError(`failures must be ≥ 1, got ${failures}`);
  const o = { ...DEFAULT_SBD_BACKOFF, ...options };
  const base = Math.min(o.maxMs, o.initialMs * 2 ** Math.min(failures - 1, 30));
  const jittered = base * (1 + o.jitter * (2 * random() - 1));
  return Math.round(Math.max(minMs, Math.min(o.maxMs, jittered)));
}
