/**
 * A county of two for the team and text tests (docs/teams.md, docs/texts.md): the centre (node 1)
 * and a rescue team's kit (node 5003), each a real NodeCore on its own LevelDB store, joined by a
 * fake IP link, each with its task book and text book in its own data directory and its own HTTP
 * API, wired by node/src/composition/node-teams.ts itself: the task, position and text messages the
 * core delivers are recorded, every change is told to the event streams. The node tests
 * (node/src/composition/node-teams.test.ts) and the browser tests (ui/test/teams.browser.test.ts)
 * stand on it.
 */
import { silentLogger } from '../src/base/logger.js';
import { type NodeHazards, openNodeHazards } from '../src/composition/node-hazards.js';
import { type NodeRequests, openNodeRequests } from '../src/composition/node-requests.js';
import { type NodeTeams, openNodeTeams } from '../src/composition/node-teams.js';
import type { Config } from '../src/config/schema.js';
import { AreaDirectory } from '../src/domain/roster/area-directory.js';
import type { Person } from '../src/domain/roster/person.js';
import type { TeamsConfig } from '../src/domain/teams/team.js';
import type { ApiServerDeps } from '../src/http/api-deps.js';
import { MemoryAudit, PEOPLE, type TestApi, VILLAGE } from '../src/http/api-fixtures.js';
import type { MessageMeta } from '../src/store/records.js';
import * as two from './county-of-two.js';
import type { TestNetwork } from './integration/harness.js';

export const TEAM_KIT = 5003;

/** The fixtures' people, and 6 and 7, the leader and a member of the team at kit 5003. */
export const TEAM_PEOPLE: Person[] = [
  ...PEOPLE,
  { id: 6, name: '陈刚', roles: ['team-leader'], areas: [VILLAGE] },
  { id: 7, name: '刘洋', roles: ['team-leader'], areas: [VILLAGE] },
];

export const TEAMS: TeamsConfig = {
  list: [{ kit: TEAM_KIT, name: '县救援一队', leader: 6, members: [6, 7] }],
  positionIntervalMs: 120_000,
  positionMoveM: 100,
};

export interface TeamNode extends two.WorkflowBase {
  teams: NodeTeams;
  hazards?: NodeHazards;
  requests?: NodeRequests;
  audit: MemoryAudit;
  api: TestApi;
  /** Stops telling the streams of delivery states. */
  detach(): void;
}

export interface TeamNetwork {
  net: TestNetwork;
  centre: TeamNode;
  kit: TeamNode;
  stop(): Promise<void>;
}

export interface TeamNetworkOptions {
  people?: Person[];
  /** More of each node's API deps (a map, the UI). */
  api?: (role: 'centre' | 'kit') => Partial<ApiServerDeps>;
  /** The wall clock both nodes' workflows read. Default Date.now. */
  now?: () => number;
  /** Each node has its hazard ledger too (the map page reads it). Default false. */
  hazards?: boolean;
  /** Each node has its request book too (a team's phone sends an SOS). Default false. */
  requests?: boolean;
}

export async function startTeamNetwork(o: TeamNetworkOptions = {}): Promise<TeamNetwork> {
  const people = o.people ?? TEAM_PEOPLE;
  const { county, centre, kit, stop } = await two.startTwoNodeWorkflow(
    { prefix: 'teams', kit: TEAM_KIT, area: VILLAGE },
    (base, role) => teamNode(base, role, people, o),
    async (n) => {
      n.detach();
      await n.teams.close();
      await n.hazards?.close();
      await n.requests?.close();
    },
  );
  return { net: county.net, centre, kit, stop };
}

async function teamNode(
  base: two.WorkflowBase,
  role: two.Role,
  people: Person[],
  o: TeamNetworkOptions,
): Promise<TeamNode> {
  const { node, feed, dataDir } = base;
  // Delivery states go to the streams as node-web.ts sends them: a text's page shows its receipt live.
  const onState = (meta: MessageMeta) => feed.emit({ type: 'message', meta });
  node.core.on('state', onState);
  const audit = new MemoryAudit();
  // The node's own wiring (node/src/composition/node-teams.ts), over the parts of a configuration
  // it reads: the test runs the composition the daemon runs. The kit is a team's (`node.role: team`).
  const plain = two.workflowConfig({ node, role, kit: TEAM_KIT, area: VILLAGE, dataDir });
  const config = {
    ...plain,
    node: { ...plain.node, ...(role === 'kit' ? { role: 'team' } : {}) },
    teams: TEAMS,
  } as Config;
  const areas = new AreaDirectory([{ code: VILLAGE, name: '青龙村' }]);
  const common = {
    config,
    core: node.core,
    store: node.store,
    people: () => people,
    areas,
    tracked: (p: string) => p,
    log: silentLogger,
  };
  const teams = await openNodeTeams({
    ...common,
    audit,
    now: o.now ?? Date.now,
    emit: (event) => feed.emit(event),
  });
  const hazards =
    o.hazards === true
      ? await openNodeHazards({ ...common, now: Date.now, emit: (e) => feed.emit(e) })
      : undefined;
  const requests =
    o.requests === true
      ? await openNodeRequests({ ...common, now: Date.now, emit: (e) => feed.emit(e) })
      : undefined;
  let api: TestApi;
  try {
    api = await two.startNodeApi(node, role, dataDir, people, {
      teams: teams.teams,
      texts: teams.texts,
      ...(hazards === undefined ? {} : { hazards: hazards.service }),
      ...(requests === undefined ? {} : { requests: requests.service }),
      events: feed,
      audit,
      ...o.api?.(role),
    });
  } catch (err) {
    node.core.off('state', onState);
    await teams.close();
    await hazards?.close();
    await requests?.close();
    throw err;
  }
  return {
    ...base,
    teams,
    ...(hazards === undefined ? {} : { hazards }),
    ...(requests === undefined ? {} : { requests }),
    audit,
    api,
    detach: () => node.core.off('state', onState),
  };
}
