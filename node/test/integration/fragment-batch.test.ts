/**
 * Fragmentation when a message exceeds a link's MTU, and batching where a link prefers
 * fewer, larger frames (the satellite: one SBD message, one session, credits per 50 bytes).
 */
import { afterEach, expect, it } from 'vitest';
import { createFakeLinkPair } from '../../src/link/fake-link.js';
import { CENTRE, eventually, metaOf, report, TestNetwork } from './harness.js';

let net: TestNetwork;
afterEach(async () => net?.stop());

async function twoNodes(costClass: 'mesh' | 'satellite', mtu: number) {
  net = new TestNetwork();
  const [k, c] = createFakeLinkPair({ ids: ['k', 'c'], from: ['K', 'C'], mtu, sendWindow: 64 });
  await net.add({
    id: CENTRE,
    links: [{ link: c, costClass, neighbours: { K: 2107 } }],
    routes: [{ target: { to: 'default' }, link: 'c', nextHop: 'K', cost: 0, source: 'config' }],
  });
  await net.add({
    id: 2107,
    links: [{ link: k, costClass, neighbours: { C: CENTRE } }],
    routes: [{ target: { to: 'centre' }, link: 'k', nextHop: 'C', cost: 0, source: 'config' }],
  });
  return { k, c };
}

it('fragments a message longer than the MTU and the other end reassembles it', async () => {
  const { k, c } = await twoNodes('mesh', 40);
  await k.start();
  await c.start();
  await net.start();
  const note = '山洪暴发，村东头三户房屋倒塌，道路中断，急需帐篷和饮用水。';
  const id = await net.node(2107).core.submit({ ...report(7), body: { ...report(7).body, note } });
  await eventually('delivered', () => net.node(CENTRE).delivered.some((m) => m.kind === 'report'));
  const got = net.node(CENTRE).delivered.find((m) => m.kind === 'report');
  expect(got?.kind === 'report' && got.body.note).toBe(note);
  expect(k.counters().txFrames).toBeGreaterThan(2); // went as fragments of at most 40 bytes
  await eventually('receipt back', async () => (await metaOf(net.node(2107), id))?.state === 'received');
});

it('packs several small messages into one satellite message and counts its credits', async () => {
  const { k, c } = await twoNodes('satellite', 340);
  await c.start();
  await net.start();
  // Queue while the modem is not up yet, so the dispatcher finds them due together.
  const kit = net.node(2107).core;
  const ids = await Promise.all([1, 2, 3, 4, 5].map((n) => kit.submit(report(n))));
  await k.start();
  await eventually(
    'all five delivered',
    () => net.node(CENTRE).delivered.filter((m) => m.kind === 'report').length === 5,
  );
  expect(k.counters().txFrames).toBeLessThan(5);
  const metas = await Promise.all(ids.map((id) => metaOf(net.node(2107), id)));
  const credits = metas.reduce((sum, m) => sum + (m?.credits ?? 0), 0);
  expect(credits).toBeGreaterThan(0);
  expect(credits).toBeLessThanOrEqual(k.counters().txFrames * 7); // at most 340 bytes, 7 credits a message
});
