/**
 * Group commit over real NodeCores (docs/store-and-forward.md §Group commit): a gateway takes
 * reports from kits on its mesh and messages from its own callers at once, on a LevelDB store
 * whose syncs take 15 ms (a slow SD card). Every confirmation that leaves it follows the sync that
 * made its message durable: for each custody or vouched id it sends, the store had completed a
 * sync begun after the message was staged. A second copy heard from another kit while the first
 * waits for its sync is stored once and confirmed after that sync too; the admissions share syncs.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Level } from 'level';
import { afterEach, expect, it } from 'vitest';
import { silentLogger } from '../../src/base/logger.js';
import { NodeCore } from '../../src/core/node-core.js';
import { RoutingTable } from '../../src/core/routing-table.js';
import { macAuthenticator } from '../../src/crypto/authenticate.js';
import { generateSigningKeyPair } from '../../src/crypto/ed25519.js';
import { deriveNodeMacKey } from '../../src/crypto/mac.js';
import { createFakeLinkPair, createFakeMedium, type FakeLink } from '../../src/link/fake-link.js';
import { MessageStore } from '../../src/store/message-store.js';
import { decodeFrame } from '../../src/wire/message.js';
import { CENTRE, eventually, report, SECRET, TestNetwork } from './harness.js';
import { genuinelyTagged, reportFrame } from './security-support.js';

const GATEWAY = 3001;
const KIT = 2101;
const SYNC_MS = 15;
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/**
 * A real LevelDB whose synced writes take SYNC_MS longer: what a slow card does to fsync. The store
 * writes through chained batches (node/src/store/store-open.ts): each one's synced write is slowed.
 */
function slowSyncLevel(dir: string, options: object): Level<string, Uint8Array> {
  const db = new Level<string, Uint8Array>(dir, options);
  const chained = db.batch.bind(db) as () => ReturnType<Level<string, Uint8Array>['batch']>;
  (db as unknown as { batch: typeof chained }).batch = () => {
    const b = chained();
    const write = b.write.bind(b) as (opts?: { sync?: boolean }) => Promise<void>;
    (b as unknown as { write: typeof write }).write = async (opts) => {
      if (opts?.sync) await new Promise((r) => setTimeout(r, SYNC_MS));
      return write(opts);
    };
    return b;
  };
  return db;
}

