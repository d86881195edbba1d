/**
 * Routes: which links lead towards a destination, to which next hop, at what cost (docs/store-and-forward.md
 * §Routing; docs/design.md §One program, four roles). Routes come from configuration and from neighbours'
 * beacons. Link cost classes order the choice: IP is cheapest, the mesh cheap, the satellite
 * costly; the satellite is held back until a message's latency bound has passed without a
 * cheaper path confirming it.
 */

import { areaContains } from '../domain/roster/area-code.js';
import type { Destination, Priority } from '../wire/envelope.js';
import { comparePreference } from './bearer-preference.js';

export type CostClass = 'ip' | 'mesh' | 'satellite';
export const COST_RANK: Readonly<Record<CostClass, number>> = { ip: 0, mesh: 1, satellite: 2 };

/** What a route leads to: a node, the centre, an area, a role, or any destination. */
export type RouteTarget =
  | { to: 'centre' }
  | { to: 'node'; node: number }
  | { to: 'area'; area: number }
  | { to: 'role'; role: number }
  | { to: 'all' }
  | { to: 'default' };

export interface Route {
  target: RouteTarget;
  link: string;
  /** The next hop's address on that link; absent for a broadcast on the link. */
  nextHop?: string;
  /** Extra cost within the link's class (hops, from beacons). */
  cost: number;
  /** 'config', 'traffic' (learnt from a message's way in), or the node id whose beacon taught it. */
  source: 'config' | 'traffic' | number;
  /** The priorities this route carries (configuration); absent: all of them. */
  priorities?: readonly Priority[];
  /** Unix ms after which a learnt route is forgotten. */
  expiresAt?: number;
}

export interface RouteChoice {
  link: string;
  nextHop?: string;
  /** When the message becomes due on this link: now, or after the latency bound (satellite). */
  dueAt: number;
}

export interface ChooseOptions {
  priority: Priority;
  /** Unix ms when the message was created (its latency bound counts from then). */
  createdAtMs: number;
  now: number;
  /** How long each priority may wait for a cheaper path before the satellite is used, ms. */
  latencyBoundMs: readonly [number, number, number, number];
  linkClass: (link: string) => CostClass | undefined;
  /** Links not to use (the one the message came in on, for a unicast relay). */
  exclude?: ReadonlySet<string>;
  /** Whether a node id is one of the centre's. */
  isCentre: (node: number) => boolean;
  /**
   * Between routes of one cost class and equal cost: which link this priority prefers, as a sort
   * key, lower first (bearer-preference.ts, from the links' capabilities). Default: no preference.
   */
  preference?: (link: string, priority: Priority) => readonly number[];
}

export class RoutingTable {
  #routes: Route[] = [];

  constructor(routes: Route[] = []) {
    this.#routes = [...routes];
  }

  get routes(): readonly Route[] {
    return this.#routes;
  }

