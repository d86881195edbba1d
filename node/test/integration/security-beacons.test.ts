/**
 * Attack: drawing a kit's traffic into a black hole with a neighbour's own beacon (docs/security.md
 * §Routes; docs/wire-format.md §4.6). A radio records the gateway's genuine, signed beacon and
 * plays it to a kit that has not heard it, from its own address: the kit must not take that
 * address for the gateway, nor send its report there. And what beacons taught is forgotten when
 * they stop: a route learnt from a gateway that went silent expires.
 */
import { afterEach, expect, it } from 'vitest';
import type { SendOptions } from '../../src/link/link.js';
import { decodeFrame } from '../../src/wire/message.js';
import { eventually, TestNetwork } from './harness.js';
import { county, GATEWAY, sos } from './security-support.js';

let net: TestNetwork;
afterEach(async () => net?.stop());

const KIT = 2107;
const BEACON_EVERY_MS = 1500;

it('a captured beacon replayed from another address binds nothing; routes learnt from beacons expire', async () => {
  net = new TestNetwork();
  // The kit knows no route: it learns the way to the centre from the gateway's beacons.
  const c = await county(net, [KIT], {
    gateway: { beaconIntervalMs: BEACON_EVERY_MS },
    // The kit beacons too: that is when it forgets what expired (beacons.ts).
    kit: () => ({ routes: [], beaconIntervalMs: 500 }),
  });
  // A radio in range of the gateway records what it says.
  const recorder = c.medium.attach({ id: 'recorder', from: 'X' });
  const beacons: Uint8Array[] = [];
  recorder.on('frame', (f) => {
    if (f.meta?.from !== 'G') return;
    try {
      if (decodeFrame(f.bytes).message?.kind === 'beacon') beacons.push(Uint8Array.from(f.bytes));
    } catch {}
  });
  const kitRadio = c.kitLinks.get(KIT);
  if (!kitRadio) throw new Error('no kit radio');
  const sentTo: Array<string | undefined> = [];
  const send = kitRadio.send.bind(kitRadio);
  kitRadio.send = (frame: Uint8Array, opts?: SendOptions) => {
    sentTo.push(opts?.to);
    return send(frame, opts);
  };
  // The kit is out of the gateway's range for now.
  c.medium.setReachable('g-mesh', `k${KIT}`, false);
  await recorder.start();
  await c.start();
  const kit = c.kit(KIT);

  await eventually('a beacon of the gateway recorded', () => beacons.length > 0);
  // Played to the kit from the recorder's own address.
  kitRadio.inject(beacons[0] as Uint8Array, 'X');
  const first = await kit.core.submit(sos(1));
  await eventually(
    'the kit dealt with the replayed beacon',
    () => kit.rejected.length > 0 || kit.routes.routes.length > 0,
  );
  // In range again: the gateway's own next beacon teaches the way, and the report goes there.
  c.medium.setReachable('g-mesh', `k${KIT}`, true);
  await eventually('the report at the gateway', () => c.gateway.store.hasSeen(first), 20_000);
  expect(kit.rejected.filter((r) => r.startsWith('CORE_BEACON_ADDRESS')).length).toBe(1);
  expect(sentTo).not.toContain('X');
  expect(kit.routes.routes.some((r) => r.nextHop === 'X')).toBe(false);
  expect(kit.routes.routes.some((r) => r.source === GATEWAY && r.nextHop === 'G')).toBe(true);

  // The gateway goes silent (out of range): what its beacons taught expires, and a new report has
  // no way to go until a beacon comes again.
  c.medium.setReachable('g-mesh', `k${KIT}`, false);
  await eventually(
    'the routes the gateway taught are forgotten',
    () => !kit.routes.routes.some((r) => r.source === GATEWAY),
    20_000,
  );
  const second = await kit.core.submit(sos(2));
  expect(Object.keys((await kit.store.getMeta(second))?.out ?? {})).toEqual([]);
  c.medium.setReachable('g-mesh', `k${KIT}`, true);
  await eventually('the second report at the gateway', () => c.gateway.store.hasSeen(second), 20_000);
  expect(sentTo).not.toContain('X');
}, 60_000);
