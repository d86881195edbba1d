/**
 * The BeiDou link's own behaviour (docs/beidou.md §The link, §The link's scheduler) on the driver
 * and the module simulator, on in-process streams and a stepping virtual clock: the mtu from the
 * card, the capabilities, sends never inside the card's interval, the most urgent first, a waiting
 * send taken back (and when that is worth it), the module's interval refusal as a safety net, beams and up/down, the card's
 * problems and its number as the module gave it, and the centre's broadcast and its fallback. The
 * interval refusals' cap is in send-scheduler.test.ts, the mtu probe in mtu-probe.test.ts, a
 * module that falls silent in module-watch.test.ts.
 */

import { afterEach, describe, expect, it } from 'vitest';
import type { InboundFrame, LinkState, SendOutcome } from '../../../node/src/link/link.js';
import { KINDS } from '../../../node/src/wire/kinds.js';
import { scriptedBeams } from '../../sim/beidou/beam-schedule.js';
import type { BeidouTransmission } from '../../sim/beidou/beidou-network-sim.js';
import type { RigCard } from '../../sim/beidou/beidou-rig.js';
import { type LinkWorld, linkWorld } from '../../sim/beidou/link-world.js';
import type { SimCard } from '../../sim/beidou/sim-card.js';
import type { BeidouLink, BeidouLinkOptions } from './beidou-link.js';
import type { BeidouProtocol } from './beidou-types.js';

const KIT: SimCard = { address: '0242286', broadcast: '0000011', level: 3, intervalS: 60 };
const KIT2: SimCard = { ...KIT, address: '0242287' };
const CENTRE: SimCard = { address: '0179773', broadcast: '0000011', level: 4, intervalS: 5, userType: 0 };

let w: LinkWorld;
afterEach(() => w?.close());

function world(cards: RigCard[]) {
  w = linkWorld(cards);
  return { ends: w.rig.ends, sent: w.sent };
}
const link = (end: number, o: Partial<BeidouLinkOptions> = {}): BeidouLink => w.link(end, o);
const started = (l: BeidouLink): Promise<void> => w.started(l);
const during = <T>(p: Promise<T>, ms?: number): Promise<T> => w.during(p, ms);

