/**
 * The BeiDou link's mtu probe (docs/beidou.md §Message size): a BeiDou-3 card that refuses large
 * messages without a reason has its mtu lowered, but only after repeated refusals, never on
 * BeiDou-2, and what was learnt is forgotten when another card is read. The bookkeeping alone, then
 * the link on the driver and the module simulator (a card that carries less than its level says).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { RigCard } from '../../sim/beidou/beidou-rig.js';
import { type LinkWorld, linkWorld } from '../../sim/beidou/link-world.js';
import type { SimCard } from '../../sim/beidou/sim-card.js';
import type { CardInfo } from './beidou-types.js';
import { MtuProbe } from './mtu-probe.js';

const BD3: CardInfo = { protocol: 'bd3', address: '4204990', level: 4, intervalS: 1, encrypted: false };

describe('MtuProbe', () => {
  it('lowers a BeiDou-3 card’s mtu by half only at the second unexplained refusal in a row', () => {
    const p = new MtuProbe();
    p.cardRead(BD3);
    p.sent(300);
    expect(p.refused(1500, 1750)).toBeUndefined();
    expect(p.refused(1500, 1750)).toBe(750);
    expect(p.learntMtu).toBe(750);
  });

  it('never goes below the largest message that went, nor below 72', () => {
    const p = new MtuProbe({ probeAfter: 1 });
    p.cardRead(BD3);
    p.sent(700);
    expect(p.refused(1000, 1750)).toBe(700);
    const q = new MtuProbe({ probeAfter: 1 });
    q.cardRead(BD3);
    expect(q.refused(100, 1750)).toBe(72);
  });

  it('starts counting again after a message goes, or a refusal no larger than one that went', () => {
    const p = new MtuProbe();
    p.cardRead(BD3);
    p.sent(500);
    expect(p.refused(1500, 1750)).toBeUndefined();
    p.sent(400);
    expect(p.refused(1500, 1750)).toBeUndefined();
    expect(p.refused(300, 1750)).toBeUndefined(); // smaller than what went: not the size
    expect(p.refused(1500, 1750)).toBeUndefined();
    expect(p.refused(1500, 1750)).toBe(750);
  });

  it('never probes a BeiDou-2 card: its sizes are the drivers’ table, fixed by message_bits', () => {
    const p = new MtuProbe({ probeAfter: 1 });
    p.cardRead({ ...BD3, protocol: 'bd21', level: 4 });
    for (let i = 0; i < 5; i++) expect(p.refused(100, 105)).toBeUndefined();
    expect(p.learntMtu).toBeUndefined();
  });

  it('forgets what it learnt when another card is read, and keeps it for the same card', () => {
    const p = new MtuProbe({ probeAfter: 1 });
    p.cardRead(BD3);
    expect(p.refused(1500, 1750)).toBe(750);
    p.cardRead({ ...BD3 });
    expect(p.learntMtu).toBe(750);
    p.cardRead({ ...BD3, address: '4204991' });
    expect(p.learntMtu).toBeUndefined();
    // …and what went on the old card no longer bounds the new one.
    expect(p.refused(100, 1750)).toBe(72);
  });
});

describe('the link’s mtu on a card that carries less than its level says', () => {
  let w: LinkWorld;
  afterEach(() => w?.close());
  const CENTRE: SimCard = { address: '0179773', level: 4, intervalS: 1 };
  const small = (protocol: RigCard['protocol'], address = '0242286'): RigCard => ({
    protocol,
    card: { address, level: 4, intervalS: 1, maxBits: (protocol === 'bd3' ? 1000 : 80) * 8 },
  });

  it('on BeiDou-3: kept after one refusal, halved after the second, and what fits then goes', async () => {
    w = linkWorld([small('bd3'), { protocol: 'bd3', card: CENTRE }]);
    const l = w.link(0, { centreCard: CENTRE.address });
    await w.started(l);
    expect(l.mtu).toBe(1750);
    const refused = { ok: false, code: 'NACK', retry: 'later' };
    expect(await w.during(l.send(new Uint8Array(1500)))).toMatchObject(refused);
    expect(l.mtu).toBe(1750);
    expect(await w.during(l.send(new Uint8Array(1500)))).toMatchObject(refused);
    expect(l.mtu).toBe(750);
    expect(w.logged.filter((line) => line.includes('mtu is lowered'))).toHaveLength(1);
    expect((await w.during(l.send(new Uint8Array(750)))).ok).toBe(true);
  });

  it('on BeiDou-2: never lowered, however often the card refuses', async () => {
    w = linkWorld([small('bd21'), { protocol: 'bd21', card: CENTRE }]);
    const l = w.link(0, { centreCard: CENTRE.address });
    await w.started(l);
    expect(l.mtu).toBe(105);
    for (let i = 0; i < 3; i++) expect((await w.during(l.send(new Uint8Array(100)))).ok).toBe(false);
    expect(l.mtu).toBe(105);
  });

  it('forgets the lowered mtu when the link reads another card, and keeps it for the same card', async () => {
    w = linkWorld([small('bd3'), { protocol: 'bd3', card: CENTRE }]);
    const l = w.link(0, { centreCard: CENTRE.address, probeAfter: 1 });
    await w.started(l);
    await w.during(l.send(new Uint8Array(1500)));
    expect(l.mtu).toBe(750);
    const sim = (w.rig.ends[0] as LinkWorld['rig']['ends'][number]).sim;
    const card = { address: '0242286', level: 4, intervalS: 1 };
    // The card taken out: the link goes down; the same card back, and a start reads it again.
    const restartWith = async (next: SimCard) => {
      sim.setCard(undefined);
      await w.during(l.send(new Uint8Array(10)));
      expect(l.state).toMatchObject({ status: 'down', reason: 'config-mismatch' });
      sim.setCard(next);
      await w.started(l);
      expect(l.state.status).toBe('up');
    };
    await restartWith(card);
    expect(l.mtu).toBe(750);
    await restartWith({ ...card, address: '0242287' });
    expect(l.mtu).toBe(1750);
  });
});
