/** Tests for sbd-backoff.ts: §7.2's 30 s → 60 → … → 10 min with jitter, and the MO status minimum. */
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../node/src/link/seeded-random.js';
import { sbdBackoffMs } from './sbd-backoff.js';

describe('sbdBackoffMs', () => {
  it('doubles from 30 s and stops at 10 min without jitter', () => {
    const waits = [1, 2, 3, 4, 5, 6, 7, 20].map((n) => sbdBackoffMs(n, 0, { jitter: 0 }));
    expect(waits).toEqual([30_000, 60_000, 120_000, 240_000, 480_000, 600_000, 600_000, 600_000]);
  });

  it('spreads by the jitter either way, never above the cap', () => {
    const random = seededRandom(7);
    const first = Array.from({ length: 500 }, () => sbdBackoffMs(1, 0, {}, random));
    expect(Math.min(...first)).toBeGreaterThanOrEqual(24_000);
    expect(Math.max(...first)).toBeLessThanOrEqual(36_000);
    expect(new Set(first).size).toBeGreaterThan(100); // really random, not one value
    const capped = Array.from({ length: 500 }, () => sbdBackoffMs(9, 0, {}, random));
    expect(Math.max(...capped)).toBeLessThanOrEqual(600_000);
    expect(Math.min(...capped)).toBeGreaterThanOrEqual(480_000);
  });

  it('waits at least the MO status minimum: 36 means three minutes even on the first failure', () => {
    const random = seededRandom(1);
    for (let i = 0; i < 200; i++)
      expect(sbdBackoffMs(1, 180_000, {}, random)).toBeGreaterThanOrEqual(180_000);
  });

  it('refuses a failure count below one', () => {
    expect(() => sbdBackoffMs(0, 0)).toThrow(RangeError);
  });
});
