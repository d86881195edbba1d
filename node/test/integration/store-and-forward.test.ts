/**
 * Store and forward under faults: nodes wired over fake links with loss, partitions that heal, duplicated and
 * reordered frames deliver every message exactly once, receipts reach the origin, custody is
 * handed over, and expired messages are reported.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createFakeLinkPair, createFakeMedium } from '../../src/link/fake-link.js';
import { CENTRE, eventually, metaOf, report, TestNetwork } from './harness.js';

const GATEWAY = 3001;
const KITS = [2107, 2108, 2112];

let net: TestNetwork;

afterEach(async () => {
  await net?.stop();
});

/** Kits on a lossy mesh with a gateway; the gateway has IP to the centre. */
async function countyNetwork(faults: { loss?: number; duplicate?: number; reorder?: number }, seed = 7) {
  net = new TestNetwork();
  const mesh = createFakeMedium({ seed, ...faults });
  const [ipG, ipC] = createFakeLinkPair({
    ids: ['ip@G', 'ip@C'],
    from: ['G', 'C'],
    seed: seed + 1,
    ...faults,
  });
  const meshG = mesh.attach({ id: 'mesh@G', from: 'G' });
  await net.addCentreBehind(ipC, GATEWAY);
  await net.add({
    id: GATEWAY,
    links: [
      { link: meshG, costClass: 'mesh', neighbours: Object.fromEntries(KITS.map((k) => [`K${k}`, k])) },
      { link: ipG, costClass: 'ip', neighbours: { C: CENTRE } },
    ],
    routes: [
      { target: { to: 'centre' }, link: 'ip@G', nextHop: 'C', cost: 0, source: 'config' },
      { target: { to: 'all' }, link: 'mesh@G', cost: 0, source: 'config' },
      ...KITS.map((k) => ({
        target: { to: 'node' as const, node: k },
        link: 'mesh@G',
        nextHop: `K${k}`,
        cost: 0,
        source: 'config' as const,
      })),
    ],
  });
  const kitLinks = [];
  for (const k of KITS) {
    const link = mesh.attach({ id: `mesh@${k}`, from: `K${k}` });
    kitLinks.push(link);
    await net.add({
      id: k,
      area: 430121101201,
      links: [{ link, costClass: 'mesh', neighbours: { G: GATEWAY } }],
      routes: [{ target: { to: 'centre' }, link: `mesh@${k}`, nextHop: 'G', cost: 0, source: 'config' }],
    });
  }
  for (const l of [ipG, ipC, meshG, ...kitLinks]) await l.start();
  return { mesh, ipG, ipC, meshG };
}

