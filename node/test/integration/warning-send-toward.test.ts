/**
 * A warning sent again toward the kit that has not confirmed it (NodeCore.sendToward;
 * docs/warnings.md §Escalation): after the broadcast's repeats ended with one kit out of range, the
 * centre sends it once more as a direct message to that kit, which then has it, once; the kits
 * that had it get nothing twice; an unknown node or an expired warning gets nothing.
 */
import { afterEach, expect, it } from 'vitest';
import { createFakeMedium, type FakeLink } from '../../src/link/fake-link.js';
import { CENTRE, eventually, TestNetwork } from './harness.js';
import { issueVillageWarning, provisionIssuer, VILLAGE } from './security-support.js';

let net: TestNetwork;
afterEach(async () => net?.stop());

const KITS = [2107, 2108] as const;

it('sends an ended broadcast once more, directly, to the kit that missed it', async () => {
  net = new TestNetwork();
  provisionIssuer(net);
  const medium = createFakeMedium();
  const centreMesh = medium.attach({ id: 'c-mesh', from: 'C' });
  const links = new Map(KITS.map((id) => [id, medium.attach({ id: `k${id}`, from: `K${id}` })]));
  await net.add({
    id: CENTRE,
    links: [
      {
        link: centreMesh,
        costClass: 'mesh',
        neighbours: Object.fromEntries(KITS.map((id) => [`K${id}`, id])),
      },
    ],
    routes: [
      { target: { to: 'area', area: VILLAGE }, link: 'c-mesh', cost: 0, source: 'config' },
      ...KITS.map((id) => ({
        target: { to: 'node' as const, node: id },
        link: 'c-mesh',
        nextHop: `K${id}`,
        cost: 0,
        source: 'config' as const,
      })),
    ],
    core: { broadcastRepeats: 1, retry: { initialMs: 500, maxMs: 500, jitter: 0 } },
  });
  for (const id of KITS)
    await net.add({
      id,
      area: VILLAGE,
      links: [{ link: links.get(id) as FakeLink, costClass: 'mesh', neighbours: { C: CENTRE } }],
      routes: [{ target: { to: 'centre' }, link: `k${id}`, nextHop: 'C', cost: 0, source: 'config' }],
      relayFor: [],
    });
  medium.setReachable('c-mesh', 'k2108', false);
  for (const l of [centreMesh, ...links.values()]) await l.start();
  await net.start();
  const centre = net.node(CENTRE);
  const copies = (id: number, warning: string) =>
    net.node(id).delivered.filter((m) => `${m.origin}/${m.seq}` === warning).length;

  const warning = await issueVillageWarning({ centre });
  await eventually('the broadcast went out once and ended', async () => {
    const meta = await centre.store.getMeta(warning);
    return meta?.done === true && copies(2107, warning) === 1;
  });
  expect(copies(2108, warning)).toBe(0);

  medium.setReachable('c-mesh', 'k2108', true);
  // How long to wait before sending again: the mesh link's declared round trip; no route, no answer.
  expect(centre.core.confirmationWaitToward(2108)).toBe(centreMesh.capabilities.confirmationWaitMs);
  expect(centre.core.confirmationWaitToward(9999)).toBeUndefined();
  expect(await centre.core.sendToward(warning, 2108)).toEqual(['c-mesh']);
  await eventually('2108 has it', () => copies(2108, warning) === 1);
  const meta = await centre.store.getMeta(warning);
  expect(meta?.events.some((e) => e.detail === 'sent again toward node 2108')).toBe(true);
  expect(meta?.nextHop['c-mesh']).toBe('K2108');
  await eventually('the send is recorded and the warning ends again', async () => {
    return (await centre.store.getMeta(warning))?.done === true;
  });
  // Nothing twice, and nothing for a node with no route.
  await new Promise((r) => setTimeout(r, 300));
  expect([copies(2107, warning), copies(2108, warning)]).toEqual([1, 1]);
  expect(await centre.core.sendToward(warning, 9999)).toEqual([]);
  expect(await centre.core.sendToward('1/999999', 2108)).toEqual([]);
}, 30_000);