describe.each<BeidouProtocol>(['bd21', 'bd3'])('on a %s module', (protocol) => {
  it('goes up with the card’s mtu and declares an interval, no bill and no shared medium', async () => {
    world([{ protocol, card: KIT }]);
    const l = link(0, { centreCard: CENTRE.address });
    expect(l.mtu).toBe(72); // until the card is read
    await started(l);
    expect(l.state.status).toBe('up');
    expect(l.mtu).toBe(protocol === 'bd21' ? 77 : 1750);
    const c = l.capabilities;
    expect(c).toMatchObject({ maxSendBytes: l.mtu, minSendIntervalMs: 61_000, sharedMedium: false });
    expect(c.billing).toBeUndefined();
    expect(c.confirmationWaitMs).toBeGreaterThanOrEqual(2 * c.minSendIntervalMs);
    expect(l.counters()).toMatchObject({
      bdCard: '0242286',
      bdLevel: 3,
      bdIntervalS: 60,
      bdProtocol: protocol === 'bd3' ? 3 : 2,
      bdBeams: 2,
    });
  });

  it('never sends inside the card’s interval, most urgent first, so the module never refuses', async () => {
    const { ends, sent } = world([
      { protocol, card: KIT },
      { protocol, card: CENTRE },
    ]);
    const l = link(0, { centreCard: CENTRE.address });
    await started(l);
    const outcomes: Array<Promise<SendOutcome>> = [];
    for (const p of [3, 2, 1, 3] as const) outcomes.push(l.send(Uint8Array.of(p), { priority: p }));
    outcomes.push(l.send(Uint8Array.of(0), { priority: 0 }));
    const results = await during(Promise.all(outcomes));
    expect(results.every((o) => o.ok)).toBe(true);
    expect(ends[0]!.sim.counts.refusedByFrequency).toBe(0);
    const gaps = sent.slice(1).map((t, i) => t.at - (sent[i] as BeidouTransmission).at);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(60_000);
    // The first went at once; the P0 that came while it waited goes next, then by priority.
    expect(sent.map((t) => t.bytes[0])).toEqual([3, 0, 1, 2, 3]);
  });

  it('takes a beacon only when it has nothing else to send', async () => {
    const { sent } = world([
      { protocol, card: KIT },
      { protocol, card: CENTRE },
    ]);
    const l = link(0, { centreCard: CENTRE.address });
    await started(l);
    const reports = [l.send(Uint8Array.of(3), { priority: 3 }), l.send(Uint8Array.of(1), { priority: 1 })];
    // Behind the core's traffic it would leave stale. (A v1 message's second byte is its kind.)
    const beacon = Uint8Array.of(0x48, KINDS.beacon.code, 1, 2, 3);
    expect(await l.send(beacon)).toMatchObject({ ok: false, retry: 'later', code: 'BUSY' });
    await during(Promise.all(reports));
    expect((await during(l.send(beacon))).ok).toBe(true);
    expect(sent.map((t) => t.bytes[0])).toEqual([3, 1, 0x48]);
  });

  it('waits a whole interval before its first send unless told to send at once', async () => {
    const { sent } = world([
      { protocol, card: KIT },
      { protocol, card: CENTRE },
    ]);
    const l = link(0, { centreCard: CENTRE.address, firstSend: 'after-interval' });
    await started(l);
    const upAt = w.clock.now();
    expect((await during(l.send(Uint8Array.of(1)))).ok).toBe(true);
    expect(sent[0]!.at - upAt).toBeGreaterThanOrEqual(59_000);
  });

  it('gives back a waiting send untouched when its signal aborts (BUSY), and sends nothing for it', async () => {
    const { sent } = world([
      { protocol, card: KIT },
      { protocol, card: CENTRE },
    ]);
    const l = link(0, { centreCard: CENTRE.address });
    await started(l);
    const first = l.send(Uint8Array.of(1));
    const abort = new AbortController();
    const second = l.send(Uint8Array.of(2), { signal: abort.signal });
    await w.clock.run(5_000);
    abort.abort();
    expect(await during(second)).toMatchObject({ ok: false, code: 'BUSY', retry: 'later' });
    expect((await during(first)).ok).toBe(true);
    await w.clock.run(120_000);
    expect(sent.map((t) => t.bytes[0])).toEqual([1]);
  });

  it('offers to take back a waiting frame, but not while it holds a fragment of a message', async () => {
    world([
      { protocol, card: KIT },
      { protocol, card: CENTRE },
    ]);
    const l = link(0, { centreCard: CENTRE.address });
    await started(l);
    expect(l.takesBack).toBe(true);
    const first = l.send(Uint8Array.of(0x50, 1), { priority: 2 });
    // A fragment container (type 0x01, docs/wire-format.md §7) waits for the interval behind it.
    const fragment = l.send(Uint8Array.of(0x01, 9, 9, 9, 9, 0, 2, 7), { priority: 2 });
    expect(l.takesBack).toBe(false);
    expect((await during(first)).ok).toBe(true);
    expect(l.takesBack).toBe(false);
    expect((await during(fragment)).ok).toBe(true);
    expect(l.takesBack).toBe(true);
  });

  it('offers to take back a waiting frame only while less than half the spacing has passed since it came', async () => {
    // The core counts its spacing from the hand-over: a frame taken back late would lose more than
    // what came new could gain (docs/beidou.md §The link's scheduler).
    world([
      { protocol, card: KIT },
      { protocol, card: CENTRE },
    ]);
    const l = link(0, { centreCard: CENTRE.address });
    await started(l);
    const first = l.send(Uint8Array.of(1)); // goes at once; the next opening 61 s later
    await w.clock.run(5_000);
    const early = l.send(Uint8Array.of(2)); // 56 s before the opening
    await w.clock.run(40_000);
    expect(l.takesBack).toBe(true);
    await during(Promise.all([first, early]));
    const sentAt = w.clock.now();
    await w.clock.run(35_000);
    const late = l.send(Uint8Array.of(3)); // about 26 s before the opening: let it go
    expect(l.takesBack).toBe(false);
    expect((await during(late)).ok).toBe(true);
    expect(w.clock.now() - sentAt).toBeLessThan(70_000);
    expect(l.takesBack).toBe(true);
  });

  it('waits out a refusal for the interval and sends the same message again (the safety net)', async () => {
    const { ends, sent } = world([
      {
        protocol,
        card: KIT,
        sim: { faults: { script: [{ send: 1, answer: 'frequency', secondsLeft: 25 }] } },
      },
      { protocol, card: CENTRE },
    ]);
    const l = link(0, { centreCard: CENTRE.address });
    await started(l);
    const t0 = w.clock.now();
    expect((await during(l.send(Uint8Array.of(7)))).ok).toBe(true);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.at - t0).toBeGreaterThanOrEqual(25_000);
    expect(ends[0]!.sim.counts.refusedByFrequency).toBe(1);
    expect(l.counters().bdRefusedByFrequency).toBe(1);
  });

  it('maps each refusal to an outcome', async () => {
    const answers = ['inhibited', 'silence', 'no-beam', 'no-permission', 'failed', 'no-result'] as const;
    world([
      {
        protocol,
        card: { ...KIT, intervalS: 1 },
        sim: { faults: { script: answers.map((answer, i) => ({ send: i + 1, answer })) } },
        driver: { resultTimeoutMs: 5_000 },
      },
    ]);
    const l = link(0, { centreCard: CENTRE.address, maxNoResults: 5 });
    await started(l);
    const got: SendOutcome[] = [];
    for (const _ of answers) got.push(await during(l.send(Uint8Array.of(1), { priority: 1 })));
    expect(got.map((o) => (o.ok ? 'ok' : `${o.code}/${o.retry}`))).toEqual([
      'BUSY/later',
      'NO_SERVICE/later',
      'NO_SERVICE/later',
      'DEVICE_ERROR/never',
      'NACK/later',
      'TIMEOUT/later',
    ]);
    expect(l.state.status).toBe('up');
  });

  it('holds its sends while no beam is locked, goes down after the beam loss time, and comes back by itself', async () => {
    const { sent } = world([
      {
        protocol,
        card: KIT,
        sim: {
          beams: scriptedBeams([
            [20_000, 2],
            [120_000, 0],
            [Infinity, 2],
          ]),
        },
      },
      { protocol, card: CENTRE },
    ]);
    const l = link(0, { centreCard: CENTRE.address, beamLossMs: 30_000 });
    const states: string[] = [];
    l.on('state', (s: LinkState) => states.push(s.status === 'down' ? `down/${s.reason}` : s.status));
    await started(l);
    await w.clock.run(25_000 - w.clock.now());
    const waiting = l.send(Uint8Array.of(1));
    await w.clock.run(10_000);
    expect(sent).toHaveLength(0); // no beam: held, not refused by the module
    expect(await during(waiting)).toMatchObject({ ok: false, code: 'LINK_DOWN' });
    expect(l.state).toMatchObject({ status: 'down', reason: 'no-service' });
    await w.clock.run(130_000 - w.clock.now());
    expect(l.state.status).toBe('up');
    expect(states).toEqual(['starting', 'up', 'down/no-service', 'up']);
  });

  it('receives messages as frames from the sender’s card', async () => {
    world([
      { protocol, card: KIT },
      { protocol, card: CENTRE },
    ]);
    const kit = link(0, { centreCard: CENTRE.address });
    const centre = link(1, { cards: [KIT.address] });
    await started(kit);
    await started(centre);
    const frames: InboundFrame[] = [];
    centre.on('frame', (f) => frames.push(f));
    expect((await during(kit.send(Uint8Array.of(1, 2, 3)))).ok).toBe(true);
    await w.clock.run(2_000);
    expect(frames).toHaveLength(1);
    expect(frames[0]).toMatchObject({
      link: 'bd1',
      meta: { from: KIT.address, source: { carrier: 'beidou', protocol, encoding: 'binary' } },
    });
    expect(frames[0]!.bytes).toEqual(Uint8Array.of(1, 2, 3));
  });

  it('sends a centre’s frame without `to` to its broadcast address once, which every kit receives', async () => {
    const { sent } = world([
      { protocol, card: CENTRE },
      { protocol, card: KIT },
      { protocol, card: KIT2 },
    ]);
    const centre = link(0, { cards: [KIT.address, KIT2.address] });
    const kits = [link(1, { centreCard: CENTRE.address }), link(2, { centreCard: CENTRE.address })];
    for (const l of [centre, ...kits]) await started(l);
    const got: string[] = [];
    for (const k of kits) k.on('frame', (f) => got.push(`${k.id}<${f.meta?.from}`));
    expect((await during(centre.send(Uint8Array.of(9)))).ok).toBe(true);
    await w.clock.run(2_000);
    expect(sent.map((t) => t.to)).toEqual(['0000011']);
    expect(got.sort()).toEqual(['bd1<0179773', 'bd2<0179773']);
  });

  it('falls back to one message per card when the card may not broadcast', async () => {
    const { sent } = world([
      { protocol, card: { ...CENTRE, userType: 3 } },
      { protocol, card: KIT },
      { protocol, card: KIT2 },
    ]);
    const centre = link(0, { cards: [KIT.address, KIT2.address] });
    await started(centre);
    const fanOut = centre.send(Uint8Array.of(9), { priority: 1 });
    // Nothing is taken back while it goes card by card: half-sent, it would start again.
    await w.clock.runUntil(() => sent.length === 1, 600_000);
    expect(centre.takesBack).toBe(false);
    expect((await during(fanOut)).ok).toBe(true);
    expect(centre.takesBack).toBe(true);
    expect(sent.map((t) => t.to)).toEqual([KIT.address, KIT2.address]);
    expect(sent[1]!.at - sent[0]!.at).toBeGreaterThanOrEqual(5_000);
  });
});

