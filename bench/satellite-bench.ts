/**
 * The satellite benchmark (docs/store-and-forward.md §Satellite benchmark): one seeded day of a
 * flood incident at a township gateway (satellite-scenario.ts), run on a virtual clock through the
 * real SBD link, AT driver, modem simulator and simulated Iridium network (satellite-rig.ts):
 * with the gateway and the centre real nodes (satellite-gateway-node.ts, satellite-centre-node.ts:
 * NodeCores with their stores, the real dispatcher, confirmer and receipt batcher); the
 * like-for-like naive way (every message alone in its own SBD message at once, one receipt MT per
 * message that wants one); and the naive way by the older receipt rule. Same seed, same sky
 * (satellites in view 75 % of the time), same faults (10 % of sessions in view fail anyway, 10 %
 * of ring alerts lost). The physical floor (satellite-floor.ts) is computed from the offered
 * traffic alone. The warnings-down figures come from each seed's quiet day (six warnings, nothing
 * else to send but the answers) with a fifth of the ring alerts lost, with and without the
 * mailbox-silence bound.
 *
 * Prints a table, or with --json one line: {"credits","naiveCredits","naiveOldRuleCredits",
 * "floorCredits","creditsOverFloor","p95LatencyS","warningDownP95s","warningDownMaxS", …, and the
 * same over all eight days as "allDays…"}.
 */
import { performance } from 'node:perf_hooks';
import { DEFAULT_SHARED_HOLD_MS } from '../node/src/core/shared-message-plan.js';
import { SATELLITE_MAX_MAILBOX_SILENCE_MS } from '../satellite/src/satellite-confirmations.js';
import { floorCredits } from './satellite-floor.js';
import { type DayResult, runDay } from './satellite-rig.js';
import { DayBuilder } from './satellite-scenario.js';
import { printTable } from './table.js';

const SEED = 2026;
/** More seeded days, so that a figure near its target is not one lucky sky. */
const MORE_SEEDS = [1, 2, 3, 4, 5, 6, 7];
const CONDITIONS = { visibleFraction: 0.75, sessionFailure: 0.1, ringLoss: 0.1 };
/**
 * The warnings-down runs: each seed's quiet day (six warnings at seeded times, nothing else to send
 * but their answers), with a fifth of the ring alerts lost.
 */
const WARNING_CONDITIONS = { ...CONDITIONS, ringLoss: 0.2, quiet: true };

