/**
 * A county of two for the hazard tests (docs/hazards.md): the centre (node 1) and a village kit
 * (node 2107), each a real NodeCore on its own LevelDB store, joined by a fake IP link, each with
 * its hazard ledger in its own data directory, its photo store, the HazardsAdapter and its own HTTP
 * API, wired by node/src/composition/node-hazards.ts itself: the hazard messages the core
 * delivers are recorded in the ledger, every change is told to the event streams. The node tests
 * (node/src/http/hazard-routes.test.ts) and the browser tests (ui/test/hazards.browser.test.ts)
 * stand on it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../src/base/logger.js';
import { type NodeHazards, openNodeHazards } from '../src/composition/node-hazards.js';
import type { Config } from '../src/config/schema.js';
import type { HazardBook } from '../src/domain/hazards/hazard-book.js';
import { AreaDirectory } from '../src/domain/roster/area-directory.js';
import type { Person } from '../src/domain/roster/person.js';
import type { ApiServerDeps } from '../src/http/api-deps.js';
import {
  nodeStatus,
  PEOPLE,
  startTestApi,
  type TestApi,
  testPeople,
  VILLAGE,
} from '../src/http/api-fixtures.js';
import { EventFeed } from '../src/http/event-hub.js';
import type { HazardsAdapter } from '../src/http/hazards-adapter.js';
import { createFakeLinkPair } from '../src/link/fake-link.js';
import { CENTRE, TestNetwork, type TestNode } from './integration/harness.js';

export const KIT = 2107;

/** The fixtures' people, and 5, the village's 村两委 member, who may verify its hazards. */
export const HAZARD_PEOPLE: Person[] = [
  ...PEOPLE,
  { id: 5, name: '孙丽', roles: ['village-committee'], areas: [VILLAGE] },
];

export interface HazardNode {
  id: number;
  node: TestNode;
  book: HazardBook;
  adapter: HazardsAdapter;
  hazards: NodeHazards;
  feed: EventFeed;
  api: TestApi;
  dataDir: string;
}

export interface HazardNetwork {
  net: TestNetwork;
  centre: HazardNode;
  kit: HazardNode;
  stop(): Promise<void>;
}

export interface HazardNetworkOptions {
  /** Both nodes are drill nodes. Default false. */
  drill?: boolean;
  people?: Person[];
  /** More of each node's API deps (its public origins, a map). */
  api?: (role: 'centre' | 'kit') => Partial<ApiServerDeps>;
}

export async function startHazardNetwork(o: HazardNetworkOptions = {}): Promise<HazardNetwork> {
  const people = o.people ?? HAZARD_PEOPLE;
  const net = new TestNetwork();
  const [ipK, ipC] = createFakeLinkPair({ ids: ['ip@K', 'ip@C'], from: ['K', 'C'] });
  const centreNode = await net.add({
    id: CENTRE,
    links: [{ link: ipC, costClass: 'ip', neighbours: { K: KIT } }],
    routes: [{ target: { to: 'node', node: KIT }, link: 'ip@C', nextHop: 'K', cost: 0, source: 'config' }],
  });
  const kitNode = await net.add({
    id: KIT,
    area: VILLAGE,
    links: [{ link: ipK, costClass: 'ip', neighbours: { C: CENTRE } }],
    routes: [{ target: { to: 'centre' }, link: 'ip@K', nextHop: 'C', cost: 0, source: 'config' }],
  });
  await ipK.start();
  await ipC.start();
  await net.start();
  const made: HazardNode[] = [];
  try {
    const centre = await hazardNode(centreNode, 'centre', people, o);
    made.push(centre);
    const kit = await hazardNode(kitNode, 'kit', people, o);
    made.push(kit);
    return {
      net,
      centre,
      kit,
      async stop() {
        for (const n of made) await closeNode(n);
        await net.stop();
      },
    };
  } catch (err) {
    for (const n of made) await closeNode(n).catch(() => {});
    await net.stop();
    throw err;
  }
}

async function hazardNode(
  node: TestNode,
  role: 'centre' | 'kit',
  people: Person[],
  o: HazardNetworkOptions,
): Promise<HazardNode> {
  const dataDir = await mkdtemp(join(tmpdir(), `fieldnode-hazards-${role}-`));
  const feed = new EventFeed();
  // The node's own wiring (node/src/composition/node-hazards.ts), over the parts of a
  // configuration it reads: the test runs the composition the daemon runs.
  const config = {
    node: { id: node.id, role, ...(role === 'kit' ? { area: VILLAGE } : {}), drill: o.drill === true },
    keys: { nodes: [{ id: KIT, area: VILLAGE }] },
    centreNodes: [CENTRE],
    dataDir,
    county: { timeZone: 'Asia/Shanghai' },
  } as unknown as Config;
  const hazards = await openNodeHazards({
    config,
    core: node.core,
    store: node.store,
    people: () => people,
    areas: new AreaDirectory([{ code: VILLAGE, name: '青龙村' }]),
    now: Date.now,
    emit: (event) => feed.emit(event),
    tracked: (path) => path,
    log: silentLogger,
  });
  const adapter = hazards.service;
  const book = hazards.book;
  const api = await startTestApi(dataDir, {
    node: { id: node.id, role },
    status: () =>
      nodeStatus({
        node: {
          id: node.id,
          role,
          name: role === 'centre' ? '长沙县应急指挥中心' : '青龙村应急点',
          ...(o.drill === true ? { drill: true } : {}),
        },
      }),
    message: (id) => node.store.getMeta(id),
    hazards: adapter,
    events: feed,
    people: testPeople(people),
    ...o.api?.(role),
  });
  api.server.markReady();
  return { id: node.id, node, book, adapter, hazards, feed, api, dataDir };
}

async function closeNode(n: HazardNode): Promise<void> {
  await n.api.server.stop();
  await n.hazards.close();
  await rm(n.dataDir, { recursive: true, force: true });
}
