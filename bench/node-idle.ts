/**
 * A kit at rest (docs/demo-county.md §Measured): the CPU and resident memory of the demonstration
 * county's first kit, run as the daemon runs, with its links up and nobody filing reports.
 *
 * - The kit: the built `fieldnode start --config FILE` (dist/node/src/cli/bin.js) in a process of
 *   its own, under the daemon's V8 flags (node/src/cli/bin.ts), with kit 2101's configuration as
 *   `fieldnode demo` writes it: its radio link `mesh0` (its only link: a kit has no uplink of its
 *   own), its web UI and API, its roster, its control socket; log lines at info to a pipe, as to
 *   journald.
 * - Its radio: the county's mesh, every mesh node's simulated Meshtastic device on one simulated
 *   channel (node-idle-radios.ts), in a second process, on a pseudo-terminal (socat) or TCP.
 * - Ready: `GET /api/health` answers `ok`, then the control socket (`fieldnode status`) shows every
 *   link up; 12 s to settle (the first beacon, jittered, goes 1–11 s after the start); then CPU time (utime + stime, /proc/PID/stat) over 60 s of wall time,
 *   as a share of one core, and VmRSS and VmHWM (/proc/PID/status) at the end of the minute.
 *
 * Idle counts what the kit does by itself: its beacons, timers and housekeeping, its radio's
 * traffic, and the API's; nothing asks it anything during the minute.
 */
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { NodeStatus } from '../node/src/app-contract.js';
import { silentLogger } from '../node/src/base/logger.js';
import { loadConfig } from '../node/src/config/load.js';
import { queryStatus } from '../node/src/daemon/control-socket.js';
import { DEMO_TIMINGS, writeNodeConfigs } from '../node/src/demo/county-configs.js';
import type { CountyMesh, RadioPath } from '../node/src/demo/county-mesh.js';
import { FIRST_KIT } from '../node/src/demo/county-plan.js';
import { openCountyState } from '../node/src/demo/county-state.js';
import { chooseWebPorts } from '../node/src/demo/county-web.js';
import { DemoPaths } from '../node/src/demo/demo-paths.js';
import type { RadiosReply, RadiosRequest } from './node-idle-radios.js';
import { cpuMsOf, residentMemoryOf } from './proc-usage.js';
import { DAEMON_NODE_FLAGS } from './store-bench.js';

/**
 * How long the kit is left alone after its links are up, then measured, ms: past its first beacon,
 * which goes 1–11 s after the start (docs/store-and-forward.md §Routing).
 */
export const SETTLE_MS = 12_000;
export const WINDOW_MS = 60_000;

export interface KitIdle {
  /** CPU time over the window as a share of one core, %. */
  cpuPct: number;
  /** VmRSS at the end of the window, MiB. */
  rssMiB: number;
  /** VmHWM at the end of the window: the most the kit was resident since it started, MiB. */
  peakMiB: number;
  /** Each link as the control socket showed it before and after the window: `mesh0 up`. */
  links: string[];
}

