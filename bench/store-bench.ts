/**
 * The store benchmark (docs/store-and-forward.md): durable enqueue-to-dispatch throughput with a sync per message
 * and with batched syncs; a seeded 20-node network over fake links with 30 % frame loss and a
 * gateway that reaches the centre half of the time (delivery ratio, latency, bytes on all links
 * per byte delivered); and the peak RSS with 100,000 messages queued.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { silentLogger } from '../node/src/base/logger.js';
import { type Draft, NodeCore } from '../node/src/core/node-core.js';
import { type CostClass, type Route, RoutingTable } from '../node/src/core/routing-table.js';
import type { KeyRing } from '../node/src/crypto/authenticate.js';
import { generateSigningKeyPair, publicKeyFromRaw } from '../node/src/crypto/ed25519.js';
import { deriveRelayKey } from '../node/src/crypto/kit-keys.js';
import { deriveNodeMacKey } from '../node/src/crypto/mac.js';
import { createFakeLinkPair, createFakeMedium, type FakeLink } from '../node/src/link/fake-link.js';
import { seededRandom } from '../node/src/link/seeded-random.js';
import { MessageStore } from '../node/src/store/message-store.js';
import { decodeFrame } from '../node/src/wire/message.js';
import { printTable } from './table.js';

const SECRET = Uint8Array.from({ length: 32 }, (_, i) => 7 * i);
const CENTRE = 1;
const identities = new Map<number, ReturnType<typeof generateSigningKeyPair>>();
const cleanups: Array<() => Promise<void>> = [];

const keys: KeyRing = {
  macKey: (n) => deriveNodeMacKey(SECRET, n),
  relayKey: (n) => deriveRelayKey(deriveNodeMacKey(SECRET, n), n),
  revoked: () => false,
  issuerFloor: () => 0,
  issuerKey: () => undefined,
  nodeKey: (n) => {
    const id = identities.get(n);
    return id ? publicKeyFromRaw(id.publicKey) : undefined;
  },
  isCentre: (n) => n === CENTRE,
};

async function node(
  id: number,
  links: Array<{ link: FakeLink; cls: CostClass; neighbours?: Record<string, number> }>,
  routes: Route[],
  seed = id,
) {
  const dir = await mkdtemp(join(tmpdir(), `fieldnode-bench-${id}-`));
  const store = await MessageStore.open(dir);
  const identity = generateSigningKeyPair();
  identities.set(id, identity);
  const core = new NodeCore({
    nodeId: id,
    store,
    links: links.map((l) => ({ link: l.link, costClass: l.cls, neighbours: l.neighbours ?? {} })),
    routes: new RoutingTable(routes),
    keys,
    identity: identity.privateKey,
    ...(id !== CENTRE ? { macKey: deriveNodeMacKey(SECRET, id) } : {}),
    clock: { now: () => Date.now(), trusted: () => true },
    retry: { initialMs: 2000, maxMs: 8000, jitter: 0.2 },
    latencyBoundMs: [60_000, 60_000, 60_000, 60_000],
    log: silentLogger,
    receiptDelayMs: 1000,
    // An origin that missed its custodian's vouched receipt asks again after 10 s (10 min on a kit:
    // this network runs a day's traffic in seconds).
    receiptWaitMs: 10_000,
    beaconIntervalMs: 0, // routes are configured: measure the messages, not the routing chatter
    random: seededRandom(seed),
  });
  cleanups.push(async () => {
    await core.stop();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });
  return { core, store };
}

const report = (n: number): Draft => ({
  kind: 'report',
  body: { stage: 'initial', hazard: 0x12, indicators: { affected: 100 + n, dead: n % 3 } },
  dest: { to: 'centre' },
  priority: 1,
  lifetimeMin: 120,
});

const toCentre = (link: string, nextHop?: string): Route => ({
  target: { to: 'centre' },
  link,
  ...(nextHop ? { nextHop } : {}),
  cost: 0,
  source: 'config',
});

async function until(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 5));
  }
  return true;
}

/** Messages stored durably and handed to a link, per second. */
async function durableRate(batched: boolean): Promise<number> {
  const [out, sink] = createFakeLinkPair({ ids: ['out', 'sink'], sendWindow: 10_000 });
  const { core } = await node(batched ? 901 : 900, [{ link: out, cls: 'ip' }], [toCentre('out')]);
  await out.start();
  await sink.start();
  await core.start();
  const n = batched ? 5000 : 1000;
  const start = performance.now();
  if (batched) {
    for (let i = 0; i < n; i += 100)
      await core.submitMany(Array.from({ length: 100 }, (_, k) => report(i + k)));
  } else {
    for (let i = 0; i < n; i++) await core.submit(report(i));
  }
  await until(() => sink.counters().rxFrames >= n, 60_000);
  return n / ((performance.now() - start) / 1000);
}

