/**
 * Several lossy hops of a LoRa mesh: two fieldnode nodes (real cores, real LevelDB) on simulated Meshtastic
 * radios three hops apart in one simulated mesh, through two relay-only radios, with 20 % loss on
 * every RF link: every report arrives exactly once in the destination's inbox and every receipt
 * returns to its origin (docs/meshtastic.md §2.5, §5.1, §8.6; docs/design.md §Messages).
 *
 *     kit 2107 ── R1 ── R2 ── centre 1        (LONG_FAST, hop limit 3, every link loses 20 %)
 *
 * The radios only give zero-hop reliability (§2.5): the kit's radio stops retransmitting a DM as
 * soon as it hears R1 relay it, whatever happens after R1. End-to-end delivery is the cores'
 * work: the kit keeps each report until the centre's receipt comes back, and resends it with a
 * new packet id when it does not. The relays are ROUTERs with rebroadcast_mode ALL, as §8.7 asks
 * of our own relays (a ROUTER's default, CORE_PORTNUMS_ONLY, would drop our portnum).
 *
 * The mesh runs on a PacedClock 50 times faster than wall time; the cores' retry, receipt and
 * expiry timings are fieldnode's defaults in simulated time (bench/mesh-fieldnode.ts).
 */
import { afterEach, expect, it } from 'vitest';
import { FieldNodes } from '../../../bench/mesh-fieldnode.js';
import { chainLinks, MeshNetwork } from '../../../radio/sim/meshtastic/mesh-network.js';
import { PacedClock } from '../../../radio/sim/meshtastic/paced-clock.js';
import { type SimRadio, simRadio } from '../../../radio/sim/meshtastic/sim-radio.js';
import {
  DeviceRole,
  ModemPreset,
  RebroadcastMode,
  RegionCode,
} from '../../../radio/src/meshtastic/constants.js';
import type { Draft } from '../../src/core/node-core.js';
import { R1 } from '../../src/wire/fixtures/reference-messages.js';
import { eventually } from './harness.js';

const SPEEDUP = 50;
const KIT = 2107;
const CENTRE = 1;
const RADIO = { kit: 0x4b1d2107, r1: 0x4b1d0001, r2: 0x4b1d0002, centre: 0x4b1d0c01 } as const;
const REPORTS = 8;

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A 初报 like the reference R1, numbered so each is a different report. */
function report(n: number): Draft<'report'> {
  return {
    kind: 'report',
    body: { ...R1.body, indicators: { ...R1.body.indicators, affected: 1000 + n } },
    dest: { to: 'centre' },
    priority: 1,
    lifetimeMin: 60,
  };
}

it('delivers every report exactly once across three lossy hops and brings every receipt back', async () => {
  const clock = new PacedClock(SPEEDUP);
  cleanups.push(async () => clock.stop());
  const relay = { role: DeviceRole.ROUTER, rebroadcastMode: RebroadcastMode.ALL };
  const network = new MeshNetwork({
    nodes: [
      { num: RADIO.kit },
      { num: RADIO.r1, ...relay },
      { num: RADIO.r2, ...relay },
      { num: RADIO.centre },
    ],
    links: chainLinks([RADIO.kit, RADIO.r1, RADIO.r2, RADIO.centre], { loss: 0.2 }),
    preset: ModemPreset.LONG_FAST,
    region: RegionCode.CN,
    seed: 2107,
    clock,
  });
  const radios: SimRadio[] = [];
  cleanups.push(async () => {
    for (const r of radios) await r.close();
  });
  for (const [num, id] of [
    [RADIO.kit, 'mesh@kit'],
    [RADIO.centre, 'mesh@centre'],
  ] as const) {
    radios.push(await simRadio({ network, node: num, speedup: SPEEDUP, linkId: id }));
  }
  const [kitRadio, centreRadio] = radios as [SimRadio, SimRadio];

  const nodes = new FieldNodes({ speedup: SPEEDUP, centre: CENTRE });
  cleanups.push(() => nodes.stop());
  const kit = await nodes.add({
    id: KIT,
    area: 430121101201,
    links: [{ link: kitRadio.link, costClass: 'mesh', neighbours: { [centreRadio.address]: CENTRE } }],
    routes: [
      { target: { to: 'centre' }, link: 'mesh@kit', nextHop: centreRadio.address, cost: 0, source: 'config' },
    ],
  });
  const centre = await nodes.add({
    id: CENTRE,
    links: [{ link: centreRadio.link, costClass: 'mesh', neighbours: { [kitRadio.address]: KIT } }],
    routes: [
      {
        target: { to: 'node', node: KIT },
        link: 'mesh@centre',
        nextHop: kitRadio.address,
        cost: 0,
        source: 'config',
      },
    ],
  });
  const hopsAtCentre: number[] = [];
  centreRadio.link.on('frame', (f) => {
    if (f.meta?.hopsAway !== undefined) hopsAtCentre.push(f.meta.hopsAway);
  });
  for (const r of radios) await r.link.start();
  for (const r of radios) expect(r.link.state.status).toBe('up');
  await nodes.start();

  const ids: string[] = [];
  for (let i = 0; i < REPORTS; i++) ids.push(await kit.core.submit(report(i)));

  const reports = () => centre.delivered.filter((d) => d.message.kind === 'report');
  // The waits bound eventual delivery, not its speed: with retries backing off to 10 simulated
  // minutes, an unlucky report can need a couple of simulated hours, and a CI machine busy with
  // other tests runs the paced clock late, which makes more collisions. 150 s of wall time is
  // about two simulated hours.
  await eventually('every report in the centre inbox', () => reports().length >= REPORTS, 150_000);
  await eventually(
    'every receipt back at the kit',
    async () => {
      for (const id of ids) if ((await kit.store.getMeta(id))?.state !== 'received') return false;
      return true;
    },
    150_000,
  );
  // Five simulated minutes more: retransmissions still on air and late duplicates land, and must
  // not be delivered a second time.
  await new Promise((r) => setTimeout(r, nodes.wallMs(5 * 60_000)));

  const delivered = reports().map((d) => d.meta.id);
  const air = network.medium.counters();
  const counts = {
    reportsSubmitted: ids.length,
    reportsDelivered: delivered.length,
    distinctDelivered: new Set(delivered).size,
    receiptsBack: (await Promise.all(ids.map((id) => kit.store.getMeta(id)))).filter(
      (m) => m?.state === 'received',
    ).length,
    kitLinkSends: kitRadio.link.counters().txFrames,
    centreLinkSends: centreRadio.link.counters().txFrames,
    transmissions: air.transmissions,
    receptionsLost: air.losses,
    receptionsCollided: air.collisions + air.halfDuplex,
  };
  process.stdout.write(`mesh multihop (3 hops, 20 % loss per link): ${JSON.stringify(counts)}\n`);

  expect(delivered.sort()).toEqual([...ids].sort());
  expect(counts.distinctDelivered).toBe(REPORTS);
  expect(counts.receiptsBack).toBe(REPORTS);
  expect(centre.rejected).toEqual([]);
  expect(kit.rejected).toEqual([]);
  // The loss was real and the way was three hops: the centre's radio heard the kit only through
  // both relays (hop_start 3, hop_limit 1), never directly.
  expect(air.losses).toBeGreaterThan(0);
  expect(hopsAtCentre.length).toBeGreaterThan(0);
  expect(new Set(hopsAtCentre)).toEqual(new Set([2]));
}, 400_000);
