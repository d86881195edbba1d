/**
 * The mesh benchmark: one seeded hour of reports in a 20-radio county mesh on LONG_FAST
 * (mesh-scenario.ts: 15 kits 2–4 hops from a gateway, lossy links, a relay off the air for 15
 * minutes), run three ways over the same simulated radios, medium, seed and outage:
 *
 * - fieldnode: real cores and LevelDB stores, MeshtasticLinks on the simulated devices,
 *   store-and-forward with custody and end-to-end receipts (mesh-fieldnode-side.ts);
 * - baseline: what users have today, plain Meshtastic broadcasts of the same bytes at the same
 *   moments, want_ack off, hop limit 3, no application-level retry (mesh-baseline-side.ts);
 * - fair baseline: the same bytes as a plain client's direct messages to the gateway's radio,
 *   want_ack on, hop limit 3, the firmware's own three transmissions and nothing more: no
 *   application retry, the user re-sends nothing (mesh-baseline-side.ts).
 *
 * And all three on two meshes: radios of firmware 2.6 and later, which route direct messages by
 * next hop once learnt, and radios before 2.6, which flood them (docs/meshtastic.md §5.2). With
 * `--firmware=2.6+` or `--firmware=pre-2.6` only that mesh runs.
 *
 * Measured per side: the delivery ratio (every report has a path within its lifetime, since the
 * outage ends within the hour; fieldnode counts a report delivered within its lifetime, the
 * baselines within two minutes of its last send), the median latency in simulated seconds, and
 * the airtime per delivered report: the time on air of every radio in the medium, relays, ACKs,
 * receipts and resends included, divided by the reports delivered. The fieldnode run goes on
 * until every report is delivered with its receipt back at the kit, or its lifetime is over.
 *
 * The mesh runs on a paced virtual clock SPEEDUP times faster than wall time
 * (radio/sim/meshtastic/paced-clock.ts) and the cores on wall time with their timings scaled to
 * match (mesh-fieldnode.ts), so each fieldnode run takes one to two minutes and each baseline
 * half a minute. The medium and the baselines are seeded and repeat exactly; the cores' timing is
 * the machine's, and a congested mesh amplifies small differences, so fieldnode's airtime and
 * tail latency differ from run to run (the delivery ratio has not).
 *
 * Prints, per mesh, a table and where the airtime went (mesh-airtime.ts), or with --json one line:
 * the 2.6+ mesh's `{"fieldnode":{"deliveryRatio","latencyP50s","airtimePerDeliveredS"},
 * "baseline":{…},"fairBaseline":{…}}`, with `"firmware"` naming that mesh and `"pre26"` holding
 * the same three for the pre-2.6 mesh (when it ran). Each mesh also runs the 叫应 storm
 * (mesh-storm.ts), shown after its table and in the JSON as `"storm":{"answersOffered",
 * "answersDelivered","maxChannelUtil1min","maxChannelUtil10min"}`.
 */
import { performance } from 'node:perf_hooks';
import type { RouterFirmware } from '../radio/sim/meshtastic/mesh-router.js';
import type { AirtimeShare } from './mesh-airtime.js';
import { BASELINE_SETTINGS, runBaselineSide } from './mesh-baseline-side.js';
import { type FieldnodeRun, runFieldnodeSide } from './mesh-fieldnode-side.js';
import { KITS, OUTAGE, REPORTS_PER_KIT, SEED } from './mesh-scenario.js';
import { runStorm, type StormRun } from './mesh-storm.js';
import { printStorm, stormJson } from './mesh-storm-report.js';
import { type SideResult, type SideSummary, summarise } from './mesh-world.js';
import { printTable } from './table.js';

/** Simulated seconds per wall second; also the reports' lifetime in simulated minutes. */
const SPEEDUP = 120;
/** How long after the last send the baselines' floods and retransmissions are given, simulated ms. */
const BASELINE_DRAIN_MS = 2 * 60_000;

const FIRMWARES: readonly RouterFirmware[] = ['2.6+', 'pre-2.6'];

interface MeshRuns {
  firmware: RouterFirmware;
  wallS: number;
  fieldnode: FieldnodeRun;
  baseline: SideResult;
  fair: SideResult;
  /** The 叫应 storm on the same mesh (mesh-storm.ts). */
  storm: StormRun;
}

async function runMesh(routerFirmware: RouterFirmware): Promise<MeshRuns> {
  const started = performance.now();
  const fieldnode = await runFieldnodeSide({ speedup: SPEEDUP, routerFirmware });
  const common = { speedup: SPEEDUP, drainMs: BASELINE_DRAIN_MS, frames: fieldnode.frames, routerFirmware };
  const baseline = await runBaselineSide({ ...common, send: 'broadcast' });
  const fair = await runBaselineSide({ ...common, send: 'dm' });
  const wallS = Math.round((performance.now() - started) / 100) / 10;
  const storm = await runStorm({ speedup: SPEEDUP, routerFirmware });
  return { firmware: routerFirmware, wallS, fieldnode, baseline, fair, storm };
}

/** `--firmware=2.6+` or `--firmware=pre-2.6` from the command line, else both. */
function firmwaresAsked(): readonly RouterFirmware[] {
  const arg = process.argv.find((a) => a.startsWith('--firmware='))?.slice('--firmware='.length);
  if (arg === undefined) return FIRMWARES;
  const f = FIRMWARES.find((x) => x === arg);
  if (f === undefined) throw new RangeError(`--firmware must be one of ${FIRMWARES.join(', ')}, not ${arg}`);
  return [f];
}

