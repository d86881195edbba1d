/**
 * The BeiDou driver against the module simulator (docs/beidou.md §The driver, §The simulator), on
 * in-process streams and a stepping virtual clock: detection by asking, the card, sends and their
 * results in both protocols, every refusal, the card's interval and size, beams, broadcast, a
 * serial line with junk, RNSS sentences, split writes and corrupted checksums, and a module that
 * resets (its short-message side silent until the beam report is asked for again).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { isKitError } from '../../../node/src/base/errors.js';
import { SteppingClock } from '../../../node/src/link/clock.js';
import { scriptedBeams } from '../../sim/beidou/beam-schedule.js';
import { type BeidouRig, beidouRig, type RigCard } from '../../sim/beidou/beidou-rig.js';
import type { ForcedAnswer } from '../../sim/beidou/module-sim-faults.js';
import type { SimCard } from '../../sim/beidou/sim-card.js';
import type { SendResult } from './beidou-module.js';
import type { BeamStatus, BeidouProtocol, InboundMessage } from './beidou-types.js';

const KIT: SimCard = { address: '0242286', broadcast: '0000011', level: 3, intervalS: 60 };
const CENTRE: SimCard = { address: '0179773', broadcast: '0000011', level: 4, intervalS: 1, userType: 0 };
const PROTOCOLS: BeidouProtocol[] = ['bd3', 'bd21'];

let clock: SteppingClock;
let rig: BeidouRig;
afterEach(() => rig?.close());

function world(cards: RigCard[], network = {}) {
  clock = new SteppingClock();
  rig = beidouRig({ clock, cards, network: { deliveryDelayMs: [1000, 1000], ...network } });
  return rig.ends;
}

/** Runs the clock while `p` settles. */
async function during<T>(p: Promise<T>, ms = 10_000): Promise<T> {
  let done = false;
  const out = p.finally(() => {
    done = true;
  });
  await clock.runUntil(() => done, ms);
  return out;
}

