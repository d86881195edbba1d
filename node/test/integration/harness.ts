/**
 * Builds small networks of real NodeCores, each with its own LevelDB store in a temp dir, wired
 * over fake links (a shared mesh medium and IP pairs), for the store-and-forward integration tests.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../src/base/logger.js';
import { type ForeignPayload, NodeCore, type NodeCoreOptions } from '../../src/core/node-core.js';
import { type CostClass, type Route, RoutingTable } from '../../src/core/routing-table.js';
import type { IssuerKey, KeyRing } from '../../src/crypto/authenticate.js';
import { generateSigningKeyPair, publicKeyFromRaw } from '../../src/crypto/ed25519.js';
import { deriveRelayKey } from '../../src/crypto/kit-keys.js';
import { deriveNodeMacKey } from '../../src/crypto/mac.js';
import { FakeLink } from '../../src/link/fake-link.js';
import type { Link } from '../../src/link/link.js';
import { MessageStore } from '../../src/store/message-store.js';
import type { MessageMeta } from '../../src/store/records.js';
import type { Message } from '../../src/wire/message.js';
import { fakeCapabilitiesFor } from '../fake-capabilities.js';

export const SECRET = Uint8Array.from({ length: 32 }, (_, i) => 100 + i);
export const CENTRE = 1;

export interface NodeSpec {
  id: number;
  area?: number;
  links: Array<{
    link: Link;
    costClass: CostClass;
    neighbours?: Record<string, number>;
    /** The link's senders are enrolled devices (a satellite door: CoreLink.sendersEnrolled). */
    sendersEnrolled?: boolean;
  }>;
  routes: Route[];
  /** Beacons are off unless a test asks for them. */
  beaconIntervalMs?: number;
  /** The kits whose relay keys this node holds; default: every kit's. */
  relayFor?: readonly number[];
  /** The node's keys, instead of those of TestNetwork.keyRing. */
  keys?: KeyRing;
  /** This node's clock error, ms, added to TestNetwork.clockOffsetMs (a relay whose clock is wrong). */
  clockOffsetMs?: number;
  /** Options of this node's core that replace the harness's (a clock, timings, sequence floors…). */
  core?: Partial<Omit<NodeCoreOptions, 'nodeId' | 'store' | 'links' | 'routes' | 'identity'>>;
}

export interface TestNode {
  id: number;
  core: NodeCore;
  store: MessageStore;
  delivered: Message[];
  rejected: string[];
  dir: string;
  /** The routing table the core was built with (routes learnt from beacons land here). */
  routes: RoutingTable;
  /** For each delivered message, its id and where it stands (NodeCore 'delivered', third argument). */
  standing: Array<{ id: string; current: boolean; reason?: string }>;
  /** What the core flagged for an operator (UNKNOWN_SENDER, SEQUENCE_RESTARTED). */
  flagged: Array<{ code: string; detail: string }>;
  /** Payloads kept as foreign (not fieldnode frames, or from a device not enrolled). */
  foreign: ForeignPayload[];
  /** Frames no key here checked: not stored, forwarded at most once. */
  unchecked: Array<{ link: string; reason: string; forwarded: string[] }>;
}

export class TestNetwork {
  readonly nodes = new Map<number, TestNode>();
  readonly identities = new Map<number, ReturnType<typeof generateSigningKeyPair>>();
  clockOffsetMs = 0;

  /** Nodes the centre revoked, as every node's key ring sees it. */
  readonly revoked = new Set<number>();

  /** The issuer keys every node is provisioned with (none unless a test adds them). */
  readonly issuers = new Map<number, IssuerKey>();

  readonly #specs = new Map<number, NodeSpec>();

  /**
   * The keys node `self` holds, as in a county (docs/keys.md): the centre every kit's end-to-end
   * key, a kit only its own; relay keys for the kits it relays for (by default every node, as if
   * each were every kit's gateway).
   */
  keyRing(self = CENTRE, relayFor?: readonly number[]): KeyRing {
    return {
      macKey: (node) => (self === CENTRE || node === self ? deriveNodeMacKey(SECRET, node) : undefined),
      relayKey: (node) =>
        self === CENTRE || node === self || relayFor === undefined || relayFor.includes(node)
          ? deriveRelayKey(deriveNodeMacKey(SECRET, node), node)
          : undefined,
      revoked: (node) => this.revoked.has(node),
      issuerFloor: () => 0,
      issuerKey: (id) => this.issuers.get(id),
      nodeKey: (node) => {
        const pair = this.identities.get(node);
        return pair ? publicKeyFromRaw(pair.publicKey) : undefined;
      },
      isCentre: (node) => node === CENTRE,
    };
  }

