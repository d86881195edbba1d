/**
 * A shelter filling across whole nodes (docs/shelters.md; docs/shelters.md §The API): the centre and
 * two village kits, each a NodeCore on a real LevelDB store joined by fake IP links, each with its
 * shelter book on disk and its own HTTP API (node/test/shelter-network.ts). People are counted in
 * and checked in by registration id at the kits; the centre's figures, totals by township, the
 * duplicate check-in across the two shelters and the list of people unaccounted for follow from
 * the roll-calls alone. No name and no registration id ever reaches a public reply; who may see
 * the list of names; the CSV; the audit; one roll-call per idempotency key.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventually } from '../../test/integration/harness.js';
import {
  EXPECTED_NAMES,
  KIT_A,
  KIT_B,
  type ShelterNetwork,
  startShelterNetwork,
} from '../../test/shelter-network.js';
import { parseCsv } from '../domain/reports/test/csv-reader.js';
import type { FeedEvent } from './event-hub.js';

let h: ShelterNetwork;
beforeEach(async () => {
  h = await startShelterNetwork();
});
afterEach(async () => {
  await h.stop();
});

async function signedIn(node: 'centre' | 'kitA' | 'kitB', person: number) {
  const client = h[node].api.client();
  expect((await client.signIn(person)).status).toBe(200);
  return client;
}

const TOWNSHIP = 430121101;

/** What a public reply may hold: the keys of a public shelter view. */
const PUBLIC_KEYS = ['area', 'capacity', 'countedAt', 'name', 'number', 'point', 'present'];

