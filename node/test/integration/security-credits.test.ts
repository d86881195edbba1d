/**
 * Attack: a forger on the mesh floods the satellite gateway with life-safety frames, to spend the
 * county's satellite credits and bury the real SOS under them (docs/security.md §Credits,
 * §Checked at this hop; docs/wire-format.md §6.3, §6.4). The frames claim the enrolled kits as
 * their origins, at P0, with random MAC tags, random hop tags or none, and some are of kinds no
 * version knows. None may go out over the satellite; a genuine village SOS, hop-tagged as the kit
 * core makes it, goes at once.
 */
import { afterEach, expect, it } from 'vitest';
import { createFakeLinkPair, createFakeMedium, type FakeLink } from '../../src/link/fake-link.js';
import type { SendOptions } from '../../src/link/link.js';
import { encodeMessage, type Message } from '../../src/wire/message.js';
import { CENTRE, eventually, TestNetwork } from './harness.js';
import {
  envelope,
  GATEWAY,
  idsIn,
  randomMac,
  randomTag,
  reportFrame,
  sos,
  TOWNSHIP,
  unknownKind,
  VILLAGE,
  withHopTag,
} from './security-support.js';

let net: TestNetwork;
afterEach(async () => net?.stop());

const KITS = [2107, 2108] as const;
const FLOOD = 60;
/** How long a P0 may wait for a cheaper path before the satellite: far longer than the test. */
const P0_BOUND_MS = 60_000;

it('a flood of forged P0 frames spends no satellite credit; the genuine SOS goes by satellite at once', async () => {
  net = new TestNetwork();
  const medium = createFakeMedium();
  const gatewayMesh = medium.attach({ id: 'g-mesh', from: 'G' });
  const kitLinks = KITS.map((id) => medium.attach({ id: `k${id}`, from: `K${id}` }));
  // The gateway's only way to the centre: a billed satellite link (RockBLOCK at the centre's end).
  const [gatewaySat, centreSat] = createFakeLinkPair({
    ids: ['g-sat', 'c-sat'],
    from: ['300234010000001', 'RB'],
  });
  const onSatellite: Uint8Array[] = [];
  const send = gatewaySat.send.bind(gatewaySat);
  gatewaySat.send = (frame: Uint8Array, opts?: SendOptions) => {
    onSatellite.push(Uint8Array.from(frame));
    return send(frame, opts);
  };

  await net.add({
    id: CENTRE,
    links: [{ link: centreSat, costClass: 'satellite', neighbours: { '300234010000001': GATEWAY } }],
    routes: [
      { target: { to: 'default' }, link: 'c-sat', nextHop: '300234010000001', cost: 0, source: 'config' },
    ],
  });
  await net.add({
    id: GATEWAY,
    area: TOWNSHIP,
    links: [
      { link: gatewaySat, costClass: 'satellite', neighbours: { RB: CENTRE } },
      { link: gatewayMesh, costClass: 'mesh', neighbours: Object.fromEntries(KITS.map((k) => [`K${k}`, k])) },
    ],
    routes: [
      { target: { to: 'centre' }, link: 'g-sat', nextHop: 'RB', cost: 0, source: 'config' },
      ...KITS.map((k) => ({
        target: { to: 'node' as const, node: k },
        link: 'g-mesh',
        nextHop: `K${k}`,
        cost: 0,
        source: 'config' as const,
      })),
    ],
    relayFor: [...KITS],
    core: { latencyBoundMs: [P0_BOUND_MS, P0_BOUND_MS, P0_BOUND_MS, P0_BOUND_MS] },
  });
  for (const [i, id] of KITS.entries())
    await net.add({
      id,
      area: VILLAGE,
      links: [{ link: kitLinks[i] as FakeLink, costClass: 'mesh', neighbours: { G: GATEWAY } }],
      routes: [{ target: { to: 'centre' }, link: `k${id}`, nextHop: 'G', cost: 0, source: 'config' }],
      relayFor: [],
    });
  for (const l of [gatewaySat, centreSat, gatewayMesh, ...kitLinks]) await l.start();
  await net.start();
  const gateway = net.node(GATEWAY);

  // The flood, on the gateway's radio: P0 frames in the kits' names, none of them the kits'.
  const forged: Uint8Array[] = [];
  for (let i = 0; i < FLOOD; i++) {
    const origin = KITS[i % KITS.length] as number;
    const seq = 5000 + i;
    const report = reportFrame(origin, seq, randomMac, 100 + i, 0);
    const text = encodeMessage(
      { kind: 'text', ...envelope(origin, seq, { priority: 0 }), body: { text: 'SOS 救命' } } as Message,
      randomMac,
    );
    switch (i % 4) {
      case 0: // a random MAC tag under a random hop tag
        forged.push(withHopTag(randomTag(), report));
        break;
      case 1: // a random MAC tag and no hop tag
        forged.push(report);
        break;
      case 2: // another kind, a random hop tag
        forged.push(withHopTag(randomTag(), text));
        break;
      default: // a kind no version knows, with or without a hop tag
        forged.push(i % 8 === 3 ? unknownKind(report) : withHopTag(randomTag(), unknownKind(text)));
    }
  }
  for (const [i, bytes] of forged.entries()) gatewayMesh.inject(bytes, i % 2 === 0 ? `K${KITS[0]}` : 'X');
  await eventually(
    'the gateway has dealt with every forged frame',
    () => gateway.rejected.length + gateway.unchecked.length >= FLOOD,
  );
  expect(onSatellite.flatMap(idsIn)).toEqual([]);
  expect(gatewaySat.counters().txFrames).toBe(0);

  // The genuine SOS from the village: P0, hop-tagged by its kit.
  const started = Date.now();
  const id = await net.node(KITS[0]).core.submit(sos(12));
  await eventually('the SOS on the satellite', () => onSatellite.some((f) => idsIn(f).includes(id)), 20_000);
  const tookMs = Date.now() - started;
  await eventually('the SOS at the centre', () =>
    net.node(CENTRE).delivered.some((m) => `${m.origin}/${m.seq}` === id),
  );
  // Every satellite frame carried the SOS and nothing else: not one credit on a forgery.
  expect(onSatellite.length).toBeGreaterThan(0);
  for (const frame of onSatellite) expect(idsIn(frame)).toEqual([id]);
  expect(tookMs).toBeLessThan(P0_BOUND_MS / 4);
  for (let i = 0; i < FLOOD; i++)
    expect(await gateway.store.hasSeen(`${KITS[i % KITS.length]}/${5000 + i}`)).toBe(false);
}, 60_000);
