/**
 * What may put an ended warning back on a township's mesh (docs/store-and-forward.md §Broadcasts
 * asked for again; docs/warnings.md §Escalation): only the hop the gateway first had it from, no
 * sooner than two minutes after its last reopen, and never a warning whose cancel the gateway
 * holds. A late copy over a second bearer and a replay from an address no neighbour has reopen
 * nothing. Real cores and LevelDB stores; the centre reaches the gateway over IP (and a second
 * link, its satellite), the gateway the kit over a mesh. Time moves by the nodes' clock.
 */
import { afterEach, expect, it } from 'vitest';
import { createFakeLinkPair, createFakeMedium } from '../../src/link/fake-link.js';
import { CENTRE, eventually, TestNetwork } from './harness.js';
import {
  issuerSigned,
  issueVillageWarning,
  provisionIssuer,
  VILLAGE,
  warningBody,
} from './security-support.js';

let net: TestNetwork;
afterEach(async () => net?.stop());

const GATEWAY = 3001;
const KIT = 2107;
const MESH_WAIT_MS = 1500;
const TWO_MINUTES = 120_000;

/** The township: the kit's radio hears nothing of the gateway until `hear()`. */
async function township() {
  net = new TestNetwork();
  provisionIssuer(net);
  const [centreIp, gatewayIp] = createFakeLinkPair({ ids: ['ip@C', 'ip@G'], from: ['C', 'G'] });
  const [centreSat, gatewaySat] = createFakeLinkPair({ ids: ['sat@C', 'sat@G'], from: ['S', 'GS'] });
  const medium = createFakeMedium();
  const mesh = { capabilities: { confirmationWaitMs: MESH_WAIT_MS } };
  const gatewayMesh = medium.attach({ id: 'g-mesh', from: 'GM', ...mesh });
  const kitMesh = medium.attach({ id: 'k-mesh', from: 'KM', ...mesh });
  await net.add({
    id: CENTRE,
    links: [
      { link: centreIp, costClass: 'ip', neighbours: { G: GATEWAY } },
      { link: centreSat, costClass: 'ip', neighbours: { GS: GATEWAY } },
    ],
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
      { link: gatewaySat, costClass: 'ip', neighbours: { S: CENTRE } },
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
  // What reaches the gateway from the centre over IP, counted as the link hands it in.
  let fromCentre = 0;
  const inject = gatewayIp.inject.bind(gatewayIp);
  gatewayIp.inject = (bytes, from) => {
    if (from === 'C') fromCentre++;
    inject(bytes, from);
  };
  medium.setReachable('g-mesh', 'k-mesh', false);
  for (const l of [centreIp, gatewayIp, centreSat, gatewaySat, gatewayMesh, kitMesh]) await l.start();
  await net.start();
  const centre = net.node(CENTRE);
  const gateway = net.node(GATEWAY);
  const meshSends = async (id: string) =>
    (await gateway.store.getMeta(id))?.events.filter(
      (e) => e.state === 'sent' && e.link === 'g-mesh' && e.detail === undefined,
    ).length ?? 0;
  /** The gateway's reopens of `id`: on which link each ask came. */
  const reopens = async (id: string) =>
    ((await gateway.store.getMeta(id))?.events ?? [])
      .filter((e) => e.detail?.startsWith('asked again from upstream'))
      .map((e) => `${e.link} by ${e.node}`);
  const ended = (id: string) =>
    eventually(`the gateway repeated ${id} and ended`, async () => {
      const meta = await gateway.store.getMeta(id);
      return meta?.done === true && (await meshSends(id)) >= 2;
    });
  const copies = (id: string) => net.node(KIT).delivered.filter((m) => `${m.origin}/${m.seq}` === id).length;
  const hear = async () => {
    // The mesh's wait since the gateway's last repeat (its own rule, not the one tested here), and
    // no repeat still on air when the radio hears again.
    await new Promise((r) => setTimeout(r, MESH_WAIT_MS));
    medium.setReachable('g-mesh', 'k-mesh', true);
  };
  /** The desk asks for `id` toward the kit; resolves once the gateway has taken the copy in. */
  const ask = async (id: string) => {
    const before = fromCentre;
    expect(await centre.core.sendToward(id, KIT)).toEqual(['ip@C']);
    await eventually('the copy at the gateway', () => fromCentre > before);
    // Past the parse of the payload, then behind the store's lock, first come, first served.
    await new Promise((r) => setTimeout(r, 20));
    await gateway.store.exclusive(async () => {});
  };
  return { ask, centre, gateway, gatewayIp, gatewaySat, meshSends, reopens, ended, copies, hear };
}

it('reopens only for the hop it came from, and no sooner than two minutes after its last reopen', async () => {
  const t = await township();
  const warning = await issueVillageWarning(t);
  await t.ended(warning);
  await t.hear();
  const frame = (await t.centre.store.getFrame(warning)) as Uint8Array;
  // A replay sent to the gateway's IP port from an address no neighbour has, and the centre's late
  // copy over its second bearer: neither is the hop the warning came from. Then the desk's ask
  // over that hop, taken in after both (the store's lock is first come, first served): the one
  // reopen is the desk's.
  t.gatewayIp.inject(frame, '203.0.113.9:40000');
  t.gatewaySat.inject(frame, 'S');
  expect(await t.centre.core.sendToward(warning, KIT)).toEqual(['ip@C']);
  await eventually('the reopen', async () => (await t.reopens(warning)).length > 0, 10_000);
  await eventually('the kit has it', () => t.copies(warning) === 1, 10_000);
  expect(await t.reopens(warning)).toEqual([`ip@G by ${CENTRE}`]);
  await eventually(
    'the gateway ended it again',
    async () => (await t.gateway.store.getMeta(warning))?.done === true,
  );

  // A minute on by every node's clock, far past the mesh's wait, the desk asks again: nothing goes.
  net.clockOffsetMs += TWO_MINUTES / 2;
  await t.ask(warning);
  // Two minutes after the reopen, it asks again: it goes. Seen once its reopen at that time is
  // recorded, which is after the ask before it was taken in.
  net.clockOffsetMs += TWO_MINUTES / 2;
  const desk = Date.now() + net.clockOffsetMs;
  expect(await t.centre.core.sendToward(warning, KIT)).toEqual(['ip@C']);
  await eventually('the desk’s second reopen', async () =>
    ((await t.gateway.store.getMeta(warning))?.events ?? []).some(
      (e) => e.at >= desk && e.detail?.startsWith('asked again from upstream'),
    ),
  );
  expect(await t.reopens(warning)).toEqual([`ip@G by ${CENTRE}`, `ip@G by ${CENTRE}`]);
}, 30_000);

it('does not put a cancelled warning back on the mesh, and does put its cancel', async () => {
  const t = await township();
  const warning = await issueVillageWarning(t);
  await t.ended(warning);
  const [origin, seq] = warning.split('/').map(Number) as [number, number];
  const cancel = await t.centre.core.submit(
    {
      kind: 'warning',
      body: warningBody('cancel', { origin, seq }),
      dest: { to: 'area', area: VILLAGE },
      priority: 0,
      lifetimeMin: 360,
    },
    issuerSigned,
  );
  await t.ended(cancel);
  await t.hear();
  // The desk asks again for the warning, then for its cancel: the cancel's reopen, taken in after
  // the warning's ask, shows that ask was answered with nothing.
  expect(await t.centre.core.sendToward(warning, KIT)).toEqual(['ip@C']);
  expect(await t.centre.core.sendToward(cancel, KIT)).toEqual(['ip@C']);
  await eventually('the cancel reopened', async () => (await t.reopens(cancel)).length > 0, 10_000);
  await eventually('the kit has the cancel', () => t.copies(cancel) === 1, 10_000);
  expect(await t.reopens(warning)).toEqual([]);
  expect(t.copies(warning)).toBe(0);
  expect(await t.reopens(cancel)).toEqual([`ip@G by ${CENTRE}`]);
}, 30_000);
