/**
 * HeardHops (heard-hops.ts; docs/meshtastic.md §8.5): the hops to each sender are those of its
 * latest packet, not its nearest ever (a path that grew must be followed); to everyone, the
 * farthest sender; a count older than the fresh time says nothing; the oldest sender forgotten
 * first; nonsense ignored.
 */
import { describe, expect, it } from 'vitest';
import { HEARD_HOPS_FRESH_MS, HeardHops } from './heard-hops.js';

describe('HeardHops', () => {
  it('keeps the latest hop count per sender, and the farthest for everyone', () => {
    const h = new HeardHops();
    expect(h.hopsTo(1, 0)).toBeUndefined();
    expect(h.hopsTo(undefined, 0)).toBeUndefined();
    h.heard(1, 0, 0);
    h.heard(2, 2, 0);
    h.heard(1, 3, 0); // its path grew: a relay went off the air
    expect(h.hopsTo(1, 0)).toBe(3);
    expect(h.hopsTo(2, 0)).toBe(2);
    expect(h.hopsTo(undefined, 0)).toBe(3);
  });

  it('trusts a count for the fresh time only, for one sender and for everyone', () => {
    const h = new HeardHops(256, 1000);
    h.heard(1, 3, 0);
    h.heard(2, 1, 500);
    expect(h.hopsTo(1, 1000)).toBe(3);
    expect(h.hopsTo(undefined, 1000)).toBe(3);
    // Sender 1's count is stale: it says nothing, and the farthest is the fresh one's.
    expect(h.hopsTo(1, 1001)).toBeUndefined();
    expect(h.hopsTo(undefined, 1001)).toBe(1);
    expect(h.hopsTo(undefined, 1501)).toBeUndefined();
    // Heard again, it counts again.
    h.heard(1, 2, 1600);
    expect(h.hopsTo(1, 1700)).toBe(2);
    // The clock stepped back: a count heard "later" than now says nothing either.
    expect(h.hopsTo(1, 1599)).toBeUndefined();
    expect(new HeardHops().hopsTo(1, HEARD_HOPS_FRESH_MS)).toBeUndefined();
    expect(() => new HeardHops(1, 0)).toThrow(RangeError);
  });

  it('forgets the sender heard longest ago first, and ignores hop counts that are not counts', () => {
    const h = new HeardHops(2);
    h.heard(1, 1, 0);
    h.heard(2, 1, 0);
    h.heard(1, 2, 0); // heard again: now the most recent
    h.heard(3, 0, 0);
    expect([h.hopsTo(1, 0), h.hopsTo(2, 0), h.hopsTo(3, 0)]).toEqual([2, undefined, 0]);
    h.heard(3, -1, 0);
    h.heard(3, 1.5, 0);
    expect(h.hopsTo(3, 0)).toBe(0);
    expect(() => new HeardHops(0)).toThrow(RangeError);
  });
});
