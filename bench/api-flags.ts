/**
 * What the daemon's V8 flags cost the API (docs/api.md §Measured): the centre of the API benchmark
 * (api-centre.ts), started in a process of its own once per set of flags: a kit's daemon's
 * (node/src/cli/node-flags.ts KIT_NODE_FLAGS), each of them alone, and none (the centre's), answering the same 50 keep-alive connections of a signed-in duty officer
 * as `npm run bench -- api` (its phases, alone: no admission load beside). For each route and
 * flag set: replies per second, p99, the server's CPU time per reply (every thread: the event
 * loop, the garbage collector's helpers, libuv's and LevelDB's), and the server's resident memory
 * at the end and at its peak.
 *
 * Run with `npm run build && node dist/bench/api-flags.js [--json]`. The flags themselves are not
 * this benchmark's to change: it measures what they cost and save.
 */
import { fork } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { CONNECTIONS, phase, type Reading, signIn, WARM_UP_MS, WINDOW_MS } from './api-bench.js';
import { REPORTS } from './api-centre.js';
import type { Route } from './api-load-child.js';
import { VILLAGE } from './http-node.js';
import type { NodeChildReply, NodeChildRequest } from './http-node-child.js';
import { cpuMsOf, residentMemoryOf } from './proc-usage.js';
import { DAEMON_NODE_FLAGS } from './store-bench.js';
import { printTable } from './table.js';

const FLAG_SETS: ReadonlyArray<readonly string[]> = [
  DAEMON_NODE_FLAGS,
  ...DAEMON_NODE_FLAGS.map((f) => [f]),
  [],
];
const ROUTES: Route[] = ['status', 'reports-get', 'reports-post'];

interface FlagReading {
  flags: string;
  route: Route;
  perSec: number;
  p99Ms: number;
  serverCpuMsPerReply: number;
  rssMiB: number;
  peakMiB: number;
}

async function measure(flags: readonly string[]): Promise<FlagReading[]> {
  const child = fork(new URL('./http-node-child.js', import.meta.url).pathname, ['centre'], {
    execArgv: [...flags],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const clients = fork(new URL('./api-load-child.js', import.meta.url).pathname, [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    const ready = await new Promise<NodeChildReply>((resolve, reject) => {
      child.once('message', resolve);
      void exited.then(() => reject(new Error(`the centre (${flags.join(' ')}) exited before it was ready`)));
    });
    const session = await signIn(ready.port, ready.origin);
    const server = { cpuMs: () => cpuMsOf(child.pid) };
    const readings: FlagReading[] = [];
    for (const route of ROUTES) {
      const r: Omit<Reading, 'beside'> = await phase(clients, server, {
        port: ready.port,
        origin: ready.origin,
        ...session,
        connections: CONNECTIONS,
        warmUpMs: WARM_UP_MS,
        windowMs: WINDOW_MS,
        pages: Math.floor(REPORTS / 20),
        area: VILLAGE,
        route,
      });
      const memory = await residentMemoryOf(child.pid);
      readings.push({
        flags: flags.length === 0 ? 'none' : flags.join(' '),
        route,
        perSec: Math.round(r.perSec),
        p99Ms: Math.round(r.p99 * 10) / 10,
        serverCpuMsPerReply: Math.round(r.serverCpuMs * 1000) / 1000,
        rssMiB: Math.round(memory.rssMiB),
        peakMiB: Math.round(memory.peakMiB),
      });
    }
    return readings;
  } finally {
    clients.send({ type: 'exit' });
    child.send({ type: 'stop' } satisfies NodeChildRequest);
    await exited;
  }
}

const json = process.argv.includes('--json');
const before = loadavg();
const readings: FlagReading[] = [];
for (const flags of FLAG_SETS) readings.push(...(await measure(flags)));
const after = loadavg();
const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
if (json) {
  process.stdout.write(
    `${JSON.stringify({ readings, cores: availableParallelism(), loadAverage: { before, after } })}\n`,
  );
} else {
  process.stdout.write(
    `api-flags: the API benchmark's centre under each set of V8 flags, each route alone, ${CONNECTIONS} connections, ` +
      `${WINDOW_MS / 1000} s after ${WARM_UP_MS / 1000} s of warm-up; ${availableParallelism()} cores; ` +
      `load average before ${load(before)}, after ${load(after)}. Memory is the centre's, read after each route.\n\n`,
  );
  printTable(
    readings.map((r) => ({
      flags: r.flags,
      route: r.route,
      'replies/s': r.perSec,
      'p99 ms': r.p99Ms,
      'server CPU ms/reply': r.serverCpuMsPerReply,
      'RSS MiB': r.rssMiB,
      'peak MiB': r.peakMiB,
    })),
  );
}
