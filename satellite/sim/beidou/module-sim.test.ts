/**
 * The BeiDou simulator's own knobs (docs/beidou.md §The simulator): random refusals, a lossy
 * network, seeded beam spells that keep their share and repeat for a seed, and a module that keeps
 * the interval refused sends start when told to.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SteppingClock } from '../../../node/src/link/clock.js';
import type { SendResult } from '../../src/beidou/beidou-module.js';
import { seededBeams } from './beam-schedule.js';
import { type BeidouRig, beidouRig } from './beidou-rig.js';

const CARD = { address: '4204990', level: 4, intervalS: 0 };
const PEER = { address: '4207733', level: 4, intervalS: 0 };

let clock: SteppingClock;
let rig: BeidouRig;
afterEach(() => rig?.close());

async function during<T>(p: Promise<T>, ms = 60_000): Promise<T> {
  let done = false;
  const out = p.finally(() => {
    done = true;
  });
  await clock.runUntil(() => done, ms);
  return out;
}

describe('the BeiDou simulator', () => {
  it('refuses at random with the chance given, and never otherwise', async () => {
    clock = new SteppingClock();
    rig = beidouRig({
      clock,
      cards: [
        {
          protocol: 'bd3',
          card: CARD,
          sim: { faults: { random: { inhibited: 0.5 } } },
          driver: { protocol: 'bd3' },
        },
      ],
    });
    const [end] = rig.ends;
    await during(end!.module.start());
    const kinds: SendResult['kind'][] = [];
    for (let i = 0; i < 40; i++)
      kinds.push((await during(end!.module.send(PEER.address, Uint8Array.of(i)))).kind);
    const inhibited = kinds.filter((k) => k === 'inhibited').length;
    expect(inhibited).toBeGreaterThan(8);
    expect(inhibited).toBeLessThan(32);
    expect(kinds.filter((k) => k !== 'inhibited' && k !== 'sent')).toEqual([]);
  });

  it('loses messages on the network with the chance given, after the module said they went', async () => {
    clock = new SteppingClock();
    rig = beidouRig({
      clock,
      network: { loss: 0.5, seed: 3 },
      cards: [
        { protocol: 'bd21', card: CARD, driver: { protocol: 'bd21' } },
        { protocol: 'bd21', card: PEER, driver: { protocol: 'bd21' } },
      ],
    });
    const [a, b] = rig.ends;
    await during(Promise.all([a!.module.start(), b!.module.start()]));
    let got = 0;
    b!.module.on('message', () => got++);
    for (let i = 0; i < 40; i++)
      expect((await during(a!.module.send(PEER.address, Uint8Array.of(i)))).kind).toBe('sent');
    await clock.run(10_000);
    expect(got).toBeGreaterThan(8);
    expect(got).toBeLessThan(32);
  });

  it('starts the interval on a refused send only when told to', async () => {
    for (const refusalStartsInterval of [false, true]) {
      clock = new SteppingClock();
      rig = beidouRig({
        clock,
        cards: [
          {
            protocol: 'bd3',
            card: { ...CARD, intervalS: 60 },
            sim: { refusalStartsInterval, faults: { script: [{ send: 1, answer: 'no-beam' }] } },
            driver: { protocol: 'bd3' },
          },
        ],
      });
      const [end] = rig.ends;
      await during(end!.module.start());
      expect((await during(end!.module.send(PEER.address, Uint8Array.of(1)))).kind).toBe('no-beam');
      const next = (await during(end!.module.send(PEER.address, Uint8Array.of(2)))).kind;
      expect(next).toBe(refusalStartsInterval ? 'frequency' : 'sent');
      rig.close();
    }
  });

  it('keeps seeded beam spells to their share, the same for the same seed', () => {
    const day = 24 * 3_600_000;
    const share = (seed: number) => {
      const beams = seededBeams({ seed, availableFraction: 0.7, meanCycleMs: 600_000 });
      let clear = 0;
      for (let t = 0; t < day; t += 10_000) if (beams(t) > 0) clear++;
      return clear / (day / 10_000);
    };
    expect(share(5)).toBeGreaterThan(0.55);
    expect(share(5)).toBeLessThan(0.85);
    expect(share(5)).toBe(share(5));
    expect(share(5)).not.toBe(share(6));
  });
});
