/**
 * A BeiDou module that falls silent (docs/beidou.md §A module that resets): the watch alone on a
 * stepping clock, then the link on the driver and the module simulator, whose reset leaves it
 * silent with its beam report off. The link must notice, go down once with the reason, ask for
 * the beam report again and read the card again, and come back up; a module that stays silent
 * keeps it down until a start finds the module again.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SteppingClock } from '../../../node/src/link/clock.js';
import type { LinkState } from '../../../node/src/link/link.js';
import { type LinkWorld, linkWorld } from '../../sim/beidou/link-world.js';
import type { SimCard } from '../../sim/beidou/sim-card.js';
import type { BeidouProtocol } from './beidou-types.js';
import { ModuleWatch } from './module-watch.js';

describe('ModuleWatch', () => {
  it('says once that the module was silent past the bound, counting from its last sentence', async () => {
    const clock = new SteppingClock();
    let talkedAt: number | undefined;
    const silences: number[] = [];
    const watch = new ModuleWatch({
      clock,
      silenceMs: 10_000,
      talkedAt: () => talkedAt,
      onSilent: (ms) => silences.push(ms),
    });
    watch.arm();
    for (let t = 0; t < 30; t++) {
      talkedAt = clock.now();
      await clock.run(1_000);
    }
    expect(silences).toEqual([]);
    expect(watch.talking()).toBe(true);
    // It last talked at 29 s.
    await clock.run(8_000);
    expect(silences).toEqual([]);
    await clock.run(1_000);
    expect(silences).toEqual([10_000]);
    await clock.run(60_000);
    expect(silences).toHaveLength(1); // once, until armed again
    expect(watch.talking()).toBe(false);
    watch.arm();
    await clock.run(10_000);
    expect(silences).toHaveLength(2);
  });
});

describe.each<BeidouProtocol>(['bd21', 'bd3'])('a %s module that resets', (protocol) => {
  const KIT: SimCard = { address: '0242286', level: 4, intervalS: 5 };
  const CENTRE: SimCard = { address: '0179773', level: 4, intervalS: 5 };
  let w: LinkWorld;
  afterEach(() => w?.close());

  function world(rebootMs: number) {
    // Its beam report is off at power-on, on BeiDou-3 too here: only $CCRMO turns it on again.
    w = linkWorld([
      { protocol, card: KIT, sim: { beamOutputAtStart: false, rebootMs } },
      { protocol, card: CENTRE },
    ]);
    const l = w.link(0, { centreCard: CENTRE.address, silenceMs: 20_000 });
    const states: string[] = [];
    l.on('state', (s: LinkState) => states.push(s.status === 'down' ? `down/${s.reason}` : s.status));
    return { l, states, sim: w.rig.ends[0]!.sim };
  }

  it('takes the link down once, asks for the beam report and reads the card again, and comes back up', async () => {
    const { l, states, sim } = world(3_000);
    await w.started(l);
    await w.clock.run(30_000);
    expect(l.state.status).toBe('up');
    const heardBefore = sim.heard.length;
    const resetAt = w.clock.now();
    sim.reset();
    await w.clock.runUntil(() => l.state.status !== 'up', 60_000);
    // Silent past the bound, counted from its last report (a second at most before the reset).
    expect(w.clock.now() - resetAt).toBeGreaterThanOrEqual(19_000);
    expect(w.clock.now() - resetAt).toBeLessThanOrEqual(21_000);
    expect(l.state).toMatchObject({ status: 'down', reason: 'no-device' });
    expect(l.state.status === 'down' && l.state.detail).toMatch(/has said nothing for 20 s/);
    expect(await l.send(Uint8Array.of(1))).toMatchObject({ ok: false, code: 'LINK_DOWN' });
    await w.clock.runUntil(() => l.state.status === 'up', 30_000);
    expect(l.state.status).toBe('up');
    // Asked for the beam report again, and read the card again.
    const askedAfter = sim.heard.slice(heardBefore);
    expect(askedAfter).toContain('RMO');
    expect(askedAfter).toContain(protocol === 'bd3' ? 'ICR' : 'ICA');
    expect(states).toEqual(['starting', 'up', 'down/no-device', 'up']);
    expect(w.logged.filter((line) => line.startsWith('warn'))).toEqual(['warn BeiDou link down']);
    // Its reports come again, and it stays up, sending.
    await w.clock.run(60_000);
    expect(l.state.status).toBe('up');
    expect((await w.during(l.send(Uint8Array.of(2)))).ok).toBe(true);
  });

  it('stays down while the module stays silent, and a start finds it again once it is back', async () => {
    const { l, sim } = world(120_000);
    await w.started(l);
    await w.clock.run(5_000);
    sim.reset();
    await w.clock.run(30_000);
    expect(l.state).toMatchObject({ status: 'down', reason: 'no-device' });
    // The supervisor's start while it is still silent: the port opened again, no answer.
    const first = l.start();
    await w.clock.run(20_000);
    await first;
    expect(l.state).toMatchObject({ status: 'down', reason: 'no-device' });
    await w.clock.run(120_000);
    await w.started(l);
    expect(l.state.status).toBe('up');
    expect(w.logged.filter((line) => line.startsWith('warn'))).toEqual(['warn BeiDou link down']);
  });
});
