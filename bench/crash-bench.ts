/**
 * The crash benchmark (docs/store-and-forward.md §Crashes and the deliveries journal): the crash
 * rig (crash-rig.ts) with 200 SIGKILLs (FIELDNODE_CRASH_KILLS) of a kit, a gateway and a centre,
 * each the real daemon from dist/, at random moments from spawn on. Prints what was confirmed,
 * lost and delivered twice, and how long a killed daemon takes from its spawn to "node started".
 *
 * JSON: `kills`, `reportsSent` (the kit's own reports in its store at the end),
 * `confirmedBeforeKill` (reports the kit held in custody at the gateway or received at the centre
 * before a kill), `lost` (of those, not delivered at the centre in the end), `deliveredTwice` (ids
 * a node's deliveries journal names twice), `restartToReadyP50Ms`, `restartToReadyP95Ms`. Progress
 * and anything that went wrong go to standard error.
 */
import { percentile, runCrashRig } from './crash-rig.js';
import { printTable } from './table.js';

export async function runCrashBench(json: boolean): Promise<void> {
  const kills = Number(process.env.FIELDNODE_CRASH_KILLS ?? 200);
  const seed = process.env.FIELDNODE_CRASH_SEED;
  const r = await runCrashRig({
    kills,
    ...(seed === undefined ? {} : { seed: Number(seed) }),
    progress: (line) => process.stderr.write(`crash: ${line}\n`),
  });
  for (const f of r.failures) {
    const lines = f.split('\n');
    process.stderr.write(`crash: ${[lines[0], ...lines.slice(1).slice(-25)].join('\n')}\n`);
  }
  const ready = r.restartToReadyMs;
  const result = {
    kills: r.kills.length,
    reportsSent: r.reports.length,
    confirmedBeforeKill: r.confirmedBeforeKill,
    lost: r.lost.length,
    deliveredTwice: r.deliveredTwice.length,
    restartToReadyP50Ms: Math.round(percentile(ready, 0.5)),
    restartToReadyP95Ms: Math.round(percentile(ready, 0.95)),
  };
  if (json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const count = (node: string) => r.kills.filter((k) => k.node === node).length;
  const row = (measure: string, value: number | string, target = '') => ({ measure, value, target });
  process.stdout.write(
    `crash: kit → gateway → centre, real daemons over UDP on loopback, SIGKILL at random (seed ${r.seed})\n\n`,
  );
  printTable([
    row('SIGKILLs', result.kills),
    row('  of the kit / gateway / centre', `${count('kit')} / ${count('gateway')} / ${count('centre')}`),
    row('  before "node started" (during start-up)', r.kills.filter((k) => !k.ready).length),
    row('reports sent (stored at the kit)', result.reportsSent),
    row('confirmed to the kit before a kill', result.confirmedBeforeKill),
    row('lost: confirmed, never delivered at the centre', result.lost, '0'),
    row('delivered twice (deliveries journals)', result.deliveredTwice, '0'),
    row('not delivered at the centre in the end', r.undelivered.length, '0'),
    row('in custody at the gateway, not in its store', r.custodyNotHeld.length, '0'),
    row('deliveries a kill kept out of the centre journal', r.journalGaps),
    row('  with no kill of the centre within 5 s', r.journalGapsWithoutKill.length, '0'),
    row('journal lines torn by a kill', r.tornLines),
    row('restart to "node started" p50 (ms)', result.restartToReadyP50Ms),
    row('restart to "node started" p95 (ms)', result.restartToReadyP95Ms),
    row('restart to "node started" max (ms)', Math.round(Math.max(0, ...ready))),
    row('starts that failed, stops that were not clean', r.failures.length, '0'),
    row('run time (s)', Math.round(r.durationMs / 1000)),
  ]);
}
