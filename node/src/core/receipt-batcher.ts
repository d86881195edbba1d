/**
 * Batches confirmations (docs/design.md §Confirmations, confirmation 2; docs/store-and-forward.md
 * §Confirmations): ids waiting for a receipt to the same node over the same hop are sent together,
 * one receipt covering many ids as ranges.
 *
 * Custody and vouched receipts go one hop, so those of one link are batched across neighbours:
 * when several neighbours are owed one, a single frame to everyone on the link answers them all
 * (each applies what it holds), which on a shared radio channel costs one signature instead of one
 * per neighbour. A vouched receipt ends its origin's wait for good, and nothing confirms it, so its
 * ids ride along in the next {@link VOUCHED_ECHOES} vouched frames of that link to the same
 * neighbour too: a few bytes per origin, against the origin asking again a receipt wait later.
 */
import type { Logger } from '../base/logger.js';
import { parseMessageId } from '../store/records.js';
import type { SeqRange } from '../wire/kinds/receipt.js';

export type ReceiptScope = 'delivered' | 'custody' | 'vouched';
export interface Hop {
  link: string;
  to?: string;
}

export interface PendingReceipt {
  scope: ReceiptScope;
  /** The node the receipt goes to; undefined: everyone on the `via` link. */
  node: number | undefined;
  /** The hop to send it over; routed like any message when absent. */
  via?: Hop;
  ids: string[];
  /** Unix ms when the first id was queued. */
  since: number;
  /** The highest priority of the messages it confirms: a P0 warning's receipt is P0 too. */
  priority: 0 | 1 | 2 | 3;
  /** With a custody signal, the ids vouched for to the same link in the same frame. */
  vouchedIds?: string[];
  /**
   * A one-hop receipt: the neighbours it answers, when every one has a node id here (a frame to
   * everyone on the link answers several). The relay tags it may carry instead of a signature
   * are theirs (docs/wire-format.md §6.5).
   */
  nodes?: number[];
}

export interface ReceiptBatcherOptions {
  /** How long receipts wait to be batched, ms. */
  delayMs: number;
  /**
   * How long this receipt may wait, when longer than `delayMs` (the core holds receipts that go
   * by satellite, where every MT message costs credits and a mailbox check: see confirmer.ts).
   */
  holdMs?: (receipt: PendingReceipt) => number;
  /** Queues one receipt message (the core stores and routes it). */
  send: (receipt: PendingReceipt) => Promise<void>;
  now: () => number;
  log: Logger;
  /**
   * Whether one frame to everyone on a link reaches all its neighbours (a radio channel), so that
   * one-hop receipts owed to several are batched together. Default: every link.
   */
  shared?: (link: string) => boolean;
  /** Runs `fn` after `ms`; returns how to cancel it. Default setTimeout (unref'd). */
  after?: (ms: number, fn: () => void) => { cancel(): void };
}

/** A batch key without its scope: custody and vouched batches of one group share a frame. */
function groupOf(key: string): string {
  return key.slice(key.indexOf(':') + 1);
}

function timeout(ms: number, fn: () => void): { cancel(): void } {
  const t = setTimeout(fn, ms);
  t.unref();
  return { cancel: () => clearTimeout(t) };
}

/** Ids in one receipt at most: one LoRa frame's worth of ranges. */
export const MAX_IDS_PER_RECEIPT = 48;

/** How many later vouched frames of a link repeat the ids of one. */
export const VOUCHED_ECHOES = 2;

/** What goes one hop on one link at a flush: custody and vouched ids, and whom they answer. */
interface LinkBatch {
  link: string;
  custody?: PendingReceipt;
  vouched?: PendingReceipt;
  /** The neighbours it answers, by {@link hopKey}. */
  hops: Map<string, Owed>;
}

/**
 * The neighbour a one-hop id is owed to, and its address on the link. `node` is undefined for a
 * sender this node has no id for (not in its configuration): it is answered at its address.
 */
interface Owed {
  node: number | undefined;
  to: string | undefined;
}

const hopKey = (o: Owed) => (o.node !== undefined ? `#${o.node}` : `@${o.to ?? ''}`);

