/**
 * The BeiDou benchmark (docs/beidou.md): the satellite benchmark's seeded day of a flood incident
 * (satellite-scenario.ts) over BeiDou short message (beidou-rig.ts), run twice:
 * - `bd3`: BeiDou-3 regional cards at a 60 s interval (1,750 bytes a message: nothing is cut);
 * - `bd2`: BeiDou-2 level-3 cards (628 bits, 77 bytes a message after the mixed mode's marker) at
 *   60 s, where a frame larger than one message travels as fragments.
 * Both ends have the same card; the centre's is a command card, which sends the warnings once to
 * the broadcast address.
 *
 * Prints a table, or with --json one line:
 * {"bd3":{"offered","delivered","bdMessages","framesPerBdMessage","packedWhenSeveralDue",
 * "refusedByFrequency","p0LatencyP50s","p0LatencyP90s","p0LatencyMaxS","p1LatencyP50s",
 * "warningDownP95s"},"bd2":{…}}; `packedWhenSeveralDue` is the wire messages per frame made while
 * two or more were due that fitted one message (beidou-rig.ts packingWhereItFits).
 */
import { performance } from 'node:perf_hooks';
import { type BeidouDayResult, packingWhereItFits, runBeidouDay } from './beidou-rig.js';
import { DayBuilder } from './satellite-scenario.js';
import { printTable } from './table.js';

/** The seeded day the benchmark measures (and its test checks). */
export const BEIDOU_BENCH_SEED = 2026;
const SEED = BEIDOU_BENCH_SEED;

function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))] as number;
}

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

const seconds = (ms: number | null) => (ms === null ? null : Math.round(ms / 100) / 10);

function packedPerFrame(r: BeidouDayResult): number | null {
  const p = packingWhereItFits(r.framesUp);
  return p.frames === 0 ? null : Math.round((p.messages / p.frames) * 100) / 100;
}

function summary(r: BeidouDayResult) {
  return {
    offered: r.offered,
    delivered: r.delivered,
    bdMessages: r.bdMessages,
    framesPerBdMessage: Math.round((r.delivered / r.bdMessages) * 100) / 100,
    packedWhenSeveralDue: packedPerFrame(r),
    refusedByFrequency: r.refusedByFrequency,
    p0LatencyP50s: seconds(median(r.latencyMs[0])),
    p0LatencyP90s: seconds(percentile(r.latencyMs[0], 0.9)),
    p0LatencyMaxS: seconds(r.latencyMs[0].length === 0 ? null : Math.max(...r.latencyMs[0])),
    p1LatencyP50s: seconds(median(r.latencyMs[1])),
    warningDownP95s: seconds(percentile(r.warningLatencyMs, 0.95)),
  };
}

export async function runBeidouBench(json: boolean): Promise<void> {
  const started = performance.now();
  const bd3 = await runBeidouDay(new DayBuilder(SEED), {
    protocol: 'bd3',
    level: 4,
    intervalS: 60,
    seed: SEED,
  });
  const bd2 = await runBeidouDay(new DayBuilder(SEED), {
    protocol: 'bd21',
    level: 3,
    intervalS: 60,
    seed: SEED,
  });
  const wallS = Math.round((performance.now() - started) / 100) / 10;
  const out = { bd3: summary(bd3), bd2: summary(bd2) };
  if (json) {
    process.stdout.write(`${JSON.stringify(out)}\n`);
    return;
  }
  const row = (name: string, r: BeidouDayResult) => ({
    card: name,
    'mtu B': r.mtu,
    'offered/delivered': `${r.offered}/${r.delivered}`,
    'BeiDou msgs up/down': `${r.bdMessages}/${r.centreBdMessages}`,
    'of them fragments': `${r.fragmentsUp}/${r.fragmentsDown}`,
    'wire msgs per BeiDou msg': Math.round((r.delivered / r.bdMessages) * 100) / 100,
    'packed when ≥2 due': `${packedPerFrame(r)} (${packingWhereItFits(r.framesUp).frames} frames)`,
    'refused (interval)': r.refusedByFrequency,
    'P0 p50/p90/max s': `${seconds(median(r.latencyMs[0]))}/${seconds(percentile(r.latencyMs[0], 0.9))}/${seconds(r.latencyMs[0].length === 0 ? null : Math.max(...r.latencyMs[0]))}`,
    'P1 p50/p90 s': `${seconds(median(r.latencyMs[1]))}/${seconds(percentile(r.latencyMs[1], 0.9))}`,
    'P2 p50 s': seconds(median(r.latencyMs[2])),
    'warning down p50/p95 s': `${seconds(median(r.warningLatencyMs))}/${seconds(percentile(r.warningLatencyMs, 0.95))}`,
    'drained h': Math.round((r.drainedAt / 3_600_000) * 10) / 10,
  });
  process.stdout.write(
    `\nbeidou: the satellite benchmark's seeded day (seed ${SEED}) over BeiDou short message, ` +
      `cards at a 60 s interval, beams always locked (${wallS} s of wall time)\n\n`,
  );
  printTable([row('BeiDou-3 regional', bd3), row('BeiDou-2 level 3', bd2)]);
  process.stdout.write(
    `\nBeiDou-3: ${bd3.delivered} of ${bd3.offered} delivered, ${bd3.refusedByFrequency} refused for the interval, ` +
      `P0 median ${out.bd3.p0LatencyP50s} s (target ≤ 90 s); BeiDou-2 level 3: ${bd2.delivered} of ${bd2.offered}, ` +
      `${bd2.refusedByFrequency} refused, P0 median ${out.bd2.p0LatencyP50s} s\n`,
  );
}
