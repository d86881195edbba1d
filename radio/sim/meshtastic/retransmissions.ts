/**
 * The routers' pending retransmissions (docs/meshtastic.md §2.5 "Retransmission schedule", §5.2):
 * the firmware's one `pending` map, keyed by (sender, id).
 *
 * - A packet we originate with want_ack is sent NUM_RELIABLE_RETX = 3 times in total.
 * - Since 2.6 a direct message handed to a chosen next hop, by its originator without want_ack or
 *   by a relay, is sent NUM_INTERMEDIATE_RETX = 2 times: one retransmission (§5.2).
 *
 * The record is made when the packet is handed to the radio; every interval (§2.5, recomputed each
 * time from the channel utilisation) it is sent again, `last` telling the caller that no
 * retransmission follows (the one that falls back to flooding, §5.2), and one interval after the
 * last transmission the record gives up (NAK MAX_RETRANSMIT for our own). Any ACK, NAK or reply
 * for it, or a duplicate heard, ends the record.
 */

import type { Clock, Timer } from '../../../node/src/link/clock.js';
import { NUM_RELIABLE_RETX } from './lora-timing.js';

export interface RetransmissionOptions<T, K> {
  clock: Clock;
  /** The interval to wait now for a packet of `phyBytes` PHY bytes (without PKI), ms. */
  intervalMs: (phyBytes: number) => number;
  /** Send it again (a transmission, not a new record); `last` when no other follows. */
  retransmit: (item: T, last: boolean, key: K) => void;
  /** No ACK after the last transmission's interval. */
  giveUp: (item: T, key: K) => void;
}

interface Pending<T> {
  item: T;
  phyBytes: number;
  /** Transmissions still to make after the first. */
  left: number;
  timer: Timer;
}

/** How a record ended by `stop` stood. */
export interface Stopped<T> {
  item: T;
  /**
   * At least one retransmission was made (`numRetransmissions < NUM_RELIABLE_RETX - 1` in the
   * firmware): a copy may still be waiting in the TX queue, which `stopRetransmission` cancels.
   */
  retransmitted: boolean;
}

export class Retransmissions<T, K extends string | number = number> {
  readonly #opts: RetransmissionOptions<T, K>;
  readonly #pending = new Map<K, Pending<T>>();

  constructor(opts: RetransmissionOptions<T, K>) {
    this.#opts = opts;
  }

  /** Starts tracking `key`, replacing any record of it; its first transmission is being queued now. */
  start(key: K, item: T, phyBytes: number, total = NUM_RELIABLE_RETX): void {
    this.stop(key);
    const p: Pending<T> = { item, phyBytes, left: total - 1, timer: { cancel: () => {} } };
    this.#pending.set(key, p);
    this.#arm(key, p);
  }

  #arm(key: K, p: Pending<T>): void {
    p.timer = this.#opts.clock.after(this.#opts.intervalMs(p.phyBytes), () => this.#due(key, p));
  }

  #due(key: K, p: Pending<T>): void {
    if (this.#pending.get(key) !== p) return;
    if (p.left === 0) {
      this.#pending.delete(key);
      this.#opts.giveUp(p.item, key);
      return;
    }
    p.left--;
    this.#arm(key, p);
    this.#opts.retransmit(p.item, p.left === 0, key);
  }

  has(key: K): boolean {
    return this.#pending.has(key);
  }

  /** The packet pending under `key`, if any. */
  get(key: K): T | undefined {
    return this.#pending.get(key)?.item;
  }

  /** Ends tracking of `key`; what was pending, or undefined if nothing was. */
  stop(key: K): Stopped<T> | undefined {
    const p = this.#pending.get(key);
    if (p === undefined) return undefined;
    p.timer.cancel();
    this.#pending.delete(key);
    // The firmware compares against NUM_RELIABLE_RETX - 1 whatever the record's own count, so a
    // two-transmission record counts as retransmitted from the start.
    return { item: p.item, retransmitted: p.left < NUM_RELIABLE_RETX - 1 };
  }

  get size(): number {
    return this.#pending.size;
  }

  /** A reboot: pending retransmissions are lost with the RAM. */
  clear(): void {
    for (const p of this.#pending.values()) p.timer.cancel();
    this.#pending.clear();
  }
}
