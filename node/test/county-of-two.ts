/**
 * The test county the workflow tests stand on (docs/requests.md §Tests; docs/hazards.md,
 * docs/shelters.md, docs/teams.md): the centre (node 1) and one or more village kits, each a real
 * NodeCore on its own LevelDB store, each kit joined to the centre by its own fake IP link with a
 * route each way; the slice of a configuration a workflow's composition reads; a node's own HTTP
 * API on 127.0.0.1 with the fixtures' people; and `startWorkflowNodes`, which builds a workflow's
 * part on every node and undoes what it built when one fails. The hazard, shelter, request and
 * team networks are each this county with their workflow on it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../src/config/schema.js';
import type { Person } from '../src/domain/roster/person.js';
import type { ApiServerDeps } from '../src/http/api-deps.js';
import { nodeStatus, startTestApi, type TestApi, testPeople } from '../src/http/api-fixtures.js';
import { EventFeed } from '../src/http/event-hub.js';
import { createFakeLinkPair, type FakeLink } from '../src/link/fake-link.js';
import { CENTRE, TestNetwork, type TestNode } from './integration/harness.js';

export type Role = 'centre' | 'kit';

export interface CountyKit {
  id: number;
  area: number;
}

export interface County {
  net: TestNetwork;
  centre: TestNode;
  /** The kits, in the order asked for. */
  kits: TestNode[];
  /** Each end of the link between the centre and each kit, in the kits' order. */
  kitLinks: { kit: FakeLink; centre: FakeLink }[];
}

export interface CountyOfTwo {
  net: TestNetwork;
  centre: TestNode;
  kit: TestNode;
  /** Each end of the link between them. */
  links: { kit: FakeLink; centre: FakeLink };
}

/** The centre and `kits`, started and joined, each kit by its own link to the centre. */
export async function startCounty(kits: CountyKit[]): Promise<County> {
  const net = new TestNetwork();
  // One link pair per kit; the first kit keeps the addresses the two-node county always had.
  const pairs = kits.map((k, i) => {
    const [K, C] = i === 0 ? ['K', 'C'] : [`K${i}`, `C${i}`];
    const [kit, centre] = createFakeLinkPair({ ids: [`ip@${K}`, `ip@${C}`], from: [K, C] });
    return { kit, centre, K, C, node: k.id };
  });
  const centre = await net.add({
    id: CENTRE,
    links: pairs.map((p) => ({ link: p.centre, costClass: 'ip' as const, neighbours: { [p.K]: p.node } })),
    routes: pairs.map((p) => ({
      target: { to: 'node' as const, node: p.node },
      link: `ip@${p.C}`,
      nextHop: p.K,
      cost: 0,
      source: 'config' as const,
    })),
  });
  const made: TestNode[] = [];
  for (const [i, k] of kits.entries()) {
    const p = pairs[i] as (typeof pairs)[number];
    made.push(
      await net.add({
        id: k.id,
        area: k.area,
        links: [{ link: p.kit, costClass: 'ip', neighbours: { [p.C]: CENTRE } }],
        routes: [{ target: { to: 'centre' }, link: `ip@${p.K}`, nextHop: p.C, cost: 0, source: 'config' }],
      }),
    );
  }
  for (const p of pairs) {
    await p.kit.start();
    await p.centre.start();
  }
  await net.start();
  return { net, centre, kits: made, kitLinks: pairs.map((p) => ({ kit: p.kit, centre: p.centre })) };
}

/** The two nodes, started and joined: `kit` in `area`. */
export async function startCountyOfTwo(o: { kit: number; area: number }): Promise<CountyOfTwo> {
  const county = await startCounty([{ id: o.kit, area: o.area }]);
  return {
    net: county.net,
    centre: county.centre,
    kit: county.kits[0] as TestNode,
    links: county.kitLinks[0] as CountyOfTwo['links'],
  };
}