interface Echo extends Owed {
  id: string;
  left: number;
}

export class ReceiptBatcher {
  readonly #o: ReceiptBatcherOptions;
  readonly #pending = new Map<string, PendingReceipt>();
  /** Per one-hop batch: which neighbour each id is owed to (the neighbours it answers follow). */
  readonly #owed = new Map<string, Map<string, Owed>>();
  /** Per one-hop vouched batch key: ids sent lately, repeated in the next frames. */
  readonly #echoes = new Map<string, Echo[]>();
  #timer: { cancel(): void } | undefined;
  #running = true;

  constructor(options: ReceiptBatcherOptions) {
    this.#o = options;
  }

  /**
   * Queues the confirmation of `id` to `node` (undefined: whoever is at `via.to`, a neighbour this
   * node has no id for; one-hop scopes only).
   */
  queue(scope: ReceiptScope, node: number | undefined, id: string, priority: 0 | 1 | 2 | 3, via?: Hop): void {
    const oneHop = scope !== 'delivered' && via !== undefined;
    // Across neighbours only where one frame reaches them all; elsewhere one batch per neighbour.
    const key =
      oneHop && (this.#o.shared?.(via.link) ?? true)
        ? `${scope}:${via.link}`
        : `${scope}:${node ?? ''}:${via?.link ?? ''}:${via?.to ?? ''}`;
    const pending: PendingReceipt = this.#pending.get(key) ?? {
      scope,
      node,
      ...(via ? { via } : {}),
      ids: [],
      since: this.#o.now(),
      priority,
    };
    if (oneHop) {
      const owed = this.#owed.get(key) ?? new Map<string, Owed>();
      owed.set(id, { node, to: via.to });
      this.#owed.set(key, owed);
    }
    if (!pending.ids.includes(id)) pending.ids.push(id);
    if (priority < pending.priority) pending.priority = priority;
    this.#pending.set(key, pending);
    if (pending.ids.length >= MAX_IDS_PER_RECEIPT) void this.flush();
    else this.#arm();
  }

  /**
   * Something stronger than a custody signal now covers `ranges` for `node` (the destination's
   * receipt passing through here on its way to it, or this node about to vouch for them to it):
   * drop them from the custody signals pending for it (for everyone when no node is given; for a
   * neighbour with no id, `at` is its link and address).
   */
  suppress(ranges: readonly SeqRange[], node?: number, at?: Required<Hop>): void {
    const covered = (id: string) => {
      const { origin, seq } = parseMessageId(id);
      return ranges.some((r) => r.origin === origin && seq >= r.from && seq <= r.to);
    };
    for (const [key, pending] of this.#pending) {
      if (pending.scope !== 'custody') continue;
      const owed = this.#owed.get(key);
      // In a link's shared batch, only the ids owed to `node`; in a batch to one node, all of them.
      const owedTo = (id: string) => {
        const o = owed?.get(id);
        if (node !== undefined) return o ? o.node === node : pending.node === node;
        if (at !== undefined)
          return o !== undefined && o.node === undefined && o.to === at.to && pending.via?.link === at.link;
        return true;
      };
      const dropped = pending.ids.filter((id) => covered(id) && owedTo(id));
      pending.ids = pending.ids.filter((id) => !dropped.includes(id));
      for (const id of dropped) owed?.delete(id);
    }
  }