describe.each(PROTOCOLS)('driver on a simulated %s module', (protocol) => {
  it('finds the protocol by asking and reads the card', async () => {
    const [kit] = world([{ protocol, card: KIT }]);
    const card = await during(kit!.module.start());
    expect(kit!.module.protocol).toBe(protocol);
    expect(card).toMatchObject({
      protocol,
      address: '0242286',
      broadcast: '0000011',
      level: 3,
      intervalS: 60,
    });
  });

  it('sends in its byte mode; the other card’s module hands the same bytes on, from the sender', async () => {
    const [kit, centre] = world([
      { protocol, card: KIT },
      { protocol, card: CENTRE },
    ]);
    await during(Promise.all([kit!.module.start(), centre!.module.start()]));
    const got: InboundMessage[] = [];
    centre!.module.on('message', (m) => got.push(m));
    const payload = Uint8Array.from({ length: 70 }, (_, i) => (i * 37) & 0xff);
    expect(await during(kit!.module.send(CENTRE.address, payload))).toEqual(
      protocol === 'bd21' ? { kind: 'sent', intervalS: 60 } : { kind: 'sent' },
    );
    await clock.run(2000);
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ from: KIT.address, encoding: 'binary' });
    expect(got[0]?.bytes).toEqual(payload);
  });

  it('is refused inside the card’s interval, told how long is left', async () => {
    const [kit] = world([
      { protocol, card: KIT },
      { protocol, card: CENTRE },
    ]);
    await during(kit!.module.start());
    expect((await during(kit!.module.send(CENTRE.address, Uint8Array.of(1)))).kind).toBe('sent');
    await clock.run(20_000);
    const second = await during(kit!.module.send(CENTRE.address, Uint8Array.of(2)));
    expect(second.kind).toBe('frequency');
    expect(second.kind === 'frequency' && second.secondsLeft).toBeGreaterThanOrEqual(38);
    expect(second.kind === 'frequency' && second.secondsLeft).toBeLessThanOrEqual(40);
    await clock.run(41_000);
    expect((await during(kit!.module.send(CENTRE.address, Uint8Array.of(3)))).kind).toBe('sent');
  });

  it('maps every refusal the module gives to its verdict', async () => {
    const answers: ForcedAnswer[] = [
      'inhibited',
      'silence',
      'no-beam',
      'no-card',
      'no-permission',
      'failed',
      'frequency',
    ];
    const [kit] = world([
      {
        protocol,
        card: { ...KIT, intervalS: 0 },
        sim: { faults: { script: answers.map((answer, i) => ({ send: i + 1, answer, secondsLeft: 17 })) } },
      },
    ]);
    await during(kit!.module.start());
    const got: SendResult[] = [];
    for (const _ of answers) got.push(await during(kit!.module.send(CENTRE.address, Uint8Array.of(9))));
    expect(got.map((r) => r.kind)).toEqual(answers);
    expect(got.at(-1)).toEqual({ kind: 'frequency', secondsLeft: 17 });
  });

  it('says no-result when the module never answers a send', async () => {
    const [kit] = world([
      {
        protocol,
        card: KIT,
        sim: { faults: { script: [{ send: 1, answer: 'no-result' }] } },
        driver: { resultTimeoutMs: 5000 },
      },
    ]);
    await during(kit!.module.start());
    expect(await during(kit!.module.send(CENTRE.address, Uint8Array.of(1)), 20_000)).toEqual({
      kind: 'no-result',
    });
  });

  it('refuses what its checks refuse: no card, silence, inhibit, no beam, a message over its level', async () => {
    const [kit] = world([
      {
        protocol,
        card: { ...KIT, intervalS: 0 },
        sim: {
          beams: scriptedBeams([
            [60_000, 2],
            [120_000, 0],
            [Infinity, 2],
          ]),
        },
      },
      { protocol, card: CENTRE },
    ]);
    await during(kit!.module.start());
    const send = (n: number) => during(kit!.module.send(CENTRE.address, new Uint8Array(n).fill(7)));
    // BeiDou-2 level 3: 628 bits, 78 bytes with the A4 marker; BeiDou-3: 14,000 bits.
    const most = protocol === 'bd21' ? 77 : 1750;
    expect((await send(most)).kind).toBe('sent');
    expect((await send(most + 1)).kind).toBe('failed');
    kit!.sim.setSilence(true);
    expect((await send(1)).kind).toBe('silence');
    kit!.sim.setSilence(false);
    kit!.sim.setInhibited(true);
    expect((await send(1)).kind).toBe('inhibited');
    kit!.sim.setInhibited(false);
    await clock.run(60_000 - clock.now() + 1000);
    expect((await send(1)).kind).toBe('no-beam');
    await clock.run(60_000);
    expect((await send(1)).kind).toBe('sent');
    kit!.sim.setCard(undefined);
    expect((await send(1)).kind).toBe('no-card');
  });

  it('reports beams, and none while they are blocked', async () => {
    const [kit] = world([
      {
        protocol,
        card: KIT,
        sim: {
          beams: scriptedBeams([
            [5_000, 2],
            [10_000, 0],
            [Infinity, 1],
          ]),
        },
        // Configured: no time spent asking the other protocol first.
        driver: { protocol },
      },
    ]);
    const beams: Array<[number, BeamStatus]> = [];
    kit!.module.on('beam', (b) => beams.push([clock.now(), b]));
    await during(kit!.module.start());
    await clock.run(15_000);
    const at = (t: number) => beams.filter(([when]) => Math.abs(when - t) < 1000).map(([, b]) => b.locked);
    expect(at(3_000)).toContain(2);
    expect(at(8_000)).toContain(0);
    expect(at(13_000)).toContain(1);
  });

  it('sends a broadcast from a command card to every card of its group, and refuses one from a user card', async () => {
    const other: SimCard = { ...KIT, address: '0242287' };
    const [kit, centre, kit2] = world([
      { protocol, card: KIT },
      { protocol, card: CENTRE },
      { protocol, card: other },
    ]);
    await during(Promise.all([kit!.module.start(), centre!.module.start(), kit2!.module.start()]));
    const got: string[] = [];
    kit!.module.on('message', (m) => got.push(`kit ${m.from}`));
    kit2!.module.on('message', (m) => got.push(`kit2 ${m.from}`));
    expect((await during(centre!.module.send('0000011', Uint8Array.of(0x42)))).kind).toBe('sent');
    await clock.run(2000);
    expect(got.sort()).toEqual(['kit 0179773', 'kit2 0179773']);
    expect((await during(kit!.module.send('0000011', Uint8Array.of(0x42)))).kind).toBe('no-permission');
  });

  it('works over a line with junk, RNSS sentences and sentences cut into pieces', async () => {
    const faults = { junk: 0.5, rnss: true, splitWrites: 5 };
    const [kit, centre] = world([
      { protocol, card: { ...KIT, intervalS: 1 }, sim: { faults } },
      { protocol, card: CENTRE, sim: { faults } },
    ]);
    await during(Promise.all([kit!.module.start(), centre!.module.start()]));
    const got: number[] = [];
    centre!.module.on('message', (m) => got.push(m.bytes[0] as number));
    for (let i = 0; i < 5; i++) {
      expect((await during(kit!.module.send(CENTRE.address, Uint8Array.of(i, 1, 2)))).kind).toBe('sent');
      await clock.run(2500);
    }
    expect(got).toEqual([0, 1, 2, 3, 4]);
  });

  it('gives no-result when the result’s checksum is corrupted on the line, and reports the line', async () => {
    const [kit] = world([{ protocol, card: KIT, driver: { resultTimeoutMs: 3000 } }]);
    const bad: string[] = [];
    kit!.module.on('bad', (b) => bad.push(b));
    await during(kit!.module.start());
    kit!.sim.setFaults({ corruptChecksum: 1 });
    expect(await during(kit!.module.send(CENTRE.address, Uint8Array.of(1)))).toEqual({ kind: 'no-result' });
    expect(bad.some((b) => /checksum/.test(b))).toBe(true);
  });
});

