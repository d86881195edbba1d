/**
 * Radio duplicates (docs/meshtastic.md §2.7, §8.6): flooding can hand the host the same
 * `(from, id)` more than once, e.g. after a firmware retransmission. A bounded set of the most
 * recent pairs, oldest forgotten first. Packet ids are unique per sender for a few minutes, so a
 * few hundred entries cover any burst a LoRa channel can carry.
 */
export class RecentPackets {
  readonly #capacity: number;
  readonly #seen = new Set<string>();

  /** `capacity`: how many pairs are remembered. Default 1024. */
  constructor(capacity = 1024) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError('capacity must be a positive integer');
    this.#capacity = capacity;
  }

  get size(): number {
    return this.#seen.size;
  }

  /** True if `(from, id)` was seen before; otherwise remembers it and returns false. */
  check(from: number, id: number): boolean {
    const key = `${from >>> 0}:${id >>> 0}`;
    if (this.#seen.has(key)) return true;
    this.#seen.add(key);
    if (this.#seen.size > this.#capacity) {
      const oldest = this.#seen.values().next().value;
      if (oldest !== undefined) this.#seen.delete(oldest);
    }
    return false;
  }
}
