/**
 * Batches confirmations (DESIGN.md Messages, confirmation 2; docs/store-and-forward.md
 * §Confirmations): ids waiting for an end-to-end receipt or a custody signal to the same node over
 * the same hop are sent together, one receipt covering many ids as ranges.
 *
 * Receipts wait `delayMs`; custody signals twice as long, because a relay that forwards the
 * destination's receipt for the same ids meanwhile drops them (`suppress`), and at a village's
 * message rate most would otherwise go out one id each, 80 bytes a piece.
 */
import type { Logger } from '../log-types.js';
import { parseMessageId } from '../store/records.js';
import type { SeqRange } from '../wire/kinds/receipt.js';

export type ReceiptScope = 'delivered' | 'custody';
export interface Hop {
  link: string;
  to?: string;
}

export interface PendingReceipt {
  scope: ReceiptScope;
  /** The node the receipt goes to. */
  node: number;
  /** The hop to send it over; routed like any message when absent. */
  via?: Hop;
  ids: string[];
  /** Unix ms when the first id was queued. */
  since: number;
  /** The highest priority of the messages it confirms: a P0 warning's receipt is P0 too. */
  priority: 0 | 1 | 2 | 3;
}

export interface ReceiptBatcherOptions {
  /** How long receipts wait to be batched, ms; custody signals wait twice as long. */
  delayMs: number;
  /** Queues one receipt message (the core stores and routes it). */
  send: (receipt: PendingReceipt) => Promise<void>;
  now: () => number;
  log: Logger;
}

/** Ids in one receipt at most: one LoRa frame's worth of ranges. */
export const MAX_IDS_PER_RECEIPT = 48;

export class ReceiptBatcher {
  readonly #o: ReceiptBatcherOptions;
  readonly #pending = new Map<string, PendingReceipt>();
  #timer: NodeJS.Timeout | undefined;
  #running = true;

  constructor(options: ReceiptBatcherOptions) {
    this.#o = options;
  }

  queue(scope: ReceiptScope, node: number, id: string, priority: 0 | 1 | 2 | 3, via?: Hop): void {
    const key = `${scope}:${node}:${via?.link ?? ''}:${via?.to ?? ''}`;
    const pending: PendingReceipt = this.#pending.get(key) ?? {
      scope,
      node,
      ...(via ? { via } : {}),
      ids: [],
      since: this.#o.now(),
      priority,
    };
    if (!pending.ids.includes(id)) pending.ids.push(id);
    if (priority < pending.priority) pending.priority = priority;
    this.#pending.set(key, pending);
    if (pending.ids.length >= MAX_IDS_PER_RECEIPT) void this.flush();
    else this.#arm();
  }

  /**
   * The destination's receipt for `ranges`, passing through here on its way to `node`, says more
   * than a custody signal for the same ids: drop them from it.
   */
  suppress(node: number, ranges: readonly SeqRange[]): void {
    const covered = (id: string) => {
      const { origin, seq } = parseMessageId(id);
      return ranges.some((r) => r.origin === origin && seq >= r.from && seq <= r.to);
    };
    for (const pending of this.#pending.values()) {
      if (pending.scope === 'custody' && pending.node === node)
        pending.ids = pending.ids.filter((id) => !covered(id));
    }
  }

  /** Sends what is due (everything when `all`), and looks again later for the rest. */
  async flush(all = false): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const now = this.#o.now();
    const due = [...this.#pending.entries()].filter(
      ([, r]) =>
        all ||
        r.scope === 'delivered' ||
        r.ids.length >= MAX_IDS_PER_RECEIPT ||
        now - r.since >= 2 * this.#o.delayMs,
    );
    for (const [key] of due) this.#pending.delete(key);
    this.#arm();
    for (const [, r] of due) {
      if (r.ids.length === 0) continue;
      try {
        await this.#o.send(r);
      } catch (err) {
        this.#o.log.warn(
          { err, node: r.node },
          'could not queue a receipt; the next duplicate will ask again',
        );
      }
    }
  }

  /** Sends everything pending and stops the timer. */
  async stop(): Promise<void> {
    this.#running = false;
    await this.flush(true);
  }

  #arm(): void {
    if (this.#timer || !this.#running || this.#pending.size === 0) return;
    this.#timer = setTimeout(() => void this.flush(), this.#o.delayMs);
    this.#timer.unref();
  }
}
