/**
 * The 叫应 storm of the mesh benchmark (docs/mesh-simulator.md §The 叫应 storm): the centre's duty
 * officer issues a red warning for the township, which calls 150 people at the 15 village kits;
 * everything a real storm puts on air follows, from real nodes (mesh-storm-nodes.ts) running the
 * real warnings workflow (mesh-storm-warnings.ts) over the benchmark's simulated mesh
 * (mesh-world.ts): the warning going down with its repeats, the kits' `delivered` acks, the answers
 * bundled per kit, every receipt and custody signal, the radios' ACKs and relays, and whatever the
 * desk's escalation sends (the warning again toward a kit that has not confirmed it, a re-alarm to
 * a kit whose people are silent after five minutes).
 *
 * Measured: how many answers reach the centre's 叫应 board, and every radio's channel utilisation
 * as its firmware counts it (mesh-storm-utilisation.ts), the busiest radio's over any minute and
 * over any ten minutes, with where the airtime went.
 *
 * The run starts with the warning and ends once every answer is on the board and ten simulated
 * minutes have passed since the last one (the receipts of the last acks, and any re-alarm, are on
 * air by then), or after an hour. It starts at the hour's start; a run that goes on past minute
 * 20 meets the benchmark's relay outage (minutes 20 to 35), as a real storm may meet a mast
 * without power.
 */
import { performance } from 'node:perf_hooks';
import { type IssuerKey, signatureAuthenticator } from '../node/src/crypto/authenticate.js';
import { generateSigningKeyPair, publicKeyFromRaw } from '../node/src/crypto/ed25519.js';
import type { RouterFirmware } from '../radio/sim/meshtastic/mesh-router.js';
import { GATEWAY_RADIO, KITS, radioOf } from './mesh-scenario.js';
import { StormAirtime, type StormShare } from './mesh-storm-airtime.js';
import { PEOPLE_PER_KIT, STORM_PEOPLE, stormDraft } from './mesh-storm-county.js';
import { stormNodes } from './mesh-storm-nodes.js';
import { busiestWindow } from './mesh-storm-utilisation.js';
import { type StormSettings, stormWarnings } from './mesh-storm-warnings.js';
import { meshWorld } from './mesh-world.js';

const MIN = 60_000;
/** How long after the last answer reached the board the run goes on, simulated ms. */
const TAIL_MS = 10 * MIN;
/** The longest a run goes on, simulated ms. */
const CAP_MS = 60 * MIN;

export interface RadioUtilisation {
  name: string;
  /** Busiest one minute and ten minutes, 0 to 1. */
  util1min: number;
  util10min: number;
  /** Where that busiest minute's airtime came from, by what was carried, ms. */
  busiestMinute: Array<{ carried: string; airtimeMs: number }>;
  /** When the busiest minute and ten minutes began, simulated seconds after the issue. */
  minuteFromS: number;
  tenFromS: number;
  /** Where the busiest ten minutes' airtime came from, by what was carried, ms. */
  busiestTen: Array<{ carried: string; airtimeMs: number }>;
}

export interface StormRun {
  firmware: RouterFirmware;
  answersOffered: number;
  /** Answers the kits' books took (people who answered). */
  answersMade: number;
  answersDelivered: number;
  /** Simulated seconds from the issue to the last answer on the board. */
  lastAnswerS: number | null;
  /** Kits that confirmed they hold the warning (delivered acks or receipts on the board). */
  kitsDelivered: number;
  /** Kits whose book never received the warning, by name. */
  kitsWithout: string[];
  /** Answers made at a kit but not on the centre's board when the run ended, by kit name. */
  answersShort: Record<string, number>;
  /** Escalation steps the desk took, by kind: how many, and the first one's simulated seconds after the issue. */
  steps: Record<string, { n: number; firstS: number }>;
  /** The re-alarms that reached the kits' books, by what the book did (every person it named had answered there: 'answered-here'). */
  realarmsAtKits: Record<string, number>;
  /** Every radio, busiest minute first. */
  radios: RadioUtilisation[];
  shares: StormShare[];
  /** Messages the hosts gave their radios, by what they carry (each counted once however often sent). */
  messages: Record<string, number>;
  transmissions: number;
  airtimeMs: number;
  simulatedMin: number;
  wallS: number;
  /** Answers the books refused, frames the cores refused: none expected. */
  refused: string[];
}

const RADIO_NAMES = ['G', 'RN', 'RE', 'RS', 'RW', ...KITS.map((k) => k.name)];

