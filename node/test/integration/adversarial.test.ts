/**
 * Frames from the air that must not change what a node believes: a receipt from a node that is
 * not the destination, a different frame under a known id, and custody taken by a relay that
 * cannot forward (found in review).
 */
import { afterEach, expect, it } from 'vitest';
import type { RouteTarget } from '../../src/core/routing-table.js';
import { macAuthenticator } from '../../src/crypto/authenticate.js';
import { deriveNodeMacKey } from '../../src/crypto/mac.js';
import { createFakeLinkPair } from '../../src/link/fake-link.js';
import { encodeMessage } from '../../src/wire/message.js';
import { CENTRE, eventually, metaOf, report, SECRET, TestNetwork } from './harness.js';

let net: TestNetwork;
afterEach(async () => net?.stop());

const now = () => Math.floor(Date.now() / 1000);

/** A centre whose only link hears the kit 2107 (address K); frames are injected on it. */
async function centreHearingKit(target: RouteTarget) {
  net = new TestNetwork();
  const [a] = createFakeLinkPair({ ids: ['a', 'b'], from: ['C', 'K'] });
  await net.add({
    id: CENTRE,
    links: [{ link: a, costClass: 'ip', neighbours: { K: 2107 } }],
    routes: [{ target, link: 'a', nextHop: 'K', cost: 0, source: 'config' }],
  });
  await a.start();
  await net.start();
  return a;
}

it('a receipt from a node that is not the destination confirms nothing', async () => {
  // The kit's end of the link is never started: the message keeps waiting at the centre.
  const a = await centreHearingKit({ to: 'node', node: 2107 });
  const id = await net.node(CENTRE).core.submit({
    kind: 'text',
    body: { text: '注意' },
    dest: { to: 'node', node: 2107 },
    priority: 1,
    lifetimeMin: 60,
  });
  const seq = Number(id.split('/')[1]);
  // Kit 2108, with its own valid key, claims delivery of the centre's message to kit 2107.
  const forged = encodeMessage(
    {
      kind: 'receipt',
      origin: 2108,
      seq: 1,
      createdAt: now(),
      clockUntrusted: false,
      priority: 1,
      lifetimeMin: 60,
      dest: { to: 'node', node: CENTRE },
      flags: ['noReceipt'],
      body: { ranges: [{ origin: CENTRE, from: seq, to: seq }], scope: 'delivered' },
    },
    macAuthenticator(deriveNodeMacKey(SECRET, 2108)),
  );
  a.inject(forged, 'K');
  await eventually(
    'the forged receipt was taken in',
    async () => await net.node(CENTRE).store.hasSeen('2108/1'),
  );
  const meta = await metaOf(net.node(CENTRE), id);
  expect(meta?.state).not.toBe('received');
  expect(meta?.out.a).toBeDefined(); // still being sent to the kit
});

it('a different frame under a known id is neither stored nor confirmed', async () => {
  const a = await centreHearingKit({ to: 'default' });
  const make = (affected: number, key: Uint8Array) =>
    encodeMessage(
      {
        ...report(affected),
        origin: 2107,
        seq: 1,
        createdAt: now(),
        clockUntrusted: false,
        flags: [],
      } as never,
      macAuthenticator(key),
    );
  const junk = make(1, new Uint8Array(32)); // a forger's frame: right id, wrong tag
  a.inject(junk, 'K');
  await new Promise((r) => setTimeout(r, 100));
  const real = make(2, deriveNodeMacKey(SECRET, 2107));
  a.inject(real, 'K');
  await eventually('the real report is delivered', () => net.node(CENTRE).delivered.length === 1);
  expect(net.node(CENTRE).rejected.some((r) => r.startsWith('AUTH_TAG_INVALID'))).toBe(true);
});

it('a relay with no way on does not take custody, so the kit keeps trying', async () => {
  net = new TestNetwork();
  const [k, g] = createFakeLinkPair({ ids: ['k', 'g'], from: ['K', 'G'] });
  await net.add({
    id: 3001, // a gateway that knows no route to the centre
    links: [{ link: g, costClass: 'mesh', neighbours: { K: 2107 } }],
    routes: [],
  });
  await net.add({
    id: 2107,
    links: [{ link: k, costClass: 'mesh', neighbours: { G: 3001 } }],
    routes: [{ target: { to: 'centre' }, link: 'k', nextHop: 'G', cost: 0, source: 'config' }],
  });
  await k.start();
  await g.start();
  await net.start();
  const id = await net.node(2107).core.submit(report(3));
  await eventually('the gateway stored it', async () => await net.node(3001).store.hasSeen(id));
  await new Promise((r) => setTimeout(r, 300));
  const atKit = await metaOf(net.node(2107), id);
  expect(atKit?.state).toBe('sent');
  expect(Object.keys(atKit?.out ?? {})).toEqual(['k']);
});

it('a late message far below the replay window is still delivered once: late is not replayed', async () => {
  const a = await centreHearingKit({ to: 'default' });
  const frame = (seq: number) =>
    encodeMessage(
      { ...report(seq), origin: 2107, seq, createdAt: now(), clockUntrusted: false, flags: [] } as never,
      macAuthenticator(deriveNodeMacKey(SECRET, 2107)),
    );
  a.inject(frame(5000), 'K'); // the kit's newest, first
  a.inject(frame(5), 'K'); // its backlog, 4995 sequences behind
  await eventually('both delivered', () => net.node(CENTRE).delivered.length === 2);
  a.inject(frame(5), 'K'); // a copy of it: deduplicated by its tombstone
  await new Promise((r) => setTimeout(r, 100));
  expect(
    net
      .node(CENTRE)
      .delivered.map((m) => m.seq)
      .sort((x, y) => x - y),
  ).toEqual([5, 5000]);
});