export async function runMeshBench(json: boolean): Promise<void> {
  const runs: MeshRuns[] = [];
  for (const f of firmwaresAsked()) runs.push(await runMesh(f));
  if (json) {
    process.stdout.write(`${JSON.stringify(jsonOf(runs))}\n`);
    return;
  }
  for (const r of runs) printMesh(r);
}

const pick = (s: SideSummary) => ({
  deliveryRatio: s.deliveryRatio,
  latencyP50s: s.latencyP50s,
  airtimePerDeliveredS: s.airtimePerDeliveredS,
});

function threeSides(r: MeshRuns) {
  return {
    fieldnode: pick(summarise(r.fieldnode)),
    baseline: pick(summarise(r.baseline)),
    fairBaseline: pick(summarise(r.fair)),
  };
}

function jsonOf(runs: readonly MeshRuns[]): Record<string, unknown> {
  const [main, ...rest] = runs;
  if (main === undefined) return {};
  const pre = rest.find((r) => r.firmware === 'pre-2.6');
  return {
    ...threeSides(main),
    storm: stormJson(main.storm),
    firmware: main.firmware,
    ...(pre !== undefined && { pre26: { ...threeSides(pre), storm: stormJson(pre.storm) } }),
  };
}

function printMesh(r: MeshRuns): void {
  const { fieldnode: f, baseline: b, fair: d } = r;
  const [fs, bs, ds] = [summarise(f), summarise(b), summarise(d)];
  process.stdout.write(
    `mesh of ${r.firmware} radios: ${KITS.length} kits × ${REPORTS_PER_KIT} reports in one simulated hour, ` +
      `20 radios on LONG_FAST, seed ${SEED}, relay ${OUTAGE.relay} off air from minute ` +
      `${OUTAGE.fromMs / 60_000} to ${OUTAGE.toMs / 60_000}; mesh ${SPEEDUP}× wall time, ${r.wallS} s wall\n\n`,
  );
  const row = (
    measure: string,
    fv: number | string | null,
    bv: number | string | null,
    dv: number | string | null,
    unit: string,
  ) => ({ measure, fieldnode: fv, baseline: bv, 'fair baseline': dv, unit });
  const s = BASELINE_SETTINGS;
  printTable([
    row('sent as', 'DM to gateway', 'broadcast', 'DM to gateway', ''),
    row('want_ack', 'off; on from a 9th send', 'off', 'on', ''),
    row('hop limit', `${s.hopLimit}; receipts as heard`, s.hopLimit, s.hopLimit, ''),
    row(
      'radio transmissions unanswered',
      `1; ${s.radioTransmissions} from a 9th send`,
      1,
      s.radioTransmissions,
      '',
    ),
    row('application retries', 'until receipt', s.applicationRetries, s.applicationRetries, ''),
    row('reports offered', f.offered, b.offered, d.offered, ''),
    row('reports delivered', f.delivered, b.delivered, d.delivered, ''),
    row('delivery ratio', fs.deliveryRatio, bs.deliveryRatio, ds.deliveryRatio, ''),
    row('latency p50', fs.latencyP50s, bs.latencyP50s, ds.latencyP50s, 's'),
    row('latency p95', fs.latencyP95s, bs.latencyP95s, ds.latencyP95s, 's'),
    row(
      'airtime per delivered report',
      fs.airtimePerDeliveredS,
      bs.airtimePerDeliveredS,
      ds.airtimePerDeliveredS,
      's',
    ),
    row('total airtime, all radios', seconds(f.airtimeMs), seconds(b.airtimeMs), seconds(d.airtimeMs), 's'),
    row('transmissions, all radios', f.transmissions, b.transmissions, d.transmissions, ''),
    row(
      'transmissions per delivered report',
      perDelivered(f.transmissions, f.delivered),
      perDelivered(b.transmissions, b.delivered),
      perDelivered(d.transmissions, d.delivered),
      '',
    ),
    row('frames the kits gave their radios', f.kitFrames, b.offered, d.offered, ''),
    row('frames the gateway gave its radio', f.gatewayFrames, 0, 0, ''),
    row('receipts back at the kits', f.receiptsBack, null, null, ''),
    row('report lifetime', f.lifetimeMin, null, null, 'min'),
    row('simulated run', minutes(f.simulatedMin), minutes(b.simulatedMin), minutes(d.simulatedMin), 'min'),
  ]);
  process.stdout.write(`\nwhere the airtime went on the ${r.firmware} mesh: what was on air, and why\n\n`);
  printTable(breakdown([f.shares, b.shares, d.shares]));
  if (f.rejected.length > 0)
    process.stdout.write(`\nframes refused by the cores: ${f.rejected.join('; ')}\n`);
  process.stdout.write('\n');
  printStorm(r.storm);
}

/** One row per (what, why) on any side, the fieldnode side's order first. */
function breakdown(sides: readonly [AirtimeShare[], AirtimeShare[], AirtimeShare[]]) {
  const key = (s: AirtimeShare) => `${s.carried}|${s.why}`;
  const keys = [...new Set(sides.flat().map(key))];
  const names = ['fieldnode', 'baseline', 'fair'] as const;
  return keys.map((k) => {
    const [carried, why] = k.split('|');
    const out: Record<string, string | number> = { carried: carried ?? '', why: why ?? '' };
    sides.forEach((shares, i) => {
      const share = shares.find((s) => key(s) === k);
      out[`${names[i]} tx`] = share?.transmissions ?? 0;
      out[`${names[i]} airtime s`] = seconds(share?.airtimeMs ?? 0);
    });
    return out;
  });
}

const perDelivered = (n: number, delivered: number) =>
  delivered === 0 ? null : Math.round((n / delivered) * 10) / 10;
const seconds = (ms: number) => Math.round(ms / 100) / 10;
const minutes = (min: number) => Math.round(min * 10) / 10;
