/**
 * The hazard routes over the real thing (docs/hazards.md; docs/api.md §Hazards): a village kit and
 * the centre, each a NodeCore on a real LevelDB store joined by a fake IP link, each with its
 * hazard ledger on disk and its own HTTP API (node/test/hazard-network.ts). A hazard reported at
 * the kit with a photo reaches the centre without the photo; the centre verifies it, the kit hears
 * it; the kit marks it handled, the centre hears it; the centre closes it. Who may do what, the
 * public view, the ledger's tallies and CSV, photos refused and served, a change refused at the
 * centre, and a filing made once per key.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { HAZARD_PEOPLE, type HazardNetwork, KIT, startHazardNetwork } from '../../test/hazard-network.js';
import { eventually } from '../../test/integration/harness.js';
import { parseCsv } from '../domain/reports/test/csv-reader.js';
import { VILLAGE } from './api-fixtures.js';
import type { ApiEvent } from './event-hub.js';

/** The start of a JPEG: SOI, then an APP0 (JFIF) segment, then bytes. */
const JPEG = Buffer.concat([Buffer.from('ffd8ffe000104a46494600', 'hex'), Buffer.alloc(200, 7)]);
const DESCRIPTION = '三组后山裂缝约20米，王大伯家后墙';

let h: HazardNetwork;
beforeEach(async () => {
  h = await startHazardNetwork();
});
afterEach(async () => {
  await h.stop();
});

async function signedIn(node: 'centre' | 'kit', person: number) {
  const client = h[node].api.client();
  expect((await client.signIn(person)).status).toBe(200);
  return client;
}

async function upload(client: Awaited<ReturnType<typeof signedIn>>, bytes: Buffer, type = 'image/jpeg') {
  return client.request('POST', '/api/hazards/photos', { raw: bytes, headers: { 'content-type': type } });
}

const draft = {
  hazard: 160,
  severity: 'high',
  sector: 1,
  point: { lat: 28.2311, lon: 112.9402 },
  peopleAtRisk: 23,
  householdsAtRisk: 7,
  description: DESCRIPTION,
};

