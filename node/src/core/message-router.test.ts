/**
 * MessageRouter (message-router.ts; docs/store-and-forward.md §Routing): the outbox entries a
 * stored message gets, and the messages stored with no route, routed once a path appears. Real
 * routing table, fake links declaring their media, and a real MessageStore in a temp dir.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFakeLinkPair } from '../link/fake-link.js';
import { MessageStore } from '../store/message-store.js';
import type { MessageMeta } from '../store/records.js';
import type { Destination } from '../wire/envelope.js';
import type { CoreLink } from './core-types.js';
import { MessageRouter } from './message-router.js';
import { newMeta } from './new-meta.js';
import { type Route, RoutingTable } from './routing-table.js';

const NOW = 1_800_000_000_000;
const BOUND_MS = 60_000;
const TO_CENTRE_BY_MESH: Omit<Route, 'source'> = {
  target: { to: 'centre' },
  link: 'mesh',
  nextHop: 'G',
  cost: 0,
};

const [mesh] = createFakeLinkPair({ ids: ['mesh', 'mesh-peer'], capabilities: { sharedMedium: true } });
const [sat] = createFakeLinkPair({
  ids: ['sat', 'sat-peer'],
  capabilities: { billing: { unitBytes: 50, minUnits: 1 } },
});
const links: CoreLink[] = [
  { link: mesh, costClass: 'mesh', neighbours: { G: 2 } },
  { link: sat, costClass: 'satellite', neighbours: {} },
];

let dir: string;
let store: MessageStore;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-router-'));
  store = await MessageStore.open(dir);
});
afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

function router(routes: RoutingTable, kicked: string[] = []): MessageRouter {
  return new MessageRouter({
    store,
    links,
    routes,
    latencyBoundMs: [BOUND_MS, BOUND_MS, BOUND_MS, BOUND_MS],
    clock: { now: () => NOW, trusted: () => true },
    keys: { isCentre: (node) => node === 1 },
    kick: (meta) => kicked.push(meta.id),
  });
}

/** A relayed message `seq` from node 3001, made `agoMs` before now, with no route yet. */
function relayed(seq: number, agoMs = 0, dest: Destination = { to: 'centre' }): MessageMeta {
  return newMeta(
    {
      origin: 3001,
      seq,
      priority: 1,
      createdAt: Math.floor((NOW - agoMs) / 1000),
      lifetimeMin: 600,
      dest,
      flags: [],
      kindCode: 1,
    },
    { local: false, forMe: false, receipt: false, broadcastRepeats: 3 },
  );
}

describe('MessageRouter.route', () => {
  const table = new RoutingTable([
    { ...TO_CENTRE_BY_MESH, source: 'config' },
    { target: { to: 'centre' }, link: 'sat', cost: 0, source: 'config' },
  ]);

  it('puts the mesh due now and the satellite after the latency bound, counted from creation', () => {
    const meta = relayed(1, 20_000);
    router(table).route(meta);
    expect(meta.out).toEqual({ mesh: NOW, sat: NOW - 20_000 + BOUND_MS });
    expect(meta.nextHop).toEqual({ mesh: 'G' });
  });

  it('counts the bound from when the message came here when its times cannot be trusted', () => {
    // Made an hour ago by its origin's clock: from its creation, the satellite would be due at once.
    const meta = relayed(2, 3_600_000);
    router(table).route(meta, undefined, undefined, NOW);
    expect(meta.out).toEqual({ mesh: NOW, sat: NOW + BOUND_MS });
  });

  it('never routes back toward the hop it came from, and takes the link the caller names', () => {
    const back = relayed(3);
    router(table).route(back, undefined, 'G');
    expect(back.out).toEqual({ sat: NOW + BOUND_MS });
    const named = relayed(4);
    router(table).route(named, { link: 'mesh', to: 'K' });
    expect(named.out).toEqual({ mesh: NOW });
    expect(named.nextHop).toEqual({ mesh: 'K' });
  });
});

describe('MessageRouter.rerouteWaiting', () => {
  it('routes every message that waited once a path appears, kicks it, and leaves those still without one', async () => {
    const table = new RoutingTable([]);
    const kicked: string[] = [];
    // More than one chunk of the store's lock waits.
    const waiting = Array.from({ length: 300 }, (_, i) => relayed(100 + i));
    const nowhere = relayed(10, 0, { to: 'node', node: 77 });
    const cameFromG = { ...relayed(11), prevHop: { link: 'mesh', from: 'G', node: 2 } };
    for (const meta of [...waiting, nowhere, cameFromG])
      await store.admit(meta, Uint8Array.of(1), { sync: false });

    await router(table, kicked).rerouteWaiting();
    expect(kicked).toEqual([]);
    expect(await store.waitingIds(undefined, 1000)).toHaveLength(302);

    table.learn(2, [TO_CENTRE_BY_MESH], NOW);
    await router(table, kicked).rerouteWaiting();
    expect(kicked.sort()).toEqual(waiting.map((m) => m.id).sort());
    // The saves were not synced: an outbox entry is due once its group is on disk.
    await store.settled();
    expect((await store.due('mesh', NOW, 1000)).sort()).toEqual(waiting.map((m) => m.id).sort());
    expect((await store.getMeta(waiting[299]?.id as string))?.nextHop).toEqual({ mesh: 'G' });
    // No route to node 77; the one from G would only go back to G.
    expect((await store.waitingIds(undefined, 1000)).sort()).toEqual([nowhere.id, cameFromG.id].sort());
  });
});