it('confirms nothing before its sync, answers a copy heard meanwhile after it, and shares syncs', async () => {
  const net = new TestNetwork(); // the key ring and identities of the integration tests
  const mesh = createFakeMedium({ seed: 7 });
  // Not a shared medium: each neighbour gets its own confirmations, so K2's can be told apart.
  const meshG = mesh.attach({ id: 'mesh@G', from: 'G' });
  // The kits' ends send all at once: room for every frame.
  const k1 = mesh.attach({ id: 'k1', from: 'K1', sendWindow: 100 });
  const k2 = mesh.attach({ id: 'k2', from: 'K2', sendWindow: 100 });
  const [ipG, ipC] = createFakeLinkPair({ ids: ['ip@G', 'ip@C'], from: ['G', 'C'] });
  const centre = await net.addCentreBehind(ipC, GATEWAY);
  const dir = await mkdtemp(join(tmpdir(), 'fieldnode-group-'));
  const store = await MessageStore.open(dir, { level: slowSyncLevel });
  const identity = generateSigningKeyPair();
  net.identities.set(GATEWAY, identity);
  const gateway = new NodeCore({
    nodeId: GATEWAY,
    store,
    links: [
      { link: meshG, costClass: 'mesh', neighbours: { K1: KIT, K2: KIT + 1 } },
      { link: ipG, costClass: 'ip', neighbours: { C: CENTRE } },
    ],
    routes: new RoutingTable([
      { target: { to: 'centre' }, link: 'ip@G', nextHop: 'C', cost: 0, source: 'config' },
    ]),
    keys: net.keyRing(GATEWAY),
    identity: identity.privateKey,
    macKey: deriveNodeMacKey(SECRET, GATEWAY),
    clock: { now: () => Date.now(), trusted: () => true },
    retry: { initialMs: 500, maxMs: 2000, jitter: 0.2 },
    latencyBoundMs: [2000, 4000, 8000, 16000],
    log: silentLogger,
    receiptDelayMs: 1, // confirmations leave at once: only the sync may hold them
    receiptWaitMs: 1500,
    beaconIntervalMs: 0,
  });
  cleanups.push(async () => {
    await gateway.stop();
    await store.close();
    await rm(dir, { recursive: true, force: true });
    await net.stop();
  });

  // What the store had begun when each message was staged, and had completed when each
  // confirmation of it left.
  const stagedAt = new Map<string, number>();
  const admitted = new Map<string, number>();
  const admit = store.admit.bind(store);
  store.admit = (meta, frame, opts) => {
    stagedAt.set(meta.id, store.syncs.started);
    admitted.set(meta.id, (admitted.get(meta.id) ?? 0) + 1);
    return admit(meta, frame, opts);
  };
  const confirmed: Array<{ id: string; to: string | undefined; completed: number }> = [];
  const send = meshG.send.bind(meshG);
  meshG.send = (frame, opts) => {
    const m = decodeFrame(frame).message;
    if (m?.kind === 'receipt' && m.body.scope !== undefined && m.body.scope !== 'delivered')
      for (const r of [...m.body.ranges, ...(m.body.vouched ?? [])])
        for (let seq = r.from; seq <= r.to; seq++)
          confirmed.push({ id: `${r.origin}/${seq}`, to: opts?.to, completed: store.syncs.completed });
    return send(frame, opts);
  };

  for (const l of [meshG, k1, k2, ipG, ipC] as FakeLink[]) await l.start();
  await centre.core.start();
  await gateway.start();

  const auth = macAuthenticator(deriveNodeMacKey(SECRET, KIT));
  const frames = Array.from({ length: 40 }, (_, i) => genuinelyTagged(KIT, reportFrame(KIT, i + 1, auth)));
  const submits: Array<Promise<{ id: string; completed: number }>> = [];
  for (let i = 0; i < 40; i++) {
    void k1.send(frames[i] as Uint8Array, { to: 'G' });
    // Another kit relays the first ten too, while the gateway still waits for their sync.
    if (i < 10) void k2.send(frames[i] as Uint8Array, { to: 'G' });
    if (i < 20)
      submits.push(gateway.submit(report(i)).then((id) => ({ id, completed: store.syncs.completed })));
  }
  const own = await Promise.all(submits);
  await eventually(
    'every report of the kit delivered at the centre',
    () => centre.delivered.filter((m) => m.origin === KIT).length === 40,
  );
  await eventually("custody and then the centre's word for every report, to the kit", () => {
    const toKit = confirmed.filter((c) => c.to === 'K1').map((c) => c.id);
    return frames.every((_, i) => toKit.filter((id) => id === `${KIT}/${i + 1}`).length >= 2);
  });

  for (const { id, completed } of own) expect(completed).toBeGreaterThan(stagedAt.get(id) as number);
  expect(confirmed.length).toBeGreaterThanOrEqual(80);
  for (const c of confirmed) {
    const staged = stagedAt.get(c.id);
    expect(staged, `${c.id} confirmed but never stored here`).toBeDefined();
    expect(c.completed, `${c.id} confirmed to ${c.to} before its sync`).toBeGreaterThan(staged as number);
  }
  // The copies from K2: stored once, and answered too (custody to K2), after the first one's sync.
  for (let seq = 1; seq <= 10; seq++) expect(admitted.get(`${KIT}/${seq}`)).toBe(1);
  expect(confirmed.filter((c) => c.to === 'K2').length).toBeGreaterThan(0);
  // 60 messages and the gateway's own custody receipts, in far fewer syncs than admissions.
  expect(store.syncs.completed).toBeLessThan(admitted.size / 3);
});
