/**
 * Two satellite bearers at one kit (docs/store-and-forward.md §Routing): an Iridium-like link billed
 * per 50 bytes and a BeiDou-like card with an interval between sends and no bill, both routes of
 * one cost class at equal cost. The core routes by what each link declares: a P0 goes on the
 * bearer that confirms soonest, routine P3 traffic on the one that costs nothing, and a route
 * configured for some priorities only carries those.
 */
import { afterEach, expect, it } from 'vitest';
import { createFakeLinkPair } from '../../src/link/fake-link.js';
import { CENTRE, metaOf, TestNetwork } from './harness.js';

let net: TestNetwork;
afterEach(async () => net?.stop());

const KIT = 2107;

async function kitWithTwoBearers(priorities?: {
  iridium?: Array<0 | 1 | 2 | 3>;
  beidou?: Array<0 | 1 | 2 | 3>;
}) {
  net = new TestNetwork();
  const [iridium] = createFakeLinkPair({ ids: ['iridium', 'iridium-sky'], from: ['K', 'C'] });
  const [beidou] = createFakeLinkPair({ ids: ['beidou', 'beidou-sky'], from: ['K', 'C'] });
  await net.add({
    id: KIT,
    links: [
      { link: iridium, costClass: 'satellite' },
      { link: beidou, costClass: 'satellite' },
    ],
    routes: [
      {
        target: { to: 'centre' },
        link: 'iridium',
        cost: 0,
        source: 'config',
        ...(priorities?.iridium ? { priorities: priorities.iridium } : {}),
      },
      {
        target: { to: 'centre' },
        link: 'beidou',
        cost: 0,
        source: 'config',
        ...(priorities?.beidou ? { priorities: priorities.beidou } : {}),
      },
    ],
  });
  // What each declares beyond the satellite stand-in the harness gives both.
  iridium.setCapabilities({ confirmationWaitMs: 3_600_000 });
  beidou.setCapabilities({ billing: undefined, minSendIntervalMs: 60_000, confirmationWaitMs: 7_200_000 });
  return net.node(KIT);
}

const send = (priority: 0 | 1 | 2 | 3) =>
  net.node(KIT).core.submit({
    kind: 'text',
    body: { text: `P${priority}` },
    dest: { to: 'node', node: CENTRE },
    priority,
    lifetimeMin: 60,
  });

it('sends P0 on the bearer that confirms soonest and P3 on the one that costs nothing', async () => {
  const kit = await kitWithTwoBearers();
  const p0 = await send(0);
  const p3 = await send(3);
  expect(Object.keys((await metaOf(kit, p0))?.out ?? {})).toEqual(['iridium']);
  expect(Object.keys((await metaOf(kit, p3))?.out ?? {})).toEqual(['beidou']);
});

it('lets configuration choose first: a route carries only the priorities it is configured for', async () => {
  const kit = await kitWithTwoBearers({ iridium: [1, 2, 3], beidou: [0] });
  const p0 = await send(0);
  const p3 = await send(3);
  expect(Object.keys((await metaOf(kit, p0))?.out ?? {})).toEqual(['beidou']);
  expect(Object.keys((await metaOf(kit, p3))?.out ?? {})).toEqual(['iridium']);
});
