/**
 * A county of two for the hazard tests (docs/hazards.md): the centre (node 1) and a village kit
 * (node 2107), each a real NodeCore on its own LevelDB store, joined by a fake IP link, each with
 * its hazard ledger in its own data directory, its photo store, the HazardsAdapter and its own HTTP
 * API, wired by node/src/composition/node-hazards.ts itself: the hazard messages the core
 * delivers are recorded in the ledger, every change is told to the event streams. The node tests
 * (node/src/http/hazard-routes.test.ts) and the browser tests (ui/test/hazards.browser.test.ts)
 * stand on it.
 */
import { silentLogger } from '../src/base/logger.js';
import { type NodeHazards, openNodeHazards } from '../src/composition/node-hazards.js';
import type { HazardBook } from '../src/domain/hazards/hazard-book.js';
import { AreaDirectory } from '../src/domain/roster/area-directory.js';
import type { Person } from '../src/domain/roster/person.js';
import type { ApiServerDeps } from '../src/http/api-deps.js';
import { PEOPLE, type TestApi, VILLAGE } from '../src/http/api-fixtures.js';
import type { HazardsAdapter } from '../src/http/hazards-adapter.js';
import * as two from './county-of-two.js';
import type { TestNetwork } from './integration/harness.js';

export const KIT = 2107;

/** The fixtures' people, and 5, the village's 村两委 member, who may verify its hazards. */
export const HAZARD_PEOPLE: Person[] = [
  ...PEOPLE,
  { id: 5, name: '孙丽', roles: ['village-committee'], areas: [VILLAGE] },
];

export interface HazardNode extends two.WorkflowBase {
  book: HazardBook;
  adapter: HazardsAdapter;
  hazards: NodeHazards;
  api: TestApi;
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
  const { county, centre, kit, stop } = await two.startTwoNodeWorkflow(
    { prefix: 'hazards', kit: KIT, area: VILLAGE },
    (base, role) => hazardNode(base, role, people, o),
    (n) => n.hazards.close(),
  );
  return { net: county.net, centre, kit, stop };
}

async function hazardNode(
  base: two.WorkflowBase,
  role: two.Role,
  people: Person[],
  o: HazardNetworkOptions,
): Promise<HazardNode> {
  const { node, feed, dataDir } = base;
  // The node's own wiring (node/src/composition/node-hazards.ts), over the parts of a
  // configuration it reads: the test runs the composition the daemon runs.
  const hazards = await openNodeHazards({
    config: two.workflowConfig({ node, role, kit: KIT, area: VILLAGE, dataDir, drill: o.drill === true }),
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
  try {
    const api = await two.startNodeApi(
      node,
      role,
      dataDir,
      people,
      { hazards: adapter, events: feed, ...o.api?.(role) },
      { drill: o.drill === true },
    );
    return { ...base, book: hazards.book, adapter, hazards, api };
  } catch (err) {
    await hazards.close();
    throw err;
  }
}