  /** Sends what is due (everything when `all`), and looks again later for the rest. */
  async flush(all = false): Promise<void> {
    this.#timer?.cancel();
    this.#timer = undefined;
    const now = this.#o.now();
    const due = [...this.#pending.entries()].filter(
      ([, r]) => all || r.ids.length >= MAX_IDS_PER_RECEIPT || now >= this.#dueAt(r),
    );
    // Custody and vouched receipts of one link go together: one frame, one signature.
    for (const [key, r] of [...due]) {
      if (r.scope === 'delivered' || !r.via) continue;
      const partner = `${r.scope === 'custody' ? 'vouched' : 'custody'}:${groupOf(key)}`;
      const other = this.#pending.get(partner);
      if (other && !due.some(([k]) => k === partner)) due.push([partner, other]);
    }
    const oneHop = new Map<string, LinkBatch>();
    const sends: PendingReceipt[] = [];
    for (const [key, r] of due) {
      this.#pending.delete(key);
      const owed = this.#owed.get(key);
      this.#owed.delete(key);
      if (!owed || !r.via || r.scope === 'delivered') {
        sends.push(r);
        continue;
      }
      if (r.scope === 'vouched') this.#echo(key, r, owed);
      const group = groupOf(key);
      const batch: LinkBatch = oneHop.get(group) ?? { link: r.via.link, hops: new Map() };
      for (const id of r.ids) {
        const o = owed.get(id);
        if (o) batch.hops.set(hopKey(o), o);
      }
      batch[r.scope] = r;
      oneHop.set(group, batch);
    }
    for (const { link, custody, vouched, hops } of oneHop.values()) {
      const r = custody && custody.ids.length > 0 ? custody : vouched;
      if (!r) continue; // custody whose ids a vouched receipt took over, and nothing else
      if (r === custody && vouched && vouched.ids.length > 0) {
        r.vouchedIds = vouched.ids;
        r.priority = Math.min(r.priority, vouched.priority) as 0 | 1 | 2 | 3;
      }
      // One neighbour: to it (to everyone at its address when it has no id); several: one frame
      // to everyone on the link.
      const only = hops.size === 1 ? [...hops.values()][0] : undefined;
      const to = only?.to;
      r.node = only?.node;
      const nodes = [...hops.values()].map((o) => o.node);
      if (nodes.length > 0 && nodes.every((n) => n !== undefined)) r.nodes = nodes as number[];
      else delete r.nodes;
      r.via = { link, ...(to !== undefined ? { to } : {}) };
      sends.push(r);
    }
    this.#arm();
    for (const r of sends) {
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

  /**
   * Adds the ids of earlier vouched frames to this one, and remembers this one's for the next. An
   * earlier id rides only to a neighbour this frame goes to anyway: one owed to another would
   * turn a frame for one neighbour into a frame to everyone on the link, which a radio mesh
   * relays to its every corner (docs/store-and-forward.md §Airtime on the mesh). It waits for a
   * frame to its own neighbour instead.
   */
  #echo(key: string, r: PendingReceipt, owed: Map<string, Owed>): void {
    const fresh: Echo[] = [];
    for (const id of r.ids) {
      const o = owed.get(id);
      if (o) fresh.push({ id, ...o, left: VOUCHED_ECHOES });
    }
    const addressed = new Set(fresh.map(hopKey));
    const earlier = (this.#echoes.get(key) ?? []).filter((e) => !r.ids.includes(e.id));
    const rode = new Set<Echo>();
    for (const e of earlier) {
      if (r.ids.length >= MAX_IDS_PER_RECEIPT) break;
      if (!addressed.has(hopKey(e))) continue;
      r.ids.push(e.id);
      owed.set(e.id, { node: e.node, to: e.to });
      rode.add(e);
    }
    const next = [...fresh, ...earlier.map((e) => (rode.has(e) ? { ...e, left: e.left - 1 } : e))].filter(
      (e) => e.left > 0,
    );
    this.#echoes.set(key, next.slice(0, MAX_IDS_PER_RECEIPT));
  }

  /** Ids waiting to be confirmed. */
  get pendingIds(): number {
    let n = 0;
    for (const r of this.#pending.values()) n += r.ids.length;
    return n;
  }

  /** Sends everything pending and stops the timer. */
  async stop(): Promise<void> {
    this.#running = false;
    await this.flush(true);
  }

  #dueAt(r: PendingReceipt): number {
    return r.since + Math.max(this.#o.delayMs, this.#o.holdMs?.(r) ?? 0);
  }

  #arm(): void {
    if (!this.#running || this.#pending.size === 0) return;
    const next = Math.min(...[...this.#pending.values()].map((r) => this.#dueAt(r)));
    this.#timer?.cancel();
    this.#timer = (this.#o.after ?? timeout)(Math.max(0, next - this.#o.now()), () => void this.flush());
  }
}
