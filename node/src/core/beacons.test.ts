/**
 * The beacon round (beacons.ts; docs/store-and-forward.md §Routing): a link slow to take its
 * beacon (a satellite card waiting out its interval) holds back neither the other links' beacons
 * nor the next round, whose routes would otherwise expire at the neighbours.
 */
import { afterEach, expect, it } from 'vitest';
import { silentLogger } from '../base/logger.js';
import type { KeyRing } from '../crypto/authenticate.js';
import { generateSigningKeyPair } from '../crypto/ed25519.js';
import type { Link } from '../link/link.js';
import { Beacons } from './beacons.js';
import type { CoreLink } from './core-types.js';
import { RoutingTable } from './routing-table.js';

let beacons: Beacons | undefined;
afterEach(() => beacons?.stop());

/** A link that is up and records what it is given; `never` leaves every send pending. */
function link(id: string, never = false): { core: CoreLink; sent: Uint8Array[] } {
  const sent: Uint8Array[] = [];
  const l = {
    id,
    state: { status: 'up' },
    send: (frame: Uint8Array) => {
      sent.push(frame);
      return never ? new Promise(() => {}) : Promise.resolve({ ok: true });
    },
  } as unknown as Link;
  return { core: { link: l, costClass: 'mesh', neighbours: {} }, sent };
}

it('sends each link its beacon at once, and the next round on time, though one link never takes its own', async () => {
  const satellite = link('bd0', true);
  const mesh = link('mesh0');
  let seq = 0;
  beacons = new Beacons({
    nodeId: 3001,
    links: [satellite.core, mesh.core],
    routes: new RoutingTable(),
    keys: { isCentre: () => false } as unknown as KeyRing,
    identity: generateSigningKeyPair().privateKey,
    clock: { now: () => Date.now(), trusted: () => true },
    replay: { accept: () => true } as never,
    nextSeq: async () => ++seq,
    onNewPath: async () => {},
    log: silentLogger,
  });
  beacons.start(50);
  // The card holds each beacon for ever; the mesh gets one every round all the same (with the
  // links taken one after the other, it would get none).
  const until = Date.now() + 10_000;
  while (mesh.sent.length < 4 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  expect(mesh.sent.length).toBeGreaterThanOrEqual(4);
  expect(satellite.sent.length).toBeGreaterThanOrEqual(1);
});
