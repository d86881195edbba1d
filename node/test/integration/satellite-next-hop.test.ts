/**
 * At the county centre each kit has its own modem: a satellite link's batches are made per next
 * hop (the kit's IMEI), and each goes to that hop, never to a default or to another kit (found in
 * review: the batching dropped the next hop, so nothing the centre sent by RockBLOCK reached a kit).
 */
import { afterEach, expect, it } from 'vitest';
import { createFakeLinkPair } from '../../src/link/fake-link.js';
import { unpackBatch } from '../../src/wire/batch.js';
import { decodeFrame } from '../../src/wire/message.js';
import { CENTRE, eventually, TestNetwork } from './harness.js';

let net: TestNetwork;
afterEach(async () => net?.stop());

it('a satellite link gets one batch per next hop, each sent to its own IMEI', async () => {
  net = new TestNetwork();
  const [sat, sky] = createFakeLinkPair({ ids: ['sat', 'sky'], from: ['C', 'K'] });
  const sent: Array<{ to: string | undefined; dests: number[] }> = [];
  const send = sat.send.bind(sat);
  sat.send = async (frame, opts) => {
    const entries = frame[0] === 0x02 ? unpackBatch(frame) : [frame];
    const dests = entries.map((e) => {
      const d = decodeFrame(e).envelope.dest;
      return d.to === 'node' ? d.node : -1;
    });
    sent.push({ to: opts?.to, dests });
    return send(frame, opts);
  };
  const IMEI_A = '300534060000001';
  const IMEI_B = '300534060000002';
  await net.add({
    id: CENTRE,
    links: [{ link: sat, costClass: 'satellite' }],
    routes: [
      { target: { to: 'node', node: 2107 }, link: 'sat', nextHop: IMEI_A, cost: 0, source: 'config' },
      { target: { to: 'node', node: 2108 }, link: 'sat', nextHop: IMEI_B, cost: 0, source: 'config' },
    ],
  });
  await sat.start();
  await sky.start();
  await net.start();
  const centre = net.node(CENTRE).core;
  for (const node of [2107, 2108, 2107, 2108])
    await centre.submit({
      kind: 'text',
      body: { text: `to ${node}` },
      dest: { to: 'node', node },
      priority: 1,
      lifetimeMin: 60,
    });
  await eventually('all four sent', () => sent.flatMap((s) => s.dests).length >= 4);
  for (const s of sent) {
    expect(s.to).toBeDefined();
    const expected = s.to === IMEI_A ? 2107 : 2108;
    expect(s.dests.every((d) => d === expected)).toBe(true);
  }
  expect(new Set(sent.map((s) => s.to))).toEqual(new Set([IMEI_A, IMEI_B]));
});
