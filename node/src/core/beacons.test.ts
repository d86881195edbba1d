/**
 * The beacon round (beacons.ts; docs/store-and-forward.md §Routing): a link slow to take its
 * beacon (a satellite card waiting out its interval) holds back neither the other links' beacons
 * nor the next round, whose routes would otherwise expire at the neighbours; and the rounds are
 * jittered, so that nodes started together do not beacon together.
 */
import { afterEach, expect, it, vi } from 'vitest';
import { silentLogger } from '../base/logger.js';
import type { KeyRing } from '../crypto/authenticate.js';
import { generateSigningKeyPair } from '../crypto/ed25519.js';
import type { Link } from '../link/link.js';
import { Beacons } from './beacons.js';
import type { CoreLink } from './core-types.js';
import { RoutingTable } from './routing-table.js';

let beacons: Beacons | undefined;
afterEach(() => {
  beacons?.stop();
  vi.useRealTimers();
});

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

/** Beacons of node 3001 on `links`, with `random` for the jitter when given. */
function beaconsOn(links: CoreLink[], random?: () => number): Beacons {
  let seq = 0;
  return new Beacons({
    nodeId: 3001,
    links,
    routes: new RoutingTable(),
    keys: { isCentre: () => false } as unknown as KeyRing,
    identity: generateSigningKeyPair().privateKey,
    clock: { now: () => Date.now(), trusted: () => true },
    replay: { accept: () => true } as never,
    nextSeq: async () => ++seq,
    onNewPath: async () => {},
    ...(random === undefined ? {} : { random }),
    log: silentLogger,
  });
}

it('spreads the first beacon over ten seconds and each round over a tenth of the interval either way', async () => {
  vi.useFakeTimers();
  const times = async (random: () => number) => {
    const { core, sent } = link('mesh0');
    const b = beaconsOn([core], random);
    beacons = b;
    const at: number[] = [];
    const start = Date.now();
    b.start(300_000);
    for (let t = 0; t < 1_000_000 && at.length < 3; t += 500) {
      await vi.advanceTimersByTimeAsync(500);
      while (at.length < sent.length) at.push(Date.now() - start);
    }
    b.stop();
    return at;
  };
  // Least jitter: the first a second after the start, each round a tenth shorter.
  expect(await times(() => 0)).toEqual([1000, 271_000, 541_000]);
  // Most: the first ten seconds later, each round a tenth longer; never past 1.1 intervals.
  expect(await times(() => 0.999_9)).toEqual([11_000, 341_000, 671_000]);
  // In between, as drawn.
  expect(await times(() => 0.5)).toEqual([6000, 306_000, 606_000]);
});

it('sends each link its beacon at once, and the next round on time, though one link never takes its own', async () => {
  const satellite = link('bd0', true);
  const mesh = link('mesh0');
  beacons = beaconsOn([satellite.core, mesh.core]);
  beacons.start(50);
  // The card holds each beacon for ever; the mesh gets one every round all the same (with the
  // links taken one after the other, it would get none).
  const until = Date.now() + 10_000;
  while (mesh.sent.length < 4 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  expect(mesh.sent.length).toBeGreaterThanOrEqual(4);
  expect(satellite.sent.length).toBeGreaterThanOrEqual(1);
});