describe('store and forward over a lossy county network', () => {
  it('delivers every report exactly once and brings a receipt back to its origin', async () => {
    await countyNetwork({ loss: 0.3, duplicate: 0.1, reorder: 0.1 });
    await net.start();
    const ids: string[] = [];
    for (const k of KITS) for (let i = 0; i < 5; i++) ids.push(await net.node(k).core.submit(report(i)));

    const centre = net.node(CENTRE);
    const reports = () => centre.delivered.filter((m) => m.kind === 'report');
    await eventually('every report delivered at the centre', () => reports().length >= ids.length);
    await eventually('every origin has its receipt', async () => {
      for (const id of ids) {
        const origin = net.node(Number(id.split('/')[0]));
        if ((await metaOf(origin, id))?.state !== 'received') return false;
      }
      return true;
    });
    // Let retransmissions still in flight land: none may be delivered a second time.
    await new Promise((r) => setTimeout(r, 500));
    const deliveredIds = reports().map((m) => `${m.origin}/${m.seq}`);
    expect(deliveredIds.sort()).toEqual([...ids].sort());
    expect(new Set(deliveredIds).size).toBe(deliveredIds.length);
  });

  it('holds messages through a partition and delivers them when it heals', async () => {
    const { mesh } = await countyNetwork({ loss: 0.1 }, 11);
    await net.start();
    mesh.setReachable('mesh@2108', 'mesh@G', false);
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push(await net.node(2108).core.submit(report(i)));
    await new Promise((r) => setTimeout(r, 400));
    const centre = net.node(CENTRE);
    expect(centre.delivered.filter((m) => m.origin === 2108)).toHaveLength(0);
    expect((await metaOf(net.node(2108), ids[0] as string))?.state).toBe('sent');
    mesh.setReachable('mesh@2108', 'mesh@G', true);
    await eventually(
      'reports delivered after healing',
      () => centre.delivered.filter((m) => m.kind === 'report').length === 4,
    );
    await eventually(
      'receipts back after healing',
      async () => (await metaOf(net.node(2108), ids[3] as string))?.state === 'received',
    );
  });

  it('hands custody over: the origin stops retrying once the gateway holds the message', async () => {
    const { ipG } = await countyNetwork({}, 3);
    await net.start();
    ipG.setUp(false); // the gateway cannot reach the centre
    const id = await net.node(2107).core.submit(report(1));
    await eventually(
      'custody taken by the gateway',
      async () => (await metaOf(net.node(2107), id))?.state === 'custody',
    );
    const atOrigin = await metaOf(net.node(2107), id);
    expect(atOrigin?.custodyBy).toBe(GATEWAY);
    // Retries stop: the next send is only the question to the custodian, a receipt wait away.
    const custodyAt = atOrigin?.events.find((e) => e.state === 'custody')?.at ?? 0;
    expect(atOrigin?.out['mesh@2107']).toBeGreaterThanOrEqual(custodyAt + 1500);
    const atGateway = await metaOf(net.node(GATEWAY), id);
    expect(atGateway?.out['ip@G']).toBeDefined();
    ipG.setUp(true);
    await eventually(
      'receipt at the origin',
      async () => (await metaOf(net.node(2107), id))?.state === 'received',
    );
  });

  it('reports a message expired when its lifetime ends undelivered, never dropping it silently', async () => {
    const { mesh } = await countyNetwork({}, 5);
    await net.start();
    mesh.setReachable('mesh@2112', 'mesh@G', false);
    const expired: string[] = [];
    net.node(2112).core.on('state', (m) => {
      if (m.state === 'expired') expired.push(m.id);
    });
    const id = await net.node(2112).core.submit({ ...report(9), lifetimeMin: 1 });
    net.clockOffsetMs = 61_000;
    await eventually('expiry reported', () => expired.includes(id));
    const meta = await metaOf(net.node(2112), id);
    expect(meta?.state).toBe('expired');
    expect(meta?.done).toBe(true);
    expect(meta?.out).toEqual({});
    expect(await net.node(2112).store.getFrame(id)).toBeDefined();
  });

  it('floods a broadcast to every kit, each delivering it once', async () => {
    await countyNetwork({ loss: 0.2, duplicate: 0.2 }, 9);
    await net.start();
    const text = {
      kind: 'text' as const,
      body: { text: '请注意山洪' },
      dest: { to: 'all' as const },
      priority: 0 as const,
      lifetimeMin: 30,
    };
    const id = await net.node(CENTRE).core.submit(text);
    await eventually('every kit has the broadcast', () =>
      KITS.every((k) => net.node(k).delivered.some((m) => `${m.origin}/${m.seq}` === id)),
    );
    await new Promise((r) => setTimeout(r, 300));
    for (const k of KITS)
      expect(net.node(k).delivered.filter((m) => `${m.origin}/${m.seq}` === id)).toHaveLength(1);
  });
});

describe('routes from beacons', () => {
  it('a kit with no configured route learns the gateway from its beacon and sends what waited', async () => {
    net = new TestNetwork();
    const mesh = createFakeMedium({ seed: 21 });
    const [ipG, ipC] = createFakeLinkPair({ ids: ['ip@G', 'ip@C'], from: ['G', 'C'] });
    const meshG = mesh.attach({ id: 'mesh@G', from: 'G' });
    const meshK = mesh.attach({ id: 'mesh@K', from: 'K' });
    await net.add({
      id: CENTRE,
      links: [{ link: ipC, costClass: 'ip', neighbours: { G: GATEWAY } }],
      routes: [{ target: { to: 'default' }, link: 'ip@C', nextHop: 'G', cost: 0, source: 'config' }],
    });
    await net.add({
      id: GATEWAY,
      links: [
        { link: meshG, costClass: 'mesh' },
        { link: ipG, costClass: 'ip', neighbours: { C: CENTRE } },
      ],
      routes: [{ target: { to: 'centre' }, link: 'ip@G', nextHop: 'C', cost: 0, source: 'config' }],
      beaconIntervalMs: 200,
    });
    // The kit knows nobody: no routes, no neighbours.
    await net.add({
      id: 2107,
      links: [{ link: meshK, costClass: 'mesh' }],
      routes: [],
      beaconIntervalMs: 200,
    });
    for (const l of [ipG, ipC, meshG, meshK]) await l.start();
    await net.start();
    const id = await net.node(2107).core.submit(report(1));
    expect((await metaOf(net.node(2107), id))?.out).toEqual({});
    await eventually('the report reaches the centre', () =>
      net.node(CENTRE).delivered.some((m) => m.kind === 'report'),
    );
    // The gateway learnt the kit from the kit's own beacon, so the receipt finds its way back too.
    await eventually(
      'the receipt is back',
      async () => (await metaOf(net.node(2107), id))?.state === 'received',
    );
  });
});