/** Peak RSS while 100,000 messages are queued behind a link that is down. */
export async function peakRss(): Promise<number> {
  const [out] = createFakeLinkPair({ ids: ['down', 'nowhere'] });
  out.setUp(false);
  const { core, store } = await node(902, [{ link: out, cls: 'mesh' }], [toCentre('down')]);
  await out.start();
  await core.start();
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  for (let i = 0; i < 100_000; i += 1000)
    await core.submitMany(Array.from({ length: 1000 }, (_, k) => report(i + k)));
  const queued = (await store.outboxCounts()).down ?? 0;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  if (queued !== 100_000) throw new Error(`expected 100000 queued, found ${queued}`);
  return peak / 2 ** 20;
}

/**
 * 18 kits and a gateway on a lossy mesh, the gateway's IP link to the centre up half the time.
 * `seed` picks the frame losses, delays and the reports' times.
 */
async function network(seed: number) {
  const KITS = Array.from({ length: 18 }, (_, i) => 2101 + i);
  const GATEWAY = 3001;
  // Each network's nodes draw their own backoff jitter too.
  const nodeSeed = (id: number) => seed * 10_000 + id;
  const mesh = createFakeMedium({ seed: 42 + 100 * seed, loss: 0.3, delayMs: { min: 5, max: 40 } });
  const [ipG, ipC] = createFakeLinkPair({ ids: ['ip@G', 'ip@C'], from: ['G', 'C'], seed: 43 + 100 * seed });
  const all: FakeLink[] = [ipG, ipC];
  const centre = await node(
    CENTRE,
    [{ link: ipC, cls: 'ip', neighbours: { G: GATEWAY } }],
    [{ target: { to: 'default' }, link: 'ip@C', nextHop: 'G', cost: 0, source: 'config' }],
    nodeSeed(CENTRE),
  );
  // The fake medium plays a LoRa channel: one confirmation frame serves every neighbour.
  const meshG = mesh.attach({ id: 'mesh@G', from: 'G', capabilities: { sharedMedium: true } });
  all.push(meshG);
  const gw = await node(
    GATEWAY,
    [
      { link: meshG, cls: 'mesh', neighbours: Object.fromEntries(KITS.map((k) => [`K${k}`, k])) },
      { link: ipG, cls: 'ip', neighbours: { C: CENTRE } },
    ],
    [
      toCentre('ip@G', 'C'),
      ...KITS.map((k) => ({
        target: { to: 'node' as const, node: k },
        link: 'mesh@G',
        nextHop: `K${k}`,
        cost: 0,
        source: 'config' as const,
      })),
    ],
    nodeSeed(GATEWAY),
  );
  const kits = [];
  for (const k of KITS) {
    const link = mesh.attach({ id: `mesh@${k}`, from: `K${k}`, capabilities: { sharedMedium: true } });
    all.push(link);
    kits.push(
      await node(
        k,
        [{ link, cls: 'mesh', neighbours: { G: GATEWAY } }],
        [toCentre(`mesh@${k}`, 'G')],
        nodeSeed(k),
      ),
    );
  }
  const submittedAt = new Map<string, number>();
  const latencies: number[] = [];
  let deliveredBytes = 0;
  centre.core.on('delivered', async (m, meta) => {
    if (m.kind !== 'report') return;
    const at = submittedAt.get(meta.id);
    if (at !== undefined) latencies.push((Date.now() - at) / 1000);
    deliveredBytes += (await centre.store.getFrame(meta.id))?.length ?? 0;
  });
  // Bytes on the links by what they carried: where the overhead goes.
  const byKind: Record<string, number> = {};
  for (const l of all) {
    const send = l.send.bind(l);
    l.send = async (frame, opts) => {
      const o = await send(frame, opts);
      if (o.ok) {
        const m = frame[0] === 0x01 ? undefined : decodeFrame(frame).message;
        const what =
          m?.kind === 'receipt' ? `${m.body.scope ?? 'delivered'} receipts` : `${m?.kind ?? 'fragment'}s`;
        const k = `${what} on ${l.id.startsWith('ip') ? 'ip' : 'mesh'}`;
        byKind[k] = (byKind[k] ?? 0) + frame.length;
      }
      return o;
    };
  }
  for (const l of all) await l.start();
  for (const c of [centre, gw, ...kits]) await c.core.start();
  // The gateway reaches the centre half of the time: 2 s up, 2 s down.
  let up = true;
  const flap = setInterval(() => {
    up = !up;
    ipG.setUp(up);
    ipC.setUp(up);
  }, 2000);
  const random = seededRandom(99 + 100 * seed);
  const sends: Promise<void>[] = [];
  let count = 0;
  for (const [i, kit] of kits.entries()) {
    for (let j = 0; j < 5; j++) {
      count++;
      sends.push(
        new Promise<void>((resolve) =>
          setTimeout(async () => {
            const id = await kit.core.submit(report(i * 10 + j));
            submittedAt.set(id, Date.now());
            resolve();
          }, random() * 10_000),
        ),
      );
    }
  }
  // Until every origin has its receipt: the confirmations are part of the cost.
  let receipted = 0;
  for (const kit of kits)
    kit.core.on('state', (meta) => {
      if (meta.local && meta.kindCode === 1 && meta.state === 'received') receipted++;
    });
  await Promise.all(sends);
  // A network that does not finish is a failure, not a shorter sample.
  if (!(await until(() => latencies.length >= count && receipted >= count, 180_000)))
    throw new Error(
      `network ${seed}: ${latencies.length} of ${count} reports delivered, ${receipted} receipts back after 180 s`,
    );
  clearInterval(flap);
  const txBytes = all.reduce((sum, l) => sum + l.counters().txBytes, 0);

  return { count, latencies, receipted, txBytes, deliveredBytes, byKind };
}

