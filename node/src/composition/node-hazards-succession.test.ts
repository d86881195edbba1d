/**
 * A hazard follows a lost kit to the kit that replaced it (docs/hazards.md §Changing a hazard;
 * docs/kits.md §Open items): the centre's change of a hazard the lost kit reported goes to the
 * replacement, naming the hazard's area, so that the replacement, which never held the opening
 * report, places it in its own village where its people see it. Real cores on real LevelDB stores
 * joined by the fake link, each wired by node/src/composition/node-hazards.ts itself; the lost kit
 * is gone, as a revoked kit is: nothing reaches it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CENTRE, eventually, TestNetwork } from '../../test/integration/harness.js';
import { silentLogger } from '../base/logger.js';
import type { Config } from '../config/schema.js';
import type { NodeCore } from '../core/node-core.js';
import { AreaDirectory } from '../domain/roster/area-directory.js';
import { PEOPLE, VILLAGE } from '../http/api-fixtures.js';
import { createFakeLinkPair } from '../link/fake-link.js';
import type { MessageStore } from '../store/message-store.js';
import { Z1 } from '../wire/fixtures/hazard-messages.js';
import { type NodeHazards, openNodeHazards } from './node-hazards.js';

const LOST = Z1.origin;
const REPLACEMENT = 2111;
const Z1_ID = `${Z1.origin}/${Z1.seq}`;
const DUTY_OFFICER = PEOPLE.find((p) => p.roles.includes('duty-officer'));

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function hazardsOf(
  node: { id: number; core: NodeCore; store: MessageStore },
  role: 'centre' | 'kit',
  succession?: { successorOf(kit: number): number },
): Promise<NodeHazards> {
  const dataDir = await mkdtemp(join(tmpdir(), `fieldnode-hazard-succession-${role}-`));
  const config = {
    node: { id: node.id, role, ...(role === 'kit' ? { area: VILLAGE } : {}), drill: false },
    // The centre knows both kits; the replacement knows itself, not the kit it replaced.
    keys: {
      nodes:
        role === 'centre'
          ? [
              { id: LOST, area: VILLAGE },
              { id: REPLACEMENT, area: VILLAGE },
            ]
          : [{ id: REPLACEMENT, area: VILLAGE }],
    },
    centreNodes: [CENTRE],
    dataDir,
    county: { timeZone: 'Asia/Shanghai' },
  } as unknown as Config;
  const hazards = await openNodeHazards({
    config,
    core: node.core,
    store: node.store,
    people: () => PEOPLE,
    areas: new AreaDirectory([{ code: VILLAGE, name: '青龙村' }]),
    now: Date.now,
    emit: () => {},
    tracked: (path) => path,
    log: silentLogger,
    ...(succession === undefined ? {} : { succession }),
  });
  cleanup.push(async () => {
    await hazards.close();
    await rm(dataDir, { recursive: true, force: true });
  });
  return hazards;
}

describe('a hazard of a lost kit', () => {
  it('is changed at the centre toward the kit that replaced it, which places it in its village', async () => {
    const net = new TestNetwork();
    const [ipK, ipC] = createFakeLinkPair({ ids: ['ip@K', 'ip@C'], from: ['K', 'C'] });
    const centreNode = await net.add({
      id: CENTRE,
      links: [{ link: ipC, costClass: 'ip', neighbours: { K: REPLACEMENT } }],
      routes: [
        { target: { to: 'node', node: REPLACEMENT }, link: 'ip@C', nextHop: 'K', cost: 0, source: 'config' },
      ],
    });
    const kitNode = await net.add({
      id: REPLACEMENT,
      area: VILLAGE,
      links: [{ link: ipK, costClass: 'ip', neighbours: { C: CENTRE } }],
      routes: [{ target: { to: 'centre' }, link: 'ip@K', nextHop: 'C', cost: 0, source: 'config' }],
    });
    await ipK.start();
    await ipC.start();
    await net.start();
    cleanup.push(() => net.stop());
    const centre = await hazardsOf(centreNode, 'centre', {
      successorOf: (kit) => (kit === LOST ? REPLACEMENT : kit),
    });
    const kit = await hazardsOf(kitNode, 'kit');

    // The lost kit's report reached the centre before the kit was lost.
    await centre.book.record(Z1, { local: false });
    if (DUTY_OFFICER === undefined) throw new Error('the fixtures have no duty officer');
    const made = await centre.service.change(Z1_ID, { status: 'verified', note: '已现场核实' }, DUTY_OFFICER);
    expect((await centreNode.store.getMeta(made.message))?.dest).toEqual({ to: 'node', node: REPLACEMENT });

    await eventually('the replacement holds the hazard', () => kit.book.get(Z1_ID)?.status === 'verified');
    const there = kit.service.get(Z1_ID);
    expect(there?.area).toBe(VILLAGE);
    // Its village's people see it there, and may carry it on.
    const scope = { all: false, areas: [VILLAGE] };
    expect(kit.service.list({ scope }).map((h) => h.id)).toEqual([Z1_ID]);
  });
});