/** The floor of a seed's day: its offered traffic, the answers made as each warning is queued. */
function floorOf(seed: number) {
  const builder = new DayBuilder(seed);
  const day = builder.build();
  const answers = day.warnings.flatMap((w) => builder.answersFor(w.payload, w.at));
  return floorCredits([...day.uplinks, ...answers], day.warnings, DEFAULT_SHARED_HOLD_MS);
}

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
  const days: Array<{
    fieldnode: DayResult;
    naive: DayResult;
    naiveOld: DayResult;
    warnings: DayResult;
    unbounded: DayResult;
  }> = [];
  for (const seed of [SEED, ...MORE_SEEDS]) {
    days.push({
      fieldnode: await runDay(new DayBuilder(seed), {
        mode: 'fieldnode',
        seed,
        ...CONDITIONS,
        realGateway: true,
      }),
      naive: await runDay(new DayBuilder(seed), { mode: 'naive', seed, ...CONDITIONS }),
      naiveOld: await runDay(new DayBuilder(seed), { mode: 'naive-old', seed, ...CONDITIONS }),
      warnings: await runDay(new DayBuilder(seed), {
        mode: 'fieldnode',
        seed,
        ...WARNING_CONDITIONS,
        realGateway: true,
      }),
      // The same quiet day without the mailbox-silence bound: what the bound buys.
      unbounded: await runDay(new DayBuilder(seed), {
        mode: 'fieldnode',
        seed,
        ...WARNING_CONDITIONS,
        maxSilenceMs: Number.POSITIVE_INFINITY,
        mayStall: true,
        realGateway: true,
      }),
    });
  }
  const floors = [SEED, ...MORE_SEEDS].map(floorOf);
  const { fieldnode, naive, naiveOld, warnings } = days[0] as (typeof days)[number];
  const floor = floors[0] as (typeof floors)[number];
  const wallS = Math.round((performance.now() - started) / 100) / 10;
  for (const r of days.flatMap((d) => [d.fieldnode, d.naive, d.naiveOld, d.warnings, d.unbounded])) {
    if (r.credits !== r.linkCredits || (r.budgetCredits !== undefined && r.credits !== r.budgetCredits))
      throw new Error(
        `${r.mode}: the link counted ${r.linkCredits} credits, the core's budget ${r.budgetCredits}, the network billed ${r.credits}`,
      );
  }

  const p95s = (rs: DayResult[]) => ({
    p0: seconds(
      percentile(
        rs.flatMap((r) => r.latencyMs[0]),
        0.95,
      ),
    ),
    p1: seconds(
      percentile(
        rs.flatMap((r) => r.latencyMs[1]),
        0.95,
      ),
    ),
    p2: seconds(
      percentile(
        rs.flatMap((r) => r.latencyMs[2]),
        0.95,
      ),
    ),
  });
  const maxS = (v: number[]) => (v.length === 0 ? null : seconds(Math.max(...v)));
  const sum = (f: (d: (typeof days)[number]) => number) => days.reduce((n, d) => n + f(d), 0);
  const allFloor = floors.reduce((n, f) => n + f.credits, 0);
  const allWarningDown = days.flatMap((d) => d.warnings.warningLatencyMs);
  const summary = {
    credits: fieldnode.credits,
    naiveCredits: naive.credits,
    naiveOldRuleCredits: naiveOld.credits,
    floorCredits: floor.credits,
    creditsOverFloor: Math.round((fieldnode.credits / floor.credits) * 100) / 100,
    creditsOverNaive: Math.round((fieldnode.credits / naive.credits) * 1000) / 1000,
    mailboxChecks: fieldnode.mailboxChecks,
    naiveMailboxChecks: naive.mailboxChecks,
    p95LatencyS: p95s([fieldnode]),
    naiveP95LatencyS: p95s([naive]),
    warningDownP95s: seconds(percentile(warnings.warningLatencyMs, 0.95)),
    warningDownMaxS: maxS(warnings.warningLatencyMs),
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
    allDaysNaiveCredits: sum((d) => d.naive.credits),
    allDaysNaiveOldRuleCredits: sum((d) => d.naiveOld.credits),
    allDaysFloorCredits: allFloor,
    allDaysCreditsOverFloor: Math.round((sum((d) => d.fieldnode.credits) / allFloor) * 100) / 100,
    allDaysCreditsOverNaive:
      Math.round((sum((d) => d.fieldnode.credits) / sum((d) => d.naive.credits)) * 1000) / 1000,
    allDaysP95LatencyS: p95s(days.map((d) => d.fieldnode)),
    allDaysNaiveP95LatencyS: p95s(days.map((d) => d.naive)),
    allDaysWarningDownP95s: seconds(percentile(allWarningDown, 0.95)),
    allDaysWarningDownMaxS: maxS(allWarningDown),
    allDaysWarningDownMaxSUnbounded: maxS(days.flatMap((d) => d.unbounded.warningLatencyMs)),
    allDaysWarningsStuckUnbounded: sum((d) => d.unbounded.warningsStuck),
    maxMailboxSilenceS: SATELLITE_MAX_MAILBOX_SILENCE_MS / 1000,
    allDaysQuietCredits: sum((d) => d.warnings.credits),
    allDaysQuietCreditsUnbounded: sum((d) => d.unbounded.credits),
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
    run:
      r.mode === 'fieldnode'
        ? 'fieldnode (holds, batching)'
        : r.mode === 'naive'
          ? 'naive (one SBD msg each, at once)'
          : 'naive, older receipt rule',
    messages: r.messages,
    'MO msgs': r.moMessages,
    'mailbox checks ring/mt/warn/reply/silence': `${r.mailboxChecks} = ${r.checksBy.ring}/${r.checksBy['mt-queued']}/${r.checksBy.warning}/${r.checksBy.reply}/${r.checksBy.silence}`,
    'sessions (ok)': `${r.sessions} (${r.sessionsOk})`,
    'credits MO+MT': `${r.credits} = ${r.moCredits}+${r.mtCredits}`,
    'MT msgs (bytes)': `${r.mtMessages} (${r.mtBytes})`,
    'MO bytes': r.moBytes,
    'P0 p50/p90 s': `${seconds(median(r.latencyMs[0]))}/${seconds(percentile(r.latencyMs[0], 0.9))}`,
    'P1 p50/p90 s': `${seconds(median(r.latencyMs[1]))}/${seconds(percentile(r.latencyMs[1], 0.9))}`,
    'P2 p50/p95 s': `${seconds(median(r.latencyMs[2]))}/${seconds(percentile(r.latencyMs[2], 0.95))}`,
    'P0/P1 p95 s': `${seconds(percentile(r.latencyMs[0], 0.95))}/${seconds(percentile(r.latencyMs[1], 0.95))}`,
    'warning down p50 s': seconds(median(r.warningLatencyMs)),
  });
  process.stdout.write(
    `\nsatellite: one seeded day (seed ${SEED}), satellites in view ${CONDITIONS.visibleFraction * 100} % of the time, ` +
      `${CONDITIONS.sessionFailure * 100} % of sessions failing anyway, ${CONDITIONS.ringLoss * 100} % of ring alerts lost ` +
      `(${wallS} s of wall time)\n\n`,
  );
  printTable([row(fieldnode), row(naive), row(naiveOld)]);
  const ratio = Math.round((fieldnode.credits / naive.credits) * 100);
  process.stdout.write(
    `\ncredits: fieldnode ${fieldnode.credits}, naive ${naive.credits} (${ratio} %, target ≤ 50 %), ` +
      `naive by the older receipt rule ${naiveOld.credits}; floor ${floor.credits} ` +
      `(${floor.moCredits} up in ${floor.moMessages} MO + ${floor.mtCredits} warnings down), fieldnode at ` +
      `${summary.creditsOverFloor} × the floor; ` +
      `P0 median ${summary.p0LatencyP50s} s with fieldnode vs ${summary.atOnceP0LatencyP50s} s sending at once\n`,
  );
  const allRatio = Math.round((summary.allDaysCredits / summary.allDaysNaiveCredits) * 100);
  process.stdout.write(
    `over ${days.length} seeded days (seeds ${SEED}, ${MORE_SEEDS.join(', ')}): credits ${summary.allDaysCredits} vs ` +
      `${summary.allDaysNaiveCredits} (${allRatio} %); P0 median ${summary.allDaysP0LatencyP50s} s vs ` +
      `${summary.allDaysAtOnceP0LatencyP50s} s at once; warnings down, median ${summary.allDaysWarningDownP50s} s vs ` +
      `${summary.allDaysAtOnceWarningDownP50s} s; floor ${allFloor}\n` +
      `warnings down with ${WARNING_CONDITIONS.ringLoss * 100} % of ring alerts lost: p95 ${summary.warningDownP95s} s, ` +
      `max ${summary.warningDownMaxS} s (seed ${SEED}); over ${days.length} days p95 ${summary.allDaysWarningDownP95s} s, ` +
      `max ${summary.allDaysWarningDownMaxS} s (mailbox silence at most ${summary.maxMailboxSilenceS} s; without that bound ` +
      `max ${summary.allDaysWarningDownMaxSUnbounded} s; credits of the ${days.length} quiet days ${summary.allDaysQuietCredits} vs ` +
      `${summary.allDaysQuietCreditsUnbounded} unbounded)\n`,
  );
}
