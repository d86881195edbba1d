/**
 * A county of three for the shelter tests (docs/shelters.md): the centre (node 1) and two village
 * kits (2107 at 青龙村 with shelter 1, 2108 at 白石村 with shelter 2), each a real NodeCore on its
 * own LevelDB store, joined to the centre by fake IP links, each with its shelter book in its own
 * data directory and its own HTTP API, wired by node/src/composition/node-shelters.ts itself. The
 * same registry is configured everywhere; the evacuation lists (with names) at the centre only. The
 * route tests (node/src/http/shelter-routes.test.ts) and the browser tests
 * (ui/test/shelters.browser.test.ts) stand on it.
 */
import { silentLogger } from '../src/base/logger.js';
import { type NodeShelters, openNodeShelters } from '../src/composition/node-shelters.js';
import type { Config } from '../src/config/schema.js';
import type { SheltersConfig } from '../src/config/shelters-section.js';
import { AreaDirectory } from '../src/domain/roster/area-directory.js';
import type { Person } from '../src/domain/roster/person.js';
import type { ApiServerDeps } from '../src/http/api-deps.js';
import { OTHER_VILLAGE, PEOPLE, type TestApi, VILLAGE } from '../src/http/api-fixtures.js';
import * as county from './county-of-two.js';
import type { TestNetwork } from './integration/harness.js';

export const KIT_A = 2107;
export const KIT_B = 2108;

/** The fixtures' people, and 5, 青龙村's 村两委 member, who sees its shelters and its list. */
export const SHELTER_PEOPLE: Person[] = [
  ...PEOPLE,
  { id: 5, name: '孙丽', roles: ['village-committee'], areas: [VILLAGE] },
];

/** The names on the evacuation list: never in a public reply or page. */
export const EXPECTED_NAMES = ['王大伯', '刘阿婆', '陈小明'];

export const SHELTERS: SheltersConfig = {
  sites: [
    {
      number: 1,
      name: '青龙村小学安置点',
      area: VILLAGE,
      point: { lat: 28.292, lon: 113.902 },
      capacity: 120,
    },
    {
      number: 2,
      name: '白石村村委会安置点',
      area: OTHER_VILLAGE,
      point: { lat: 28.291, lon: 113.952 },
      capacity: 60,
    },
  ],
  expected: [
    { registration: 1201, name: '王大伯', area: VILLAGE, flags: ['elderly'] },
    { registration: 1202, name: '刘阿婆', area: VILLAGE, flags: ['elderly', 'disabled'] },
    { registration: 1203, name: '陈小明', area: VILLAGE, flags: ['child'] },
  ],
};

export interface ShelterNode extends county.WorkflowBase {
  shelters: NodeShelters;
  api: TestApi;
}

export interface ShelterNetwork {
  net: TestNetwork;
  centre: ShelterNode;
  kitA: ShelterNode;
  kitB: ShelterNode;
  stop(): Promise<void>;
}

export interface ShelterNetworkOptions {
  /** More of each node's API deps (its public origins, a map). */
  api?: (role: 'centre' | 'kit') => Partial<ApiServerDeps>;
}

export async function startShelterNetwork(o: ShelterNetworkOptions = {}): Promise<ShelterNetwork> {
  const c = await county.startCounty([
    { id: KIT_A, area: VILLAGE },
    { id: KIT_B, area: OTHER_VILLAGE },
  ]);
  const [kitANode, kitBNode] = c.kits as [(typeof c.kits)[0], (typeof c.kits)[0]];
  const areaOf = new Map([
    [KIT_A, VILLAGE],
    [KIT_B, OTHER_VILLAGE],
  ]);
  const { made, stop } = await county.startWorkflowNodes(
    c.net,
    'shelters',
    [
      { node: c.centre, role: 'centre' },
      { node: kitANode, role: 'kit' },
      { node: kitBNode, role: 'kit' },
    ],
    (base, role) => shelterNode(base, role, areaOf.get(base.id) ?? VILLAGE, o),
    (n) => n.shelters.close(),
  );
  const [centre, kitA, kitB] = made as [ShelterNode, ShelterNode, ShelterNode];
  return { net: c.net, centre, kitA, kitB, stop };
}

async function shelterNode(
  base: county.WorkflowBase,
  role: county.Role,
  area: number,
  o: ShelterNetworkOptions,
): Promise<ShelterNode> {
  const { node, feed, dataDir } = base;
  // The node's own wiring, over the parts of a configuration it reads: the registry everywhere,
  // the evacuation lists at the centre only (docs/shelters.md §The registry).
  const config = {
    ...county.workflowConfig({ node, role, kit: base.id, area, dataDir }),
    shelters: role === 'centre' ? SHELTERS : { sites: SHELTERS.sites, expected: [] },
  } as Config;
  const shelters = await openNodeShelters({
    config,
    core: node.core,
    store: node.store,
    areas: new AreaDirectory([
      { code: VILLAGE, name: '青龙村' },
      { code: OTHER_VILLAGE, name: '白石村' },
    ]),
    emit: (event) => feed.emit(event),
    tracked: (path) => path,
    log: silentLogger,
  });
  try {
    const api = await county.startNodeApi(
      node,
      role,
      dataDir,
      SHELTER_PEOPLE,
      { shelters: shelters.service, events: feed, ...o.api?.(role) },
      { name: role === 'centre' ? '长沙县应急指挥中心' : `应急点 ${node.id}` },
    );
    return { ...base, shelters, api };
  } catch (err) {
    await shelters.close();
    throw err;
  }
}
