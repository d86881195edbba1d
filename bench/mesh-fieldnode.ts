/**
 * Real fieldnode nodes for a simulated mesh, for the mesh benchmark and the mesh integration test
 * (node/test/integration/mesh-multihop.test.ts): each a NodeCore with its own LevelDB store in a
 * temp dir, the keys of one enrolment (MAC keys for kits, an Ed25519 identity each), wired to
 * whatever links it is given (MeshtasticLinks on simulated devices, fake IP links).
 *
 * Time: the cores run on wall time, as the daemon does, while the mesh runs `speedup` times
 * faster (radio/sim/meshtastic/paced-clock.ts). So every duration a core is given is fieldnode's
 * default (node/src/config/schema.ts DEFAULTS; receipts batched for 2 s, expiry looked for every 5 s, as
 * in node-core.ts) in simulated time, divided by `speedup`: the cores behave as configured
 * against the mesh's time, not 50 times more patiently. Message lifetimes are whole wall minutes
 * (the wire format counts minutes), i.e. `speedup` simulated minutes each.
 */

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../node/src/base/logger.js';
import { DEFAULTS } from '../node/src/config/schema.js';
import { type CoreLink, NodeCore, type NodeCoreOptions } from '../node/src/core/node-core.js';
import { REOPEN_FLOOR_MS } from '../node/src/core/reopen-downstream.js';
import { type Route, RoutingTable } from '../node/src/core/routing-table.js';
import type { KeyRing } from '../node/src/crypto/authenticate.js';
import { generateSigningKeyPair, publicKeyFromRaw } from '../node/src/crypto/ed25519.js';
import { deriveRelayKey } from '../node/src/crypto/kit-keys.js';
import { deriveNodeMacKey } from '../node/src/crypto/mac.js';
import { seededRandom } from '../node/src/link/seeded-random.js';
import { MessageStore } from '../node/src/store/message-store.js';
import type { MessageMeta } from '../node/src/store/records.js';
import type { Message } from '../node/src/wire/message.js';

/** node-core.ts defaults that the config file does not set. */
const RECEIPT_DELAY_MS = 2000;
const EXPIRY_SCAN_MS = 5000;

export interface FieldNodesOptions {
  /** How much faster than wall time the mesh runs. */
  speedup: number;
  /** The centre's node id. Default 1. */
  centre?: number;
  /** Seeds each core's backoff jitter (seed + node id). Default 1. */
  seed?: number;
  /** Retry backoff in simulated seconds. Default fieldnode's (DEFAULTS.retry). */
  retry?: { initialS: number; maxS: number; jitter: number };
  /** The issuers every node knows (keys.issuers), for signed warnings and control messages. Default none. */
  issuerKey?: KeyRing['issuerKey'];
}

export interface FieldNodeSpec {
  id: number;
  area?: number;
  links: CoreLink[];
  routes: Route[];
  /** At the centre: the kits a broadcast is for, from the enrolment (as app.ts gives it). */
  broadcastTargets?: NodeCoreOptions['broadcastTargets'];
}

export interface FieldNode {
  id: number;
  core: NodeCore;
  store: MessageStore;
  /** Messages delivered here, in order, with the wall time (ms) each was delivered. */
  delivered: Array<{ message: Message; meta: MessageMeta; at: number }>;
  /** Frames the core refused, as `CODE: detail`. */
  rejected: string[];
}

const SECRET = Uint8Array.from({ length: 32 }, (_, i) => 31 * i + 5);

/** A set of real fieldnode nodes enrolled with one centre. */
export class FieldNodes {
  readonly nodes = new Map<number, FieldNode>();
  readonly centre: number;
  readonly #o: FieldNodesOptions;
  readonly #identities = new Map<number, ReturnType<typeof generateSigningKeyPair>>();
  readonly #dirs: string[] = [];

