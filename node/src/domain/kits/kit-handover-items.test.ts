/**
 * A lost kit's open requests, team tasks, shelter counts and hazards, from the centre's real books
 * through the handover file into a fresh kit's books (kit-handover-items.ts; docs/kits.md §Open
 * items): the new kit holds each open request as it stands and may release it, and the centre
 * accepts that from the successor; it holds the lost team kit's open task and may take its next
 * step; its next shelter count goes on from the lost kit's figures; and it holds the lost kit's
 * open hazards, not its handled ones, in its village. Real journals in temp directories.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../base/logger.js';
import { HAZARD_VILLAGE, Z1, Z2, z1Change } from '../../wire/fixtures/hazard-messages.js';
import { Q1, Q2, Q3 } from '../../wire/fixtures/request-messages.js';
import { S1 } from '../../wire/fixtures/shelter-messages.js';
import { T1, T2 } from '../../wire/fixtures/team-messages.js';
import type { MessageOf } from '../../wire/message.js';
import { HazardBook } from '../hazards/hazard-book.js';
import { requestAcceptance } from '../requests/request-acceptance.js';
import { RequestBook } from '../requests/request-book.js';
import { ShelterBook } from '../shelters/shelter-book.js';
import { TaskBook } from '../teams/task-book.js';
import { handoverText, parseHandover } from './kit-handover.js';
import { adoptOpenItems, openItemsOf } from './kit-handover-items.js';

const LOST = 2107;
const TEAM = 5003;
const NEW = 2111;
const VILLAGE = 430121101201;
const CENTRE = 1;

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function books(accepts?: ReturnType<typeof requestAcceptance>) {
  const dir = await mkdtemp(join(tmpdir(), 'fieldnode-handover-items-'));
  dirs.push(dir);
  const files = {
    requests: join(dir, 'requests.jsonl'),
    tasks: join(dir, 'teams.jsonl'),
    shelters: join(dir, 'shelters.jsonl'),
    hazards: join(dir, 'hazards.jsonl'),
  };
  const open = async () => ({
    requests: await RequestBook.open({
      file: files.requests,
      kitArea: (n) => (n === LOST || n === NEW ? VILLAGE : undefined),
      ...(accepts === undefined ? {} : { accepts }),
      now: Date.now,
      log: silentLogger,
    }),
    tasks: await TaskBook.open({ file: files.tasks, changed: () => {}, log: silentLogger }),
    shelters: await ShelterBook.open({ file: files.shelters, sites: [], log: silentLogger }),
    hazards: await HazardBook.open({
      file: files.hazards,
      nodeId: NEW,
      kitArea: (n) => (n === LOST || n === NEW ? VILLAGE : undefined),
      now: Date.now,
      log: silentLogger,
    }),
  });
  return { files, open };
}

/** A reply of the centre releasing `of`: a request that is closed and stays behind. */
function released(of: MessageOf<'request'>): MessageOf<'request-reply'> {
  return {
    ...Q2,
    seq: Q2.seq + 1,
    createdAt: Q2.createdAt + 60,
    body: { request: { origin: of.origin, seq: of.seq }, status: 'released', person: 9 },
  };
}

