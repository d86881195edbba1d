/**
 * The firmware's PacketHistory (docs/meshtastic.md §2.7, §5.1, §5.2): the (from, id) pairs a node
 * has recently sent or heard, so that it relays and delivers each packet once. It is bounded and
 * entries expire, so "suppresses most duplicates, but not all" (§2.7): a copy heard after its
 * entry was pushed out by newer traffic, or after it expired, or after a reboot, is new again.
 *
 * Since 2.6 a record also keeps what next-hop routing needs (§5.2, `PacketRecord` of v2.6.11):
 * the `next_hop` the packet carried when it was first seen, and the last three `relay_node` bytes
 * it was heard (or sent) with, newest first. From these the NextHopRouter tells whether a relayer
 * also relayed the original (`wasRelayer`), whether a flooded copy of a packet first seen directed
 * elsewhere is a fallback to flooding, and whether we were the packet's chosen next hop. The
 * quirks are kept: an empty relayer slot holds 0, so a copy relayed by pre-2.6 firmware (relay
 * byte 0) "matches" a record with a free slot in the fallback check, as in the firmware.
 *
 * The bound and the expiry are simulation choices [U]: the firmware sizes the table from its node
 * limit and forgets a record 10 minutes after it was last heard (`FLOOD_EXPIRE_TIME`); the
 * defaults here (200 entries, 10 minutes) are of that order.
 */
import type { Clock } from '../../../node/src/link/clock.js';
import { lastByte } from './air-packet.js';

export interface PacketHistoryOptions {
  clock: Clock;
  /** The device's own node number: our own packets are never a fallback. Defaults to 0 (none). */
  self?: number;
  /** Most pairs remembered; the oldest is forgotten first. Defaults to 200. */
  capacity?: number;
  /** A pair not heard again for this long is forgotten, ms. Defaults to 600 000 (10 min). */
  expireMs?: number;
}

/** `NUM_RELAYERS` of v2.6.11: relayers remembered per packet. */
export const NUM_RELAYERS = 3;

/** The two next-hop header bytes of a copy (§5.2); both 0 for a copy from pre-2.6 firmware. */
export interface HopBytes {
  nextHop: number;
  relayNode: number;
}

/** What `observe` learnt about a copy, as `wasSeenRecently`'s out-parameters report it. */
export interface Observation {
  /** Heard or sent within the expiry: a duplicate. */
  seen: boolean;
  /**
   * A duplicate that is a fallback to flooding: first seen directed to a next hop other than us,
   * now without one, from a relayer that relayed it before, and neither we nor that next hop
   * relayed it.
   */
  wasFallback: boolean;
  /** A duplicate of a packet first seen with us as its next hop. */
  weWereNextHop: boolean;
}

interface PacketRecord {
  at: number;
  /** The next_hop byte of the first copy seen. */
  nextHop: number;
  /** Relay bytes, newest first; 0 is an empty slot. */
  relayedBy: number[];
}

export class PacketHistory {
  readonly #clock: Clock;
  readonly #self: number;
  readonly #capacity: number;
  readonly #expireMs: number;
  /** key → record; Map order is oldest first because every update re-inserts. */
  #records = new Map<string, PacketRecord>();

  constructor(opts: PacketHistoryOptions) {
    this.#clock = opts.clock;
    this.#self = opts.self ?? 0;
    this.#capacity = opts.capacity ?? 200;
    this.#expireMs = opts.expireMs ?? 600_000;
    if (!(this.#capacity >= 1)) throw new RangeError(`capacity must be at least 1, not ${this.#capacity}`);
  }

  /**
   * True if (from, id) was sent or heard within the expiry. Either way it is recorded as heard
   * now, as the firmware's `wasSeenRecently(p, withUpdate = true)` does, with no relayer.
   */
  wasSeenRecently(from: number, id: number): boolean {
    return this.observe(from, id, { nextHop: 0, relayNode: 0 }).seen;
  }

  /**
   * `wasSeenRecently(p, true, &wasFallback, &weWereNextHop)` of v2.6.11: whether (from, id) is a
   * duplicate, and what its record says about this copy; then records the copy (its relay byte
   * goes first in the relayer list, the first-seen next_hop is kept).
   */
  observe(from: number, id: number, copy: HopBytes): Observation {
    const key = `${from >>> 0}:${id >>> 0}`;
    const now = this.#clock.now();
    let found = this.#records.get(key);
    if (found !== undefined && now - found.at >= this.#expireMs) {
      this.#records.delete(key);
      found = undefined;
    }
    const result: Observation = { seen: found !== undefined, wasFallback: false, weWereNextHop: false };
    const ours = lastByte(this.#self);
    if (found !== undefined) {
      result.wasFallback =
        from !== this.#self &&
        found.nextHop !== 0 &&
        found.nextHop !== ours &&
        copy.nextHop === 0 &&
        found.relayedBy.includes(copy.relayNode) &&
        !found.relayedBy.includes(ours) &&
        !found.relayedBy.includes(found.nextHop);
      result.weWereNextHop = found.nextHop === ours;
    }
    // The firmware shifts the old relayers down one slot, copying only the non-empty ones.
    const relayedBy = [copy.relayNode & 0xff, ...Array<number>(NUM_RELAYERS - 1).fill(0)];
    if (found !== undefined) {
      for (let i = 0; i < NUM_RELAYERS - 1; i++) {
        const r = found.relayedBy[i] ?? 0;
        if (r !== 0) relayedBy[i + 1] = r;
      }
    }
    this.#records.delete(key);
    this.#records.set(key, { at: now, nextHop: found?.nextHop ?? copy.nextHop & 0xff, relayedBy });
    while (this.#records.size > this.#capacity) {
      const oldest = this.#records.keys().next().value;
      if (oldest === undefined) break;
      this.#records.delete(oldest);
    }
    return result;
  }

  /**
   * `wasRelayer(relayer, id, sender)`: whether the record of (sender, id) lists `relayer`; never
   * for relayer 0, nor for a packet not in the history.
   */
  wasRelayer(relayer: number, sender: number, id: number): boolean {
    if (relayer === 0) return false;
    const r = this.#records.get(`${sender >>> 0}:${id >>> 0}`);
    return r?.relayedBy.includes(relayer & 0xff) === true;
  }

  get size(): number {
    return this.#records.size;
  }

  /** A reboot: the history is in RAM. */
  clear(): void {
    this.#records.clear();
  }
}
