/**
 * One run of the BeiDou benchmark's day (docs/beidou.md; docs/store-and-forward.md §Satellite): the
 * satellite benchmark's seeded day of a flood incident at a township gateway (satellite-scenario.ts),
 * over BeiDou short message instead of Iridium. The gateway's and the centre's BeiDou links on the
 * real driver, each on a simulated module on an in-process stream, the simulated BeiDou network
 * between them, all on one stepping virtual clock. Each end's core is the core's planner and codec
 * for an interval link (beidou-core.ts). The centre takes the frames apart (fragments reassembled
 * as the core does), counts each message once, and answers as the centre's core would: a
 * 'delivered' receipt to the gateway for what it relayed, held by the link's receipt hold
 * (node/src/core/receipt-batcher.ts), and the day's three warnings to the cards' broadcast address.
 *
 * Beams are always locked, and the modules report them every 10 s instead of every second (only to
 * spare the run the parsing): what is measured is the cards' interval and size.
 */
import { silentLogger } from '../node/src/base/logger.js';
import { confirmationsFor } from '../node/src/core/confirmations.js';
import { newMeta } from '../node/src/core/new-meta.js';
import { ReceiptBatcher } from '../node/src/core/receipt-batcher.js';
import { macAuthenticator } from '../node/src/crypto/authenticate.js';
import { SteppingClock } from '../node/src/link/clock.js';
import type { InboundFrame } from '../node/src/link/link.js';
import { parseMessageId } from '../node/src/store/records.js';
import { unpackBatch } from '../node/src/wire/batch.js';
import { fixtureMacKey } from '../node/src/wire/fixtures/fixture-keys.js';
import { CENTRE_NODE, GATEWAY_NODE, REFERENCE_TIME } from '../node/src/wire/fixtures/reference-messages.js';
import { FRAGMENT_TYPE, Reassembler } from '../node/src/wire/fragment.js';
import { rangesFromIds } from '../node/src/wire/kinds/receipt.js';
import { decodeFrame, encodeMessage, type MessageOf } from '../node/src/wire/message.js';
import type { BeidouTransmission } from '../satellite/sim/beidou/beidou-network-sim.js';
import { beidouRig } from '../satellite/sim/beidou/beidou-rig.js';
import type { SimCard } from '../satellite/sim/beidou/sim-card.js';
import { BeidouLink } from '../satellite/src/beidou/beidou-link.js';
import type { BeidouProtocol } from '../satellite/src/beidou/beidou-types.js';
import { type HandedFrame, IntervalBenchCore } from './beidou-core.js';
import type { DayBuilder, Priority } from './satellite-scenario.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const GATEWAY_CARD = '4204990';
const CENTRE_CARD = '4207733';
const GROUP = '2032472';

export interface BeidouDayOptions {
  protocol: BeidouProtocol;
  /** The cards' level (both ends). */
  level: number;
  /** The cards' interval, s (both ends). */
  intervalS: number;
  seed: number;
}

export interface BeidouDayResult {
  /** Wire messages the gateway was given to send, and those the centre took in (once each). */
  offered: number;
  delivered: number;
  /** Short messages the gateway's card sent, and the centre's. */
  bdMessages: number;
  centreBdMessages: number;
  /** Fragment containers the gateway's card and the centre's sent (frames larger than a message). */
  fragmentsUp: number;
  fragmentsDown: number;
  /** Sends either module refused for its card's interval. */
  refusedByFrequency: number;
  /** The gateway link's mtu (what its card's level carries). */
  mtu: number;
  /** From a message made at the gateway to its arrival at the centre, ms, per priority. */
  latencyMs: Record<Priority, number[]>;
  /** From a warning made at the centre to its arrival at the gateway, ms. */
  warningLatencyMs: number[];
  /** The frames the gateway's core handed its link: messages due, and packed in each. */
  framesUp: HandedFrame[];
  /** Wire messages the centre took in more than once (0: nothing went twice). */
  duplicates: number;
  drainedAt: number;
}

const secondsAt = (at: number) => REFERENCE_TIME + Math.floor(at / 1000);
const idOf = (entry: Uint8Array) => {
  const env = decodeFrame(entry).envelope;
  return `${env.origin}/${env.seq}`;
};