describe('a lost kit’s open requests, tasks and shelter counts', () => {
  it('go from the centre’s books through the handover file into the new kit’s, which carries on', async () => {
    const centre = await books();
    const c = await centre.open();
    // Q1 open and partly committed (Q2); Q3, an SOS, released: closed, it stays behind.
    await c.requests.record(Q1, { local: false });
    await c.requests.record(Q2, { local: true });
    await c.requests.record(Q3, { local: false });
    await c.requests.record(released(Q3), { local: true });
    // The team kit's task, accepted; shelter 1 last counted by the lost kit.
    await c.tasks.record(T1, true);
    await c.tasks.record(T2, false);
    await c.shelters.record(S1);

    const ofLost = openItemsOf(
      { requests: () => c.requests, shelters: () => c.shelters, tasks: () => c.tasks },
      LOST,
    );
    expect(ofLost.requests).toEqual([`${Q1.origin}/${Q1.seq}`]);
    expect(ofLost.shelters).toEqual([1]);
    expect(ofLost.tasks).toEqual([]);
    const ofTeam = openItemsOf({ tasks: () => c.tasks }, TEAM);
    expect(ofTeam.tasks).toEqual([`${T1.origin}/${T1.seq}`]);

    const text = handoverText({
      from: LOST,
      to: NEW,
      area: VILLAGE,
      madeAt: Date.now(),
      incidents: [],
      requests: ofLost.handed.requests,
      tasks: ofTeam.handed.tasks,
      rollcalls: ofLost.handed.rollcalls,
    });
    const h = parseHandover(text, 'handover.jsonl');
    const kit = await books();
    expect(await adoptOpenItems(h, kit.files, silentLogger)).toEqual({
      requests: 2,
      tasks: 2,
      rollcalls: 1,
      hazards: 0,
    });
    // Adopting the same file again changes nothing: the books keep each message once.
    await adoptOpenItems(h, kit.files, silentLogger);
    const k = await kit.open();

    const request = k.requests.get(`${Q1.origin}/${Q1.seq}`);
    expect(request).toMatchObject({ opened: true, status: 'committed', node: LOST, area: VILLAGE });
    expect(request?.committed).toEqual([{ item: 1, quantity: 30 }]);
    expect(k.requests.list()).toHaveLength(1);
    const task = k.tasks.get(`${T1.origin}/${T1.seq}`);
    expect(task).toMatchObject({ status: 'accepted', team: TEAM, open: true, what: '搜救三组' });
    expect(k.tasks.checkStep(task?.id as string, 'on-scene').id).toBe(task?.id);
    // The next count goes on from 37 present, 41 taken in, not from nothing.
    expect(k.shelters.shelter(1)).toMatchObject({ present: 37, arrived: 41, countedBy: LOST });
    for (const b of [c, k]) {
      await b.requests.close();
      await b.tasks.close();
      await b.shelters.close();
      await b.hazards.close();
    }
  });

  it('hands an open hazard of the lost kit, with the centre’s verification, and not a handled one', async () => {
    const centre = await books();
    const c = await centre.open();
    // Z1 reported by the lost kit, verified by the centre (Z2): open, someone must still make it safe.
    await c.hazards.record(Z1, { local: false });
    await c.hazards.record(Z2, { local: true });
    // Another hazard of the lost kit, marked handled: what is left is the centre's closing.
    const made: MessageOf<'hazard'> = { ...Z1, seq: 330, createdAt: Z1.createdAt + 60 };
    const handled = z1Change(331, 'mitigated', 1);
    await c.hazards.record(made, { local: false });
    await c.hazards.record(
      { ...handled, body: { ...handled.body, previous: { origin: LOST, seq: 330 } } },
      {
        local: false,
      },
    );
    // One of another kit: not the lost kit's.
    await c.hazards.record({ ...Z1, origin: 2108 }, { local: false });

    const ofLost = openItemsOf({ hazards: () => c.hazards }, LOST);
    const z1 = `${Z1.origin}/${Z1.seq}`;
    expect(ofLost.hazards).toEqual([z1]);
    expect(ofLost.handed.hazards).toHaveLength(2);

    const h = parseHandover(
      handoverText({
        from: LOST,
        to: NEW,
        area: VILLAGE,
        madeAt: Date.now(),
        incidents: [],
        hazards: ofLost.handed.hazards,
      }),
      'handover.jsonl',
    );
    const kit = await books();
    expect(await adoptOpenItems(h, kit.files, silentLogger)).toMatchObject({ requests: 0, hazards: 2 });
    const once = await readFile(kit.files.hazards, 'utf8');
    // Adopting the same file again changes nothing: not a line more in the journal.
    await adoptOpenItems(h, kit.files, silentLogger);
    expect(await readFile(kit.files.hazards, 'utf8')).toBe(once);

    const k = await kit.open();
    expect(k.hazards.list().map((x) => x.id)).toEqual([z1]);
    // As the centre holds it: the opening report's details, the verification's severity, its village.
    expect(k.hazards.get(z1)).toMatchObject({
      opened: true,
      status: 'verified',
      severity: 'critical',
      node: LOST,
      area: HAZARD_VILLAGE,
      peopleAtRisk: 23,
    });
    expect(k.hazards.get(z1)?.steps).toHaveLength(2);
    for (const b of [c, k]) {
      await b.requests.close();
      await b.tasks.close();
      await b.shelters.close();
      await b.hazards.close();
    }
  });

  it('the centre takes the new kit’s release of the lost kit’s request, once the board names it successor', async () => {
    const release: MessageOf<'request-reply'> = {
      ...Q2,
      origin: NEW,
      seq: 7,
      createdAt: Q2.createdAt + 600,
      dest: { to: 'centre' },
      body: { request: { origin: Q1.origin, seq: Q1.seq }, status: 'released', person: 1 },
    };
    const outcome = async (successorOf?: (kit: number) => number) => {
      const centre = await books(
        requestAcceptance({ centreNodes: [CENTRE], ...(successorOf === undefined ? {} : { successorOf }) }),
      );
      const c = await centre.open();
      await c.requests.record(Q1, { local: false });
      await c.requests.record(Q2, { local: true });
      const { request } = await c.requests.record(release, { local: false });
      await c.requests.close();
      await c.tasks.close();
      await c.shelters.close();
      await c.hazards.close();
      return request.status;
    };
    // Without the board's word, another kit may not release a kit's request.
    expect(await outcome()).toBe('committed');
    expect(await outcome((kit) => (kit === LOST ? NEW : kit))).toBe('released');
    // A kit that replaced some other kit still may not.
    expect(await outcome((kit) => (kit === 2108 ? NEW : kit))).toBe('committed');
  });
});
