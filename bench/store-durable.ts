/**
 * Durable admission through the real paths (docs/store-and-forward.md §The store, §Measured):
 * a lone submitter's latency; 64 concurrent sources (32 callers of NodeCore.submit and 32 kits
 * whose frames arrive on a link) admitted and handed on, with the latency of each admission; and,
 * with 100,000 messages queued, the peak RSS and how long a node takes from opening its store to
 * taking a new message, with a neighbour's beacon bringing a new path as it starts.
 */
import { performance } from 'node:perf_hooks';
import { RoutingTable } from '../node/src/core/routing-table.js';
import { createFakeLinkPair } from '../node/src/link/fake-link.js';
import { CENTRE, cleanUp, kitFrame, node, percentile, report, toCentre, until } from './store-nodes.js';

const GATEWAY = 3001;
/** Messages per source of the concurrent run's warm-up, not measured. */
const WARM_UP = 25;

/** Median latency of submit() for a lone caller, one message at a time, ms. */
export async function loneSubmitP50(n = 1000): Promise<number> {
  const [out, sink] = createFakeLinkPair({ ids: ['out', 'sink'], sendWindow: 10_000 });
  const { core } = await node(900, [{ link: out, cls: 'ip' }], [toCentre('out')]);
  await out.start();
  await sink.start();
  await core.start();
  const took: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await core.submit(report(i));
    took.push(performance.now() - t);
  }
  await until(() => sink.counters().rxFrames >= n, 60_000);
  await cleanUp();
  return percentile(
    took.sort((a, b) => a - b),
    0.5,
  );
}

/**
 * A gateway taking messages from 32 callers of submit() and 32 kits on its mesh link at once,
 * `perSource` each after a warm-up of WARM_UP each, and handing them all to its IP link: messages
 * stored and handed on per second, and the latency of each admission (submit() resolving; a
 * kit's frame arriving until the core reports it stored).
 *
 * Two readings of the latency. After the warm-up the gateway is idle, and the measured round starts
 * all 64 sources in the same instant: `fromIdle` counts every admission of it, so the first 64,
 * which queue behind each other's work from an idle node, are in its tail. `steady` counts only the
 * admissions begun while every source is past its first STEADY_AFTER and none has finished: the
 * closed loop in its steady state, which is what "under the 64-way load" means; its rate counts
 * the admissions that ended in that window.
 */
export async function concurrentDurable(perSource = 200) {
  const { core, air, sink, KITS, SUBMITTERS, frames, waiting } = await loadedGateway(WARM_UP + perSource);
  /** `count` messages from every source, numbered from `from`; each admission's start and end. */
  const round = async (from: number, count: number) => {
    const timed = async (admit: () => Promise<unknown>, into: Admission[]) => {
      const start = performance.now();
      await admit();
      into.push({ start, end: performance.now() });
    };
    const submitters = Array.from({ length: SUBMITTERS }, async (_, i) => {
      const mine: Admission[] = [];
      for (let j = from; j < from + count; j++) await timed(() => core.submit(report(i * 10_000 + j)), mine);
      return mine;
    });
    const kits = KITS.map(async (k, i) => {
      const mine: Admission[] = [];
      for (let s = from + 1; s <= from + count; s++) {
        const stored = new Promise<void>((resolve) => waiting.set(`${k}/${s}`, resolve));
        await timed(async () => {
          await air.send(frames[i]?.[s - 1] as Uint8Array, { to: 'G' });
          await stored;
        }, mine);
      }
      return mine;
    });
    return Promise.all([...submitters, ...kits]);
  };
  const sources = SUBMITTERS + KITS.length;
  // The same load first, not measured: the code is compiled and the store's files made.
  await round(0, WARM_UP);
  await until(() => sink.counters().rxFrames >= sources * WARM_UP, 120_000);
  const total = sources * perSource;
  const start = performance.now();
  const bySource = await round(WARM_UP, perSource);
  const admitted = performance.now();
  const handedOn = await until(() => sink.counters().rxFrames >= sources * (WARM_UP + perSource), 120_000);
  const end = performance.now();
  await cleanUp();
  if (!handedOn) throw new Error(`concurrent: ${sink.counters().rxFrames} of ${total} handed on`);
  const all = bySource.flat();
  const latency = (of: readonly Admission[]) => of.map((a) => a.end - a.start).sort((a, b) => a - b);
  const fromIdle = latency(all);
  // The window in which all 64 sources are in their steady state.
  const from = Math.max(...bySource.map((mine) => (mine[STEADY_AFTER] as Admission).start));
  const to = Math.min(...bySource.map((mine) => (mine[mine.length - 1] as Admission).end));
  const steady = latency(all.filter((a) => a.start >= from && a.start < to));
  const endedInWindow = all.filter((a) => a.end >= from && a.end < to).length;
  return {
    perSec: total / ((end - start) / 1000),
    admittedPerSec: total / ((admitted - start) / 1000),
    steady: {
      perSec: endedInWindow / ((to - from) / 1000),
      admissions: steady.length,
      p50: percentile(steady, 0.5),
      p99: percentile(steady, 0.99),
    },
    fromIdle: { p50: percentile(fromIdle, 0.5), p99: percentile(fromIdle, 0.99) },
  };
}

