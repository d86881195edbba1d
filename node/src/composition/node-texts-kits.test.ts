/**
 * A short text from one kit to another across the centre (docs/texts.md §Conversations): the
 * team's kit writes to the village kit; no MAC key is shared between kits, so the core signs it
 * with the team kit's own identity, the centre checks that signature and relays it, and the village
 * kit files it under a conversation with the team's kit, unread. Three real cores on LevelDB,
 * joined through the centre by fake IP links, each kit's texts wired by node-teams.ts.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CENTRE, eventually, TestNetwork, type TestNode } from '../../test/integration/harness.js';
import { TEAM_PEOPLE, TEAMS } from '../../test/team-network.js';
import { silentLogger } from '../base/logger.js';
import type { Config } from '../config/schema.js';
import { AreaDirectory } from '../domain/roster/area-directory.js';
import { VILLAGE } from '../http/api-fixtures.js';
import { createFakeLinkPair } from '../link/fake-link.js';
import { type NodeTeams, openNodeTeams } from './node-teams.js';

const TEAM = 5003;
const VILLAGE_KIT = 2107;
let net: TestNetwork;
const opened: Array<{ teams: NodeTeams; dir: string }> = [];

beforeEach(async () => {
  net = new TestNetwork();
  const [tK, tC] = createFakeLinkPair({ ids: ['ip@T', 'ip@CT'], from: ['T', 'CT'] });
  const [vK, vC] = createFakeLinkPair({ ids: ['ip@V', 'ip@CV'], from: ['V', 'CV'] });
  const via = (link: string, nextHop: string, target: { to: 'centre' } | { to: 'node'; node: number }) => ({
    target,
    link,
    nextHop,
    cost: 0,
    source: 'config' as const,
  });
  await net.add({
    id: CENTRE,
    links: [
      { link: tC, costClass: 'ip', neighbours: { T: TEAM } },
      { link: vC, costClass: 'ip', neighbours: { V: VILLAGE_KIT } },
    ],
    routes: [
      via('ip@CT', 'T', { to: 'node', node: TEAM }),
      via('ip@CV', 'V', { to: 'node', node: VILLAGE_KIT }),
    ],
  });
  await net.add({
    id: TEAM,
    area: VILLAGE,
    links: [{ link: tK, costClass: 'ip', neighbours: { CT: CENTRE } }],
    routes: [via('ip@T', 'CT', { to: 'centre' }), via('ip@T', 'CT', { to: 'node', node: VILLAGE_KIT })],
  });
  await net.add({
    id: VILLAGE_KIT,
    area: VILLAGE,
    links: [{ link: vK, costClass: 'ip', neighbours: { CV: CENTRE } }],
    routes: [via('ip@V', 'CV', { to: 'centre' }), via('ip@V', 'CV', { to: 'node', node: TEAM })],
  });
  for (const l of [tK, tC, vK, vC]) await l.start();
  await net.start();
});

afterEach(async () => {
  for (const o of opened.splice(0)) {
    await o.teams.close();
    await rm(o.dir, { recursive: true, force: true });
  }
  await net.stop();
});

async function textsAt(node: TestNode): Promise<NodeTeams> {
  const dir = await mkdtemp(join(tmpdir(), `fieldnode-texts-${node.id}-`));
  const teams = await openNodeTeams({
    config: {
      node: { id: node.id, role: node.id === TEAM ? 'team' : 'kit', area: VILLAGE, drill: false },
      keys: {
        nodes: [
          { id: TEAM, area: VILLAGE },
          { id: VILLAGE_KIT, area: VILLAGE },
        ],
      },
      centreNodes: [CENTRE],
      dataDir: dir,
      teams: TEAMS,
    } as unknown as Config,
    core: node.core,
    store: node.store,
    people: () => TEAM_PEOPLE,
    areas: new AreaDirectory([{ code: VILLAGE, name: '青龙村' }]),
    now: Date.now,
    emit: () => {},
    tracked: (p) => p,
    log: silentLogger,
  });
  opened.push({ teams, dir });
  return teams;
}

describe('a text from kit to kit', () => {
  it('is signed by the sending kit, relayed by the centre and filed under the sender at the other kit', async () => {
    const team = await textsAt(net.node(TEAM));
    const village = await textsAt(net.node(VILLAGE_KIT));
    const leader = TEAM_PEOPLE.find((p) => p.id === 6)!;
    const sent = await team.texts.send({ to: `node-${VILLAGE_KIT}`, text: '已到村口' }, leader);
    expect(sent.conversation).toBe(`node-${VILLAGE_KIT}`);
    // b0's scheme bits (docs/wire-format.md §2): 10, the node's signature.
    const frame = await net.node(TEAM).store.getFrame(sent.id);
    expect(((frame?.[0] ?? 0) >> 4) & 0b11).toBe(0b10);
    await eventually('the village kit has it', () => village.textBook.unread(`node-${TEAM}`) === 1);
    const [conversation] = await village.texts.conversations();
    expect(conversation).toMatchObject({ conversation: `node-${TEAM}`, label: '县救援一队', unread: 1 });
    expect(conversation?.last).toMatchObject({ text: '已到村口', name: '陈刚', mine: false });
  });
});
