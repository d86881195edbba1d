/**
 * The crash rig (docs/store-and-forward.md §Crashes and the deliveries journal), shared by the crash
 * test (node/test/integration/crash.test.ts) and the crash benchmark (crash-bench.ts): a kit, a
 * gateway and a centre, each the real daemon built to dist/ in a child process of its own, while
 * the kit writes reports; one of them, chosen at random, is killed with SIGKILL at a random moment
 * and started again at once, `kills` times.
 *
 * The kills come in threes: a running daemon (each of the three in turn, in a shuffled order) at a
 * moment drawn from the next 3 s (or two median start-up times, if longer); the same daemon during
 * its start-up (loading, the store opening, the outbox looked at again, the links starting), at a
 * moment drawn from one median start-up time after its spawn; and the same daemon again within a
 * second of its "node started", while the retries its neighbours held back arrive all at once.
 * Then every daemon is stopped, a last clean run lets everything through, and auditCrashRun()
 * reads the stores and the journals.
 */
import { access, cp, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seededRandom } from '../node/src/link/seeded-random.js';
import { MessageStore } from '../node/src/store/message-store.js';
import { auditCrashRun, type CrashAudit } from './crash-audit.js';
import { CONFIRMED, CrashDaemon, SUBMITTED } from './crash-daemon.js';
import { CRASH_NODES, type CrashNodeName, writeCrashTopology } from './crash-topology.js';

export interface CrashRigOptions {
  /** How many SIGKILLs. */
  kills: number;
  /** Seeds the choice of victims and moments (the timing itself is the machine's). Default: random. */
  seed?: number;
  /** How often the kit writes a report, ms. Default 30. */
  submitEveryMs?: number;
  /** How long the last clean run may take to let everything through, ms. Default 120,000. */
  drainTimeoutMs?: number;
  /** Progress, a line every ten kills. Default: none. */
  progress?: (line: string) => void;
}

export interface CrashKill {
  node: CrashNodeName;
  /** How long after its spawn the victim was killed, ms. */
  ageMs: number;
  /** It had said "node started". */
  ready: boolean;
  /** When, unix ms. */
  at: number;
}

export interface CrashRigResult extends CrashAudit {
  seed: number;
  kills: CrashKill[];
  /** Reports the kit held as confirmed (custody or received) before the last kill. */
  confirmedBeforeKill: number;
  /** From the spawn of a killed daemon to its "node started", ms, for each restart that got there. */
  restartToReadyMs: number[];
  /** The last clean run delivered and confirmed every report. */
  drained: boolean;
  /** Starts that failed, stops that did not exit 0: each with the daemon's last lines. */
  failures: string[];
  durationMs: number;
}

const here = dirname(fileURLToPath(import.meta.url));
/** The repository: this file runs from bench/ (vitest) or from dist/bench/ (npm run bench). */
const root = basename(dirname(here)) === 'dist' ? dirname(dirname(here)) : dirname(here);
const DAEMON = 'dist/node/src/cli/bin.js';
const KIT_DAEMON = 'dist/bench/crash-kit-daemon.js';
const START_TIMEOUT_MS = 60_000;
/** A kill of a running daemon comes within this long of the kill before, ms (or two start-ups). */
const RUNNING_WINDOW_MS = 3000;
/** A kill while a daemon catches up comes within this long of its "node started", ms. */
const CATCH_UP_WINDOW_MS = 1000;

