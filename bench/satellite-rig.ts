/**
 * One run of the satellite benchmark's day (docs/store-and-forward.md §Satellite benchmark): the
 * gateway's SBD link over the real AT driver, the modem simulator on an in-process stream, and
 * the simulated Iridium network, all on one stepping virtual clock. The fieldnode side is either
 * real nodes (`realGateway`, `realCentre`: satellite-gateway-node.ts, satellite-centre-node.ts,
 * their global timers on the virtual clock) or the model of before, kept as a fast cross-check
 * (satellite-core.ts for the gateway; satellite-scenario.ts CentreConfirmations for the centre's
 * receipts). The naive side is a loop that hands every message to the link alone, when it is
 * made, as its own MO, and a centre that answers at once (like for like, or by the older rule).
 * Both resend a message a minute after a failed outcome, as the store would.
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
import { SATELLITE_RECEIPT_HOLD_MS } from '../satellite/src/satellite-confirmations.js';
import { SbdLink, type SbdSessionRecord } from '../satellite/src/sbd/sbd-link.js';
import { centreNode } from './satellite-centre-node.js';
import { BenchCore } from './satellite-core.js';
import { gatewayNode } from './satellite-gateway-node.js';
import {
  CentreConfirmations,
  type DayBuilder,
  KIT_NODES,
  naiveConfirmationsFor,
  naiveOldRuleConfirmationsFor,
  type Priority,
  type Uplink,
} from './satellite-scenario.js';
import { installVirtualTimers } from './satellite-virtual-timers.js';

const MIN = 60_000;
const HOUR = 60 * MIN;

/** fieldnode; the like-for-like naive run; the naive run by the older receipt rule. */
export type Mode = 'fieldnode' | 'naive' | 'naive-old';

export interface DayResult {
  mode: Mode;
  /** RockBLOCK credits billed by the network: MO (mailbox checks included) and MT. */
  credits: number;
  moCredits: number;
  mtCredits: number;
  /** MT messages delivered, and their bytes; MO bytes (mailbox checks carry none). */
  mtMessages: number;
  mtBytes: number;
  moBytes: number;
  /** SBDIX commands issued, successful ones, and how many only checked the mailbox. */
  sessions: number;
  sessionsOk: number;
  mailboxChecks: number;
  /** Successful mailbox checks by why they went: ring alert, MT still queued, active warning. */
  checksBy: { ring: number; 'mt-queued': number; warning: number; reply: number; silence: number };
  /** Messages sent up, and how many SBD messages carried them. */
  messages: number;
  moMessages: number;
  /** From the moment a message is handed to the link to its session's success, ms, per priority. */
  latencyMs: Record<Priority, number[]>;
  /** From a warning queued at the centre to its arrival at the gateway, ms. */
  warningLatencyMs: number[];
  /** Warnings still waiting at the gateway when a day that may stall ended (their wait so far is in warningLatencyMs). */
  warningsStuck: number;
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
  /** The quiet day (DayBuilder.buildQuiet): warnings down, nothing else up but their answers. */
  quiet?: boolean;
  /** The kit link's longest mailbox silence, ms. Default the link's. */
  maxSilenceMs?: number;
  /**
   * A day that has not drained after 48 h is reported, not thrown: a warning whose ring alert was
   * lost at a kit that never checks its mailbox may never arrive (the run without the silence
   * bound). Its latency is then counted as the time it had waited by then, a lower bound.
   */
  mayStall?: boolean;
  /**
   * The centre is a real node (satellite-centre-node.ts: NodeCore, store, confirmer and receipt
   * batcher on the virtual clock) instead of CentreConfirmations; fieldnode runs only.
   */
  realCentre?: boolean;
  /**
   * The gateway is a real node too (satellite-gateway-node.ts: NodeCore, store, dispatcher,
   * confirmations) instead of BenchCore, and a message counts as delivered when the centre's core
   * delivers it. Implies realCentre.
   */
  realGateway?: boolean;
}

/** Unix ms of the virtual clock's 0: the scenario's reference time (2026-07-13T19:20Z). */
const EPOCH_MS = Date.UTC(2026, 6, 13, 19, 20);

/**
 * SteppingClock.runUntil, but before each step the real centre's disk work is let finish
 * (`idle`), so that the core sees the simulated time its work belongs to.
 */
async function runUntilIdle(
  clock: SteppingClock,
  done: () => boolean,
  limitMs: number,
  idle: () => Promise<void>,
): Promise<boolean> {
  const until = clock.now() + limitMs;
  for (;;) {
    await idle();
    if (done()) return true;
    const next = clock.nextAt();
    if (next === undefined || next > until) {
      await clock.run(until - clock.now());
      return done();
    }
    await clock.run(Math.max(0, next - clock.now()));
  }
}