/** The seeds of the networks the benchmark runs and pools (one run's losses are luck). */
const NETWORK_SEEDS = [0, 1, 2];

/**
 * Runs one network per seed, one after another, and pools them: the ratios are totals over all
 * networks; each network's overhead is kept too, to show the spread. A single network's figure
 * moves by about ±0.15 between runs (which frames the 30 % loss hits depends on timing), so one
 * run says little about the mean.
 */
async function networks() {
  const runs: Array<Awaited<ReturnType<typeof network>>> = [];
  for (const seed of NETWORK_SEEDS) {
    runs.push(await network(seed));
    await cleanUp();
  }
  const sum = (f: (r: (typeof runs)[number]) => number) => runs.reduce((t, r) => t + f(r), 0);
  const latencies = runs.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const pct = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? Number.NaN;
  const bytesByKind: Record<string, number> = {};
  for (const r of runs)
    for (const [k, v] of Object.entries(r.byKind)) bytesByKind[k] = (bytesByKind[k] ?? 0) + v;
  const deliveredBytes = sum((r) => r.deliveredBytes);
  const txBytes = sum((r) => r.txBytes);
  return {
    deliveryRatio: latencies.length / sum((r) => r.count),
    receiptRatio: sum((r) => r.receipted) / sum((r) => r.count),
    latencyP50s: Number(pct(0.5).toFixed(2)),
    latencyP95s: Number(pct(0.95).toFixed(2)),
    // Every report crosses two hops (kit → gateway → centre): that much is the work itself, so
    // the ratio is bytes on all links per byte delivered per hop (1.0: no retry, no confirmation).
    overheadRatio: Number((txBytes / (deliveredBytes * 2)).toFixed(2)),
    overheadRatioRuns: runs.map((r) => Number((r.txBytes / (r.deliveredBytes * 2)).toFixed(2))),
    bytesPerDeliveredByte: Number((txBytes / deliveredBytes).toFixed(2)),
    messages: sum((r) => r.count),
    bytesByKind,
  };
}

