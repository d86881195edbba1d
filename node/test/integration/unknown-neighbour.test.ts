/**
 * A sender the relay has no id for (docs/store-and-forward.md §Confirmations, "Who may say what"):
 * a rescue team's kit that comes within range of a township gateway whose configuration does not
 * list it. The gateway answers it at its address on the link, with custody and then the vouched
 * receipt, so the team's reports end as received instead of being asked for until they expire.
 * Real cores and stores over a fake mesh with loss and an IP pair.
 */
import { afterEach, expect, it } from 'vitest';
import { createFakeLinkPair, createFakeMedium } from '../../src/link/fake-link.js';
import { CENTRE, eventually, metaOf, report, TestNetwork } from './harness.js';

const GATEWAY = 3001;
const VILLAGE = 2107;
/** The team's kit: not among the gateway's neighbours. */
const TEAM = 2901;

let net: TestNetwork;

afterEach(async () => {
  await net?.stop();
});

async function network(loss: number) {
  net = new TestNetwork();
  const mesh = createFakeMedium({ seed: 11, loss });
  const [ipG, ipC] = createFakeLinkPair({ ids: ['ip@G', 'ip@C'], from: ['G', 'C'], seed: 12 });
  const meshG = mesh.attach({ id: 'mesh@G', from: 'G' });
  await net.addCentreBehind(ipC, GATEWAY);
  await net.add({
    id: GATEWAY,
    links: [
      { link: meshG, costClass: 'mesh', neighbours: { V: VILLAGE } },
      { link: ipG, costClass: 'ip', neighbours: { C: CENTRE } },
    ],
    routes: [{ target: { to: 'centre' }, link: 'ip@G', nextHop: 'C', cost: 0, source: 'config' }],
  });
  const kitLinks = [];
  for (const [id, from] of [
    [VILLAGE, 'V'],
    [TEAM, 'T'],
  ] as const) {
    const link = mesh.attach({ id: `mesh@${id}`, from });
    kitLinks.push(link);
    await net.add({
      id,
      links: [{ link, costClass: 'mesh', neighbours: { G: GATEWAY } }],
      routes: [{ target: { to: 'centre' }, link: `mesh@${id}`, nextHop: 'G', cost: 0, source: 'config' }],
    });
  }
  for (const l of [ipG, ipC, meshG, ...kitLinks]) await l.start();
  await net.start();
  return { ipG, ipC };
}

const state = async (node: number, id: string) => (await metaOf(net.node(node), id))?.state;

it('answers a kit it has no id for at its address: custody, then the vouched receipt', async () => {
  await network(0.2);
  const team: string[] = [];
  const village: string[] = [];
  for (let i = 0; i < 4; i++) {
    team.push(await net.node(TEAM).core.submit(report(i)));
    village.push(await net.node(VILLAGE).core.submit(report(10 + i)));
  }
  const centre = net.node(CENTRE);
  const delivered = () =>
    centre.delivered.filter((m) => m.kind === 'report').map((m) => `${m.origin}/${m.seq}`);
  await eventually('every report at the centre', () => delivered().length >= 8);
  await eventually(
    "the team's reports received: the gateway vouched to an address, not a node id",
    async () => {
      for (const id of team) if ((await state(TEAM, id)) !== 'received') return false;
      for (const id of village) if ((await state(VILLAGE, id)) !== 'received') return false;
      return true;
    },
    15_000,
  );
  // The gateway ended its own copies with the centre's word, and delivered nothing twice.
  for (const id of team) expect((await metaOf(net.node(GATEWAY), id))?.done).toBe(true);
  await new Promise((r) => setTimeout(r, 300));
  expect([...delivered()].sort()).toEqual([...team, ...village].sort());
});

it('stops the kit sending once the gateway holds its message, though the gateway has no id for it', async () => {
  const { ipG, ipC } = await network(0);
  // The centre is out of reach: the gateway can only take custody.
  ipG.setUp(false);
  ipC.setUp(false);
  const id = await net.node(TEAM).core.submit(report(1));
  await eventually('custody at the gateway', async () => (await state(TEAM, id)) === 'custody');
  const meta = await metaOf(net.node(TEAM), id);
  expect(meta?.custodyBy).toBe(GATEWAY);
  // It asks again only after the receipt wait (1.5 s in these tests), not at the 60 ms retry.
  expect((meta?.out['mesh@2901'] ?? 0) - Date.now()).toBeGreaterThan(1000);
});