export async function runDay(builder: DayBuilder, o: DayOptions): Promise<DayResult> {
  const day = o.quiet ? builder.buildQuiet() : builder.build();
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
    ...(o.maxSilenceMs === undefined ? {} : { maxSilenceMs: o.maxSilenceMs }),
    ...(o.realGateway ? { now: () => EPOCH_MS + clock.now() } : {}),
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
  const arrivedWarnings: string[] = [];

  const core =
    o.mode === 'fieldnode' && !o.realGateway
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
  // The real gateway hears each message from its kit; it counts once the real centre delivers it.
  const made = new Map<string, { at: number; priority: Priority }>();
  const hear = (u: Uplink) => {
    const env = decodeFrame(u.frame).envelope;
    made.set(`${env.origin}/${env.seq}`, { at: clock.now(), priority: u.priority });
    realGateway?.mesh.hear(u.frame);
  };
  const submit = (u: Uplink, madeAt: number) =>
    core ? core.submit(u) : o.realGateway ? hear(u) : naiveSubmit(u, madeAt);
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
  const real = o.realCentre || o.realGateway;
  const restoreTimers = real ? installVirtualTimers(clock) : undefined;
  const realCentre = real ? await centreNode(network, clock, imei, EPOCH_MS) : undefined;
  const realGateway =
    o.realGateway && realCentre
      ? await gatewayNode(link, clock, EPOCH_MS, realCentre.publicKey, KIT_NODES)
      : undefined;
  realCentre?.core.on('delivered', (m) => {
    const key = `${m.origin}/${m.seq}`;
    const first = made.get(key);
    if (!realGateway || first === undefined) return;
    made.delete(key);
    delivered++;
    latencyMs[first.priority].push(clock.now() - first.at);
  });
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
    if (realCentre) realCentre.link.push(d.payload);
    else if (o.mode === 'fieldnode') centre.onMo(d.payload, imei);
    else {
      const rule = o.mode === 'naive' ? naiveConfirmationsFor : naiveOldRuleConfirmationsFor;
      const containers = rule(d.payload, () => naiveSeq++, clock.now());
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
      arrivedWarnings.push(Buffer.from(f.bytes).toString('hex'));
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

  const idle = async () => {
    await realCentre?.idle();
    await realGateway?.idle();
    await realCentre?.idle();
  };
  const runUntil = realCentre
    ? (done: () => boolean, limitMs: number) => runUntilIdle(clock, done, limitMs, idle)
    : (done: () => boolean, limitMs: number) => clock.runUntil(done, limitMs);
  const drained = await runUntil(
    () =>
      clock.now() >= 24 * HOUR &&
      warningsIn === day.warnings.length &&
      delivered === expected &&
      centre.held === 0 &&
      network.queued(imei) === 0,
    48 * HOUR,
  );
  if (drained && realCentre) {
    // The real centre's receipt batcher holds what it owes out of sight: its longest hold, then
    // until the gateway has everything queued for it.
    const end = clock.now() + Math.max(...SATELLITE_RECEIPT_HOLD_MS) + 5 * MIN;
    await runUntil(() => clock.now() >= end, 24 * HOUR);
    await runUntil(() => network.queued(imei) === 0, 24 * HOUR);
  }
  const drainedAt = clock.now();
  let warningsStuck = 0;
  if (!drained && o.mayStall) {
    const arrived = new Set(arrivedWarnings);
    for (const w of day.warnings) {
      const key = Buffer.from(w.payload).toString('hex');
      const sentAt = queued.get(key);
      if (arrived.has(key) || sentAt === undefined) continue;
      warningsStuck++;
      warningLatencyMs.push(drainedAt - sentAt);
    }
  } else if (!drained) expected = -1; // reported below
  await realGateway?.close();
  const stopping = link.stop();
  await clock.run(5 * MIN);
  await stopping;
  sim.close();
  network.close();
  await realCentre?.close();
  restoreTimers?.();
  if (expected < 0)
    throw new Error(`the ${o.mode} day did not drain: ${delivered} delivered, ${warningsIn} warnings in`);

  const checksBy = { ring: 0, 'mt-queued': 0, warning: 0, reply: 0, silence: 0 };
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
    mtMessages: account.mtDelivered,
    mtBytes: account.mtBytes,
    moBytes: account.moBytes,
    sessions: counters.sessions,
    sessionsOk: counters.sessionsOk,
    mailboxChecks: counters.mailboxChecks,
    checksBy,
    messages: delivered,
    moMessages: counters.moMessages,
    latencyMs,
    warningLatencyMs,
    warningsStuck,
    drainedAt,
    linkCredits: counters.credits,
    ...(core ? { budgetCredits: core.budget.usedInIncident() } : {}),
    ...(realGateway ? { budgetCredits: realGateway.budget.usedInIncident() } : {}),
    repeatedMos: repeated.mos,
    repeatedMomsns: repeated.momsns,
    repeatedMessages: repeated.messages,
  };
}
