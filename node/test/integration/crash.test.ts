/**
 * Nothing confirmed is lost across power cuts (docs/store-and-forward.md §Crashes and the
 * deliveries journal): a kit, a gateway and a centre, each the real daemon built to dist/ (npm
 * test builds first) in a child process, while the kit writes reports; each in turn is killed with
 * SIGKILL at a random moment while it runs, again during its start-up, and again while it catches
 * up, and started again each time, 50 kills in all (FIELDNODE_CRASH_KILLS; FIELDNODE_CRASH_SEED
 * replays the choices). The rig is bench/crash-rig.ts, which `npm run bench -- crash` runs with
 * more kills.
 *
 * After a last clean run: every report the kit held as confirmed before a kill is delivered at
 * the centre, every report at all is; what the kit saw in custody at the gateway is in the
 * gateway's store; and no node's deliveries journal, kept outside its store, names a message twice.
 */
import { expect, it } from 'vitest';
import { runCrashRig } from '../../../bench/crash-rig.js';

const KILLS = Number(process.env.FIELDNODE_CRASH_KILLS ?? 50);
const SEED =
  process.env.FIELDNODE_CRASH_SEED === undefined ? undefined : Number(process.env.FIELDNODE_CRASH_SEED);

it(`loses nothing confirmed and delivers nothing twice across ${KILLS} SIGKILLs of kit, gateway and centre`, async () => {
  const r = await runCrashRig({ kills: KILLS, ...(SEED === undefined ? {} : { seed: SEED }) });
  const by = (name: string) => r.kills.filter((k) => k.node === name).length;
  const duringStart = r.kills.filter((k) => !k.ready).length;
  console.log(
    `crash test (seed ${r.seed}, ${Math.round(r.durationMs / 1000)} s): ${r.kills.length} SIGKILLs ` +
      `(kit ${by('kit')}, gateway ${by('gateway')}, centre ${by('centre')}; ${duringStart} during start-up), ` +
      `${r.reports.length} reports, ${r.confirmedBeforeKill} confirmed before a kill, ${r.lost.length} lost, ` +
      `${r.deliveredTwice.length} delivered twice, ${r.journalGaps} deliveries a kill kept out of the journal, ` +
      `${r.tornLines} torn journal lines`,
  );
  expect(r.failures).toEqual([]);
  expect(r.drained).toBe(true);
  // Each node died, during start-up as well as while running: otherwise this proves less than it says.
  expect(r.kills).toHaveLength(KILLS);
  for (const name of ['kit', 'gateway', 'centre']) expect(by(name), name).toBeGreaterThanOrEqual(KILLS / 10);
  expect(duringStart).toBeGreaterThanOrEqual(KILLS / 10);
  expect(r.confirmedBeforeKill).toBeGreaterThan(0);

  expect(r.lost).toEqual([]);
  expect(r.undelivered).toEqual([]);
  expect(r.storedThenMissing).toEqual([]);
  expect(r.custodyNotHeld).toEqual([]);
  expect(r.deliveredTwice).toEqual([]);
  // The journal names only what the store holds, and misses only deliveries a kill interrupted.
  expect(r.journalNotInStore).toEqual([]);
  expect(r.journalGapsWithoutKill).toEqual([]);
}, 300_000);