describe('a shelter filling across two kits and the centre', () => {
  it('counts and check-ins at the kits make the centre’s figures, duplicates and unaccounted list', async () => {
    const events: FeedEvent[] = [];
    h.centre.feed.subscribe((e) => events.push(e));
    const a = await signedIn('kitA', 1);
    const b = await signedIn('kitB', 4);

    const counted = await a.request('POST', '/api/shelters/1/counts', { body: { in: 5 } });
    expect(counted.status).toBe(201);
    expect(counted.json.shelter).toMatchObject({ number: 1, present: 5, arrived: 5, registered: true });
    expect(counted.json.message.id.startsWith(`${KIT_A}/`)).toBe(true);

    const checkin = await a.request('POST', '/api/shelters/1/checkins', {
      body: { registration: 1201, movement: 'in', flags: ['elderly'] },
    });
    expect(checkin.status).toBe(201);
    expect(checkin.json.shelter).toMatchObject({ present: 6, arrived: 6, checkedIn: 1 });
    // The same person twice at one shelter is refused, and counts nothing.
    const twice = await a.request('POST', '/api/shelters/1/checkins', {
      body: { registration: 1201, movement: 'in' },
    });
    expect(twice.status).toBe(409);
    expect(twice.json.code).toBe('SHELTER_REJECTED');
    // More out than it holds is refused.
    expect((await a.request('POST', '/api/shelters/1/counts', { body: { out: 7 } })).status).toBe(409);
    const out = await a.request('POST', '/api/shelters/1/counts', { body: { out: 2 } });
    expect(out.json.shelter).toMatchObject({ present: 4, arrived: 6 });

    // The same registration id checked in at the other village's shelter: a duplicate.
    const elsewhere = await b.request('POST', '/api/shelters/2/checkins', {
      body: { registration: 1201, movement: 'in' },
    });
    expect(elsewhere.status).toBe(201);
    // Kit B's officer may not count at the other village's shelter, and no shelter 9 exists.
    expect((await b.request('POST', '/api/shelters/1/counts', { body: { in: 1 } })).status).toBe(403);
    expect((await a.request('POST', '/api/shelters/9/counts', { body: { in: 1 } })).status).toBe(404);

    const duty = await signedIn('centre', 3);
    let report: Awaited<ReturnType<typeof duty.request>> | undefined;
    await eventually('the centre holds both shelters’ latest roll-calls', async () => {
      report = await duty.request('GET', '/api/shelters');
      const items = report.json.items as Array<{ number: number; present: number }>;
      return (
        items.find((s) => s.number === 1)?.present === 4 && items.find((s) => s.number === 2)?.present === 1
      );
    });
    const r = report!.json;
    expect(r.level).toBe('township');
    expect(r.items).toMatchObject([
      { number: 1, present: 4, arrived: 6, capacity: 120, checkedIn: 1, countedBy: KIT_A },
      { number: 2, present: 1, arrived: 1, capacity: 60, checkedIn: 1, countedBy: KIT_B },
    ]);
    // The township's 紧急转移安置 figures: 5 in shelters now, 7 taken in to date, 2 shelters open.
    expect(r.totals).toEqual([
      {
        area: TOWNSHIP,
        shelters: 2,
        shelterSites: 2,
        capacity: 180,
        relocatedCurrent: 5,
        relocatedCumulative: 7,
      },
    ]);
    expect(r.duplicates).toMatchObject([{ registration: 1201, shelters: [{ number: 1 }, { number: 2 }] }]);

    // 1202 and 1203 are on the list and checked in nowhere; 1201 is accounted for.
    const missing = await duty.request('GET', '/api/shelters/unaccounted');
    expect(missing.json.listed).toBe(3);
    expect(missing.json.items).toEqual([
      { registration: 1202, name: '刘阿婆', area: 430121101201, flags: ['elderly', 'disabled'] },
      { registration: 1203, name: '陈小明', area: 430121101201, flags: ['child'] },
    ]);
    // The village's committee member sees the village's list; the other village's officer nothing of it.
    const committee = await signedIn('centre', 5);
    expect((await committee.request('GET', '/api/shelters/unaccounted')).json.items).toHaveLength(2);
    const other = await signedIn('centre', 4);
    expect((await other.request('GET', '/api/shelters/unaccounted')).json).toEqual({ items: [], listed: 0 });
    // At the kit, which holds no list, nobody is shown as accounted for either.
    expect((await a.request('GET', '/api/shelters/unaccounted')).json).toEqual({ items: [], listed: 0 });
    // A grid member records but sees no list of names.
    const grid = await signedIn('centre', 2);
    expect((await grid.request('GET', '/api/shelters/unaccounted')).status).toBe(403);

    // The events the centre's streams hear carry counts and places only.
    const shelterEvents = events.filter((e) => e.type === 'shelter');
    expect(shelterEvents.length).toBeGreaterThan(0);
    for (const e of shelterEvents)
      if (e.type === 'shelter')
        expect(Object.keys(e.shelter).every((k) => PUBLIC_KEYS.includes(k))).toBe(true);

    // The CSV: BOM, Chinese headers, the counts, never a name.
    const csv = await duty.request('GET', '/api/export/shelters.csv');
    expect(csv.status).toBe(200);
    expect(csv.text.startsWith('\uFEFF')).toBe(true);
    const rows = parseCsv(csv.text);
    expect(rows[0]?.slice(0, 2)).toEqual(['安置点编号', '安置点名称']);
    expect(rows[1]?.slice(6, 10)).toEqual(['120', '4', '6', '2']);
    expect(rows.at(-1)?.[0]).toBe('合计');
    for (const name of EXPECTED_NAMES) expect(csv.text).not.toContain(name);

    // Every action is in the audit log of the node it was taken at.
    const actions = (n: 'centre' | 'kitA' | 'kitB') =>
      h[n].api.audit.entries.map((e) => e.action).filter((a) => a.startsWith('shelter.'));
    expect(actions('kitA')).toEqual([
      'shelter.counted',
      'shelter.checked-in',
      'shelter.counted',
      'shelter.unaccounted-viewed',
    ]);
    expect(actions('kitB')).toEqual(['shelter.checked-in']);
    expect(actions('centre')).toEqual([
      'shelter.unaccounted-viewed',
      'shelter.unaccounted-viewed',
      'shelter.unaccounted-viewed',
      'shelter.exported',
    ]);
  }, 30_000);

  it('never shows a name or a registration id to anyone not signed in', async () => {
    const a = await signedIn('kitA', 1);
    for (const registration of [1201, 1202, 1203])
      expect(
        (await a.request('POST', '/api/shelters/1/checkins', { body: { registration, movement: 'in' } }))
          .status,
      ).toBe(201);
    await eventually('the centre heard the check-ins', () =>
      h.centre.shelters.book.everCheckedIn({ registration: 1203 }),
    );
    for (const node of ['centre', 'kitA', 'kitB'] as const) {
      const anon = h[node].api.client();
      const pub = await anon.request('GET', '/api/public/shelters');
      expect(pub.status).toBe(200);
      for (const name of EXPECTED_NAMES) expect(pub.text).not.toContain(name);
      for (const s of pub.json.items as Array<Record<string, unknown>>) {
        expect(Object.keys(s).every((k) => PUBLIC_KEYS.includes(k))).toBe(true);
        expect(Object.values(s)).not.toContain(1201);
      }
      expect(pub.json.items.map((s: { present: number }) => s.present)).toEqual(
        node === 'kitB' ? [0, 0] : [3, 0],
      );
      for (const path of ['/api/shelters', '/api/shelters/unaccounted', '/api/export/shelters.csv'])
        expect((await anon.request('GET', path)).status).toBe(401);
    }
  }, 30_000);

  it('checks in someone on the roster by roster id, and shows them checked in at two shelters', async () => {
    const a = await signedIn('kitA', 1);
    const b = await signedIn('kitB', 4);
    expect(
      (await a.request('POST', '/api/shelters/1/checkins', { body: { person: 2, movement: 'in' } })).status,
    ).toBe(201);
    expect(
      (await b.request('POST', '/api/shelters/2/checkins', { body: { person: 2, movement: 'in' } })).status,
    ).toBe(201);
    // One of the two ids, never both, never neither.
    const both = await a.request('POST', '/api/shelters/1/checkins', {
      body: { person: 3, registration: 9, movement: 'in' },
    });
    expect(both.status).toBe(400);
    expect((await a.request('POST', '/api/shelters/1/checkins', { body: { movement: 'in' } })).status).toBe(
      400,
    );
    const duty = await signedIn('centre', 3);
    await eventually('the centre shows roster id 2 at both shelters', async () => {
      const r = await duty.request('GET', '/api/shelters');
      return r.json.duplicates.length === 1;
    });
    expect((await duty.request('GET', '/api/shelters')).json.duplicates).toMatchObject([
      { person: 2, shelters: [{ number: 1 }, { number: 2 }] },
    ]);
    expect(h.kitA.api.audit.entries.at(-1)).toMatchObject({
      action: 'shelter.checked-in',
      details: { shelter: 1, person: 2, present: 1 },
    });
  });

  it('counts once per idempotency key, and refuses a count at the centre', async () => {
    const a = await signedIn('kitA', 1);
    const first = await a.request('POST', '/api/shelters/1/counts', { body: { in: 3 }, key: 'count-once-1' });
    const again = await a.request('POST', '/api/shelters/1/counts', { body: { in: 3 }, key: 'count-once-1' });
    expect(again.json).toEqual(first.json);
    expect(h.kitA.shelters.book.shelter(1)?.present).toBe(3);
    // A retry after a restart, handed the first attempt's mark, finds the roll-call it made and
    // sends none again: the head count moves once.
    const service = h.kitA.shelters.service;
    const officer1 = { id: 1, name: '张伟', roles: ['info-officer' as const], areas: [430121101201] };
    const mark = await service.mark();
    const made = await service.count(1, { in: 2 }, officer1);
    const retried = await service.count(1, { in: 2 }, officer1, mark);
    expect(retried.message).toBe(made.message);
    expect(retried.shelter.present).toBe(5);
    // The duty officer does not count people in (403); an officer of the village at the centre's
    // desk is told to count at the shelter's kit (409).
    const duty = await signedIn('centre', 3);
    expect((await duty.request('POST', '/api/shelters/1/counts', { body: { in: 1 } })).status).toBe(403);
    const officer = await signedIn('centre', 1);
    const atCentre = await officer.request('POST', '/api/shelters/1/counts', { body: { in: 1 } });
    expect(atCentre.status).toBe(409);
    expect(atCentre.json.code).toBe('SHELTER_REJECTED');
  });
});
