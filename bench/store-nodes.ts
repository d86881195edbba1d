/**
 * The rig the store benchmarks share (docs/store-and-forward.md §Measured): nodes on a real
 * LevelDB store in a temp directory, over fake links, with the bench's key ring (every kit's MAC
 * and relay key from one secret, each node's identity made when the node is), and kit frames made
 * as a kit would make them, for a gateway to check by their hop tag.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../node/src/base/logger.js';
import { type Draft, NodeCore, type NodeCoreOptions } from '../node/src/core/node-core.js';
import { type CostClass, type Route, RoutingTable } from '../node/src/core/routing-table.js';
import { type KeyRing, macAuthenticator } from '../node/src/crypto/authenticate.js';
import { generateSigningKeyPair, publicKeyFromRaw } from '../node/src/crypto/ed25519.js';
import { hopTag } from '../node/src/crypto/hop-tag.js';
import { deriveRelayKey } from '../node/src/crypto/kit-keys.js';
import { deriveNodeMacKey } from '../node/src/crypto/mac.js';
import type { FakeLink } from '../node/src/link/fake-link.js';
import { seededRandom } from '../node/src/link/seeded-random.js';
import { MessageStore } from '../node/src/store/message-store.js';
import { wrapHopTagged } from '../node/src/wire/hop-tagged.js';
import { encodeMessage, type Message } from '../node/src/wire/message.js';

export const SECRET = Uint8Array.from({ length: 32 }, (_, i) => 7 * i);
export const CENTRE = 1;
const identities = new Map<number, ReturnType<typeof generateSigningKeyPair>>();
const cleanups: Array<() => Promise<void>> = [];

const macKeys = new Map<number, Uint8Array>();
const relayKeys = new Map<number, Uint8Array>();
/** Derived once per node, as a node's key ring holds them (HKDF per frame would be the bench's cost). */
function macKeyOf(n: number): Uint8Array {
  const key = macKeys.get(n) ?? deriveNodeMacKey(SECRET, n);
  macKeys.set(n, key);
  return key;
}

export const keys: KeyRing = {
  macKey: (n) => macKeyOf(n),
  relayKey: (n) => {
    const key = relayKeys.get(n) ?? deriveRelayKey(macKeyOf(n), n);
    relayKeys.set(n, key);
    return key;
  },
  revoked: () => false,
  issuerFloor: () => 0,
  issuerKey: () => undefined,
  nodeKey: (n) => {
    const id = identities.get(n);
    return id ? publicKeyFromRaw(id.publicKey) : undefined;
  },
  isCentre: (n) => n === CENTRE,
};

export interface BenchLink {
  link: FakeLink;
  cls: CostClass;
  neighbours?: Record<string, number>;
}

/** A node on a fresh store (or on `dir`, kept after cleanUp() when given). */
export async function node(
  id: number,
  links: BenchLink[],
  routes: Route[] | RoutingTable,
  seed = id,
  more: Partial<NodeCoreOptions> & { dir?: string } = {},
) {
  const { dir: given, ...options } = more;
  const dir = given ?? (await mkdtemp(join(tmpdir(), `fieldnode-bench-${id}-`)));
  const store = await MessageStore.open(dir);
  const identity = identities.get(id) ?? generateSigningKeyPair();
  identities.set(id, identity);
  const core = new NodeCore({
    nodeId: id,
    store,
    links: links.map((l) => ({ link: l.link, costClass: l.cls, neighbours: l.neighbours ?? {} })),
    routes: routes instanceof RoutingTable ? routes : new RoutingTable(routes),
    keys,
    identity: identity.privateKey,
    ...(id !== CENTRE ? { macKey: macKeyOf(id) } : {}),
    clock: { now: () => Date.now(), trusted: () => true },
    retry: { initialMs: 2000, maxMs: 8000, jitter: 0.2 },
    latencyBoundMs: [60_000, 60_000, 60_000, 60_000],
    log: silentLogger,
    receiptDelayMs: 1000,
    // An origin that missed its custodian's vouched receipt asks again after 10 s (10 min on a kit:
    // these networks run a day's traffic in seconds).
    receiptWaitMs: 10_000,
    beaconIntervalMs: 0, // routes are configured: measure the messages, not the routing chatter
    random: seededRandom(seed),
    ...options,
  });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await core.stop();
    await store.close();
  };
  cleanups.push(async () => {
    await stop();
    if (given === undefined) await rm(dir, { recursive: true, force: true });
  });
  return { core, store, dir, stop };
}

export async function cleanUp(): Promise<void> {
  for (const c of cleanups.splice(0)) await c().catch(() => {});
}

export const report = (n: number): Draft => ({
  kind: 'report',
  body: { stage: 'initial', hazard: 0x12, indicators: { affected: 100 + n, dead: n % 3 } },
  dest: { to: 'centre' },
  priority: 1,
  lifetimeMin: 120,
});

export const toCentre = (link: string, nextHop?: string): Route => ({
  target: { to: 'centre' },
  link,
  ...(nextHop ? { nextHop } : {}),
  cost: 0,
  source: 'config',
});

/** Kit `kit`'s report number `seq` to the centre, hop-tagged as the kit sends it on the mesh. */
export function kitFrame(kit: number, seq: number, nowMs = Date.now()): Uint8Array {
  const frame = encodeMessage(
    {
      kind: 'report',
      origin: kit,
      seq,
      createdAt: Math.floor(nowMs / 1000),
      clockUntrusted: false,
      priority: 1,
      lifetimeMin: 120,
      dest: { to: 'centre' },
      flags: [],
      body: { stage: 'initial', hazard: 0x12, indicators: { affected: seq } },
    } as Message,
    macAuthenticator(macKeyOf(kit)),
  );
  return wrapHopTagged(hopTag(keys.relayKey(kit) as Uint8Array, frame), frame);
}

export async function until(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 5));
  }
  return true;
}

/** The value at fraction `p` of sorted `xs` (NaN when empty). */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}
