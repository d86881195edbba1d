/**
 * A warning sent again toward a kit behind a township gateway (docs/warnings.md §Escalation;
 * docs/store-and-forward.md §Broadcasts asked for again): the centre reaches the gateway over IP,
 * the gateway the kit over a mesh. The kit's radio missed every one of the gateway's broadcast
 * repeats; when the centre's desk sends the warning again toward the kit, the copy that reaches
 * the gateway is one it holds and has finished repeating, and the gateway, its custodian, puts it
 * on the mesh once more. A copy heard again on the mesh it went out on reopens nothing, and a
 * second ask within the mesh's confirmation wait goes no further than the gateway.
 */
import { afterEach, expect, it } from 'vitest';
import { createFakeLinkPair, createFakeMedium } from '../../src/link/fake-link.js';
import { CENTRE, eventually, TestNetwork } from './harness.js';
import { issueVillageWarning, provisionIssuer, VILLAGE } from './security-support.js';

let net: TestNetwork;
afterEach(async () => net?.stop());

const GATEWAY = 3001;
const KIT = 2107;
/** The mesh's declared round trip: the least time between two sends the gateway puts on it. */
const MESH_WAIT_MS = 1500;

it('puts an ended broadcast on the mesh once more when the centre sends it again toward a kit that missed it', async () => {
  net = new TestNetwork();
  provisionIssuer(net);
  const [centreIp, gatewayIp] = createFakeLinkPair({ ids: ['ip@C', 'ip@G'], from: ['C', 'G'] });
  const medium = createFakeMedium();
  const mesh = { capabilities: { confirmationWaitMs: MESH_WAIT_MS } };
  const gatewayMesh = medium.attach({ id: 'g-mesh', from: 'GM', ...mesh });
  const kitMesh = medium.attach({ id: 'k-mesh', from: 'KM', ...mesh });
  await net.add({
    id: CENTRE,
    links: [{ link: centreIp, costClass: 'ip', neighbours: { G: GATEWAY } }],
    routes: [
      { target: { to: 'area', area: VILLAGE }, link: 'ip@C', nextHop: 'G', cost: 0, source: 'config' },
      { target: { to: 'node', node: KIT }, link: 'ip@C', nextHop: 'G', cost: 0, source: 'config' },
      { target: { to: 'node', node: GATEWAY }, link: 'ip@C', nextHop: 'G', cost: 0, source: 'config' },
    ],
  });
  await net.add({
    id: GATEWAY,
    links: [
      { link: gatewayIp, costClass: 'ip', neighbours: { C: CENTRE } },
      { link: gatewayMesh, costClass: 'mesh', neighbours: { KM: KIT } },
    ],
    routes: [
      { target: { to: 'centre' }, link: 'ip@G', nextHop: 'C', cost: 0, source: 'config' },
      { target: { to: 'area', area: VILLAGE }, link: 'g-mesh', cost: 0, source: 'config' },
      { target: { to: 'node', node: KIT }, link: 'g-mesh', nextHop: 'KM', cost: 0, source: 'config' },
    ],
    core: { broadcastRepeats: 2, retry: { initialMs: 300, maxMs: 300, jitter: 0 } },
  });
  await net.add({
    id: KIT,
    area: VILLAGE,
    links: [{ link: kitMesh, costClass: 'mesh', neighbours: { GM: GATEWAY } }],
    routes: [{ target: { to: 'centre' }, link: 'k-mesh', nextHop: 'GM', cost: 0, source: 'config' }],
    relayFor: [],
  });
  // The kit's radio hears nothing of the gateway's repeats.
  medium.setReachable('g-mesh', 'k-mesh', false);
  for (const l of [centreIp, gatewayIp, gatewayMesh, kitMesh]) await l.start();
  await net.start();
  const centre = net.node(CENTRE);
  const gateway = net.node(GATEWAY);
  const copies = () => net.node(KIT).delivered.filter((m) => `${m.origin}/${m.seq}` === warning).length;
  const meshSends = async () =>
    (await gateway.store.getMeta(warning))?.events.filter(
      (e) => e.state === 'sent' && e.link === 'g-mesh' && e.detail === undefined,
    ).length;

  const warning = await issueVillageWarning({ centre });
  await eventually('the gateway repeated it on the mesh and ended', async () => {
    const meta = await gateway.store.getMeta(warning);
    return meta?.done === true && (await meshSends()) === 2;
  });
  expect(copies()).toBe(0);

  // The radio hears again; the centre's desk sends the warning toward the kit, over IP, as it does.
  medium.setReachable('g-mesh', 'k-mesh', true);
  await new Promise((r) => setTimeout(r, MESH_WAIT_MS));
  expect(await centre.core.sendToward(warning, KIT)).toEqual(['ip@C']);
  await eventually('the kit has it', () => copies() === 1, 10_000);
  await eventually('the gateway recorded its one more send', async () => (await meshSends()) === 3);
  const reopened = (await gateway.store.getMeta(warning))?.events.filter((e) =>
    e.detail?.startsWith('asked again from upstream'),
  );
  expect(reopened).toHaveLength(1);
  await eventually(
    'the gateway ended it again',
    async () => (await gateway.store.getMeta(warning))?.done === true,
  );

  // Asked again within the mesh's wait: the gateway sends nothing more. The kit's own copies heard
  // on the mesh reopen nothing either.
  expect(await centre.core.sendToward(warning, KIT)).toEqual(['ip@C']);
  await new Promise((r) => setTimeout(r, 500));
  expect(await meshSends()).toBe(3);
  expect(copies()).toBe(1);
}, 30_000);
