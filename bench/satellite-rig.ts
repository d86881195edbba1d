/**
 * One run of the satellite benchmark's day (docs/store-and-forward.md §Satellite): the gateway's
 * SBD link over the real AT driver, the modem simulator on an in-process stream, and the simulated
 * Iridium network, all on one stepping virtual clock. The centre is modelled by what it sends
 * down: the warnings, and the receipts of every MO (satellite-scenario.ts). The gateway's side is
 * fieldnode's core (satellite-core.ts: the core's planner, codec and budget deciding what shares
 * each MO), or the naive way: a loop that hands every message to the link alone, when it is made,
 * as its own MO. Both send a message again a minute after a failed outcome, as the store would.
 */

import { SteppingClock } from '../node/src/link/clock.js';
import { createDuplexPair } from '../node/src/link/duplex-pair.js';
import { seededRandom } from '../node/src/link/seeded-random.js';
import { unpackBatch } from '../node/src/wire/batch.js';
import { decodeFrame } from '../node/src/wire/message.js';
import { IridiumModemSim } from '../satellite/sim/iridium/modem-sim.js';
import { seededSky } from '../satellite/sim/iridium/modem-sim-sky.js';
import { SimulatedIridiumNetwork } from '../satellite/sim/iridium/simulated-network.js';
import { ModemDriver } from '../satellite/src/modem/modem-driver.js';
import { SbdLink, type SbdSessionRecord } from '../satellite/src/sbd/sbd-link.js';
import { BenchCore } from './satellite-core.js';
import {
  CentreConfirmations,
  type DayBuilder,
  naiveConfirmationsFor,
  type Priority,
  type Uplink,
} from './satellite-scenario.js';

const MIN = 60_000;
const HOUR = 60 * MIN;

export type Mode = 'fieldnode' | 'naive';

export interface DayResult {
  mode: Mode;
  /** RockBLOCK credits billed by the network: MO (mailbox checks included) and MT. */
  credits: number;
  moCredits: number;
  mtCredits: number;
  /** SBDIX commands issued, successful ones, and how many only checked the mailbox. */
  sessions: number;
  sessionsOk: number;
  mailboxChecks: number;
  /** Successful mailbox checks by why they went: ring alert, MT still queued, active warning. */
  checksBy: { ring: number; 'mt-queued': number; warning: number; reply: number };
  /** Messages sent up, and how many SBD messages carried them. */
  messages: number;
  moMessages: number;
  /** From the moment a message is handed to the link to its session's success, ms, per priority. */
  latencyMs: Record<Priority, number[]>;
  /** From a warning queued at the centre to its arrival at the gateway, ms. */
  warningLatencyMs: number[];
  /** Simulated time the day took to drain, ms. */
  drainedAt: number;
  /** The link's own credit count (must equal the network's). */
  linkCredits: number;
  /** What the core's budget counted (fieldnode run; must equal the network's), or undefined. */
  budgetCredits?: number;
  /** MO payloads and MOMSNs the network saw more than once (must be 0: nothing sent twice). */
  repeatedMos: number;
  repeatedMomsns: number;
  /** Wire messages the network saw in more than one MO (must be 0). */
  repeatedMessages: number;
}

export interface DayOptions {
  mode: Mode;
  seed: number;
  /** Share of the time with a satellite in view. */
  visibleFraction: number;
  /** Chance that a session in view fails anyway (MO 13, 18, 32, 35, 36, 38). */
  sessionFailure: number;
  /** Chance that a ring alert is not heard. */
  ringLoss: number;
}