/** Starts the radios and the kit, measures the kit at rest, stops everything. */
export async function measureKitIdle(radios: RadioPath): Promise<KitIdle> {
  const dir = await mkdtemp(join(tmpdir(), 'fieldnode-node-idle-'));
  let sims: Radios | undefined;
  let kit: Daemon | undefined;
  try {
    const paths = new DemoPaths(dir);
    const state = await openCountyState(paths, silentLogger);
    sims = await startRadios(dir, radios);
    const ports = await chooseWebPorts('127.0.0.1', 'free', silentLogger);
    const files = await writeNodeConfigs({
      paths,
      web: { host: '127.0.0.1', ports, lanAddresses: [] },
      identities: state.identities,
      issuerPublicKey: state.issuerPublicKey,
      mesh: sims.mesh,
      // The gateway's uplink: the kit's configuration does not name it.
      uplink: { kind: 'udp', centrePort: 9, gatewayPort: 9 },
      timings: DEMO_TIMINGS,
    });
    const file = files.get(FIRST_KIT) as string;
    const socket = (await loadConfig(file, { env: {} })).control.socket;
    kit = startDaemon(file);
    await untilHealthy(`http://127.0.0.1:${ports.get(FIRST_KIT)}/api/health`, kit);
    const before = await untilLinksUp(socket, kit);
    await sleep(SETTLE_MS);
    const cpu0 = await cpuMsOf(kit.child.pid);
    const t0 = performance.now();
    await sleep(WINDOW_MS);
    const cpu1 = await cpuMsOf(kit.child.pid);
    const wall = performance.now() - t0;
    const memory = await residentMemoryOf(kit.child.pid);
    const after = await linkStates(socket);
    const links = before.map((b, i) => (after[i] === b ? b : `${b}, then ${after[i] ?? 'gone'}`));
    return { cpuPct: ((cpu1 - cpu0) / wall) * 100, ...memory, links };
  } finally {
    await kit?.stop();
    await sims?.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

interface Radios {
  mesh: CountyMesh;
  stop(): Promise<void>;
}

/** The county's radios in a process of their own; resolves once they are on. */
async function startRadios(dir: string, via: RadioPath): Promise<Radios> {
  const child = fork(fileURLToPath(new URL('./node-idle-radios.js', import.meta.url)), [dir, via], {
    // Not this process's flags: the radios are plain simulators, whatever ran the benchmark.
    execArgv: [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const ready = await new Promise<RadiosReply>((resolve, reject) => {
    child.once('message', (m: RadiosReply) => resolve(m));
    void exited.then(() => reject(new Error('the radios exited before they were on')));
  });
  const byId = new Map(ready.radios.map((r) => [r.id, r]));
  const radio = (id: number) => {
    const r = byId.get(id);
    if (r === undefined) throw new RangeError(`node ${id} has no radio`);
    return r;
  };
  return {
    mesh: {
      via,
      address: (id) => radio(id).address,
      radioId: (id) => radio(id).radioId,
      close: async () => {},
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null)
        child.send({ type: 'stop' } satisfies RadiosRequest);
      await exited;
    },
  };
}

interface Daemon {
  child: ChildProcess;
  /** The end of what it wrote, for the error when it fails. */
  output(): string;
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

/** The built binary, beside this benchmark's build: dist/node/src/cli/bin.js. */
const BIN = fileURLToPath(new URL('../node/src/cli/bin.js', import.meta.url));
const OUTPUT_KEPT = 8192;

/** `fieldnode start --config FILE` under the daemon's flags, as bin.ts's first line runs it. */
function startDaemon(file: string): Daemon {
  const child = spawn(process.execPath, [...DAEMON_NODE_FLAGS, BIN, 'start', '--config', file], {
    // As under systemd: no terminal, nothing of the caller's FIELDNODE_* settings.
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let tail = '';
  const keep = (d: Buffer) => {
    tail = (tail + d.toString('utf8')).slice(-OUTPUT_KEPT);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {
    child,
    output: () => tail,
    exited,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

const READY_WITHIN_MS = 60_000;
const POLL_MS = 200;

async function untilHealthy(url: string, kit: Daemon): Promise<void> {
  const end = Date.now() + READY_WITHIN_MS;
  for (;;) {
    const ok = await fetch(url)
      .then(async (r) => r.ok && ((await r.json()) as { status?: string }).status === 'ok')
      .catch(() => false);
    if (ok) return;
    failIfEnded(kit, 'answering /api/health');
    if (Date.now() > end) throw new Error(`the kit did not answer ${url} within 60 s:\n${kit.output()}`);
    await sleep(POLL_MS);
  }
}

/** Waits until the control socket shows every link up; returns them as `mesh0 up`. */
async function untilLinksUp(socket: string, kit: Daemon): Promise<string[]> {
  const end = Date.now() + READY_WITHIN_MS;
  for (;;) {
    const links = await linkStates(socket);
    if (links.length > 0 && links.every((l) => l.endsWith(' up'))) return links;
    failIfEnded(kit, 'bringing its links up');
    if (Date.now() > end) throw new Error(`the kit's links are not up: ${links.join(', ')}\n${kit.output()}`);
    await sleep(POLL_MS);
  }
}

async function linkStates(socket: string): Promise<string[]> {
  const q = await queryStatus(socket);
  if (!q.ok) return [];
  return q.status.links.map((l: NodeStatus['links'][number]) => {
    const s = l.state as { status?: string; reason?: string };
    return `${l.id} ${[s.status, s.reason].filter(Boolean).join(' ')}`;
  });
}

function failIfEnded(kit: Daemon, doing: string): void {
  if (kit.child.exitCode !== null || kit.child.signalCode !== null)
    throw new Error(
      `the kit exited (${kit.child.exitCode ?? kit.child.signalCode}) before ${doing}:\n${kit.output()}`,
    );
}