export async function runBeidouDay(builder: DayBuilder, o: BeidouDayOptions): Promise<BeidouDayResult> {
  const day = builder.build();
  const clock = new SteppingClock();
  const card = (address: string, userType?: number): SimCard => ({
    address,
    broadcast: GROUP,
    level: o.level,
    intervalS: o.intervalS,
    ...(userType === undefined ? {} : { userType }),
  });
  const sim = { beamReportMs: 10_000 };
  const rig = beidouRig({
    clock,
    network: { seed: o.seed },
    cards: [
      { protocol: o.protocol, card: card(GATEWAY_CARD), sim: { ...sim, seed: o.seed } },
      { protocol: o.protocol, card: card(CENTRE_CARD, 0), sim: { ...sim, seed: o.seed + 1 } },
    ],
  });
  const sent: BeidouTransmission[] = [];
  rig.network.on('sent', (t) => sent.push(t));
  const [gw, centre] = rig.ends as [(typeof rig.ends)[0], (typeof rig.ends)[0]];
  const common = { clock, beamWaitMs: 15_000 };
  const gatewayLink = new BeidouLink({ id: 'bd-gw', module: gw.module, centreCard: CENTRE_CARD, ...common });
  const centreLink = new BeidouLink({
    id: 'bd-centre',
    module: centre.module,
    cards: [GATEWAY_CARD],
    ...common,
  });
  const starting = Promise.all([gatewayLink.start(), centreLink.start()]);
  await clock.run(20_000);
  await starting;
  for (const l of [gatewayLink, centreLink])
    if (l.state.status !== 'up')
      throw new Error(`the BeiDou link ${l.id} did not come up: ${JSON.stringify(l.state)}`);

  const gatewayCore = new IntervalBenchCore(gatewayLink, clock);
  const centreCore = new IntervalBenchCore(centreLink, clock);
  const at = (t: number, fn: () => void) => clock.after(Math.max(0, t - clock.now()), fn);
  const madeAt = new Map<string, { at: number; priority: Priority }>();
  const submit = (frame: Uint8Array, priority: Priority) => {
    madeAt.set(idOf(frame), { at: clock.now(), priority });
    gatewayCore.submit(frame, priority);
  };
  for (const u of day.uplinks) at(u.at, () => submit(u.frame, u.priority));
  let offered = day.uplinks.length;

  // The centre: each message once, and the core's receipt back to the gateway.
  const latencyMs: BeidouDayResult['latencyMs'] = { 0: [], 1: [], 2: [], 3: [] };
  const seen = new Set<string>();
  let duplicates = 0;
  let receiptSeq = 5000;
  const hold = centreLink.capabilities.receiptHoldMs;
  const batcher = new ReceiptBatcher({
    delayMs: 2000,
    holdMs: (r) => hold?.[r.priority] ?? 0,
    now: () => clock.now(),
    after: (ms, fn) => clock.after(ms, fn),
    log: silentLogger,
    send: async (r) => {
      const m: MessageOf<'receipt'> = {
        kind: 'receipt',
        origin: CENTRE_NODE,
        seq: receiptSeq++,
        createdAt: secondsAt(clock.now()),
        clockUntrusted: false,
        priority: r.priority,
        lifetimeMin: 60,
        dest: r.node === undefined ? { to: 'all' } : { to: 'node', node: r.node },
        flags: ['noReceipt'],
        body: { ranges: rangesFromIds(r.ids.map(parseMessageId)), scope: r.scope },
      };
      centreCore.submit(
        encodeMessage(m, macAuthenticator(fixtureMacKey(r.node ?? GATEWAY_NODE))),
        r.priority,
        GATEWAY_CARD,
      );
    },
  });
  const centreFrames = wholeFrames(clock);
  centreLink.on('frame', (f) => {
    for (const whole of centreFrames(f)) {
      for (const entry of unpackBatch(whole)) {
        const id = idOf(entry);
        if (seen.has(id)) {
          duplicates++;
          continue;
        }
        seen.add(id);
        const made = madeAt.get(id);
        if (made) latencyMs[made.priority].push(clock.now() - made.at);
        const env = decodeFrame(entry).envelope;
        const meta = newMeta(
          { ...env, kindCode: env.kindCode },
          { local: false, forMe: true, receipt: false, broadcastRepeats: 1 },
        );
        for (const c of confirmationsFor(
          meta,
          { link: centreLink.id, from: GATEWAY_CARD, node: GATEWAY_NODE },
          {},
        ))
          batcher.queue(c.scope, c.node, meta.id, meta.priority, c.via);
      }
    }
  });

  // Warnings down to the broadcast address; the gateway answers each (叫应).
  const warningMadeAt = new Map<string, number>();
  for (const w of day.warnings)
    at(w.at, () => {
      warningMadeAt.set(idOf(w.payload), clock.now());
      centreCore.submit(w.payload, 0);
    });
  const warningLatencyMs: number[] = [];
  const gatewayFrames = wholeFrames(clock);
  gatewayLink.on('frame', (f) => {
    for (const whole of gatewayFrames(f)) {
      for (const entry of unpackBatch(whole)) {
        const message = decodeFrame(entry).message;
        if (message?.kind !== 'warning') continue;
        const made = warningMadeAt.get(idOf(entry));
        if (made === undefined) continue;
        warningMadeAt.delete(idOf(entry));
        warningLatencyMs.push(clock.now() - made);
        for (const answer of builder.answersFor(entry, clock.now())) {
          offered++;
          at(answer.at, () => submit(answer.frame, answer.priority));
        }
      }
    }
  });

  const drained = await clock.runUntil(
    () =>
      clock.now() >= 24 * HOUR &&
      warningLatencyMs.length === day.warnings.length &&
      seen.size === offered &&
      gatewayCore.pending === 0 &&
      batcher.pendingIds === 0 &&
      centreCore.pending === 0,
    72 * HOUR,
  );
  const drainedAt = clock.now();
  const stopping = Promise.all([gatewayLink.stop(), centreLink.stop()]);
  await clock.run(MIN);
  await stopping;
  rig.close();
  if (!drained)
    throw new Error(
      `the ${o.protocol} day did not drain: ${seen.size} of ${offered} delivered, ${warningLatencyMs.length} warnings in`,
    );
  return {
    offered,
    delivered: seen.size,
    bdMessages: sent.filter((t) => t.from === GATEWAY_CARD).length,
    centreBdMessages: sent.filter((t) => t.from === CENTRE_CARD).length,
    fragmentsUp: sent.filter((t) => t.from === GATEWAY_CARD && t.bytes[0] === FRAGMENT_TYPE).length,
    fragmentsDown: sent.filter((t) => t.from === CENTRE_CARD && t.bytes[0] === FRAGMENT_TYPE).length,
    refusedByFrequency: gw.sim.counts.refusedByFrequency + centre.sim.counts.refusedByFrequency,
    mtu: gatewayLink.mtu,
    latencyMs,
    warningLatencyMs,
    framesUp: gatewayCore.frames,
    duplicates,
    drainedAt,
  };
}

/**
 * The frames handed over when two or more messages were due and all would fit one message: how
 * many, and how many messages they carried. Packing works when each carried all that was due.
 */
export function packingWhereItFits(frames: readonly HandedFrame[]): {
  frames: number;
  messages: number;
  due: number;
} {
  const fits = frames.filter((f) => f.due >= 2 && f.allFit);
  return {
    frames: fits.length,
    messages: fits.reduce((n, f) => n + f.packed, 0),
    due: fits.reduce((n, f) => n + f.due, 0),
  };
}

/** The whole frames in what a link received: fragments reassembled as the core does, per sender. */
function wholeFrames(clock: SteppingClock): (f: InboundFrame) => Uint8Array[] {
  const reassembler = new Reassembler({ now: () => clock.now(), maxAgeMs: 6 * HOUR });
  return (f) => {
    if (f.bytes[0] !== FRAGMENT_TYPE) return [f.bytes];
    const r = reassembler.accept(f.bytes, f.meta?.from ?? '');
    return r.status === 'complete' ? [r.frame] : [];
  };
}
