/**
 * Attack: ending a broadcast warning early with one word (docs/security.md §Broadcast receipts).
 * The centre sends a warning to a village of three kits, three times over; two kits are out of
 * range at first. One kit's genuine `delivered` receipt must not stop the repeats the other two
 * still need, nor may a receipt from a node that is not one of the three, or one forged by a
 * radio with no key, change anything. The warning ends when all three have said they have it.
 */
import { afterEach, expect, it } from 'vitest';
import { createFakeMedium, type FakeLink } from '../../src/link/fake-link.js';
import type { Destination } from '../../src/wire/envelope.js';
import { CENTRE, eventually, TestNetwork } from './harness.js';
import {
  idOf,
  issueVillageWarning,
  provisionIssuer,
  randomMac,
  receiptFrame,
  VILLAGE,
} from './security-support.js';

let net: TestNetwork;
afterEach(async () => net?.stop());

const TARGETS = [2107, 2108, 2109] as const;
/** An enrolled kit of another village: a real key, but the warning is not for it. */
const NEIGHBOUR_VILLAGE_KIT = 2201;
const REPEAT_EVERY_MS = 4000;

it("one kit's receipt does not stop the repeats the others need; a non-target's or a forger's changes nothing", async () => {
  net = new TestNetwork();
  provisionIssuer(net);
  const medium = createFakeMedium();
  const centreMesh = medium.attach({ id: 'c-mesh', from: 'C' });
  const kits = [...TARGETS, NEIGHBOUR_VILLAGE_KIT];
  const links = new Map(kits.map((id) => [id, medium.attach({ id: `k${id}`, from: `K${id}` })]));
  await net.add({
    id: CENTRE,
    links: [
      {
        link: centreMesh,
        costClass: 'mesh',
        neighbours: Object.fromEntries(kits.map((id) => [`K${id}`, id])),
      },
    ],
    routes: [
      { target: { to: 'area', area: VILLAGE }, link: 'c-mesh', cost: 0, source: 'config' },
      ...kits.map((id) => ({
        target: { to: 'node' as const, node: id },
        link: 'c-mesh',
        nextHop: `K${id}`,
        cost: 0,
        source: 'config' as const,
      })),
    ],
    core: {
      broadcastRepeats: 3,
      // The centre's enrolment records: who the village's warning is for.
      broadcastTargets: (dest: Destination) =>
        dest.to === 'area' && dest.area === VILLAGE ? [...TARGETS] : undefined,
      retry: { initialMs: REPEAT_EVERY_MS, maxMs: REPEAT_EVERY_MS, jitter: 0 },
    },
  });
  for (const id of kits)
    await net.add({
      id,
      area: id === NEIGHBOUR_VILLAGE_KIT ? VILLAGE + 1 : VILLAGE,
      links: [{ link: links.get(id) as FakeLink, costClass: 'mesh', neighbours: { C: CENTRE } }],
      routes: [{ target: { to: 'centre' }, link: `k${id}`, nextHop: 'C', cost: 0, source: 'config' }],
      relayFor: [],
    });
  // 2108 and 2109 are out of the centre's range for now.
  medium.setReachable('c-mesh', 'k2108', false);
  medium.setReachable('c-mesh', 'k2109', false);
  for (const l of [centreMesh, ...links.values()]) await l.start();
  await net.start();
  const centre = net.node(CENTRE);

  const warning = await issueVillageWarning({ centre });
  const has = (id: number) => net.node(id).delivered.some((m) => `${m.origin}/${m.seq}` === warning);
  const receiptFor = (id: number) =>
    net.node(id).core.submit({
      kind: 'receipt',
      body: {
        ranges: [{ origin: CENTRE, from: idOf(warning).seq, to: idOf(warning).seq }],
        scope: 'delivered',
      },
      dest: { to: 'node', node: CENTRE },
      priority: 0,
      lifetimeMin: 60,
      flags: ['noReceipt'],
    });
  await eventually('the first kit has the warning', () => has(2107));

  // A radio with no key says 2108 and an unknown node have it; the kit of the other village, with
  // its real key, says it has it too.
  centreMesh.inject(receiptFrame(2108, 77, CENTRE, [idOf(warning)], randomMac), 'K2108');
  centreMesh.inject(receiptFrame(4444, 1, CENTRE, [idOf(warning)], randomMac), 'X');
  const fromNeighbour = await receiptFor(NEIGHBOUR_VILLAGE_KIT);
  // And the first kit's genuine receipt.
  const from2107 = await receiptFor(2107);
  await eventually('the centre took both genuine receipts', async () => {
    return (await centre.store.hasSeen(fromNeighbour)) && (await centre.store.hasSeen(from2107));
  });
  await eventually(
    'the centre refused both forged receipts',
    () => centre.rejected.filter((r) => r.startsWith('AUTH_TAG_INVALID')).length >= 2,
  );
  const open = await centre.store.getMeta(warning);
  expect(open?.state).not.toBe('received');
  expect(open?.done).toBe(false);
  expect(open?.out['c-mesh']).toBeDefined();
  expect(open?.receivedBy).toEqual([2107, NEIGHBOUR_VILLAGE_KIT]);
  expect(has(2108) || has(2109)).toBe(false);

  // The other two come into range: the repeats still reach them.
  medium.setReachable('c-mesh', 'k2108', true);
  medium.setReachable('c-mesh', 'k2109', true);
  await eventually('2108 and 2109 have the warning', () => has(2108) && has(2109), 30_000);
  await receiptFor(2108);
  await receiptFor(2109);
  await eventually('the warning ends once all three have it', async () => {
    const meta = await centre.store.getMeta(warning);
    return meta?.state === 'received' && meta.done;
  });
  const ended = await centre.store.getMeta(warning);
  expect(ended?.receivedBy).toEqual([...TARGETS, NEIGHBOUR_VILLAGE_KIT]);
  expect(ended?.events.at(-1)?.detail).toBe('every targeted node has it');
  for (const id of TARGETS)
    expect(net.node(id).delivered.filter((m) => `${m.origin}/${m.seq}` === warning).length).toBe(1);
}, 60_000);
