/**
 * How far each sender was when the radio last heard it (docs/meshtastic.md §8.5; docs/store-and-
 * forward.md §Airtime on the mesh): `hop_start - hop_limit` of its latest packet, the relays it
 * passed. A frame for that sender alone (SendOptions.reach 'heard') is sent with that many hops
 * and no more, so the radios beyond it do not relay it across the rest of the mesh.
 *
 * The latest packet, not the nearest ever: a path that grew (a relay off the air) must be
 * followed, and what is answered with a reach is an answer to a frame just heard. A count older
 * than `freshMs` says nothing: in a flood the relays' batteries die and hills lose their
 * neighbours, and a frame sent short on an hour-old count would be lost where the usual hop limit
 * reaches. A bounded map, oldest sender forgotten first.
 */

/** How long a hop count is trusted. The radios keep their own packet history as long (§2.7). */
export const HEARD_HOPS_FRESH_MS = 600_000;

export class HeardHops {
  readonly #capacity: number;
  readonly #freshMs: number;
  readonly #hops = new Map<number, { hops: number; at: number }>();

  /** `capacity`: how many senders are remembered (default 256); `freshMs`: how long a count holds. */
  constructor(capacity = 256, freshMs = HEARD_HOPS_FRESH_MS) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError('capacity must be a positive integer');
    if (!(freshMs > 0)) throw new RangeError('freshMs must be positive');
    this.#capacity = capacity;
    this.#freshMs = freshMs;
  }

  /** Notes that `from`'s latest packet, heard at `at` (ms), reached us through `hopsAway` relays. */
  heard(from: number, hopsAway: number, at: number): void {
    if (!Number.isInteger(hopsAway) || hopsAway < 0) return;
    this.#hops.delete(from);
    this.#hops.set(from, { hops: hopsAway, at });
    if (this.#hops.size > this.#capacity) {
      const oldest = this.#hops.keys().next().value;
      if (oldest !== undefined) this.#hops.delete(oldest);
    }
  }

  /**
   * Hops to `to` as heard within the fresh time before `now`; for everyone (undefined), the
   * farthest sender heard so. Undefined if none is known.
   */
  hopsTo(to: number | undefined, now: number): number | undefined {
    // A count from the future (the clock stepped back) is as unknown as an old one.
    const fresh = (e: { hops: number; at: number } | undefined) =>
      e !== undefined && now >= e.at && now - e.at <= this.#freshMs ? e.hops : undefined;
    if (to !== undefined) return fresh(this.#hops.get(to));
    let farthest: number | undefined;
    for (const e of this.#hops.values()) {
      const h = fresh(e);
      if (h !== undefined && (farthest === undefined || h > farthest)) farthest = h;
    }
    return farthest;
  }
}
