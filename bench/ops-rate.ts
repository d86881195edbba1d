/** How many times a second operations run, measured by running them (the benchmarks' timer). */
import { performance } from 'node:perf_hooks';

/** Samples taken of each operation; its rate is the best of them. */
const SAMPLES = 5;

/** Runs `op` for about `ms` milliseconds; returns runs per second. */
function sample(op: () => void, ms: number): number {
  let n = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    for (let i = 0; i < 20; i++) op();
    n += 20;
    elapsed = performance.now() - start;
  }
  return (n * 1000) / elapsed;
}

/**
 * Runs each of `ops` for about `ms` milliseconds in all, after a warm-up for the JIT (2000 runs,
 * or a quarter of `ms` for a slow operation); returns runs per second of each. The time is cut
 * into five samples per operation, taken in turn (a sample of each, then again), and the fastest
 * sample counts: on a machine shared with other work the fastest is the least disturbed, and
 * operations sampled in turn meet the same disturbance, so their figures compare.
 */
export function rates(ops: ReadonlyArray<() => void>, ms = 1000): number[] {
  for (const op of ops) {
    const warmUntil = performance.now() + ms / 4;
    for (let i = 0; i < 2000 && performance.now() < warmUntil; i++) op();
  }
  const best = ops.map(() => 0);
  for (let s = 0; s < SAMPLES; s++) {
    ops.forEach((op, i) => {
      best[i] = Math.max(best[i] as number, sample(op, ms / SAMPLES));
    });
  }
  return best;
}
