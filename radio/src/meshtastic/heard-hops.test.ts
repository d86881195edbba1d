/**
 * HeardHops (heard-hops.ts; docs/meshtastic.md §8.5): the hops to each sender are those of its
 * latest packet, not its nearest ever (a path that grew must be followed); to everyone, the
 * farthest sender; the oldest sender forgotten first; nonsense ignored.
 */
import { describe, expect, it } from 'vitest';
import { HeardHops } from './heard-hops.js';

describe('HeardHops', () => {
  it('keeps the latest hop count per sender, and the farthest for everyone', () => {
    const h = new HeardHops();
    expect(h.hopsTo(1)).toBeUndefined();
    expect(h.hopsTo(undefined)).toBeUndefined();
    h.heard(1, 0);
    h.heard(2, 2);
    h.heard(1, 3); // its path grew: a relay went off the air
    expect(h.hopsTo(1)).toBe(3);
    expect(h.hopsTo(2)).toBe(2);
    expect(h.hopsTo(undefined)).toBe(3);
  });

  it('forgets the sender heard longest ago first, and ignores hop counts that are not counts', () => {
    const h = new HeardHops(2);
    h.heard(1, 1);
    h.heard(2, 1);
    h.heard(1, 2); // heard again: now the most recent
    h.heard(3, 0);
    expect([h.hopsTo(1), h.hopsTo(2), h.hopsTo(3)]).toEqual([2, undefined, 0]);
    h.heard(3, -1);
    h.heard(3, 1.5);
    expect(h.hopsTo(3)).toBe(0);
    expect(() => new HeardHops(0)).toThrow(RangeError);
  });
});
