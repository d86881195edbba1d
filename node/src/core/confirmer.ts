/**
 * The confirmations a node owes and how they leave it (docs/store-and-forward.md
 * §Confirmations, §Satellite): what a stored message earns from its hop (confirmations.ts), at
 * most once per receipt delay per hop, batched (receipt-batcher.ts) with the holds of satellite
 * hops and of vouched receipts, and cut into receipts that fit the link (receipt-frames.ts). The
 * core stores and routes each receipt like any message it makes.
 */
import type { MessageMeta } from '../store/records.js';
import type { SeqRange } from '../wire/kinds/receipt.js';
import { type ArrivalLink, confirmationsFor, type PrevHop } from './confirmations.js';
import type { Draft, NodeCoreOptions } from './core-types.js';
import { type Hop, type PendingReceipt, ReceiptBatcher } from './receipt-batcher.js';
import { receiptDraft, splitToFit } from './receipt-frames.js';

/** How many receipt delays a vouched receipt waits for a custody signal to ride with. */
const VOUCHED_HOLD_DELAYS = 4;
/**
 * How many receipt delays a custody signal on a shared radio channel waits for the destination's
 * word to take its place (docs/store-and-forward.md §Airtime on the mesh).
 */
export const CUSTODY_HOLD_DELAYS = 4;

export interface ConfirmerIo {
  /** Bytes of the frame this receipt would be, sent over `via`. */
  frameSize(draft: Draft<'receipt'>, via: Hop | undefined): number;
  /** Stores and routes one receipt made here. */
  submit(draft: Draft<'receipt'>, via: Hop | undefined): Promise<void>;
}

export class Confirmer {
  readonly #o: NodeCoreOptions;
  readonly #io: ConfirmerIo;
  readonly #batcher: ReceiptBatcher;
  /** When each (id, hop) was last confirmed, to answer a burst of duplicates once. */
  readonly #lastConfirmed = new Map<string, number>();

  constructor(options: NodeCoreOptions, io: ConfirmerIo) {
    this.#o = options;
    this.#io = io;
    const delayMs = options.receiptDelayMs ?? 2000;
    this.#batcher = new ReceiptBatcher({
      delayMs,
      holdMs: (r) => {
        // A link that bills per message says how long receipts over it may wait to share one.
        const hold = r.via && this.#link(r.via.link)?.capabilities.receiptHoldMs;
        if (hold) return (options.satelliteReceiptHoldMs ?? hold)[r.priority];
        // Nothing waits on a vouched receipt but the origin's receipt wait: it rides with the
        // link's next custody signal (receipt-batcher.ts), or goes alone after a few delays.
        if (r.scope === 'vouched') return VOUCHED_HOLD_DELAYS * delayMs;
        // On a radio channel custody waits as long: the destination's word, which takes its place
        // (suppress), mostly comes back within it, and then one frame crosses the mesh, not two.
        // The sender's confirmation wait is longer still (retransmit-timing.ts meshRoundTripMs).
        if (r.scope === 'custody' && r.via && this.#arrival(r.via.link).shared)
          return CUSTODY_HOLD_DELAYS * delayMs;
        return 0;
      },
      now: () => options.clock.now(),
      log: options.log,
      shared: (link) => this.#arrival(link).shared === true,
      send: (r) => this.#send(r),
    });
  }

  /**
   * Queues the confirmations a stored message earns from `prevHop`. `news`: its state changed
   * here (the destination's word came), so what it earns changed too.
   */
  confirm(meta: MessageMeta, prevHop: PrevHop, news = false): void {
    if (meta.confirmWith === 'none') return;
    // Duplicates come in bursts (mesh flooding, retransmissions, or someone replaying captured
    // frames): confirm the same id over the same hop at most once per receipt delay.
    const key = `${meta.id}@${prevHop.link}/${prevHop.from ?? ''}`;
    const now = this.#o.clock.now();
    const last = this.#lastConfirmed.get(key);
    if (!news && last !== undefined && now - last < (this.#o.receiptDelayMs ?? 2000)) return;
    this.#lastConfirmed.set(key, now);
    if (this.#lastConfirmed.size > 4096)
      this.#lastConfirmed.delete(this.#lastConfirmed.keys().next().value as string);
    for (const c of confirmationsFor(meta, prevHop, this.#arrival(prevHop.link)))
      this.#batcher.queue(c.scope, c.node, meta.id, meta.priority, c.via);
  }

  /** Drops custody owed (to `node`, or to anyone) for ids that now earn something stronger. */
  suppress(ranges: readonly SeqRange[], node?: number, at?: Required<Hop>): void {
    this.#batcher.suppress(ranges, node, at);
  }

  /** What one of this node's links is for confirmations, from what it declares. */
  #arrival(link: string): ArrivalLink {
    const capabilities = this.#link(link)?.capabilities;
    return { satellite: capabilities?.billing !== undefined, shared: capabilities?.sharedMedium === true };
  }

  #link(id: string) {
    return this.#o.links.find((l) => l.link.id === id)?.link;
  }

  /** Sends everything pending. */
  stop(): Promise<void> {
    return this.#batcher.stop();
  }

  /** One batch as one receipt, or several when one frame of the link is too small for it. */
  async #send(r: PendingReceipt): Promise<void> {
    const mtu = (r.via && this.#link(r.via.link)?.mtu) ?? Number.POSITIVE_INFINITY;
    const size = (part: PendingReceipt) => this.#io.frameSize(receiptDraft(part), part.via);
    for (const part of splitToFit(r, size, mtu)) await this.#io.submit(receiptDraft(part), part.via);
  }
}
