/**
 * A link that says how long a confirmation takes over it (LinkCapabilities confirmationWaitMs, node/src/link/link.ts)
 * is not given a message again before that long, whatever the retry settings: a slow LoRa mesh
 * is not flooded with copies of what is still on its way (seen in the mesh benchmark, where a
 * first retry shorter than a multi-hop round trip multiplied the airtime per report).
 */
import { afterEach, expect, it } from 'vitest';
import { createFakeLinkPair, type FakeLink } from '../../src/link/fake-link.js';
import { CENTRE, eventually, TestNetwork } from './harness.js';

let net: TestNetwork;
afterEach(async () => net?.stop());

/** A node whose only link leads nowhere that answers; returns how often it sends within `ms`. */
async function sendsWithin(ms: number, waitMs: number | undefined): Promise<number> {
  net = new TestNetwork();
  const [link, void_] = createFakeLinkPair({ ids: ['out', 'void'], from: ['C', 'X'] });
  if (waitMs !== undefined) link.setCapabilities({ confirmationWaitMs: waitMs });
  let sends = 0;
  const send = link.send.bind(link);
  (link as FakeLink).send = async (frame, opts) => {
    sends++;
    return send(frame, opts);
  };
  await net.add({
    id: CENTRE,
    links: [{ link, costClass: 'mesh' }],
    routes: [{ target: { to: 'default' }, link: 'out', cost: 0, source: 'config' }],
  });
  await link.start();
  await void_.start();
  await net.start();
  await net.node(CENTRE).core.submit({
    kind: 'text',
    body: { text: 'hello' },
    dest: { to: 'node', node: 3001 },
    priority: 1,
    lifetimeMin: 60,
  });
  await eventually('the first send', () => sends >= 1);
  await new Promise((r) => setTimeout(r, ms));
  return sends;
}

it('without a confirmation wait the retry settings decide (60 ms, doubling): several sends in 700 ms', async () => {
  expect(await sendsWithin(700, undefined)).toBeGreaterThanOrEqual(3);
});

it('with a 1.5 s confirmation wait, one send in 700 ms, and the next after the wait', async () => {
  expect(await sendsWithin(700, 1500)).toBe(1);
  await net.stop();
  expect(await sendsWithin(2500, 1500)).toBe(2);
});