describe('a hazard across a kit and the centre', () => {
  it('is reported with a photo at the kit, verified at the centre, handled at the kit and closed at the centre', async () => {
    const officer = await signedIn('kit', 1);
    const photo = await upload(officer, JPEG);
    expect(photo.status).toBe(201);
    expect(photo.json).toMatchObject({ type: 'image/jpeg', bytes: JPEG.length });

    const filed = await officer.request('POST', '/api/hazards', {
      body: { ...draft, photos: [photo.json.token] },
    });
    expect(filed.status).toBe(201);
    const id: string = filed.json.hazard.id;
    expect(id.startsWith(`${KIT}/`)).toBe(true);
    expect(filed.json.hazard).toMatchObject({
      status: 'reported',
      area: VILLAGE,
      photos: 1,
      photoNumbers: [1],
      reportedBy: 1,
      reportedByName: '张伟',
      next: ['verified', 'handled', 'closed'],
    });
    expect(filed.json.message.id).toBe(id);

    // The photo is served at the kit as the image it is, and never run as anything else.
    const got = await officer.request('GET', `/api/hazards/${id}/photos/1`);
    expect(got.status).toBe(200);
    expect(got.headers['content-type']).toBe('image/jpeg');
    expect(got.headers['x-content-type-options']).toBe('nosniff');
    expect(String(got.headers['content-security-policy'])).toContain('sandbox');

    // The centre has the hazard, the count of photos and not the photos.
    await eventually('the centre has the hazard', () => h.centre.book.get(id) !== undefined);
    const duty = await signedIn('centre', 3);
    const atCentre = await duty.request('GET', `/api/hazards/${id}`);
    expect(atCentre.json).toMatchObject({
      status: 'reported',
      photos: 1,
      photoNumbers: [],
      node: KIT,
      area: VILLAGE,
    });
    const noPhoto = await duty.request('GET', `/api/hazards/${id}/photos/1`);
    expect(noPhoto.status).toBe(404);
    expect(noPhoto.json.message).toContain(`node ${KIT}`);
    const frame = await h.centre.node.store.getFrame(id);
    expect(Buffer.from(frame as Uint8Array).includes(JPEG.subarray(0, 16))).toBe(false);

    // The centre verifies it and raises it to critical; the kit hears it.
    const verified = await duty.request('POST', `/api/hazards/${id}/status`, {
      body: { status: 'verified', severity: 'critical', note: '已现场核实，设警示牌' },
    });
    expect(verified.status).toBe(201);
    expect(verified.json.hazard).toMatchObject({ status: 'verified', severity: 'critical' });
    await eventually('the kit hears the verification', () => h.kit.book.get(id)?.status === 'verified');
    expect(h.kit.book.get(id)?.severity).toBe('critical');

    // The grid member who made it safe says so at the kit; the centre hears it.
    const grid = await signedIn('kit', 2);
    const handled = await grid.request('POST', `/api/hazards/${id}/status`, {
      body: { status: 'handled', note: '已疏散，设监测点' },
    });
    expect(handled.status).toBe(201);
    await eventually('the centre hears it handled', () => h.centre.book.get(id)?.status === 'handled');
    // The handled message repeated the severity the kit knew: the verification's stands.
    expect(h.centre.book.get(id)?.severity).toBe('critical');

    const closed = await duty.request('POST', `/api/hazards/${id}/status`, { body: { status: 'closed' } });
    expect(closed.status).toBe(201);
    await eventually('the kit hears it closed', () => h.kit.book.get(id)?.status === 'closed');
    const steps = h.kit.book.get(id)?.steps.map((s) => [s.status, s.by, s.node]);
    expect(steps).toEqual([
      ['reported', 1, KIT],
      ['verified', 3, 1],
      ['handled', 2, KIT],
      ['closed', 3, 1],
    ]);

    // A hazard only moves forward.
    const again = await duty.request('POST', `/api/hazards/${id}/status`, { body: { status: 'handled' } });
    expect(again.status).toBe(409);
    expect(again.json.code).toBe('HAZARD_STATUS_INVALID');

    // Every action is in the audit log, by the person who did it.
    const actions = (n: 'centre' | 'kit') => h[n].api.audit.entries.map((e) => [e.action, e.actor]);
    expect(actions('kit')).toEqual(
      expect.arrayContaining([
        ['hazard.reported', 1],
        ['hazard.handled', 2],
      ]),
    );
    expect(actions('centre')).toEqual(
      expect.arrayContaining([
        ['hazard.verified', 3],
        ['hazard.closed', 3],
      ]),
    );
  });

  it('lets each person do only what their roles allow, in their own areas', async () => {
    const officer = await signedIn('kit', 1);
    const id: string = (await officer.request('POST', '/api/hazards', { body: draft })).json.hazard.id;
    // An information officer reports and may say it is handled, never verify it.
    const refused = await officer.request('POST', `/api/hazards/${id}/status`, {
      body: { status: 'verified' },
    });
    expect(refused.status).toBe(403);
    // The village's 村两委 member may verify it at the kit.
    const committee = await signedIn('kit', 5);
    expect(
      (await committee.request('POST', `/api/hazards/${id}/status`, { body: { status: 'verified' } })).status,
    ).toBe(201);
    // Another village's officer does not see it, and may not report in this village.
    const other = await signedIn('kit', 4);
    expect((await other.request('GET', `/api/hazards/${id}`)).status).toBe(404);
    expect((await other.request('GET', '/api/hazards')).json.items).toEqual([]);
    expect((await other.request('POST', '/api/hazards', { body: { ...draft, area: VILLAGE } })).status).toBe(
      403,
    );
    // The duty officer may not report a hazard by that role alone.
    const duty = await signedIn('centre', 3);
    expect((await duty.request('POST', '/api/hazards', { body: { ...draft, area: VILLAGE } })).status).toBe(
      403,
    );
    // Nobody signed in sees the ledger.
    expect((await h.kit.api.client().request('GET', '/api/hazards')).status).toBe(401);
  });

  it('refuses at the centre a change made by someone the county roster does not allow', async () => {
    const officer = await signedIn('kit', 1);
    const id: string = (await officer.request('POST', '/api/hazards', { body: draft })).json.hazard.id;
    await eventually('the centre has it', () => h.centre.book.get(id) !== undefined);
    // A kit in the wrong hands sends a verification by its grid member, who may not verify.
    const [origin, seq] = id.split('/').map(Number) as [number, number];
    await h.kit.node.core.submit({
      kind: 'hazard',
      body: { hazard: 160, severity: 'low', status: 'monitoring', reporter: 2, previous: { origin, seq } },
      dest: { to: 'centre' },
      priority: 1,
      lifetimeMin: 60,
    });
    await eventually('the centre records the change', () => (h.centre.book.get(id)?.steps.length ?? 0) === 2);
    const atCentre = h.centre.book.get(id);
    expect(atCentre?.status).toBe('reported');
    expect(atCentre?.severity).toBe('high');
    expect(atCentre?.steps[1]?.refused).toContain('person 2 may not');
  });

  it('shows anyone the verified hazards and never a name, a word typed or a photo', async () => {
    const officer = await signedIn('kit', 1);
    const token = (await upload(officer, JPEG)).json.token;
    const id: string = (
      await officer.request('POST', '/api/hazards', { body: { ...draft, photos: [token] } })
    ).json.hazard.id;
    const anyone = h.kit.api.client();
    // Not yet checked on site: not on the public map.
    expect((await anyone.request('GET', '/api/public/hazards')).json.items).toEqual([]);

    const stream = openStream(h.kit.api.server.address?.port as number, h.kit.api.origin);
    await stream.opened;
    const committee = await signedIn('kit', 5);
    await committee.request('POST', `/api/hazards/${id}/status`, {
      body: { status: 'verified', note: '王大伯已转移' },
    });
    const pub = await anyone.request('GET', '/api/public/hazards');
    expect(pub.json.items).toEqual([
      {
        id,
        hazard: 160,
        severity: 'high',
        status: 'verified',
        area: VILLAGE,
        // As the wire carries it: to about a metre (docs/wire-format.md §3.3).
        point: { lat: expect.closeTo(draft.point.lat, 4), lon: expect.closeTo(draft.point.lon, 4) },
        reportedAt: expect.any(Number),
        exercise: false,
      },
    ]);
    await eventually('the public stream hears it', () =>
      stream.events.some((e) => e.type === 'public-hazard'),
    );
    const told = JSON.stringify([pub.json, stream.events]);
    for (const p of HAZARD_PEOPLE) expect(told).not.toContain(p.name);
    for (const word of ['王大伯', '裂缝', 'photos', 'reportedBy', 'steps']) expect(told).not.toContain(word);
    expect(stream.events.some((e) => e.type === 'hazard')).toBe(false);
    stream.ws.close();
  });

  it('tallies the ledger by area, type and sector, and exports it as CSV', async () => {
    const officer = await signedIn('kit', 1);
    await officer.request('POST', '/api/hazards', { body: draft });
    await officer.request('POST', '/api/hazards', {
      body: { hazard: 18, severity: 'medium', peopleAtRisk: 40 },
    });
    await officer.request('POST', '/api/hazards', {
      body: { hazard: 160, severity: 'low', sector: 4, description: '=HYPERLINK("x")' },
    });
    const byArea = await officer.request('GET', '/api/hazards/ledger?by=area');
    expect(byArea.json.items).toEqual([
      expect.objectContaining({ key: VILLAGE, total: 3, open: 3, peopleAtRisk: 63 }),
    ]);
    const byType = await officer.request('GET', '/api/hazards/ledger?by=type');
    expect(byType.json.items.map((r: { key: number; total: number }) => [r.key, r.total])).toEqual([
      [18, 1],
      [160, 2],
    ]);
    const bySector = await officer.request('GET', '/api/hazards/ledger?by=sector');
    expect(bySector.json.items.map((r: { key?: number; total: number }) => [r.key, r.total])).toEqual([
      [1, 1],
      [4, 1],
      [undefined, 1],
    ]);
    const csv = await officer.request('GET', '/api/export/hazards.csv');
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.text.startsWith('\uFEFF')).toBe(true);
    const rows = parseCsv(csv.text);
    expect(rows[0]?.slice(0, 7)).toEqual([
      '隐患编号',
      '演练',
      '隐患类型',
      '灾种代码',
      '行业领域',
      '严重程度',
      '状态',
    ]);
    expect(rows).toHaveLength(4);
    const formula = rows.find((r) => r.includes('\'=HYPERLINK("x")'));
    expect(formula).toBeDefined();
    expect(rows.find((r) => r[2] === '滑坡' && r[5] === '重大')?.[10]).toBe('张伟');
    expect(h.kit.api.audit.entries.some((e) => e.action === 'hazard.exported')).toBe(true);
  });

  it('refuses an upload that is not a photo, and a filing whose photo is another person’s', async () => {
    const officer = await signedIn('kit', 1);
    const html = await upload(officer, Buffer.from('<html><script>alert(1)</script></html>'), 'image/jpeg');
    expect(html.status).toBe(415);
    expect(html.json.code).toBe('HAZARD_PHOTO_INVALID');
    const json = await officer.request('POST', '/api/hazards/photos', { body: { not: 'a photo' } });
    expect(json.status).toBe(415);
    const grid = await signedIn('kit', 2);
    const token = (await upload(grid, JPEG)).json.token;
    const filed = await officer.request('POST', '/api/hazards', { body: { ...draft, photos: [token] } });
    expect(filed.status).toBe(400);
    expect(filed.json.code).toBe('HAZARD_REJECTED');
    expect(filed.json.problems[0]).toMatchObject({ field: 'photos.0' });
  });

  it('checks a draft whole and names every problem', async () => {
    const officer = await signedIn('kit', 1);
    const res = await officer.request('POST', '/api/hazards', {
      body: { hazard: 4095, severity: 'high', sector: 200, description: '长'.repeat(120) },
    });
    expect(res.status).toBe(400);
    expect(res.json.problems.map((p: { field: string }) => p.field).sort()).toEqual([
      'description',
      'hazard',
      'sector',
    ]);
    expect(res.json.problems.every((p: { zh?: string }) => (p.zh ?? '') !== '')).toBe(true);
  });

  it('files once per idempotency key', async () => {
    const officer = await signedIn('kit', 1);
    const first = await officer.request('POST', '/api/hazards', { body: draft, key: 'hazard-form-1' });
    const second = await officer.request('POST', '/api/hazards', { body: draft, key: 'hazard-form-1' });
    expect(second.status).toBe(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.json.hazard.id).toBe(first.json.hazard.id);
    expect(h.kit.book.list()).toHaveLength(1);
  });
});

function openStream(port: number, origin: string) {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/api/events`, { headers: { origin } });
  const events: ApiEvent[] = [];
  ws.on('message', (data) => events.push(JSON.parse(String(data)) as ApiEvent));
  const opened = new Promise<void>((resolve, reject) => {
    ws.on('open', () => resolve());
    ws.on('error', reject);
  });
  return { ws, events, opened };
}