interface Admission {
  start: number;
  end: number;
}

/**
 * Admissions per source before the steady window may begin: by then the 64 sources, started in
 * the same instant, no longer arrive together.
 */
const STEADY_AFTER = 25;

/** The 32 kits whose frames the loaded gateway takes in on its mesh link. */
const LOAD_KITS = Array.from({ length: 32 }, (_, i) => 2101 + i);

/**
 * A gateway with a mesh link (32 kits' frames arrive there) and an IP link towards the centre that
 * nothing answers (no message is due again while a run lasts), its core started; `framesPerKit`
 * frames of each kit made beforehand (the kits' own work is not the gateway's), and a map that the
 * core's 'state' event settles once a kit's frame is stored.
 */
export async function loadedGateway(framesPerKit: number) {
  const SUBMITTERS = 32;
  const KITS = LOAD_KITS;
  const [out, sink] = createFakeLinkPair({ ids: ['out', 'sink'], from: ['G', 'C'], sendWindow: 100_000 });
  const [mesh, air] = createFakeLinkPair({
    ids: ['mesh', 'air'],
    from: ['G', 'K'],
    sendWindow: 100_000,
    mtu: 250,
  });
  const { core } = await node(
    GATEWAY,
    [
      { link: mesh, cls: 'mesh', neighbours: { K: 2101 } },
      { link: out, cls: 'ip', neighbours: { C: 1 } },
    ],
    [toCentre('out', 'C')],
    GATEWAY,
    { retry: { initialMs: 600_000, maxMs: 600_000, jitter: 0.2 } },
  );
  for (const l of [out, sink, mesh, air]) await l.start();
  await core.start();
  const frames = KITS.map((k) => Array.from({ length: framesPerKit }, (_, s) => kitFrame(k, s + 1)));
  const waiting = new Map<string, () => void>();
  core.on('state', (meta) => {
    const done = waiting.get(meta.id);
    if (done) {
      waiting.delete(meta.id);
      done();
    }
  });
  return { core, air, sink, KITS, SUBMITTERS, frames, waiting };
}

/**
 * Admission latency at a steady offered load below what the gateway can take (an open loop):
 * `ratePerSec` admissions a second for `seconds`, half submits and half kit frames on the mesh
 * link, each started on its schedule whether or not the ones before it have finished. Latency is
 * counted from when an admission was due to start, so a late timer counts against the node
 * (no coordinated omission). A closed loop of 64 sources at saturation measures the node's
 * throughput, not its latency: its mean is 64 / throughput whatever the node does (Little's law).
 */
