/**
 * The node benchmark (docs/demo-county.md §Measured): how long `fieldnode demo` takes from its
 * start to every node of the county up, through the code the command runs (startDemoCounty), the
 * build excluded; and how long one kit takes from its configuration file to running with its radio
 * up, as `fieldnode start --config` does it.
 *
 * - countyStartMs: a first run in an empty folder: the county's keys, identities, PINs (scrypt at
 *   the roster's parameters) and roster files made, the simulators started, six nodes built and
 *   started, every link up.
 * - countyRestartMs: the same folder again: everything found, nothing made.
 * - kitStartMs: kit 2101's configuration loaded, the node built (its store opened, its keys read)
 *   and started, until its Meshtastic link is up on its simulated radio (the radio already on).
 * - countyRssMiB: this process's resident memory with the county up (the bench's own included).
 * - kitIdleCpuPct, kitIdleRssMB: the same kit at rest, run as the daemon runs (the built
 *   `fieldnode start` in a process of its own, its radios in another; node-idle.ts): its CPU time
 *   over 60 s with its links up, as a share of one core, and its resident memory (VmRSS) at the end
 *   of the minute, MB of 2^20 bytes as the store benchmark counts them; kitIdlePeakRssMB its VmHWM.
 *   One run, after the others.
 *
 * Radios on pseudo-terminals where socat is installed, else over TCP, as the command chooses.
 * JSON: `{ runs, radios, countyStartMs, countyRestartMs, kitStartMs, countyRssMiB, kitIdleCpuPct,
 * kitIdleRssMB, kitIdlePeakRssMB, kitIdleLinks }`: each time `{ median, max }`, the kit's idle
 * figures plain numbers of its one run, and its links as the control socket showed them
 * (`mesh0 up`).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNode } from '../node/src/app.js';
import { silentLogger } from '../node/src/base/logger.js';
import { loadConfig } from '../node/src/config/load.js';
import { DEMO_TIMINGS, writeNodeConfigs } from '../node/src/demo/county-configs.js';
import { startCountyMesh } from '../node/src/demo/county-mesh.js';
import { FIRST_KIT } from '../node/src/demo/county-plan.js';
import { openCountyState } from '../node/src/demo/county-state.js';
import { chooseWebPorts } from '../node/src/demo/county-web.js';
import { DemoPaths } from '../node/src/demo/demo-paths.js';
import { untilLinksUp } from '../node/src/demo/links-up.js';
import { startDemoCounty } from '../node/src/demo/run-county.js';
import { findSystemTool, SOCAT } from '../node/src/link/system-tool.js';
import { measureKitIdle, WINDOW_MS } from './node-idle.js';
import { printTable } from './table.js';

const RUNS = 5;

export async function runNodeBench(json: boolean): Promise<void> {
  const radios = findSystemTool(SOCAT) === undefined ? 'tcp' : 'pty';
  const start: number[] = [];
  const restart: number[] = [];
  const kit: number[] = [];
  const rss: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const dir = await mkdtemp(join(tmpdir(), 'fieldnode-node-bench-'));
    try {
      for (const times of [start, restart]) {
        const t = performance.now();
        const county = await startDemoCounty({ dir, log: silentLogger });
        times.push(performance.now() - t);
        if (county.down.length > 0) throw new Error(`links down: ${county.down.join('; ')}`);
        rss.push(process.memoryUsage().rss / 2 ** 20);
        await county.stop();
      }
      kit.push(await kitStart(dir, radios));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  const idle = await measureKitIdle(radios);
  const result = {
    runs: RUNS,
    radios,
    countyStartMs: stats(start),
    countyRestartMs: stats(restart),
    kitStartMs: stats(kit),
    countyRssMiB: stats(rss),
    kitIdleCpuPct: round(idle.cpuPct, 2),
    kitIdleRssMB: round(idle.rssMiB, 1),
    kitIdlePeakRssMB: round(idle.peakMiB, 1),
    kitIdleLinks: idle.links,
  };
  if (json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  process.stdout.write(
    `node: the demonstration county from start to every link up, and one kit from its configuration to running; ` +
      `ms over ${RUNS} runs, radios on ${radios === 'pty' ? 'pseudo-terminals' : 'TCP'}\n\n`,
  );
  printTable([
    { what: 'countyStartMs (first run)', ...result.countyStartMs },
    { what: 'countyRestartMs', ...result.countyRestartMs },
    { what: 'kitStartMs', ...result.kitStartMs },
    { what: 'countyRssMiB', ...result.countyRssMiB },
  ]);
  process.stdout.write(
    `\nkit ${FIRST_KIT} at rest: \`fieldnode start\` in its own process with the daemon's flags, its links up ` +
      `(${result.kitIdleLinks.join(', ')}), measured over ${WINDOW_MS / 1000} s, one run\n\n`,
  );
  printTable([
    { what: 'kitIdleCpuPct (% of one core)', value: result.kitIdleCpuPct, target: '≤ 1' },
    { what: 'kitIdleRssMB (VmRSS at the end)', value: result.kitIdleRssMB, target: '≤ 80' },
    { what: 'kitIdlePeakRssMB (VmHWM)', value: result.kitIdlePeakRssMB, target: null },
  ]);
}

const round = (n: number, digits: number) => Number(n.toFixed(digits));

/** Kit 2101 alone, from its configuration file to its radio link up, its radio already on. */
async function kitStart(dir: string, radios: 'pty' | 'tcp'): Promise<number> {
  const paths = new DemoPaths(dir);
  const state = await openCountyState(paths, silentLogger);
  const mesh = await startCountyMesh({ paths, via: radios, log: silentLogger });
  try {
    const files = await writeNodeConfigs({
      paths,
      web: {
        host: '127.0.0.1',
        ports: await chooseWebPorts('127.0.0.1', 'fixed', silentLogger),
        lanAddresses: [],
      },
      identities: state.identities,
      issuerPublicKey: state.issuerPublicKey,
      mesh,
      uplink: { kind: 'udp', centrePort: 9, gatewayPort: 9 },
      timings: DEMO_TIMINGS,
    });
    const t = performance.now();
    const config = await loadConfig(files.get(FIRST_KIT) as string, { env: {} });
    const app = await createNode(config, { log: silentLogger });
    await app.start();
    await untilLinksUp([app], 60_000);
    const ms = performance.now() - t;
    await app.stop();
    return ms;
  } finally {
    await mesh.close();
  }
}

function stats(values: readonly number[]): { median: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor((sorted.length - 1) / 2)] ?? 0;
  return { median: Math.round(median), max: Math.round(sorted[sorted.length - 1] ?? 0) };
}