/** What every workflow node of a test county has besides its workflow: a data directory and streams. */
export interface WorkflowBase {
  id: number;
  node: TestNode;
  feed: EventFeed;
  dataDir: string;
}

/**
 * Builds a workflow's part on each of `nodes` in turn (`make`, given a fresh data directory and
 * event feed), and the whole network's `stop`. When one fails, what was built is closed (`close`),
 * the network stopped and the failure thrown: a failing setup leaves no store or port open.
 */
export async function startWorkflowNodes<N extends WorkflowBase & { api: TestApi }>(
  net: TestNetwork,
  prefix: string,
  nodes: { node: TestNode; role: Role }[],
  make: (base: WorkflowBase, role: Role) => Promise<N>,
  close: (n: N) => Promise<void>,
  after: () => Promise<void> = async () => {},
): Promise<{ made: N[]; stop(): Promise<void> }> {
  const made: N[] = [];
  const stop = async () => {
    for (const n of made) {
      await n.api.server.stop();
      await close(n);
      await rm(n.dataDir, { recursive: true, force: true });
    }
    await after();
    await net.stop();
  };
  for (const { node, role } of nodes) {
    const dataDir = await mkdtemp(join(tmpdir(), `fieldnode-${prefix}-${role}-`));
    try {
      made.push(await make({ id: node.id, node, feed: new EventFeed(), dataDir }, role));
    } catch (err) {
      await rm(dataDir, { recursive: true, force: true });
      await stop().catch(() => {});
      throw err;
    }
  }
  return { made, stop };
}

/**
 * The county of two with a workflow on both nodes (`make`, the centre first): the network, the
 * two workflow nodes and the `stop` that closes them and the network.
 */
export async function startTwoNodeWorkflow<N extends WorkflowBase & { api: TestApi }>(
  o: { prefix: string; kit: number; area: number },
  make: (base: WorkflowBase, role: Role) => Promise<N>,
  close: (n: N) => Promise<void>,
  after?: () => Promise<void>,
): Promise<{ county: CountyOfTwo; centre: N; kit: N; stop(): Promise<void> }> {
  const county = await startCountyOfTwo(o);
  const nodes = [
    { node: county.centre, role: 'centre' as const },
    { node: county.kit, role: 'kit' as const },
  ];
  const { made, stop } = await startWorkflowNodes(county.net, o.prefix, nodes, make, close, after);
  return { county, centre: made[0] as N, kit: made[1] as N, stop };
}

/** The parts of a node's configuration a workflow's composition reads. */
export function workflowConfig(o: {
  node: TestNode;
  role: Role;
  kit: number;
  area: number;
  dataDir: string;
  drill?: boolean;
}): Config {
  return {
    node: {
      id: o.node.id,
      role: o.role,
      ...(o.role === 'kit' ? { area: o.area } : {}),
      drill: o.drill === true,
    },
    keys: { nodes: [{ id: o.kit, area: o.area }] },
    centreNodes: [CENTRE],
    dataDir: o.dataDir,
    county: { timeZone: 'Asia/Shanghai' },
  } as unknown as Config;
}

/** A node's own API on 127.0.0.1, ready, with `people` signing in by the fixtures' PIN. */
export async function startNodeApi(
  node: TestNode,
  role: Role,
  dataDir: string,
  people: Person[],
  over: Partial<ApiServerDeps>,
  shown: { name?: string; drill?: boolean } = {},
): Promise<TestApi> {
  const api = await startTestApi(dataDir, {
    node: { id: node.id, role },
    status: () =>
      nodeStatus({
        node: {
          id: node.id,
          role,
          name: shown.name ?? (role === 'centre' ? '长沙县应急指挥中心' : '青龙村应急点'),
          ...(shown.drill === true ? { drill: true } : {}),
        },
      }),
    message: (id) => node.store.getMeta(id),
    people: testPeople(people),
    ...over,
  });
  api.server.markReady();
  return api;
}
