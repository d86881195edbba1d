/**
 * Routing a stored message (docs/store-and-forward.md §Routing): which links its outbox entries
 * name, to which next hop, and when it falls due on each, from the routing table and the links'
 * cost classes and declared capabilities; and the messages stored with no route, routed once a
 * path appears (at start, and when a beacon brings one), read from the store's `wait` index
 * (docs/store-and-forward.md §The store). The table itself is routing-table.ts's.
 *
 * NodeCore owns it; it knows the core only through MessageRouterOptions, so the two cannot form
 * an import cycle.
 */
import type { KeyRing } from '../crypto/authenticate.js';
import { addEvent, type MessageMeta } from '../store/records.js';
import type { Destination, Priority } from '../wire/envelope.js';
import { bearerPreference } from './bearer-preference.js';
import type { NodeCoreOptions } from './core-types.js';
import type { RouteChoice } from './routing-table.js';

/** Waiting messages routed per turn of the store's lock. */
const REROUTE_CHUNK = 256;

export interface MessageRouterOptions
  extends Pick<NodeCoreOptions, 'store' | 'links' | 'routes' | 'latencyBoundMs' | 'clock'> {
  /** The keys as signed control messages amend them (signed-state.ts): who the centre is. */
  keys: Pick<KeyRing, 'isCentre'>;
  /** Wakes the dispatchers of the links a message was just routed onto, once it is saved. */
  kick: (meta: MessageMeta) => void;
}

/** A link to send a message over, chosen by the caller (a receipt to the hop it answers). */
export interface Via {
  link: string;
  /** The next hop's address on that link. */
  to?: string;
}

export class MessageRouter {
  readonly #o: MessageRouterOptions;

  constructor(options: MessageRouterOptions) {
    this.#o = options;
  }

  /**
   * Fills the meta's outbox entries from the routing table (or `via`), never toward `avoidHop`.
   * `waitingSinceMs`: when a relayed message whose times cannot be trusted came here; its latency
   * bound counts from then instead of from its creation.
   */
  route(meta: MessageMeta, via?: Via, avoidHop?: string, waitingSinceMs?: number): void {
    const now = this.#o.clock.now();
    const choices: RouteChoice[] = via
      ? [{ link: via.link, dueAt: now, ...(via.to ? { nextHop: via.to } : {}) }]
      : this.choices(meta.dest, meta.priority, waitingSinceMs ?? meta.createdAt * 1000, avoidHop);
    for (const c of choices) {
      meta.out[c.link] = c.dueAt;
      if (c.nextHop) meta.nextHop[c.link] = c.nextHop;
    }
  }

  /**
   * Sends a stored message again toward one node, by the routes to that node, due now: a warning
   * whose kit has not confirmed it (docs/warnings.md §Escalation). A message that ended is reopened
   * for one more send, as a direct message to that node; one still going out on a link keeps its
   * way there (a broadcast stays a broadcast) and is only made due at once. An expired message, one
   * addressed to this node, or a node with no route gets nothing. Returns the links it was put on.
   */
  sendToward(id: string, node: number): Promise<string[]> {
    const { store, clock } = this.#o;
    return store.exclusive(async () => {
      const before = await store.getMeta(id);
      const now = clock.now();
      if (!before || before.forMe || now >= before.expiresAt * 1000) return [];
      const choices = this.choices({ to: 'node', node }, before.priority, now);
      if (choices.length === 0) return [];
      const meta = structuredClone(before);
      for (const c of choices) {
        const due = meta.out[c.link];
        if (due !== undefined) {
          meta.out[c.link] = Math.min(due, now);
          continue;
        }
        meta.out[c.link] = now;
        if (c.nextHop) meta.nextHop[c.link] = c.nextHop;
        else delete meta.nextHop[c.link];
      }
      meta.done = false;
      addEvent(meta, { at: now, state: meta.state, node, detail: `sent again toward node ${node}` });
      await store.save(meta, before, { sync: true });
      this.#o.kick(meta);
      return choices.map((c) => c.link);
    });
  }

  /**
   * The longest confirmation wait (LinkCapabilities.confirmationWaitMs) of the links a P0 message
   * to `node` would go on now: the least time before sending to it again is worth it (docs/warnings.md
   * §Escalation). Undefined when no route leads there now.
   */
  confirmationWaitToward(node: number): number | undefined {
    const links = new Map(this.#o.links.map((l) => [l.link.id, l.link]));
    const waits = this.choices({ to: 'node', node }, 0, this.#o.clock.now()).map(
      (c) => links.get(c.link)?.capabilities.confirmationWaitMs ?? 0,
    );
    return waits.length === 0 ? undefined : Math.max(...waits);
  }

  /** Where the routing table sends a message now, never back to `avoidHop`. */
  choices(dest: Destination, priority: Priority, createdAtMs: number, avoidHop?: string): RouteChoice[] {
    const classes = new Map(this.#o.links.map((l) => [l.link.id, l.costClass]));
    const links = new Map(this.#o.links.map((l) => [l.link.id, l.link]));
    return this.#o.routes
      .choose(dest, {
        priority,
        createdAtMs,
        now: this.#o.clock.now(),
        latencyBoundMs: this.#o.latencyBoundMs,
        linkClass: (id) => classes.get(id),
        isCentre: this.#o.keys.isCentre,
        // Two bearers of one class: what each declares decides, per priority.
        preference: (id, p) => {
          const link = links.get(id);
          return link ? bearerPreference(link.capabilities, p) : [];
        },
      })
      .filter((c) => c.nextHop === undefined || c.nextHop !== avoidHop);
  }

  /**
   * Messages stored with no route (nothing was known then) get one now, if there is one: at start
   * and when a beacon brings a new path. Reads the `wait` index, not every record, a chunk per
   * turn of the store's lock.
   */
  async rerouteWaiting(): Promise<void> {
    const store = this.#o.store;
    let after: string | undefined;
    for (;;) {
      const ids = await store.waitingIds(after, REROUTE_CHUNK);
      if (ids.length === 0) return;
      after = ids.at(-1);
      await store.exclusive(async () => {
        for (const id of ids) {
          const before = await store.getMeta(id).catch(() => undefined);
          if (!before || before.done || before.forMe || Object.keys(before.out).length > 0) continue;
          if (before.state !== 'queued' && before.state !== 'sent') continue;
          const meta = structuredClone(before);
          this.route(meta, undefined, meta.prevHop?.from);
          if (Object.keys(meta.out).length === 0) continue;
          await store.save(meta, before, { sync: false });
          this.#o.kick(meta);
        }
      });
      if (ids.length < REROUTE_CHUNK) return;
    }
  }
}
