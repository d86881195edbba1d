/**
 * The satellite benchmark (docs/store-and-forward.md §Satellite): one seeded day of a flood
 * incident at a township gateway (satellite-scenario.ts), run twice on a virtual clock through the
 * real SBD link, AT driver, modem simulator and simulated Iridium network (satellite-rig.ts): once
 * with fieldnode's core deciding what shares each MO (satellite-core.ts: the core's holds per
 * priority, one MO filled to its credits, riders in the link's own mailbox checks, the core's
 * budget), once the naive way (every message alone in its own SBD message, at once). Same seed,
 * same sky (satellites in view 75 % of the time), same faults (10 % of sessions in view fail
 * anyway, 10 % of ring alerts lost), same centre. The naive run is also the "send at once"
 * reference for P0 latency.
 *
 * Prints a table, or with --json one line:
 * {"credits","naiveCredits","sessions","p0LatencyP50s","p1LatencyP50s", …}.
 */
import { performance } from 'node:perf_hooks';
import { type DayResult, runDay } from './satellite-rig.js';
import { DayBuilder } from './satellite-scenario.js';
import { printTable } from './table.js';

const SEED = 2026;
/** More seeded days, so that a figure near its target is not one lucky sky. */
const MORE_SEEDS = [1, 2, 3, 4, 5, 6, 7];
const CONDITIONS = { visibleFraction: 0.75, sessionFailure: 0.1, ringLoss: 0.1 };

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))] as number;
}

const seconds = (ms: number | null) => (ms === null ? null : Math.round(ms / 100) / 10);

export async function runSatelliteBench(json: boolean): Promise<void> {
  const started = performance.now();
  const fieldnode = await runDay(new DayBuilder(SEED), { mode: 'fieldnode', seed: SEED, ...CONDITIONS });
  const naive = await runDay(new DayBuilder(SEED), { mode: 'naive', seed: SEED, ...CONDITIONS });
  const days = [{ fieldnode, naive }];
  for (const seed of MORE_SEEDS) {
    days.push({
      fieldnode: await runDay(new DayBuilder(seed), { mode: 'fieldnode', seed, ...CONDITIONS }),
      naive: await runDay(new DayBuilder(seed), { mode: 'naive', seed, ...CONDITIONS }),
    });
  }
  const wallS = Math.round((performance.now() - started) / 100) / 10;
  for (const r of days.flatMap((d) => [d.fieldnode, d.naive])) {
    if (r.credits !== r.linkCredits || (r.budgetCredits !== undefined && r.credits !== r.budgetCredits))
      throw new Error(
        `${r.mode}: the link counted ${r.linkCredits} credits, the core's budget ${r.budgetCredits}, the network billed ${r.credits}`,
      );
  }

  const summary = {
    credits: fieldnode.credits,
    naiveCredits: naive.credits,
    sessions: fieldnode.sessions,
    p0LatencyP50s: seconds(median(fieldnode.latencyMs[0])),
    p1LatencyP50s: seconds(median(fieldnode.latencyMs[1])),
    atOnceP0LatencyP50s: seconds(median(naive.latencyMs[0])),
    naiveSessions: naive.sessions,
    moCredits: fieldnode.moCredits,
    naiveMoCredits: naive.moCredits,
    messages: fieldnode.messages,
    // All eight days together: credits summed, P0 latencies pooled.
    days: days.length,
    allDaysCredits: days.reduce((n, d) => n + d.fieldnode.credits, 0),
    allDaysNaiveCredits: days.reduce((n, d) => n + d.naive.credits, 0),
    allDaysP0LatencyP50s: seconds(median(days.flatMap((d) => d.fieldnode.latencyMs[0]))),
    allDaysAtOnceP0LatencyP50s: seconds(median(days.flatMap((d) => d.naive.latencyMs[0]))),
    allDaysWarningDownP50s: seconds(median(days.flatMap((d) => d.fieldnode.warningLatencyMs))),
    allDaysAtOnceWarningDownP50s: seconds(median(days.flatMap((d) => d.naive.warningLatencyMs))),
  };
  if (json) {
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    return;
  }
  const row = (r: DayResult) => ({
    run: r.mode === 'fieldnode' ? 'fieldnode (holds, batching)' : 'naive (one SBD msg each, at once)',
    messages: r.messages,
    'MO msgs': r.moMessages,
    'mailbox checks ring/mt/warn/reply': `${r.mailboxChecks} = ${r.checksBy.ring}/${r.checksBy['mt-queued']}/${r.checksBy.warning}/${r.checksBy.reply}`,
    'sessions (ok)': `${r.sessions} (${r.sessionsOk})`,
    'credits MO+MT': `${r.credits} = ${r.moCredits}+${r.mtCredits}`,
    'P0 p50/p90 s': `${seconds(median(r.latencyMs[0]))}/${seconds(percentile(r.latencyMs[0], 0.9))}`,
    'P1 p50/p90 s': `${seconds(median(r.latencyMs[1]))}/${seconds(percentile(r.latencyMs[1], 0.9))}`,
    'P2 p50 s': seconds(median(r.latencyMs[2])),
    'warning down p50 s': seconds(median(r.warningLatencyMs)),
  });
  process.stdout.write(
    `\nsatellite: one seeded day (seed ${SEED}), satellites in view ${CONDITIONS.visibleFraction * 100} % of the time, ` +
      `${CONDITIONS.sessionFailure * 100} % of sessions failing anyway, ${CONDITIONS.ringLoss * 100} % of ring alerts lost ` +
      `(${wallS} s of wall time)\n\n`,
  );
  printTable([row(fieldnode), row(naive)]);
  const ratio = Math.round((fieldnode.credits / naive.credits) * 100);
  process.stdout.write(
    `\ncredits: fieldnode ${fieldnode.credits}, naive ${naive.credits} (${ratio} %, target ≤ 50 %); ` +
      `P0 median ${summary.p0LatencyP50s} s with fieldnode vs ${summary.atOnceP0LatencyP50s} s sending at once\n`,
  );
  const allRatio = Math.round((summary.allDaysCredits / summary.allDaysNaiveCredits) * 100);
  process.stdout.write(
    `over ${days.length} seeded days (seeds ${SEED}, ${MORE_SEEDS.join(', ')}): credits ${summary.allDaysCredits} vs ` +
      `${summary.allDaysNaiveCredits} (${allRatio} %); P0 median ${summary.allDaysP0LatencyP50s} s vs ` +
      `${summary.allDaysAtOnceP0LatencyP50s} s at once; warnings down, median ${summary.allDaysWarningDownP50s} s vs ` +
      `${summary.allDaysAtOnceWarningDownP50s} s\n`,
  );
}