/** V8 flags the daemon runs with on a kit (package.json start script, systemd unit). */
export const DAEMON_NODE_FLAGS = ['--max-semi-space-size=2', '--optimize-for-size'];

/** Runs the RSS measurement in a fresh process started as the daemon is, so nothing else counts. */
async function peakRssInChild(): Promise<number> {
  const { execFile } = await import('node:child_process');
  const script = new URL('./store-rss-child.js', import.meta.url).pathname;
  const out = await new Promise<string>((resolve, reject) =>
    execFile(process.execPath, [...DAEMON_NODE_FLAGS, script], { timeout: 300_000 }, (err, stdout) =>
      err ? reject(err) : resolve(stdout),
    ),
  );
  return Number(out.trim().split('\n').pop());
}

export async function cleanUp(): Promise<void> {
  for (const c of cleanups.splice(0)) await c().catch(() => {});
}

export async function runStoreBench(json: boolean): Promise<void> {
  try {
    const peakRssMB = Math.round(await peakRssInChild());
    const durablePerSec = Math.round(await durableRate(false));
    const durablePerSecBatched = Math.round(await durableRate(true));
    const sim = await networks();
    const result = {
      durablePerSec,
      durablePerSecBatched,
      deliveryRatio: sim.deliveryRatio,
      latencyP50s: sim.latencyP50s,
      latencyP95s: sim.latencyP95s,
      overheadRatio: sim.overheadRatio,
      peakRssMB,
      overheadRatioRuns: sim.overheadRatioRuns,
      receiptRatio: sim.receiptRatio,
      bytesByKind: sim.bytesByKind,
    };
    if (json) {
      process.stdout.write(`${JSON.stringify(result)}\n`);
      return;
    }
    process.stdout.write('store: durable store-and-forward (LevelDB in a temp dir, fake links)\n\n');
    printTable([
      {
        measure: 'durable enqueue→dispatch, sync per message',
        value: durablePerSec,
        unit: 'msg/s',
        target: '',
      },
      {
        measure: 'durable enqueue→dispatch, batched syncs (100)',
        value: durablePerSecBatched,
        unit: 'msg/s',
        target: '≥ 1000',
      },
      {
        measure: `delivery ratio, 20 nodes, 30 % loss (${NETWORK_SEEDS.length} networks, ${sim.messages} reports)`,
        value: sim.deliveryRatio,
        unit: '',
        target: '1.0',
      },
      { measure: 'receipts back at their origins', value: sim.receiptRatio, unit: '', target: '' },
      { measure: 'latency p50', value: sim.latencyP50s, unit: 's', target: '' },
      { measure: 'latency p95', value: sim.latencyP95s, unit: 's', target: '' },
      {
        measure: 'bytes on all links per byte delivered per hop',
        value: sim.overheadRatio,
        unit: '',
        target: '≤ 2.0',
      },
      ...sim.overheadRatioRuns.map((value, i) => ({
        measure: `  network ${i + 1} (seed ${NETWORK_SEEDS[i]})`,
        value,
        unit: '',
        target: '',
      })),
      {
        measure: 'bytes on all links per byte delivered (2 hops)',
        value: sim.bytesPerDeliveredByte,
        unit: '',
        target: '',
      },
      { measure: 'peak RSS, 100,000 messages queued', value: peakRssMB, unit: 'MB', target: '≤ 120' },
    ]);
    process.stdout.write(
      `\nbytes on the links of the ${NETWORK_SEEDS.length} networks, by what they carried\n\n`,
    );
    printTable(Object.entries(sim.bytesByKind).map(([carried, bytes]) => ({ carried, bytes })));
  } finally {
    for (const c of cleanups.splice(0)) await c().catch(() => {});
  }
}
