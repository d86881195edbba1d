/**
 * Beacons (docs/store-and-forward.md §Routing: routes from small periodic
 * beacons): every
 * interval, tell each link's neighbours what this node reaches (itself, and the centre with its
 * hop count, by split horizon); learn routes from the neighbours' beacons. One hop, never stored,
 * signed with the node identity and verified before anything is learnt.
 */
import type { KeyObject } from 'node:crypto';
import { KitError } from '../base/errors.js';
import type { Logger } from '../base/logger.js';
import { type KeyRing, signatureAuthenticator, verifyFrame } from '../crypto/authenticate.js';
import type { ReplayWindow } from '../crypto/replay-window.js';
import { hasSelfAddress, type InboundFrame } from '../link/link.js';
import { WIRE_EPOCH } from '../wire/envelope.js';
import type { BeaconBody } from '../wire/kinds/beacon.js';
import { type DecodedFrame, encodeMessage, type Message } from '../wire/message.js';
import type { CoreLink } from './core-types.js';
import type { RouteTarget, RoutingTable } from './routing-table.js';

export interface BeaconsOptions {
  nodeId: number;
  links: readonly CoreLink[];
  routes: RoutingTable;
  keys: KeyRing;
  identity: KeyObject;
  clock: { now(): number; trusted(): boolean; expiryTrusted?(): boolean };
  replay: Pick<ReplayWindow, 'accept'>;
  /** A fresh sequence number, taken and synced as for any message (a beacon must not share one). */
  nextSeq: () => Promise<number>;
  /** Called when a beacon brought a path the table did not have. */
  onNewPath: () => Promise<void>;
  /** Uniform in [0, 1), for the jitter. Default Math.random. */
  random?: () => number;
  log: Logger;
}

/**
 * The first beacon waits up to this much more than its second, and every round is this fraction
 * of the interval shorter or longer at random (RFC 5148, jitter for MANET control traffic).
 * Nodes that booted together, as a township's kits do when the mains come back, would otherwise
 * beacon in the same second every round for ever, each beacon a second of LONG_FAST airtime,
 * and collide at every neighbour that hears two of them. A round at most a tenth longer stays well
 * inside a route's life of three intervals.
 */
const FIRST_SPREAD_MAX_MS = 10_000;
const ROUND_JITTER = 0.1;

export class Beacons {
  readonly #o: BeaconsOptions;
  #timer: NodeJS.Timeout | undefined;
  #running = false;

  constructor(options: BeaconsOptions) {
    this.#o = options;
  }

  /**
   * Sends the first beacon soon (so neighbours learn a rebooted gateway quickly), then about every
   * `everyMs`, each with its jitter.
   */
  start(everyMs: number): void {
    if (everyMs <= 0) return;
    this.#running = true;
    const spread = Math.min(everyMs / 4, FIRST_SPREAD_MAX_MS);
    this.#schedule(everyMs, Math.min(everyMs, 1000) + Math.floor(this.#random() * spread));
  }

  #random(): number {
    return (this.#o.random ?? Math.random)();
  }

