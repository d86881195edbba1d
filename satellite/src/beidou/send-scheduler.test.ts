/**
 * The BeiDou link's scheduler and the module's interval refusal (docs/beidou.md §The link's
 * scheduler): a refusal is a safety net, waited out and sent again, but only a few times in a row;
 * then the send is failed back to the core (BUSY, later, with the reason), whose retry and backoff
 * take over, and that is logged once until a message goes again. On the link, the driver and the
 * module simulator, whose script refuses the sends it is told to.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type LinkWorld, linkWorld } from '../../sim/beidou/link-world.js';
import type { ForcedAnswer } from '../../sim/beidou/module-sim-faults.js';
import type { SimCard } from '../../sim/beidou/sim-card.js';
import type { BeidouProtocol } from './beidou-types.js';

const KIT: SimCard = { address: '0242286', level: 4, intervalS: 60 };
const CENTRE: SimCard = { address: '0179773', level: 4, intervalS: 60 };

let w: LinkWorld;
afterEach(() => w?.close());

/** A kit whose module answers the sends numbered in `refused` with an interval refusal. */
function kit(protocol: BeidouProtocol, refused: number[]) {
  const script = refused.map((send) => ({ send, answer: 'frequency' as ForcedAnswer, secondsLeft: 20 }));
  w = linkWorld([
    { protocol, card: KIT, sim: { faults: { script } } },
    { protocol, card: CENTRE },
  ]);
  return w.link(0, { centreCard: CENTRE.address });
}

const givingUp = (lines: string[]) =>
  lines.filter((l) => l.startsWith('warn') && l.includes('times in a row'));

describe.each<BeidouProtocol>(['bd3', 'bd21'])('on a %s module', (protocol) => {
  it('sends a message again after an interval refusal, waiting the seconds the module gave', async () => {
    const l = kit(protocol, [1, 2]);
    await w.started(l);
    const t0 = w.clock.now();
    expect((await w.during(l.send(Uint8Array.of(7)))).ok).toBe(true);
    expect(w.sent).toHaveLength(1);
    expect(w.sent[0]!.at - t0).toBeGreaterThanOrEqual(40_000);
    expect(l.counters()).toMatchObject({ bdRefusedByFrequency: 2, bdMessages: 1 });
    expect(givingUp(w.logged)).toEqual([]);
  });

  it('fails a send back to the core after three refusals in a row, BUSY and later, saying why', async () => {
    const l = kit(protocol, [1, 2, 3, 4]);
    await w.started(l);
    const outcome = await w.during(l.send(Uint8Array.of(7), { priority: 1 }));
    expect(outcome).toMatchObject({ ok: false, code: 'BUSY', retry: 'later' });
    expect(!outcome.ok && outcome.detail).toMatch(
      /refused it 3 times in a row for the card’s interval \(频率未到\)/,
    );
    expect(w.sent).toHaveLength(0);
    const sim = w.rig.ends[0]!.sim;
    expect(sim.counts.refusedByFrequency).toBe(3);
    expect(l.counters()).toMatchObject({ bdRefusedByFrequency: 3, errors: 0 });
    expect(l.state.status).toBe('up');
    expect(givingUp(w.logged)).toHaveLength(1);
  });

  it('logs giving up once, until a message goes again', async () => {
    const l = kit(protocol, [1, 2, 3, 4, 5, 6, 8, 9, 10]);
    await w.started(l);
    expect((await w.during(l.send(Uint8Array.of(1)))).ok).toBe(false); // sends 1-3
    expect((await w.during(l.send(Uint8Array.of(2)))).ok).toBe(false); // sends 4-6
    expect(givingUp(w.logged)).toHaveLength(1);
    expect((await w.during(l.send(Uint8Array.of(3)))).ok).toBe(true); // send 7
    expect((await w.during(l.send(Uint8Array.of(4)))).ok).toBe(false); // sends 8-10
    expect(givingUp(w.logged)).toHaveLength(2);
    expect(w.sent.map((t) => t.bytes[0])).toEqual([3]);
  });
});

it('takes the number of refusals in a row from maxIntervalRefusals', async () => {
  w = linkWorld([
    {
      protocol: 'bd3',
      card: KIT,
      sim: { faults: { script: [{ send: 1, answer: 'frequency', secondsLeft: 5 }] } },
    },
    { protocol: 'bd3', card: CENTRE },
  ]);
  const l = w.link(0, { centreCard: CENTRE.address, maxIntervalRefusals: 1 });
  await w.started(l);
  expect(await w.during(l.send(Uint8Array.of(1)))).toMatchObject({ ok: false, code: 'BUSY' });
  expect(() => w.link(1, { maxIntervalRefusals: 0, cards: [KIT.address] })).toThrow(RangeError);
});