  /**
   * Replaces what one neighbour's beacon taught (source = its node id). Returns whether the paths
   * changed (a mere refresh of the same routes does not count; routes that had expired by `now`,
   * unix ms, count as gone, so learning them again is a change).
   */
  learn(source: number, routes: Omit<Route, 'source'>[], now?: number): boolean {
    const key = (r: Omit<Route, 'source' | 'expiresAt'>) =>
      JSON.stringify([r.target, r.link, r.nextHop ?? '', r.cost]);
    // What had expired is not a path this node still had: learning it again is news.
    const before = this.#routes
      .filter((r) => r.source === source && (now === undefined || live(r, now)))
      .map(key)
      .sort()
      .join('|');
    const after = routes.map(key).sort().join('|');
    this.#routes = [
      ...this.#routes.filter((r) => r.source !== source),
      ...routes.map((r) => ({ ...r, source })),
    ];
    return before !== after;
  }

  /**
   * Learns the way back to a node from its traffic (reverse-path learning, as AODV does): a
   * message from `node` arrived on `link` from `nextHop`, so receipts and replies for it can go
   * back that way. Configured routes to the node are kept and preferred.
   */
  learnReverse(node: number, link: string, nextHop: string, expiresAt: number): void {
    if (this.#routes.some((r) => r.source === 'config' && r.target.to === 'node' && r.target.node === node))
      return;
    this.#routes = this.#routes.filter(
      (r) => !(r.source === 'traffic' && r.target.to === 'node' && r.target.node === node),
    );
    this.#routes.push({ target: { to: 'node', node }, link, nextHop, cost: 1, source: 'traffic', expiresAt });
  }

  forgetExpired(now: number): void {
    this.#routes = this.#routes.filter((r) => live(r, now));
  }

  /**
   * The links a message to `dest` goes out on. Only routes that carry the message's priority.
   * Unicast: the best route per cost class (lowest route cost, then the link the priority prefers),
   * the cheapest class due now and costlier classes due after the latency bound (so they serve as
   * the fallback). Broadcast: every matching route, due now, except the satellite under the same
   * bound rule.
   */
  choose(dest: Destination, opts: ChooseOptions): RouteChoice[] {
    const matching = this.#routes.filter(
      (r) =>
        live(r, opts.now) &&
        !opts.exclude?.has(r.link) &&
        opts.linkClass(r.link) !== undefined &&
        (r.priorities === undefined || r.priorities.includes(opts.priority)) &&
        matches(r.target, dest, opts.isCentre),
    );
    if (matching.length === 0) return [];
    const specific = matching.filter((r) => r.target.to !== 'default');
    const candidates = specific.length > 0 ? specific : matching;
    const rank = (r: Route) => COST_RANK[opts.linkClass(r.link) as CostClass];
    const cheapest = Math.min(...candidates.map(rank));
    const bound = opts.createdAtMs + (opts.latencyBoundMs[opts.priority] ?? 0);
    const dueFor = (r: Route) =>
      rank(r) === cheapest || rank(r) < COST_RANK.satellite ? opts.now : Math.max(opts.now, bound);

    const broadcast = dest.to === 'all' || dest.to === 'area' || dest.to === 'role';
    const byLink = new Map<string, Route>();
    const prefer = (r: Route) => opts.preference?.(r.link, opts.priority) ?? [];
    const order = (a: Route, b: Route) =>
      rank(a) - rank(b) || a.cost - b.cost || comparePreference(prefer(a), prefer(b));
    for (const r of [...candidates].sort(order)) {
      if (!byLink.has(r.link)) byLink.set(r.link, r);
    }
    let chosen = [...byLink.values()];
    if (!broadcast) {
      // One route per cost class: the cheapest path, plus costlier fallbacks.
      const perClass = new Map<number, Route>();
      for (const r of chosen) if (!perClass.has(rank(r))) perClass.set(rank(r), r);
      chosen = [...perClass.values()];
    }
    return chosen.map((r) => ({
      link: r.link,
      ...(r.nextHop ? { nextHop: r.nextHop } : {}),
      dueAt: dueFor(r),
    }));
  }
}

/** A configured route, or a learnt one not yet past its time: an expired one is never chosen. */
function live(r: Route, now: number): boolean {
  return r.expiresAt === undefined || r.expiresAt > now;
}

function matches(target: RouteTarget, dest: Destination, isCentre: (node: number) => boolean): boolean {
  switch (target.to) {
    case 'default':
      return true;
    case 'centre':
      return dest.to === 'centre' || (dest.to === 'node' && isCentre(dest.node));
    case 'node':
      return dest.to === 'node' && dest.node === target.node;
    case 'area':
      return dest.to === 'area' && areaContains(target.area, dest.area);
    case 'role':
      return dest.to === 'role' && dest.role === target.role;
    case 'all':
      return dest.to === 'all' || dest.to === 'area' || dest.to === 'role';
  }
}