  /** The wait before the next round: the interval, a tenth shorter or longer at random. */
  #round(everyMs: number): number {
    return Math.round(everyMs * (1 - ROUND_JITTER + 2 * ROUND_JITTER * this.#random()));
  }

  stop(): void {
    this.#running = false;
    clearTimeout(this.#timer);
  }

  #schedule(everyMs: number, delayMs: number): void {
    this.#timer = setTimeout(() => void this.#send(everyMs), delayMs);
    this.#timer.unref();
  }

  async #send(everyMs: number): Promise<void> {
    if (!this.#running) return;
    const now = this.#o.clock.now();
    this.#o.routes.forgetExpired(now);
    // Every link at once: one slow to take its beacon (a satellite card waiting out its interval)
    // must not hold back the others', whose routes would expire meanwhile.
    const sends = this.#o.links.map(async ({ link }) => {
      if (link.state.status !== 'up') return;
      try {
        const addr = hasSelfAddress(link) ? link.selfAddress() : undefined;
        const message = {
          kind: 'beacon',
          origin: this.#o.nodeId,
          seq: await this.#o.nextSeq(),
          createdAt: Math.max(WIRE_EPOCH, Math.floor(now / 1000)),
          clockUntrusted: !this.#o.clock.trusted(),
          priority: 2,
          lifetimeMin: Math.max(1, Math.ceil((3 * everyMs) / 60_000)),
          dest: { to: 'all' },
          flags: ['noReceipt'],
          body: {
            reaches: this.#reachesVia(link.id),
            // At least a second: a route learnt from it lives three intervals.
            intervalS: Math.max(1, Math.round(everyMs / 1000)),
            // Signed with the rest, so that a copy replayed from another radio binds nothing.
            ...(addr !== undefined ? { addr } : {}),
          },
        } as Message;
        // One hop, never stored: a lost beacon is replaced by the next one.
        await link.send(encodeMessage(message, signatureAuthenticator(this.#o.identity)));
      } catch (err) {
        this.#o.log.warn({ err, link: link.id }, 'beacon not sent; the next one will be');
      }
    });
    // The next round does not wait for this one's slowest link either.
    if (this.#running) this.#schedule(everyMs, this.#round(everyMs));
    await Promise.all(sends);
  }

  /** Itself, and the centre if it is one or has a path there by another link (split horizon). */
  #reachesVia(linkId: string): BeaconBody['reaches'] {
    const self = { to: 'node' as const, value: this.#o.nodeId, cost: 0 };
    if (this.#o.keys.isCentre(this.#o.nodeId)) return [self, { to: 'centre', cost: 0 }];
    const costs = this.#o.routes.routes
      .filter((r) => r.link !== linkId && (r.target.to === 'centre' || r.target.to === 'default'))
      .map((r) => r.cost);
    return costs.length === 0 ? [self] : [self, { to: 'centre', cost: Math.min(...costs) + 1 }];
  }

  /** Verifies a neighbour's beacon and learns its routes; throws a KitError when it does not verify. */
  async learn(decoded: DecodedFrame, inbound: InboundFrame): Promise<void> {
    const env = decoded.envelope;
    const from = inbound.meta?.from;
    if (env.origin === this.#o.nodeId || from === undefined) return;
    const beacon = verifyFrame(decoded, {
      keys: this.#o.keys,
      replay: this.#o.replay,
      now: Math.floor(this.#o.clock.now() / 1000),
      clockTrusted: this.#o.clock.expiryTrusted?.() ?? this.#o.clock.trusted(),
    });
    if (beacon.kind !== 'beacon') return;
    // A node id and a link address are joined only by the signed address in the beacon or by
    // configuration: a beacon replayed from another address must not make that address the way to
    // the node, or traffic falls into a black hole (docs/security.md §Routes).
    const neighbours = this.#o.links.find((l) => l.link.id === inbound.link)?.neighbours;
    const configured = neighbours?.[from];
    if (configured !== undefined ? configured !== env.origin : beacon.body.addr !== from) {
      const why =
        configured !== undefined
          ? `configuration gives that address to node ${configured}`
          : `the beacon names ${beacon.body.addr ?? 'no address'} as its own`;
      throw new KitError(
        'CORE_BEACON_ADDRESS',
        `beacon of node ${env.origin} came from ${from}, but ${why}: nothing learnt`,
      );
    }
    const now = this.#o.clock.now();
    const expiresAt = now + 3 * Math.max(1, beacon.body.intervalS ?? 300) * 1000;
    const changed = this.#o.routes.learn(
      env.origin,
      beacon.body.reaches.map((r) => ({
        target: target(r),
        link: inbound.link,
        nextHop: from,
        cost: r.cost + 1,
        expiresAt,
      })),
      now,
    );
    if (neighbours && neighbours[from] === undefined) neighbours[from] = env.origin;
    if (changed) await this.#o.onNewPath();
  }
}

function target(r: BeaconBody['reaches'][number]): RouteTarget {
  switch (r.to) {
    case 'centre':
      return { to: 'centre' };
    case 'all':
      return { to: 'all' };
    case 'node':
      return { to: 'node', node: r.value ?? 0 };
    default:
      return { to: 'area', area: r.value ?? 0 };
  }
}
