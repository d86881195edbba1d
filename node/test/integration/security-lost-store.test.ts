/**
 * A kit loses its store (a replaced SD card) and starts again with the same keys (docs/security.md
 * §A lost store; docs/keys.md §Re-enrolment and the sequence floor). Numbered from zero again, its
 * new reports would reuse ids the centre holds, and the centre would drop them as conflicting:
 * the village's next reports lost without a word. Numbered from outside the lost directory (the
 * key file's floor, or an epoch from its enrolment day), they are delivered; a kit that restarts
 * from zero anyway is flagged at the centre (SEQUENCE_RESTARTED).
 */
import { afterEach, expect, it } from 'vitest';
import { sequenceEpoch } from '../../src/core/sequence-epoch.js';
import { createFakeLinkPair } from '../../src/link/fake-link.js';
import { CENTRE, eventually, type NodeSpec, TestNetwork, type TestNode } from './harness.js';
import { received, sos } from './security-support.js';

let net: TestNetwork;
afterEach(async () => net?.stop());

const KIT = 2107;
const BEFORE = 3;

/** A kit that reached the centre with BEFORE reports, then lost its store; the centre's view. */
async function kitThatLostItsStore(after: Partial<NodeSpec>) {
  net = new TestNetwork();
  const [k, c] = createFakeLinkPair({ ids: ['k', 'c'], from: ['K', 'C'] });
  await net.add({
    id: CENTRE,
    links: [{ link: c, costClass: 'ip', neighbours: { K: KIT } }],
    routes: [{ target: { to: 'node', node: KIT }, link: 'c', nextHop: 'K', cost: 0, source: 'config' }],
  });
  await net.add({
    id: KIT,
    links: [{ link: k, costClass: 'ip', neighbours: { C: CENTRE } }],
    routes: [{ target: { to: 'centre' }, link: 'k', nextHop: 'C', cost: 0, source: 'config' }],
    relayFor: [],
  });
  await k.start();
  await c.start();
  await net.start();
  const centre = net.node(CENTRE);
  const first: string[] = [];
  for (let i = 0; i < BEFORE; i++) first.push(await net.node(KIT).core.submit(sos(100 + i)));
  for (const id of first) await eventually(`${id} received`, () => received(net.node(KIT), id));
  expect(first).toEqual(['2107/1', '2107/2', '2107/3']);
  // The card is replaced: an empty store, the same identity and keys.
  const kit = await net.restart(KIT, { lostStore: true, spec: after });
  expect(await kit.store.hasSeen(first[0] as string)).toBe(false);
  return { centre, kit };
}

/** Whether the centre delivered the report that says `affected`. */
function atCentre(centre: TestNode, affected: number): boolean {
  return centre.delivered.some((m) => m.kind === 'report' && m.body.indicators.affected === affected);
}

async function sendsAfterTheLoss(kit: TestNode, centre: TestNode) {
  const ids = [await kit.core.submit(sos(200)), await kit.core.submit(sos(201))];
  for (const [i, id] of ids.entries()) {
    await eventually(`the new report ${id} at the centre`, () => atCentre(centre, 200 + i));
    await eventually(`${id} received back at the kit`, () => received(kit, id));
  }
  return ids;
}

it('a kit that lost its store numbers above its floor: its new reports are delivered, none conflicts', async () => {
  // The floor the centre gives at re-enrolment: the next sequence it may use, above all it holds.
  const { centre, kit } = await kitThatLostItsStore({ core: { sequenceFloor: BEFORE + 1 } });
  const ids = await sendsAfterTheLoss(kit, centre);
  expect(ids).toEqual(['2107/4', '2107/5']);
  expect(centre.delivered.filter((m) => m.kind === 'report').length).toBe(BEFORE + 2);
  expect(centre.flagged).toEqual([]);
  expect(centre.rejected).toEqual([]);
});

it('a kit that lost its store numbers from its enrolment epoch: its new reports are delivered', async () => {
  const enrolled = Math.floor(Date.now() / 1000) - 3 * 86_400;
  const { centre, kit } = await kitThatLostItsStore({
    core: { freshSequenceStart: () => sequenceEpoch(Date.now(), enrolled) },
  });
  const ids = await sendsAfterTheLoss(kit, centre);
  expect(ids).toEqual(['2107/3073', '2107/3074']);
  expect(centre.flagged).toEqual([]);
  expect(centre.rejected).toEqual([]);
});

it('a kit that restarts its sequence from zero is flagged at the centre, and its reused ids are not delivered', async () => {
  const { centre, kit } = await kitThatLostItsStore({});
  const reused = await kit.core.submit(sos(300));
  expect(reused).toBe('2107/1');
  await eventually('the centre flagged the restarted sequence', () =>
    centre.flagged.some((f) => f.code === 'SEQUENCE_RESTARTED'),
  );
  expect(centre.flagged[0]?.detail).toContain(`node ${KIT}`);
  expect(centre.delivered.filter((m) => m.kind === 'report').length).toBe(BEFORE);
});

// The key file's `seq-floor` is the centre's high-water mark (docs/keys.md); app.ts passes the
// core the number above it (NodeCoreOptions.sequenceFloor: the lowest it may use next).
it("the key file's seq-floor (the centre's high-water mark), as app.ts passes it, is not reused", async () => {
  const { centre, kit } = await kitThatLostItsStore({ core: { sequenceFloor: BEFORE + 1 } });
  const first = await kit.core.submit(sos(400));
  expect(first).not.toBe(`${KIT}/${BEFORE}`);
  await eventually(`${first} at the centre`, () => atCentre(centre, 400));
});
