/**
 * The confirmations a node owes and how they leave it (docs/store-and-forward.md
 * §Confirmations, §Satellite): what a stored message earns from its hop (confirmations.ts), at
 * most once per receipt delay per hop, batched (receipt-batcher.ts) with the holds of satellite
 * hops and of vouched receipts, and cut into receipts that fit the link (receipt-frames.ts). The
 * core stores and routes each receipt like any message it makes.
 */
import { relayTagsAuthenticator } from '../crypto/authenticate.js';
import type { MessageMeta } from '../store/records.js';
import { AUTH_TRAILER_BYTES } from '../wire/envelope.js';
import type { SeqRange } from '../wire/kinds/receipt.js';
import type { Authenticator } from '../wire/message.js';
import { MAX_RELAY_TAGS, relayTagsTrailerBytes } from '../wire/relay-tags.js';
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
  /** Bytes of the frame this receipt would be, sent over `via` (authenticated by `auth`, if given). */
  frameSize(draft: Draft<'receipt'>, via: Hop | undefined, auth?: Authenticator): number;
  /**
   * Stores and routes one receipt made here. `auth`: relay tags for the kits it answers; without
   * it, the node's usual authentication (addressing.ts).
   */
  submit(draft: Draft<'receipt'>, via: Hop | undefined, auth?: Authenticator): Promise<void>;
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
    const auth = this.#relayTags(r);
    const size = (part: PendingReceipt) => this.#io.frameSize(receiptDraft(part), part.via, auth);
    for (const part of splitToFit(r, size, mtu)) await this.#io.submit(receiptDraft(part), part.via, auth);
  }

  /**
   * Relay tags instead of this node's 64-byte signature (docs/wire-format.md §6.5), for a custody
   * or vouched receipt whose every neighbour is a kit this node holds the relay key of, when they
   * are shorter than the signature; undefined otherwise (a neighbour with no id here or no key
   * here, a kit too old to check a tag, a neighbouring relay, many kits at once: signed as before).
   * The centre's receipt to one kit keeps the kit's MAC, which is shorter still.
   */
  #relayTags(r: PendingReceipt): Authenticator | undefined {
    if (r.scope === 'delivered' || !r.via) return undefined;
    const { keys, nodeId } = this.#o;
    if (r.node !== undefined && keys.isCentre(nodeId)) return undefined;
    const kits = r.node !== undefined ? [r.node] : (r.nodes ?? []);
    if (kits.length === 0 || kits.length > MAX_RELAY_TAGS) return undefined;
    // Ten bytes or so a kit: a frame that answers more than six is shorter signed.
    if (relayTagsTrailerBytes(kits) >= AUTH_TRAILER_BYTES.signature) return undefined;
    const relayKeys = new Map<number, Uint8Array>();
    for (const kit of kits) {
      const key = kit === nodeId || keys.isCentre(kit) ? undefined : keys.relayKey(kit);
      if (key === undefined || this.#o.untaggedKits?.has(kit)) return undefined;
      relayKeys.set(kit, key);
    }
    return relayTagsAuthenticator(relayKeys);
  }
}