  constructor(opts: FieldNodesOptions) {
    if (!(opts.speedup > 0)) throw new RangeError(`speedup must be positive, not ${opts.speedup}`);
    this.#o = opts;
    this.centre = opts.centre ?? 1;
  }

  /** Wall ms for `simMs` of simulated time, at least 1. */
  wallMs(simMs: number): number {
    return Math.max(1, Math.round(simMs / this.#o.speedup));
  }

  #keyRing(): KeyRing {
    return {
      macKey: (node) => deriveNodeMacKey(SECRET, node),
      relayKey: (node) => deriveRelayKey(deriveNodeMacKey(SECRET, node), node),
      revoked: () => false,
      issuerFloor: () => 0,
      issuerKey: (id) => this.#o.issuerKey?.(id),
      nodeKey: (node) => {
        const pair = this.#identities.get(node);
        return pair ? publicKeyFromRaw(pair.publicKey) : undefined;
      },
      isCentre: (node) => node === this.centre,
    };
  }

  async add(spec: FieldNodeSpec): Promise<FieldNode> {
    if (this.nodes.has(spec.id)) throw new RangeError(`node ${spec.id} added twice`);
    const dir = await mkdtemp(join(tmpdir(), `fieldnode-mesh-${spec.id}-`));
    this.#dirs.push(dir);
    const store = await MessageStore.open(dir);
    const identity = generateSigningKeyPair();
    this.#identities.set(spec.id, identity);
    const { latencyBoundS: b } = DEFAULTS;
    const retry = this.#o.retry ?? DEFAULTS.retry;
    const core = new NodeCore({
      nodeId: spec.id,
      ...(spec.area !== undefined && { area: spec.area }),
      store,
      links: spec.links,
      routes: new RoutingTable(spec.routes),
      keys: this.#keyRing(),
      identity: identity.privateKey,
      ...(spec.id !== this.centre && { macKey: deriveNodeMacKey(SECRET, spec.id) }),
      clock: { now: () => Date.now(), trusted: () => true },
      retry: {
        initialMs: this.wallMs(retry.initialS * 1000),
        maxMs: this.wallMs(retry.maxS * 1000),
        jitter: retry.jitter,
      },
      latencyBoundMs: [b.p0, b.p1, b.p2, b.p3].map((s) => this.wallMs(s * 1000)) as [
        number,
        number,
        number,
        number,
      ],
      log: silentLogger,
      receiptDelayMs: this.wallMs(RECEIPT_DELAY_MS),
      receiptWaitMs: this.wallMs(DEFAULTS.receiptWaitS * 1000),
      reopenFloorMs: this.wallMs(REOPEN_FLOOR_MS),
      expiryScanMs: this.wallMs(EXPIRY_SCAN_MS),
      // Routes are configured: what is measured is the messages, not the routing chatter.
      beaconIntervalMs: 0,
      random: seededRandom((this.#o.seed ?? 1) + spec.id),
      ...(spec.broadcastTargets !== undefined && { broadcastTargets: spec.broadcastTargets }),
    });
    const node: FieldNode = { id: spec.id, core, store, delivered: [], rejected: [] };
    core.on('delivered', (message, meta) => node.delivered.push({ message, meta, at: Date.now() }));
    core.on('rejected', (r) => node.rejected.push(`${r.code}: ${r.detail}`));
    this.nodes.set(spec.id, node);
    return node;
  }

  node(id: number): FieldNode {
    const n = this.nodes.get(id);
    if (n === undefined) throw new RangeError(`no node ${id}`);
    return n;
  }

  async start(): Promise<void> {
    for (const n of this.nodes.values()) await n.core.start();
  }

  /** Stops every core, closes its store and removes its directory; the links are the caller's. */
  async stop(): Promise<void> {
    for (const n of this.nodes.values()) {
      await n.core.stop().catch(() => {});
      await n.store.close().catch(() => {});
    }
    for (const dir of this.#dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  }
}