export async function runStorm(opts: {
  speedup: number;
  routerFirmware: RouterFirmware;
  /** The county's warnings settings, where they differ from the defaults (the benchmark keeps these). */
  settings?: StormSettings;
}): Promise<StormRun> {
  const started = performance.now();
  const world = await meshWorld(opts);
  const hosts = [GATEWAY_RADIO, ...KITS.map((k) => k.radio)];
  const air = new StormAirtime(world.network, hosts);
  const issuerPair = generateSigningKeyPair();
  const issuer: IssuerKey = {
    publicKey: publicKeyFromRaw(issuerPair.publicKey),
    powers: ['warning', 'control'],
  };
  const { nodes, ip } = await stormNodes(world, { speedup: opts.speedup, issuer });
  const warnings = await stormWarnings(nodes, {
    clock: world.clock,
    speedup: opts.speedup,
    sign: signatureAuthenticator(issuerPair.privateKey),
    ...(opts.settings !== undefined && { settings: opts.settings }),
  });
  const { clock } = world;
  try {
    const { desk } = warnings;
    const composed = desk.compose(stormDraft(Math.floor(warnings.now() / 1000)));
    if (!composed.ok)
      throw new Error(`the storm's warning does not compose: ${JSON.stringify(composed.problems)}`);
    const issuedAt = clock.now();
    const warning = await desk.send(composed);
    const answeredCalls = () =>
      desk.calls(warning.id).filter((c) => c.state === 'acknowledged' || c.state === 'acted');
    let lastAnswerAt: number | undefined;
    let seen = 0;
    const offered = STORM_PEOPLE.length;
    while (clock.now() < issuedAt + CAP_MS) {
      const n = answeredCalls().length;
      if (n > seen) {
        seen = n;
        lastAnswerAt = clock.now();
      }
      if (n >= offered && lastAnswerAt !== undefined && clock.now() >= lastAnswerAt + TAIL_MS) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const calls = desk.calls(warning.id);
    const steps: Record<string, { n: number; firstS: number }> = {};
    const issuedUnixMs = warnings.now() - (clock.now() - issuedAt);
    for (const c of calls)
      for (const s of c.steps) {
        const afterS = Math.round((s.at - issuedUnixMs) / 100) / 10;
        const k = steps[s.step] ?? { n: 0, firstS: afterS };
        steps[s.step] = { n: k.n + 1, firstS: Math.min(k.firstS, afterS) };
      }
    const kitsDelivered = new Set(calls.filter((c) => c.at.delivered !== undefined).map((c) => c.kit)).size;
    const kitsWithout = KITS.filter((k) => warnings.books.get(k.id)?.get(warning.id) === undefined).map(
      (k) => k.name,
    );
    const realarmsAtKits: Record<string, number> = {};
    for (const book of warnings.books.values())
      for (const r of book.get(warning.id)?.realarms ?? [])
        realarmsAtKits[r.outcome] = (realarmsAtKits[r.outcome] ?? 0) + 1;
    const radios = [...air.byRadio.entries()].map(([num, events]): RadioUtilisation => {
      const minute = busiestWindow(events, MIN);
      const ten = busiestWindow(events, 10 * MIN);
      // What was on air in a window, each packet's part inside it (overlaps counted for each).
      const filled = (endMs: number, windowMs: number) => {
        const byCarried = new Map<string, number>();
        for (const e of events) {
          const ms = Math.min(e.endMs, endMs) - Math.max(e.startMs, endMs - windowMs);
          if (ms > 0) byCarried.set(e.label(), (byCarried.get(e.label()) ?? 0) + ms);
        }
        return [...byCarried]
          .map(([carried, airtimeMs]) => ({ carried, airtimeMs }))
          .sort((a, b) => b.airtimeMs - a.airtimeMs);
      };
      const fromS = (endMs: number, windowMs: number) => Math.round((endMs - windowMs - issuedAt) / 100) / 10;
      return {
        name: RADIO_NAMES.find((n) => radioOf(n) === num) ?? String(num),
        util1min: minute.utilisation,
        util10min: ten.utilisation,
        busiestMinute: filled(minute.endMs, MIN),
        minuteFromS: fromS(minute.endMs, MIN),
        tenFromS: fromS(ten.endMs, 10 * MIN),
        busiestTen: filled(ten.endMs, 10 * MIN),
      };
    });
    radios.sort((a, b) => b.util1min - a.util1min);
    const counters = world.network.medium.counters();
    let airtimeMs = 0;
    for (const n of counters.byNode.values()) airtimeMs += n.airtimeMs;
    const answersShort: Record<string, number> = {};
    for (const k of KITS) {
      const made = new Set(
        (warnings.books.get(k.id)?.get(warning.id)?.persons ?? [])
          .filter((p) => p.state !== 'unanswered')
          .map((p) => p.person),
      );
      const onBoard = calls.filter(
        (c) => c.kit === k.id && made.has(c.person) && (c.state === 'acknowledged' || c.state === 'acted'),
      ).length;
      if (made.size > onBoard) answersShort[k.name] = made.size - onBoard;
    }
    const answersDelivered = calls.filter(
      (c) => (c.state === 'acknowledged' || c.state === 'acted') && c.kit !== undefined,
    ).length;
    return {
      firmware: opts.routerFirmware,
      answersOffered: KITS.length * PEOPLE_PER_KIT,
      answersMade: warnings.answered,
      answersDelivered,
      lastAnswerS: lastAnswerAt === undefined ? null : Math.round((lastAnswerAt - issuedAt) / 100) / 10,
      kitsDelivered,
      kitsWithout,
      answersShort,
      steps,
      realarmsAtKits,
      radios,
      shares: air.shares(),
      messages: Object.fromEntries(air.messages()),
      transmissions: counters.transmissions,
      airtimeMs,
      simulatedMin: (clock.now() - issuedAt) / MIN,
      wallS: Math.round((performance.now() - started) / 100) / 10,
      refused: [...warnings.refused, ...[...nodes.nodes.values()].flatMap((n) => n.rejected)],
    };
  } finally {
    await world.close();
    for (const l of ip) await l.stop();
    await warnings.close();
    await nodes.stop();
  }
}