describe('the card', () => {
  it.each<[string, RigCard, Partial<BeidouLinkOptions>, RegExp]>([
    ['no card', { protocol: 'bd3' }, {}, /no card/],
    [
      'a level that carries too little',
      { protocol: 'bd21', card: { ...KIT, level: 2 } },
      {},
      /carries 50 bytes.*at least 72/,
    ],
    [
      'a configured mtu over the card',
      { protocol: 'bd21', card: KIT },
      { mtu: 100 },
      /carries 77 bytes.*configured mtu 100/,
    ],
  ])('keeps the link down with config-mismatch: %s', async (_what, card, o, detail) => {
    world([card]);
    const l = link(0, { centreCard: CENTRE.address, ...o });
    const p = l.start();
    await w.clock.run(10_000);
    await p;
    expect(l.state).toMatchObject({ status: 'down', reason: 'config-mismatch' });
    expect(l.state.status === 'down' && l.state.detail).toMatch(detail);
  });

  it('keeps the card number as the module gave it: an 8-digit card’s leading zero too', async () => {
    world([{ protocol: 'bd3', card: { ...KIT, address: '04207733' } }]);
    const l = link(0, { centreCard: CENTRE.address });
    expect(l.counters().bdCard).toBe(''); // not read yet
    await started(l);
    expect(l.state.status).toBe('up');
    expect(l.counters().bdCard).toBe('04207733');
    expect(l.selfAddress()).toBe('04207733');
  });
});
