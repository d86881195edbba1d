/**
 * The event stream tells a page not signed in the same hazards the public list shows
 * (docs/hazards.md §The public map): on a node that is not a drill node, a drill's verified hazard
 * is not on the public map, so its event carries no public view (the hub then tells such pages
 * only that it is not on the map), while a real one's does. Through node/src/composition/
 * node-hazards.ts, over a real core and store.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CENTRE, TestNetwork } from '../../test/integration/harness.js';
import { silentLogger } from '../base/logger.js';
import type { Config } from '../config/schema.js';
import { AreaDirectory } from '../domain/roster/area-directory.js';
import { PEOPLE, VILLAGE } from '../http/api-fixtures.js';
import type { FeedEvent } from '../http/event-hub.js';
import { Z1, Z2 } from '../wire/fixtures/hazard-messages.js';
import type { MessageOf } from '../wire/message.js';
import { type NodeHazards, openNodeHazards } from './node-hazards.js';

let net: TestNetwork;
let dataDir: string;
let hazards: NodeHazards;
const events: FeedEvent[] = [];

beforeEach(async () => {
  events.length = 0;
  net = new TestNetwork();
  const node = await net.add({ id: CENTRE, links: [], routes: [] });
  await net.start();
  dataDir = await mkdtemp(join(tmpdir(), 'fieldnode-hazard-public-events-'));
  hazards = await openNodeHazards({
    config: {
      node: { id: CENTRE, role: 'centre', drill: false },
      keys: { nodes: [{ id: Z1.origin, area: VILLAGE }] },
      centreNodes: [CENTRE],
      dataDir,
      county: { timeZone: 'Asia/Shanghai' },
    } as unknown as Config,
    core: node.core,
    store: node.store,
    people: () => PEOPLE,
    areas: new AreaDirectory([{ code: VILLAGE, name: '青龙村' }]),
    now: Date.now,
    emit: (e) => events.push(e),
    tracked: (path) => path,
    log: silentLogger,
  });
});
afterEach(async () => {
  await hazards.close();
  await net.stop();
  await rm(dataDir, { recursive: true, force: true });
});

/** Z1 as hazard `seq` of the kit, and the centre's verification of it, both drill or both real. */
function reportAndVerification(seq: number, exercise: boolean): [MessageOf<'hazard'>, MessageOf<'hazard'>] {
  const flags: MessageOf<'hazard'>['flags'] = exercise ? ['exercise'] : [];
  return [
    { ...Z1, seq, flags },
    { ...Z2, seq: seq + 1000, flags, body: { ...Z2.body, previous: { origin: Z1.origin, seq } } },
  ];
}

function lastHazardEvent(id: string): FeedEvent | undefined {
  return events.filter((e) => e.type === 'hazard' && e.hazard.id === id).at(-1);
}

describe('public hazard events', () => {
  it('carry a verified real hazard, and never a drill’s on a node that is not drilling', async () => {
    for (const m of reportAndVerification(330, false)) await hazards.book.record(m, { local: false });
    for (const m of reportAndVerification(331, true)) await hazards.book.record(m, { local: false });
    const real = lastHazardEvent(`${Z1.origin}/330`);
    const drill = lastHazardEvent(`${Z1.origin}/331`);
    expect(real?.type === 'hazard' && real.hazard.status).toBe('verified');
    expect(drill?.type === 'hazard' && drill.hazard.status).toBe('verified');
    expect(real?.type === 'hazard' ? real.public?.id : undefined).toBe(`${Z1.origin}/330`);
    expect(drill?.type === 'hazard' ? drill.public : 'no event').toBeUndefined();
    // The same as the public list.
    expect(hazards.service.publicList().map((h) => h.id)).toEqual([`${Z1.origin}/330`]);
  });
});
