/**
 * `npm run bench -- SUITE [--json]`: runs a benchmark suite and prints a table, or with --json one
 * JSON object on the last line of standard output. Measurements, not tests: nothing here fails.
 */
import { runBeidouBench } from './beidou-bench.js';
import { runCrashBench } from './crash-bench.js';
import { runDomainBench } from './domain-bench.js';
import { runMeshBench } from './mesh-bench.js';
import { runSatelliteBench } from './satellite-bench.js';
import { runStoreBench } from './store-bench.js';
import { runWireBench } from './wire-bench.js';

const suites: Record<string, (json: boolean) => Promise<void>> = {
  wire: runWireBench,
  store: runStoreBench,
  mesh: runMeshBench,
  satellite: runSatelliteBench,
  beidou: runBeidouBench,
  crash: runCrashBench,
  domain: runDomainBench,
  node: async (json) => (await import('./node-bench.js')).runNodeBench(json),
  api: async (json) => (await import('./api-bench.js')).runApiBench(json),
  ui: async (json) => (await import('./ui-bench.js')).runUiBench(json),
  kits: async (json) => (await import('./kits-bench.js')).runKitsBench(json),
};

const args = process.argv.slice(2);
const json = args.includes('--json');
const names = args.filter((a) => !a.startsWith('--'));
const selected = names.length > 0 ? names : Object.keys(suites);
for (const name of selected) {
  const suite = suites[name];
  if (!suite) {
    process.stderr.write(`bench: unknown suite ${name}; suites: ${Object.keys(suites).join(', ')}\n`);
    process.exitCode = 2;
    break;
  }
  await suite(json);
}
