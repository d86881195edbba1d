/**
 * The messages the BeiDou link holds until the card may send (docs/beidou.md §The link's
 * scheduler): the most urgent first, then in the order given. A message refused for the card's
 * interval goes back to its place; one whose send was aborted before it went is taken out and
 * given back untouched (the link contract's TakesBack).
 */
import type { SendOutcome } from '../../../node/src/link/link.js';

export interface QueuedSend {
  /** The card address it goes to. */
  dest: string;
  bytes: Uint8Array;
  priority: 0 | 1 | 2 | 3;
  /** Order of arrival, for ties. */
  seq: number;
  /** When it was queued, on the link's clock. */
  queuedAt: number;
  /** Settles the send() that queued it, once; `verdict` is the module's answer's kind, if any. */
  settle(outcome: SendOutcome, verdict?: string): void;
}

export class SendQueue {
  #items: QueuedSend[] = [];
  #seq = 0;

  get size(): number {
    return this.#items.length;
  }

  /** Queues a send; returns it (with its sequence number). */
  add(item: Omit<QueuedSend, 'seq'>): QueuedSend {
    const queued = { ...item, seq: this.#seq++ };
    this.#items.push(queued);
    return queued;
  }

  /** The next to send (most urgent, then oldest), left in the queue. */
  peek(): QueuedSend | undefined {
    let best: QueuedSend | undefined;
    for (const i of this.#items) {
      if (
        best === undefined ||
        i.priority < best.priority ||
        (i.priority === best.priority && i.seq < best.seq)
      )
        best = i;
    }
    return best;
  }

  /** Whether any queued item matches. */
  some(test: (item: QueuedSend) => boolean): boolean {
    return this.#items.some(test);
  }

  /** Takes `item` out; false when it was not queued (already sending or settled). */
  remove(item: QueuedSend): boolean {
    const at = this.#items.indexOf(item);
    if (at < 0) return false;
    this.#items.splice(at, 1);
    return true;
  }

  /** Puts an item that was taken out back (its place is kept by its sequence number). */
  putBack(item: QueuedSend): void {
    if (!this.#items.includes(item)) this.#items.push(item);
  }

  /** Settles and removes everything queued with `outcome`. */
  drain(outcome: SendOutcome): void {
    const items = this.#items;
    this.#items = [];
    for (const i of items) i.settle(outcome);
  }
}
