/**
 * How far each sender was when the radio last heard it (docs/meshtastic.md §8.5; docs/store-and-
 * forward.md §Airtime on the mesh): `hop_start - hop_limit` of its latest packet, the relays it
 * passed. A frame for that sender alone (SendOptions.reach 'heard') is sent with that many hops
 * and no more, so the radios beyond it do not relay it across the rest of the mesh.
 *
 * The latest packet, not the nearest ever: a path that grew (a relay off the air) must be
 * followed, and what is answered with a reach is an answer to a frame just heard. A bounded map,
 * oldest sender forgotten first.
 */
export class HeardHops {
  readonly #capacity: number;
  readonly #hops = new Map<number, number>();

  /** `capacity`: how many senders are remembered. Default 256. */
  constructor(capacity = 256) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError('capacity must be a positive integer');
    this.#capacity = capacity;
  }

  /** Notes that `from`'s latest packet reached us through `hopsAway` relays. */
  heard(from: number, hopsAway: number): void {
    if (!Number.isInteger(hopsAway) || hopsAway < 0) return;
    this.#hops.delete(from);
    this.#hops.set(from, hopsAway);
    if (this.#hops.size > this.#capacity) {
      const oldest = this.#hops.keys().next().value;
      if (oldest !== undefined) this.#hops.delete(oldest);
    }
  }

  /** Hops to `to`; for everyone (undefined), the farthest sender remembered. Undefined if unknown. */
  hopsTo(to: number | undefined): number | undefined {
    if (to !== undefined) return this.#hops.get(to);
    return this.#hops.size === 0 ? undefined : Math.max(...this.#hops.values());
  }
}
