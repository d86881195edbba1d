/**
 * The firmware's PacketHistory (docs/meshtastic.md §2.7, §5.1): the (from, id) pairs a node
 * has recently sent or heard, so that it relays and delivers each packet once. It is bounded and
 * entries expire, so "suppresses most duplicates, but not all" (§2.7): a copy heard after its
 * entry was pushed out by newer traffic, or after it expired, or after a reboot, is new again.
 *
 * The bound and the expiry are simulation choices [U]: the firmware sizes the table from its node
 * limit and expires flood records after some minutes; the defaults here (200 entries, 10 minutes)
 * are of that order.
 */
import type { Clock } from '../../../node/src/link/clock.js';

export interface PacketHistoryOptions {
  clock: Clock;
  /** Most pairs remembered; the oldest is forgotten first. Defaults to 200. */
  capacity?: number;
  /** A pair not heard again for this long is forgotten, ms. Defaults to 600 000 (10 min). */
  expireMs?: number;
}

export class PacketHistory {
  readonly #clock: Clock;
  readonly #capacity: number;
  readonly #expireMs: number;
  /** key → last heard; Map order is oldest first because a hit re-inserts. */
  #seen = new Map<string, number>();

  constructor(opts: PacketHistoryOptions) {
    this.#clock = opts.clock;
    this.#capacity = opts.capacity ?? 200;
    this.#expireMs = opts.expireMs ?? 600_000;
    if (!(this.#capacity >= 1)) throw new RangeError(`capacity must be at least 1, not ${this.#capacity}`);
  }

  /**
   * True if (from, id) was sent or heard within the expiry. Either way it is recorded as heard
   * now, as the firmware's `wasSeenRecently(p, withUpdate = true)` does.
   */
  wasSeenRecently(from: number, id: number): boolean {
    const key = `${from >>> 0}:${id >>> 0}`;
    const now = this.#clock.now();
    const at = this.#seen.get(key);
    const seen = at !== undefined && now - at < this.#expireMs;
    this.#seen.delete(key);
    this.#seen.set(key, now);
    while (this.#seen.size > this.#capacity) {
      const oldest = this.#seen.keys().next().value;
      if (oldest === undefined) break;
      this.#seen.delete(oldest);
    }
    return seen;
  }

  get size(): number {
    return this.#seen.size;
  }

  /** A reboot: the history is in RAM. */
  clear(): void {
    this.#seen.clear();
  }
}