  async add(spec: NodeSpec): Promise<TestNode> {
    const dir = await mkdtemp(join(tmpdir(), `fieldnode-net-${spec.id}-`));
    const store = await MessageStore.open(dir);
    const identity = generateSigningKeyPair();
    this.identities.set(spec.id, identity);
    const node: TestNode = {
      id: spec.id,
      core: undefined as unknown as NodeCore,
      store,
      delivered: [],
      rejected: [],
      dir,
      routes: new RoutingTable(spec.routes),
      standing: [],
      flagged: [],
      foreign: [],
      unchecked: [],
    };
    this.#specs.set(spec.id, spec);
    this.#build(node, spec);
    this.nodes.set(spec.id, node);
    return node;
  }

  /** A new core for `node` over its store, with the node's identity and the spec's options. */
  #build(node: TestNode, spec: NodeSpec): void {
    const identity = this.identities.get(spec.id);
    if (!identity) throw new Error(`no identity for node ${spec.id}`);
    const core = new NodeCore({
      nodeId: spec.id,
      ...(spec.area !== undefined ? { area: spec.area } : {}),
      store: node.store,
      links: spec.links.map((l) => {
        if (l.link instanceof FakeLink)
          l.link.setCapabilities(fakeCapabilitiesFor(l.costClass, { centre: spec.id === CENTRE }));
        return {
          link: l.link,
          costClass: l.costClass,
          neighbours: l.neighbours ?? {},
          ...(l.sendersEnrolled ? { sendersEnrolled: true } : {}),
        };
      }),
      routes: node.routes,
      keys: spec.keys ?? this.keyRing(spec.id, spec.relayFor),
      identity: identity.privateKey,
      ...(spec.id !== CENTRE ? { macKey: deriveNodeMacKey(SECRET, spec.id) } : {}),
      clock: {
        now: () => Date.now() + this.clockOffsetMs + (spec.clockOffsetMs ?? 0),
        trusted: () => true,
      },
      retry: { initialMs: 60, maxMs: 600, jitter: 0.2 },
      latencyBoundMs: [2000, 4000, 8000, 16000],
      log: silentLogger,
      receiptDelayMs: 20,
      // A lost vouched receipt is asked for again this soon (the default is ten minutes).
      receiptWaitMs: 1500,
      expiryScanMs: 50,
      beaconIntervalMs: spec.beaconIntervalMs ?? 0,
      ...spec.core,
    });
    core.on('delivered', (m, meta, standing) => {
      node.delivered.push(m);
      node.standing.push({ id: meta.id, ...standing });
    });
    core.on('rejected', (r) => node.rejected.push(`${r.code}: ${r.detail}`));
    core.on('flagged', (f) => node.flagged.push({ code: f.code, detail: f.detail }));
    core.on('foreign', (f) => node.foreign.push(f));
    core.on('unchecked', (u) => node.unchecked.push(u));
    node.core = core;
  }

  /**
   * Stops node `id`'s core and starts a new one with the same identity and keys: over the same
   * store (a restart), or over a new empty one (`lostStore`: a replaced SD card). `spec` changes
   * the node's spec from then on (a sequence floor from its key file, say).
   */
  async restart(id: number, opts: { lostStore?: boolean; spec?: Partial<NodeSpec> } = {}): Promise<TestNode> {
    const node = this.node(id);
    const spec = { ...(this.#specs.get(id) as NodeSpec), ...opts.spec };
    this.#specs.set(id, spec);
    await node.core.stop();
    await node.store.close();
    if (opts.lostStore) {
      await rm(node.dir, { recursive: true, force: true });
      node.dir = await mkdtemp(join(tmpdir(), `fieldnode-net-${id}-`));
    }
    node.store = await MessageStore.open(node.dir);
    this.#build(node, spec);
    await node.core.start();
    return node;
  }

  /** The centre, reaching everything through `gateway` at address `at` on `link` (IP). */
  addCentreBehind(link: Link, gateway: number, at = 'G'): Promise<TestNode> {
    return this.add({
      id: CENTRE,
      links: [{ link, costClass: 'ip', neighbours: { [at]: gateway } }],
      routes: [{ target: { to: 'default' }, link: link.id, nextHop: at, cost: 0, source: 'config' }],
    });
  }

  async start(): Promise<void> {
    for (const n of this.nodes.values()) await n.core.start();
  }

  async stop(): Promise<void> {
    for (const n of this.nodes.values()) {
      await n.core.stop();
      await n.store.close();
      await rm(n.dir, { recursive: true, force: true });
    }
  }

  node(id: number): TestNode {
    const n = this.nodes.get(id);
    if (!n) throw new Error(`no node ${id}`);
    return n;
  }
}

/** Polls `check` until it returns true or `timeoutMs` passes; then fails with `what`. */
export async function eventually(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs = 20_000,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for: ${what}`);
}

export async function metaOf(node: TestNode, id: string): Promise<MessageMeta | undefined> {
  return node.store.getMeta(id);
}

export function report(n: number) {
  return {
    kind: 'report' as const,
    body: { stage: 'initial' as const, hazard: 0x12, indicators: { affected: n } },
    dest: { to: 'centre' as const },
    priority: 1 as const,
    lifetimeMin: 60,
  };
}
