/**
 * The ReliableRouter's pending packets (docs/meshtastic.md §2.5 "Retransmission schedule"):
 * a packet we originate with want_ack is sent NUM_RELIABLE_RETX = 3 times in total. The record is
 * made when the packet is first handed to the radio; every interval (§2.5, recomputed each time
 * from the channel utilisation) it is sent again, and one interval after the last transmission
 * the firmware gives up with NAK MAX_RETRANSMIT. Any ACK, NAK or reply for it ends the record.
 */

import type { Clock, Timer } from '../../../node/src/link/clock.js';
import { NUM_RELIABLE_RETX } from './lora-timing.js';

export interface RetransmissionOptions<T> {
  clock: Clock;
  /** The interval to wait now for a packet of `phyBytes` PHY bytes (without PKI), ms. */
  intervalMs: (phyBytes: number) => number;
  /** Send it again (a transmission, not a new record). */
  retransmit: (item: T) => void;
  /** No ACK after the last transmission's interval: NAK MAX_RETRANSMIT. */
  giveUp: (item: T) => void;
}

interface Pending<T> {
  item: T;
  phyBytes: number;
  /** Transmissions still to make after the first. */
  left: number;
  timer: Timer;
}

export class Retransmissions<T> {
  readonly #opts: RetransmissionOptions<T>;
  readonly #pending = new Map<number, Pending<T>>();

  constructor(opts: RetransmissionOptions<T>) {
    this.#opts = opts;
  }

  /** Starts tracking our packet `id`; its first transmission is being queued now. */
  start(id: number, item: T, phyBytes: number): void {
    this.stop(id);
    const p: Pending<T> = { item, phyBytes, left: NUM_RELIABLE_RETX - 1, timer: { cancel: () => {} } };
    this.#pending.set(id, p);
    this.#arm(id, p);
  }

  #arm(id: number, p: Pending<T>): void {
    p.timer = this.#opts.clock.after(this.#opts.intervalMs(p.phyBytes), () => this.#due(id, p));
  }

  #due(id: number, p: Pending<T>): void {
    if (this.#pending.get(id) !== p) return;
    if (p.left === 0) {
      this.#pending.delete(id);
      this.#opts.giveUp(p.item);
      return;
    }
    p.left--;
    this.#arm(id, p);
    this.#opts.retransmit(p.item);
  }

  has(id: number): boolean {
    return this.#pending.has(id);
  }

  /** The packet pending under `id`, if any. */
  get(id: number): T | undefined {
    return this.#pending.get(id)?.item;
  }

  /** Ends tracking of `id`; true if it was pending. */
  stop(id: number): boolean {
    const p = this.#pending.get(id);
    if (p === undefined) return false;
    p.timer.cancel();
    this.#pending.delete(id);
    return true;
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