export async function openLoopDurable(ratePerSec = 2500, seconds = 4) {
  const warmUpS = 1;
  const total = Math.ceil(ratePerSec * (seconds + warmUpS));
  const perKit = Math.ceil(total / 2 / LOAD_KITS.length) + 1;
  const { core, air, KITS, frames, waiting } = await loadedGateway(perKit);
  const latencies: number[] = [];
  const bySource = { submit: [] as number[], kit: [] as number[] };
  const nextSeq = new Array<number>(KITS.length).fill(1);
  let started = 0;
  let finished = 0;
  const t0 = performance.now();
  const measureFrom = t0 + warmUpS * 1000;
  const admit = (n: number, due: number) => {
    const record = () => {
      finished++;
      if (due < measureFrom) return;
      const took = performance.now() - due;
      latencies.push(took);
      bySource[n % 2 === 0 ? 'submit' : 'kit'].push(took);
    };
    if (n % 2 === 0) {
      void core.submit(report(n)).then(record);
      return;
    }
    const k = (n >> 1) % KITS.length;
    const seq = nextSeq[k] ?? 1;
    nextSeq[k] = seq + 1;
    const kit = KITS[k] as number;
    const stored = new Promise<void>((resolve) => waiting.set(`${kit}/${seq}`, resolve));
    void air.send(frames[k]?.[seq - 1] as Uint8Array, { to: 'G' });
    void stored.then(record);
  };
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      const now = performance.now();
      const dueNow = Math.min(total, Math.floor(((now - t0) / 1000) * ratePerSec));
      while (started < dueNow) {
        admit(started, t0 + (started / ratePerSec) * 1000);
        started++;
      }
      if (started >= total) {
        clearInterval(tick);
        resolve();
      }
    }, 2);
  });
  await until(() => finished >= total, 60_000);
  await cleanUp();
  for (const l of [latencies, bySource.submit, bySource.kit]) l.sort((a, b) => a - b);
  return {
    ratePerSec,
    admitted: finished,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    max: latencies.at(-1) ?? 0,
    submitP99: percentile(bySource.submit, 0.99),
    kitFrameP99: percentile(bySource.kit, 0.99),
  };
}

/** Stores `n` messages made here, 64 callers at a time. */
export async function fill(core: { submit: (d: ReturnType<typeof report>) => Promise<string> }, n: number) {
  let next = 0;
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (next < n) await core.submit(report(next++));
    }),
  );
}

/**
 * A relay with `n` messages queued behind a link that is down: the peak RSS while they are stored
 * (MiB), and, once it is stopped and started again as after a power cut while its neighbour (the
 * centre) beacons, the time from opening the store to storing a new message, the beacon's new
 * path learnt (and the waiting messages looked at for a route) first, ms.
 */
export async function queued(n = 100_000): Promise<{ peakRssMB: number; restartMs: number }> {
  const [down] = createFakeLinkPair({ ids: ['down', 'nowhere'] });
  down.setUp(false);
  const first = await node(902, [{ link: down, cls: 'mesh' }], [toCentre('down')]);
  await down.start();
  await first.core.start();
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  await fill(first.core, n);
  const queuedNow = (await first.store.outboxCounts()).down ?? 0;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  await first.stop();
  if (queuedNow !== n) throw new Error(`expected ${n} queued, found ${queuedNow}`);

  const [ip, ipCentre] = createFakeLinkPair({ ids: ['ip', 'ip@C'], from: ['R', 'C'] });
  const centre = await node(CENTRE, [{ link: ipCentre, cls: 'ip', neighbours: { R: 902 } }], [], CENTRE, {
    beaconIntervalMs: 50,
  });
  const routes = new RoutingTable([toCentre('down')]);
  const learnt = () => routes.routes.some((r) => r.source !== 'config');
  for (const l of [ipCentre, ip]) await l.start();
  await centre.core.start();
  const t = performance.now();
  const again = await node(
    902,
    [
      { link: down, cls: 'mesh' },
      { link: ip, cls: 'ip', neighbours: { C: CENTRE } },
    ],
    routes,
    902,
    { dir: first.dir },
  );
  await again.core.start();
  if (!(await until(learnt, 30_000))) throw new Error('restart: no beacon learnt');
  // Queued behind the look at the waiting messages that the new path set off.
  await again.core.submit(report(n));
  const restartMs = performance.now() - t;
  await again.stop();
  await cleanUp();
  return { peakRssMB: peak / 2 ** 20, restartMs };
}
