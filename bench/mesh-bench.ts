/**
 * The mesh benchmark: one seeded hour of reports in a 20-radio county mesh on LONG_FAST
 * (mesh-scenario.ts: 15 kits 2–4 hops from a gateway, lossy links, a relay off the air for 15
 * minutes), run twice over the same simulated radios, medium and seed:
 *
 * - fieldnode: real cores and LevelDB stores, MeshtasticLinks on the simulated devices,
 *   store-and-forward with custody and end-to-end receipts (mesh-fieldnode-side.ts);
 * - baseline: what users have today, plain Meshtastic broadcasts of the same bytes at the same
 *   moments, want_ack off, hop limit 3, no application-level retry (mesh-baseline-side.ts).
 *
 * Measured per side: the delivery ratio (every report has a path within its lifetime, since the
 * outage ends within the hour; fieldnode counts a report delivered within its lifetime, the
 * baseline within two minutes of its last send), the median latency in simulated seconds, and
 * the airtime per delivered report: the time on air of every radio in the medium, relays, ACKs,
 * receipts and resends included, divided by the reports delivered. The fieldnode run goes on
 * until every report is delivered with its receipt back at the kit, or its lifetime is over.
 *
 * The mesh runs on a paced virtual clock SPEEDUP times faster than wall time
 * (radio/sim/meshtastic/paced-clock.ts) and the cores on wall time with their timings scaled to
 * match (mesh-fieldnode.ts), so the two runs take one to two minutes. The medium and the baseline
 * are seeded and repeat exactly; the cores' timing is the machine's, and a congested mesh
 * amplifies small differences, so fieldnode's airtime and tail latency differ from run to run (the
 * delivery ratio has not).
 *
 * Prints a table and where the airtime went (mesh-airtime.ts), or with --json one line:
 * {"fieldnode":{"deliveryRatio","latencyP50s","airtimePerDeliveredS"},"baseline":{…}}.
 */
import { performance } from 'node:perf_hooks';
import type { AirtimeShare } from './mesh-airtime.js';
import { runBaselineSide } from './mesh-baseline-side.js';
import { runFieldnodeSide } from './mesh-fieldnode-side.js';
import { KITS, OUTAGE, REPORTS_PER_KIT, SEED } from './mesh-scenario.js';
import { summarise } from './mesh-world.js';
import { printTable } from './table.js';

/** Simulated seconds per wall second; also the reports' lifetime in simulated minutes. */
const SPEEDUP = 120;
/** How long after the last send the baseline's floods are given to land, simulated ms. */
const BASELINE_DRAIN_MS = 2 * 60_000;

export async function runMeshBench(json: boolean): Promise<void> {
  const started = performance.now();
  const fieldnodeRun = await runFieldnodeSide({ speedup: SPEEDUP });
  const baselineRun = await runBaselineSide({
    speedup: SPEEDUP,
    drainMs: BASELINE_DRAIN_MS,
    frames: fieldnodeRun.frames,
  });
  const wallS = Math.round((performance.now() - started) / 100) / 10;
  const fieldnode = summarise(fieldnodeRun);
  const baseline = summarise(baselineRun);

  if (json) {
    const pick = (s: typeof fieldnode) => ({
      deliveryRatio: s.deliveryRatio,
      latencyP50s: s.latencyP50s,
      airtimePerDeliveredS: s.airtimePerDeliveredS,
    });
    process.stdout.write(`${JSON.stringify({ fieldnode: pick(fieldnode), baseline: pick(baseline) })}\n`);
    return;
  }
  process.stdout.write(
    `mesh: ${KITS.length} kits × ${REPORTS_PER_KIT} reports in one simulated hour, 20 radios on LONG_FAST, ` +
      `seed ${SEED}, relay ${OUTAGE.relay} off air from minute ${OUTAGE.fromMs / 60_000} to ${OUTAGE.toMs / 60_000}; ` +
      `mesh ${SPEEDUP}× wall time, ${wallS} s wall\n\n`,
  );
  const row = (measure: string, f: number | string | null, b: number | string | null, unit: string) => ({
    measure,
    fieldnode: f,
    baseline: b,
    unit,
  });
  printTable([
    row('reports offered', fieldnodeRun.offered, baselineRun.offered, ''),
    row('reports delivered', fieldnodeRun.delivered, baselineRun.delivered, ''),
    row('delivery ratio', fieldnode.deliveryRatio, baseline.deliveryRatio, ''),
    row('latency p50', fieldnode.latencyP50s, baseline.latencyP50s, 's'),
    row('latency p95', fieldnode.latencyP95s, baseline.latencyP95s, 's'),
    row('airtime per delivered report', fieldnode.airtimePerDeliveredS, baseline.airtimePerDeliveredS, 's'),
    row('total airtime, all radios', seconds(fieldnodeRun.airtimeMs), seconds(baselineRun.airtimeMs), 's'),
    row('transmissions, all radios', fieldnodeRun.transmissions, baselineRun.transmissions, ''),
    row(
      'transmissions per delivered report',
      perDelivered(fieldnodeRun.transmissions, fieldnodeRun.delivered),
      perDelivered(baselineRun.transmissions, baselineRun.delivered),
      '',
    ),
    row('frames the kits gave their radios', fieldnodeRun.kitFrames, baselineRun.offered, ''),
    row('frames the gateway gave its radio', fieldnodeRun.gatewayFrames, 0, ''),
    row('receipts back at the kits', fieldnodeRun.receiptsBack, null, ''),
    row('report lifetime', fieldnodeRun.lifetimeMin, null, 'min'),
    row('simulated run', minutes(fieldnodeRun.simulatedMin), minutes(baselineRun.simulatedMin), 'min'),
  ]);
  process.stdout.write('\nwhere the airtime went: what was on air, and why\n\n');
  printTable(breakdown(fieldnodeRun.shares, baselineRun.shares));
  if (fieldnodeRun.rejected.length > 0) {
    process.stdout.write(`\nframes refused by the cores: ${fieldnodeRun.rejected.join('; ')}\n`);
  }
}

/** One row per (what, why) on either side, the fieldnode side's order. */
function breakdown(fieldnode: readonly AirtimeShare[], baseline: readonly AirtimeShare[]) {
  const key = (s: AirtimeShare) => `${s.carried}|${s.why}`;
  const keys = [...new Set([...fieldnode, ...baseline].map(key))];
  return keys.map((k) => {
    const f = fieldnode.find((s) => key(s) === k);
    const b = baseline.find((s) => key(s) === k);
    const [carried, why] = k.split('|');
    return {
      carried: carried ?? '',
      why: why ?? '',
      'fieldnode tx': f?.transmissions ?? 0,
      'fieldnode airtime s': seconds(f?.airtimeMs ?? 0),
      'baseline tx': b?.transmissions ?? 0,
      'baseline airtime s': seconds(b?.airtimeMs ?? 0),
    };
  });
}

const perDelivered = (n: number, delivered: number) =>
  delivered === 0 ? null : Math.round((n / delivered) * 10) / 10;
const seconds = (ms: number) => Math.round(ms / 100) / 10;
const minutes = (min: number) => Math.round(min * 10) / 10;