export async function runDay(builder: DayBuilder, o: DayOptions): Promise<DayResult> {
  const day = builder.build();
  const clock = new SteppingClock();
  const network = new SimulatedIridiumNetwork({ clock });
  const sim = new IridiumModemSim({
    clock,
    network,
    sky: seededSky({ seed: o.seed, visibleFraction: o.visibleFraction }),
    seed: o.seed,
    epochMs: Date.UTC(2026, 6, 13, 19, 20),
    faults: { sessionFailure: o.sessionFailure, ringLoss: o.ringLoss },
  });
  const [host, device] = createDuplexPair();
  sim.attach(device);
  const driver = new ModemDriver({ port: host, ringAlerts: true, sbdSessionTimeoutS: 90 });
  const link = new SbdLink({
    id: 'sbd0',
    modem: driver,
    clock,
    random: seededRandom(o.seed + 1),
    giveUpMs: 6 * HOUR,
  });
  const starting = link.start();
  await clock.run(1000);
  await starting;
  if (link.state.status !== 'up')
    throw new Error(`the SBD link did not come up: ${JSON.stringify(link.state)}`);

  const latencyMs: DayResult['latencyMs'] = { 0: [], 1: [], 2: [], 3: [] };
  const warningLatencyMs: number[] = [];
  const sessions: SbdSessionRecord[] = [];
  link.sbdEvents.on('session', (s) => sessions.push(s));
  let expected = day.uplinks.length + 20 * day.warnings.length;
  let delivered = 0;
  let warningsIn = 0;

  const core =
    o.mode === 'fieldnode'
      ? new BenchCore(link, clock, (u, latency) => {
          delivered++;
          latencyMs[u.priority].push(latency);
        })
      : undefined;
  // The naive way: every message alone, at once, again a minute after a failed outcome.
  const naiveSubmit = (u: Uplink, madeAt: number) => {
    void link.send(u.frame, { priority: u.priority }).then((outcome) => {
      if (outcome.ok) {
        delivered++;
        latencyMs[u.priority].push(clock.now() - madeAt);
      } else {
        clock.after(MIN, () => naiveSubmit(u, madeAt));
      }
    });
  };
  const submit = (u: Uplink, madeAt: number) => (core ? core.submit(u) : naiveSubmit(u, madeAt));
  const at = (t: number, fn: () => void) => clock.after(Math.max(0, t - clock.now()), fn);
  for (const u of day.uplinks) at(u.at, () => submit(u, clock.now()));

  const imei = sim.imei;
  const queued = new Map<string, number>();
  const queueMt = (payload: Uint8Array, label: string) => {
    const r = network.queueMt(imei, payload);
    if (r.ok) queued.set(Buffer.from(payload).toString('hex'), clock.now());
    else clock.after(MIN, () => queueMt(payload, label)); // the MT API said no (queue full): again
  };
  for (const w of day.warnings) at(w.at, () => queueMt(w.payload, 'warning'));

  let naiveSeq = 1000;
  const centre = new CentreConfirmations(clock, (payload) =>
    // The MT API call.
    clock.after(1000, () => queueMt(payload, 'receipts')),
  );
  const seen = { payloads: new Set<string>(), momsns: new Set<number>(), messages: new Set<string>() };
  const repeated = { mos: 0, momsns: 0, messages: 0 };
  network.on('mo', (d) => {
    if (seen.momsns.has(d.momsn)) repeated.momsns++;
    seen.momsns.add(d.momsn);
    if (!d.payload) return;
    const key = Buffer.from(d.payload).toString('hex');
    if (seen.payloads.has(key)) repeated.mos++;
    seen.payloads.add(key);
    for (const entry of unpackBatch(d.payload)) {
      const id = Buffer.from(entry).toString('hex');
      if (seen.messages.has(id)) repeated.messages++;
      seen.messages.add(id);
    }
    if (o.mode === 'fieldnode') centre.onMo(d.payload, imei);
    else {
      const containers = naiveConfirmationsFor(d.payload, () => naiveSeq++, clock.now());
      // The centre's receipt delay (2 s) and the MT API call.
      clock.after(3000, () => {
        for (const c of containers) queueMt(c, 'receipts');
      });
    }
  });

  let warningUntil = 0;
  link.on('frame', (f) => {
    const sentAt = queued.get(Buffer.from(f.bytes).toString('hex'));
    for (const entry of unpackBatch(f.bytes)) {
      const message = decodeFrame(entry).message;
      if (message?.kind !== 'warning') continue;
      warningsIn++;
      if (sentAt !== undefined) warningLatencyMs.push(clock.now() - sentAt);
      for (const answer of builder.answersFor(entry, clock.now()))
        at(answer.at, () => submit(answer, clock.now()));
      if (o.mode === 'fieldnode') {
        // The gateway shows an active warning for an hour: check the mailbox for updates meanwhile.
        link.setWarningActive(true);
        warningUntil = clock.now() + HOUR;
        at(warningUntil, () => {
          if (clock.now() >= warningUntil) link.setWarningActive(false);
        });
      }
    }
  });

  const drained = await clock.runUntil(
    () =>
      clock.now() >= 24 * HOUR &&
      warningsIn === day.warnings.length &&
      delivered === expected &&
      centre.held === 0 &&
      network.queued(imei) === 0,
    48 * HOUR,
  );
  const drainedAt = clock.now();
  if (!drained) expected = -1; // reported below
  const stopping = link.stop();
  await clock.run(5 * MIN);
  await stopping;
  sim.close();
  network.close();
  if (expected < 0)
    throw new Error(`the ${o.mode} day did not drain: ${delivered} delivered, ${warningsIn} warnings in`);

  const checksBy = { ring: 0, 'mt-queued': 0, warning: 0, reply: 0 };
  for (const s of sessions) {
    if (s.outcome === 'ok' && s.frames === 0 && s.reason !== 'due') checksBy[s.reason]++;
  }
  const account = network.account(imei);
  const counters = link.counters();
  return {
    mode: o.mode,
    credits: account.moCredits + account.mtCredits,
    moCredits: account.moCredits,
    mtCredits: account.mtCredits,
    sessions: counters.sessions,
    sessionsOk: counters.sessionsOk,
    mailboxChecks: counters.mailboxChecks,
    checksBy,
    messages: delivered,
    moMessages: counters.moMessages,
    latencyMs,
    warningLatencyMs,
    drainedAt,
    linkCredits: counters.credits,
    ...(core ? { budgetCredits: core.budget.usedInIncident() } : {}),
    repeatedMos: repeated.mos,
    repeatedMomsns: repeated.momsns,
    repeatedMessages: repeated.messages,
  };
}