export async function runCrashRig(opts: CrashRigOptions): Promise<CrashRigResult> {
  const began = performance.now();
  const seed = opts.seed ?? Math.floor(Math.random() * 2 ** 31);
  const random = seededRandom(seed);
  const dir = await mkdtemp(join(tmpdir(), 'fieldnode-crash-'));
  const app = await snapshotBuild(dir);
  const topo = await writeCrashTopology(dir);
  let kitWrites = true;
  const stored = new Map<string, string>();
  let spawns = 0;
  const custody = new Set<string>();
  const confirmed = new Set<string>();
  const received = new Set<string>();
  const startMs: number[] = [];
  const restartToReadyMs: number[] = [];
  const restarted = new Set<CrashNodeName>();
  const daemons = {} as Record<CrashNodeName, CrashDaemon>;
  for (const name of CRASH_NODES) {
    const node = topo[name];
    daemons[name] = new CrashDaemon({
      node,
      argv: () =>
        name === 'kit'
          ? [
              join(app, KIT_DAEMON),
              node.config,
              String(kitWrites ? (opts.submitEveryMs ?? 30) : 0),
              String(++spawns),
            ]
          : [join(app, DAEMON), 'start', '--config', node.config],
      onReady: (ms) => {
        startMs.push(ms);
        if (restarted.delete(name)) restartToReadyMs.push(ms);
      },
      onEntry: (e) => {
        if (name !== 'kit' || e.msgId === undefined) return;
        // The first report told stored under an id is the one that must stay (a lost one's id is reused).
        if (e.msg === SUBMITTED && e.tag !== undefined && !stored.has(e.msgId)) stored.set(e.msgId, e.tag);
        if (e.msg !== CONFIRMED) return;
        confirmed.add(e.msgId);
        if (e.state === 'custody') custody.add(e.msgId);
        if (e.state === 'received') received.add(e.msgId);
      },
    });
  }
  const all = Object.values(daemons);
  const failures: string[] = [];
  const stopAll = async () => {
    for (const d of all) {
      // A daemon still loading its code has no handler yet: SIGTERM ends it, as systemd expects.
      const loading = !d.spoke;
      const code = await d.stop();
      if (code !== 0 && !(loading && code === 'SIGTERM'))
        failures.push(`${d.node.name} stopped with exit code ${code}:\n${d.tail()}`);
    }
  };

  try {
    for (const d of all) d.spawn();
    for (const d of all) await d.untilReady(START_TIMEOUT_MS);

    const kills: CrashKill[] = [];
    let confirmedBeforeKill = new Set<string>();
    let victims: CrashNodeName[] = [];
    let last: CrashNodeName = 'centre';
    for (let k = 0; k < opts.kills; k++) {
      const startUpMs = Math.min(3000, Math.max(150, median(startMs)));
      let name: CrashNodeName = last;
      if (k % 3 === 0) {
        // A running daemon, each in turn in a shuffled order, at any moment. Long enough between
        // kills, on average, for confirmations to come back (receipts wait 2 s to be batched).
        if (victims.length === 0) victims = shuffled(CRASH_NODES, random);
        name = victims.pop() as CrashNodeName;
        await sleep(random() * Math.max(RUNNING_WINDOW_MS, 2 * startUpMs));
      } else if (k % 3 === 1) {
        // The one just started again, during its start-up.
        await sleep(random() * startUpMs);
      } else {
        // The same once it has started, while it catches up: its neighbours' retries arrive at once.
        // One that exits by itself is a failure (unexpectedExits) and is started again below.
        await daemons[name].untilReady(START_TIMEOUT_MS).catch((err: Error) => {
          if (daemons[name].running) failures.push(err.message);
        });
        await sleep(random() * CATCH_UP_WINDOW_MS);
      }
      const victim = daemons[name];
      const at = Date.now();
      kills.push({ node: name, at, ...(await victim.kill()) });
      confirmedBeforeKill = new Set(confirmed);
      restarted.add(name);
      victim.spawn();
      last = name;
      if ((k + 1) % 10 === 0)
        opts.progress?.(
          `${k + 1} kills: ${stored.size} reports stored at the kit, ${confirmed.size} confirmed to it`,
        );
    }

    // Everything stops; what the kit still waits for must come through in a clean run.
    kitWrites = false;
    await stopAll();
    const waiting = await notYetReceived(topo.kit.store);
    for (const d of all) d.spawn();
    let drained = true;
    const drainEnd = performance.now() + (opts.drainTimeoutMs ?? 120_000);
    while ([...waiting].some((id) => !received.has(id))) {
      if (performance.now() > drainEnd || all.some((d) => !d.running)) {
        drained = false;
        const stuck = [...waiting].filter((id) => !received.has(id));
        failures.push(
          `the last clean run left ${stuck.length} reports unconfirmed (${stuck.slice(0, 10).join(', ')}…):\n` +
            all.map((d) => d.tail()).join('\n'),
        );
        break;
      }
      await sleep(50);
    }
    await stopAll();
    for (const d of all) failures.push(...d.unexpectedExits);

    const centreKilledAt = kills.filter((k) => k.node === 'centre').map((k) => k.at);
    const audit = await auditCrashRun(topo, { stored, custody, confirmedBeforeKill }, centreKilledAt);
    return {
      seed,
      kills,
      confirmedBeforeKill: confirmedBeforeKill.size,
      restartToReadyMs,
      drained,
      failures,
      durationMs: performance.now() - began,
      ...audit,
    };
  } finally {
    for (const d of all) await d.kill();
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * A copy of the build in dist/ under `dir`, which the daemons run from: dist/ may be built again
 * while the rig runs (by hand, or another suite's `npm run bench`), and a daemon started halfway
 * through that would not load. Its packages are the repository's.
 */
async function snapshotBuild(dir: string): Promise<string> {
  for (const built of [DAEMON, KIT_DAEMON])
    await access(join(root, built)).catch((cause: unknown) => {
      throw new Error(`${join(root, built)} is missing: build first (npm run build)`, { cause });
    });
  const app = join(dir, 'app');
  await cp(join(root, 'dist'), join(app, 'dist'), { recursive: true });
  await cp(join(root, 'package.json'), join(app, 'package.json'));
  await symlink(join(root, 'node_modules'), join(app, 'node_modules'), 'dir');
  return app;
}

/** The kit's own reports not yet confirmed end to end, from its store (the kit is down). */
async function notYetReceived(storeDir: string): Promise<Set<string>> {
  const store = await MessageStore.open(storeDir);
  try {
    const ids = new Set<string>();
    for await (const m of store.metas())
      if (m.local && m.kindCode === 1 && m.state !== 'received') ids.add(m.id);
    return ids;
  } finally {
    await store.close();
  }
}

/** The value below which a share `p` (0..1) of `values` lie (nearest rank); 0 for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] as number;
}

/** The names in a random order (Fisher–Yates). */
function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

function median(values: readonly number[]): number {
  return percentile(values, 0.5);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
