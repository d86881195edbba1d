/**
 * A device's LoRa TX queue (docs/meshtastic.md §1.8): at most MAX_TX_QUEUE = 16 packets,
 * sent highest priority first. When it is full, a new packet evicts the lowest-priority queued
 * packet if its own priority is higher (`MeshPacketQueue::replaceLowerPriorityPacket`); otherwise
 * it is refused (the phone sees QueueStatus res 32).
 *
 * Order among equal priorities: packets relayed for others before our own, then first in first
 * out. The relayed-first rule is from memory of the firmware's queue comparator [U].
 * Each entry also carries `notBefore`, the end of its contention delay (§4.3, §5.1): only entries
 * whose delay has run out compete for the next transmission.
 */
import { MAX_TX_QUEUE } from '../../src/meshtastic/constants.js';

export interface TxQueueEntry {
  /** Original sender and packet id: the key `findInTxQueue`/`cancelSending` use. */
  from: number;
  id: number;
  /** MeshPacket.Priority, already resolved (never UNSET). */
  priority: number;
  /** A packet relayed for another node, not one of ours. */
  relay: boolean;
  /** Sim time before which it is not sent. */
  notBefore: number;
}

export interface EnqueueResult<T> {
  ok: boolean;
  /** The packet that made room, when a full queue evicted one. */
  evicted?: T;
}

export class TxQueue<T extends TxQueueEntry> {
  #entries: Array<{ item: T; seq: number }> = [];
  #seq = 0;

  constructor(readonly capacity = MAX_TX_QUEUE) {}

  get length(): number {
    return this.#entries.length;
  }

  get free(): number {
    return this.capacity - this.#entries.length;
  }

  /** Negative when `a` goes before `b`. */
  static #compare<U extends TxQueueEntry>(a: { item: U; seq: number }, b: { item: U; seq: number }): number {
    if (a.item.priority !== b.item.priority) return b.item.priority - a.item.priority;
    if (a.item.relay !== b.item.relay) return a.item.relay ? -1 : 1;
    return a.seq - b.seq;
  }

  /** Adds `item`, evicting the lowest-priority packet of a full queue if `item` outranks it. */
  enqueue(item: T): EnqueueResult<T> {
    const entry = { item, seq: this.#seq++ };
    if (this.#entries.length >= this.capacity) {
      let worst = 0;
      for (let i = 1; i < this.#entries.length; i++) {
        const e = this.#entries[i];
        const w = this.#entries[worst];
        if (e !== undefined && w !== undefined && TxQueue.#compare(e, w) > 0) worst = i;
      }
      const victim = this.#entries[worst];
      if (victim === undefined || item.priority <= victim.item.priority) return { ok: false };
      this.#entries.splice(worst, 1);
      this.#entries.push(entry);
      return { ok: true, evicted: victim.item };
    }
    this.#entries.push(entry);
    return { ok: true };
  }

  /** The earliest `notBefore` of any queued packet, or undefined when empty. */
  nextReadyAt(): number | undefined {
    let at: number | undefined;
    for (const e of this.#entries) if (at === undefined || e.item.notBefore < at) at = e.item.notBefore;
    return at;
  }

  /** Removes and returns the packet to send now: the best among those whose delay has run out. */
  takeReady(now: number): T | undefined {
    let best: { item: T; seq: number } | undefined;
    for (const e of this.#entries) {
      if (e.item.notBefore > now) continue;
      if (best === undefined || TxQueue.#compare(e, best) < 0) best = e;
    }
    if (best === undefined) return undefined;
    this.#entries.splice(this.#entries.indexOf(best), 1);
    return best.item;
  }

  /** The queued packet (from, id), if any (`findInTxQueue`). */
  find(from: number, id: number): T | undefined {
    return this.#entries.find((e) => e.item.from === from && e.item.id === id)?.item;
  }

  /** Removes every queued copy of (from, id) that `which` accepts; returns how many (`cancelSending`). */
  remove(from: number, id: number, which: (item: T) => boolean = () => true): number {
    const before = this.#entries.length;
    this.#entries = this.#entries.filter((e) => !(e.item.from === from && e.item.id === id && which(e.item)));
    return before - this.#entries.length;
  }

  /** Everything queued, in send order (for tests and traces). */
  items(): T[] {
    return [...this.#entries].sort(TxQueue.#compare).map((e) => e.item);
  }

  clear(): void {
    this.#entries = [];
  }
}
