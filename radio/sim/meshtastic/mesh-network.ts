/**
 * A whole simulated Meshtastic mesh from a topology description: one RF medium, one router per
 * node, one seeded PRNG and one clock (docs/meshtastic.md §8.8 item 5). Used by the mesh
 * tests, by multi-hop integration tests that put a phone API on some of the routers, and by the
 * mesh benchmark.
 *
 * Every router is a complete device on its own: one nobody attaches a phone API to is a node with
 * no host (a pure relay, or a remote peer), whose packets for the phone are simply dropped.
 *
 * Links come either from an explicit list or from node positions through the path-loss model
 * (path-loss.ts); explicit links are applied after, so they can override computed ones.
 */

import { type Clock, VirtualClock } from '../../../node/src/link/clock.js';
import { seededRandom } from '../../../node/src/link/seeded-random.js';
import { ModemPreset } from '../../src/meshtastic/constants.js';
import { MeshRouter, type MeshRouterOptions, type RouterEvent, type RouterFirmware } from './mesh-router.js';
import { linksFromPositions, type PathLossOptions, type Position } from './path-loss.js';
import { type LinkQuality, type MediumEvent, RfMedium } from './rf-medium.js';

/** Per-node settings: anything a router takes except what the network provides. */
export interface MeshNodeSpec
  extends Partial<Omit<MeshRouterOptions, 'nodeNum' | 'medium' | 'clock' | 'random'>> {
  num: number;
  /** Where it is, when links come from positions. */
  position?: Position;
}

/** A link between two nodes; both ways unless `oneWay`. */
export interface MeshLinkSpec extends Partial<LinkQuality> {
  a: number;
  b: number;
  /** Only a → b. */
  oneWay?: boolean;
}

export interface MeshNetworkOptions {
  nodes: readonly MeshNodeSpec[];
  links?: readonly MeshLinkSpec[];
  /** Derive links from node positions with this model (the options may be empty). */
  pathLoss?: PathLossOptions;
  /** ModemPreset for the whole mesh. Defaults to LONG_FAST. */
  preset?: number;
  /** RegionCode for nodes that do not set one. */
  region?: number;
  /**
   * Router firmware for nodes that do not set one (next-hop-routing.ts): '2.6+' (the default)
   * routes direct messages by next hop, 'pre-2.6' floods everything (docs/meshtastic.md §5.2).
   */
  routerFirmware?: RouterFirmware;
  /** Seed of the run's one PRNG. */
  seed: number;
  /** Defaults to a new VirtualClock. */
  clock?: Clock;
  /** Medium options (rf-medium.ts). */
  captureDb?: number;
  senseDelayMs?: number;
}

export class MeshNetwork {
  readonly clock: Clock;
  readonly medium: RfMedium;
  readonly random: () => number;
  readonly #routers = new Map<number, MeshRouter>();

  constructor(opts: MeshNetworkOptions) {
    this.clock = opts.clock ?? new VirtualClock();
    this.random = seededRandom(opts.seed);
    this.medium = new RfMedium({
      clock: this.clock,
      random: this.random,
      preset: opts.preset ?? ModemPreset.LONG_FAST,
      ...(opts.captureDb !== undefined && { captureDb: opts.captureDb }),
      ...(opts.senseDelayMs !== undefined && { senseDelayMs: opts.senseDelayMs }),
    });
    for (const spec of opts.nodes) {
      if (this.#routers.has(spec.num)) throw new RangeError(`node ${spec.num} is listed twice`);
      const { num, position: _position, ...rest } = spec;
      const router = new MeshRouter({
        ...(opts.region !== undefined && { region: opts.region }),
        ...(opts.routerFirmware !== undefined && { routerFirmware: opts.routerFirmware }),
        ...rest,
        nodeNum: num,
        medium: this.medium,
        clock: this.clock,
        random: this.random,
      });
      this.#routers.set(num, router);
    }
    if (opts.pathLoss !== undefined) {
      const positions = new Map<number, Position>();
      for (const s of opts.nodes) if (s.position !== undefined) positions.set(s.num, s.position);
      for (const l of linksFromPositions(positions, this.medium.lora, opts.pathLoss)) {
        this.medium.setLink(l.from, l.to, l.quality);
      }
    }
    for (const l of opts.links ?? []) {
      for (const n of [l.a, l.b])
        if (!this.#routers.has(n)) throw new RangeError(`link to unknown node ${n}`);
      const { a, b, oneWay, ...quality } = l;
      if (oneWay === true) this.medium.setLink(a, b, quality);
      else this.medium.setSymmetricLink(a, b, quality);
    }
  }

  /**
   * The router of node `num`.
   *
   * @throws RangeError for a node not in the network.
   */
  router(num: number): MeshRouter {
    const r = this.#routers.get(num);
    if (r === undefined) throw new RangeError(`no node ${num} in this network`);
    return r;
  }

  /** Node numbers, in the order given. */
  get nodes(): number[] {
    return [...this.#routers.keys()];
  }

  /**
   * Records every medium and router event as one line of text each, in order: a run's trace,
   * identical for the same seed and inputs.
   */
  recordTrace(): string[] {
    const lines: string[] = [];
    const t = (at: number): string => at.toFixed(3);
    this.medium.onEvent((e: MediumEvent) => {
      if (e.type === 'tx') lines.push(`${t(e.at)} air tx ${e.from} ${e.bytes}B`);
      else if (e.type === 'rx') lines.push(`${t(e.at)} air rx ${e.from}>${e.to}`);
      else lines.push(`${t(e.at)} air drop ${e.from}>${e.to} ${e.reason}`);
    });
    for (const r of this.#routers.values()) {
      r.onEvent((e: RouterEvent) => {
        lines.push(`${t(e.at)} node ${e.node} ${e.type} ${e.from}:${e.id}${e.reason ? ` ${e.reason}` : ''}`);
      });
    }
    return lines;
  }
}

/** Links joining `nums` in a line: each node hears only the one before and the one after. */
export function chainLinks(nums: readonly number[], quality: Partial<LinkQuality> = {}): MeshLinkSpec[] {
  return nums.slice(1).map((b, i) => ({ a: nums[i] ?? 0, b, ...quality }));
}

/** Links joining every pair of `nums`. */
export function fullMeshLinks(nums: readonly number[], quality: Partial<LinkQuality> = {}): MeshLinkSpec[] {
  const out: MeshLinkSpec[] = [];
  for (let i = 0; i < nums.length; i++) {
    for (let j = i + 1; j < nums.length; j++) out.push({ a: nums[i] ?? 0, b: nums[j] ?? 0, ...quality });
  }
  return out;
}
