/**
 * Which hazard messages from the air the centre applies (hazard-acceptance.ts; docs/hazards.md
 * §Who may do what, §The life of a hazard), through the real ledger on disk: a kit speaks only for
 * its own people, so a kit naming the county's duty officer cannot verify or close its hazard; its
 * own village committee can; the centre's own changes stand; an opening report from the air that
 * claims to be verified or closed already opens the hazard as reported.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../base/logger.js';
import { HAZARD_VILLAGE, Z1, Z2, z1Change } from '../../wire/fixtures/hazard-messages.js';
import { CENTRE_NODE } from '../../wire/fixtures/reference-messages.js';
import type { MessageOf } from '../../wire/message.js';
import type { Person } from '../roster/person.js';
import { hazardAcceptance } from './hazard-acceptance.js';
import { HazardBook } from './hazard-book.js';

const COUNTY = 430121;
const TOWNSHIP = 430121101;
const OTHER_VILLAGE = 430121101202;
const PEOPLE: Person[] = [
  { id: 9, name: '值班员', roles: ['duty-officer'], areas: [COUNTY] },
  { id: 5, name: '村两委', roles: ['village-committee'], areas: [HAZARD_VILLAGE] },
  { id: 7, name: '邻村两委', roles: ['village-committee'], areas: [OTHER_VILLAGE] },
  { id: 8, name: '乡镇干部', roles: ['village-committee'], areas: [TOWNSHIP] },
];
const Z1_ID = `${Z1.origin}/${Z1.seq}`;

let dir: string;
let book: HazardBook;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-hazard-acceptance-'));
  const kitArea = (node: number) => (node === Z1.origin ? HAZARD_VILLAGE : undefined);
  book = await HazardBook.open({
    file: join(dir, 'hazards.jsonl'),
    nodeId: CENTRE_NODE,
    kitArea,
    accepts: hazardAcceptance({ centreNodes: [CENTRE_NODE], people: () => PEOPLE, kitArea }),
    now: () => 1_784_000_000_000,
    log: silentLogger,
  });
});
afterEach(async () => {
  await book.close();
  await rm(dir, { recursive: true, force: true });
});

describe('hazard changes from a kit at the centre', () => {
  it('refuses a kit that names the duty officer to verify or close its hazard', async () => {
    await book.record(Z1, { local: false });
    const verified = await book.record(z1Change(400, 'monitoring', 9), { local: false });
    expect(verified.refused).toMatch(/person 9 does not belong to kit 2107/);
    const closed = await book.record(z1Change(401, 'resolved', 9), { local: false });
    expect(closed.refused).toMatch(/does not belong/);
    expect(book.get(Z1_ID)?.status).toBe('reported');
  });

  it('refuses a person of another village, or of the township, whom the village kit’s roster does not hold', async () => {
    await book.record(Z1, { local: false });
    expect((await book.record(z1Change(400, 'monitoring', 7), { local: false })).refused).toBeDefined();
    // The township's permission reaches the village, but the kit was never sent this person.
    expect((await book.record(z1Change(401, 'monitoring', 8), { local: false })).refused).toMatch(
      /person 8 does not belong/,
    );
    expect(book.get(Z1_ID)?.status).toBe('reported');
  });

  it('applies a change by the kit’s own village committee, and the centre’s own by the duty officer', async () => {
    await book.record(Z1, { local: false });
    expect((await book.record(z1Change(400, 'monitoring', 5), { local: false })).refused).toBeUndefined();
    expect(book.get(Z1_ID)?.status).toBe('verified');
    const centre: MessageOf<'hazard'> = {
      ...Z2,
      seq: 62,
      createdAt: Z2.createdAt + 60,
      body: { ...Z2.body, status: 'resolved' },
    };
    expect((await book.record(centre, { local: false })).refused).toBeUndefined();
    expect(book.get(Z1_ID)?.status).toBe('closed');
  });

  it('opens a hazard whose opening report claims to be closed as reported, the claim refused', async () => {
    const forged: MessageOf<'hazard'> = { ...Z1, body: { ...Z1.body, status: 'resolved' } };
    const r = await book.record(forged, { local: false });
    expect(r.refused).toMatch(/opening report must be reported/);
    const h = book.get(Z1_ID);
    expect(h?.opened).toBe(true);
    expect(h?.status).toBe('reported');
    expect(h?.hazard).toBe(Z1.body.hazard);
  });
});