describe('detection', () => {
  it('asks BeiDou-3 first, then BeiDou-2, and keeps the one that answers', async () => {
    const [bd21, bd3] = world([
      { protocol: 'bd21', card: KIT },
      { protocol: 'bd3', card: CENTRE },
    ]);
    expect((await during(bd21!.module.start())).protocol).toBe('bd21');
    expect(bd21!.module.protocol).toBe('bd21');
    expect(bd21!.sim.heard.slice(0, 3)).toEqual(['ICR', 'ICR', 'ICA']);
    expect(bd21!.sim.heard).toContain('RMO');
    expect((await during(bd3!.module.start())).protocol).toBe('bd3');
    expect(bd3!.sim.heard.slice(0, 1)).toEqual(['ICR']);
    expect(bd3!.sim.heard).not.toContain('ICA');
  });

  it('gives BEIDOU_NO_ANSWER when the module does not speak the configured protocol', async () => {
    const [kit] = world([{ protocol: 'bd21', card: KIT, driver: { protocol: 'bd3' } }]);
    const error = await during(
      kit!.module.start().catch((e: unknown) => e),
      20_000,
    );
    expect(isKitError(error, 'BEIDOU_NO_ANSWER')).toBe(true);
  });

  it('reads a module without a card as all zeros', async () => {
    const [kit] = world([{ protocol: 'bd3' }]);
    expect((await during(kit!.module.start())).address).toMatch(/^0+$/);
  });
});

describe('a module that resets', () => {
  it('talks no more once reset, though its RNSS side goes on, until the beam report is asked for again', async () => {
    const [kit] = world([{ protocol: 'bd21', card: KIT, sim: { faults: { rnss: true }, rebootMs: 2_000 } }]);
    const module = kit!.module;
    await during(module.start());
    await clock.run(3_000);
    expect(clock.now() - (module.talkedAt ?? 0)).toBeLessThanOrEqual(1_000);
    kit!.sim.reset();
    await clock.run(10_000);
    // Its positions still come; its short-message side is silent: the beam report is off.
    expect(clock.now() - (module.heardAt ?? 0)).toBeLessThanOrEqual(1_000);
    expect(clock.now() - (module.talkedAt ?? 0)).toBeGreaterThanOrEqual(10_000);
    module.askBeamReports();
    await clock.run(2_000);
    expect(clock.now() - (module.talkedAt ?? 0)).toBeLessThanOrEqual(1_000);
    expect(kit!.sim.counts.resets).toBe(1);
  });
});
