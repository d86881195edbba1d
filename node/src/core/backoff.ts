/**
 * Retry delays: exponential backoff with jitter, per link and message (docs/store-and-forward.md;
 * every link and every message backs off on its own). Jitter keeps kits that lost the same gateway from
 * retrying in step and colliding on the shared LoRa channel.
 */
export interface BackoffOptions {
  /** First delay, ms. */
  initialMs: number;
  /** Largest delay, ms. */
  maxMs: number;
  /** Fraction of the delay drawn at random either way, 0..1. */
  jitter: number;
}

/** Delay before attempt `attempt + 1` (attempt counts from 0); `random` returns [0, 1). */
export function backoffMs(attempt: number, opts: BackoffOptions, random: () => number = Math.random): number {
  const base = Math.min(opts.maxMs, opts.initialMs * 2 ** Math.min(attempt, 30));
  const spread = base * opts.jitter * (2 * random() - 1);
  return Math.max(1, Math.round(base + spread));
}
