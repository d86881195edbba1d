import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OTHER_VILLAGE, startTestApi, VILLAGE } from './api-fixtures.js';
import { COUNTY } from './warning-fixture-draft.js';
import {
  capAlert,
  startWarningApi,
  VILLAGE_ISSUER,
  villageDraft,
  type WarningTestApi,
} from './warning-test-api.js';

let dir: string;
let api: WarningTestApi;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-api-warnings-'));
  api = undefined as unknown as WarningTestApi;
});

afterEach(async () => {
  await api?.server.stop();
  await rm(dir, { recursive: true, force: true });
});

const ids = (items: Array<{ id: string }>) => items.map((w) => w.id);
/** The audit entries of warnings (the sign-ins are recorded too). */
const audited = () => api.audit.entries.filter((e) => e.action.startsWith('warning.'));

describe('issuing at the centre', () => {
  it('issues as the person signed in, answers 201 with the warning and its calls, and audits it', async () => {
    api = await startWarningApi(dir, 'centre');
    const duty = await api.as(3);
    const res = await duty.request('POST', '/api/warnings', { body: villageDraft() });
    expect(res.status).toBe(201);
    expect(res.json.warning).toMatchObject({
      id: '2107/501',
      thread: '2107/501',
      action: 'issue',
      status: 'active',
      headline: { zh: '某县气象台发布暴雨红色预警[I级/特别严重]' },
      eventName: { zh: '暴雨' },
      areas: [VILLAGE],
      roles: ['flood-responsible'],
      exercise: false,
      calls: { total: 1, sent: 1, unanswered: 1 },
    });
    expect(audited()).toEqual([
      {
        actor: 3,
        action: 'warning.issued',
        subject: '2107/501',
        details: {
          thread: '2107/501',
          event: '11B03',
          level: 1,
          colour: 'red',
          areas: [VILLAGE],
          exercise: false,
        },
      },
    ]);
  });

  it('updates and cancels a thread: the earlier warning is superseded, then cancelled, each audited', async () => {
    api = await startWarningApi(dir, 'centre');
    const duty = await api.as(3);
    await duty.request('POST', '/api/warnings', { body: villageDraft() });
    const update = await duty.request('POST', '/api/warnings', {
      body: {
        action: 'update',
        references: '2107/501',
        colour: 'orange',
        level: 2,
        expires: villageDraft().expires,
      },
    });
    expect(update.status).toBe(201);
    expect(update.json.warning).toMatchObject({
      references: '2107/501',
      thread: '2107/501',
      colour: 'orange',
      areas: [VILLAGE],
    });
    const cancel = await duty.request('POST', '/api/warnings', {
      body: { action: 'cancel', references: '2107/502' },
    });
    expect(cancel.status).toBe(201);
    expect((await duty.request('GET', '/api/warnings/2107/501')).json.status).toBe('superseded');
    expect((await duty.request('GET', '/api/warnings/2107/502')).json.status).toBe('cancelled');
    expect(audited().map((e) => [e.action, e.subject, e.details?.references])).toEqual([
      ['warning.issued', '2107/501', undefined],
      ['warning.updated', '2107/502', '2107/501'],
      ['warning.cancelled', '2107/503', '2107/502'],
    ]);
    // Of the thread, only the cancel is current, and a cancel is not in force.
    expect((await duty.request('GET', '/api/warnings?active=true')).json).toEqual([]);
    expect(ids((await duty.request('GET', '/api/warnings?active=false')).json)).toEqual([
      '2107/503',
      '2107/502',
      '2107/501',
    ]);
  });

  it('answers a draft the workflow refuses with 400 WARNING_REJECTED and every problem, in both languages', async () => {
    api = await startWarningApi(dir, 'centre');
    const duty = await api.as(3);
    const { event: _e, ...noEvent } = villageDraft();
    const res = await duty.request('POST', '/api/warnings', {
      body: { ...noEvent, onset: 2_000_000_000, expires: 1_999_999_999 },
    });
    expect(res.status).toBe(400);
    expect(res.json.code).toBe('WARNING_REJECTED');
    expect(res.json.problems.map((p: { field: string }) => p.field)).toEqual(['event', 'expires']);
    expect(res.json.problems[1]).toMatchObject({ message: expect.any(String), zh: '解除时间须晚于生效时间' });
    expect(await api.warnings.list({ scope: { all: true }, active: false })).toEqual([]);
  });

  it('refuses by schema what is not a warning, naming each field, without asking the workflow', async () => {
    api = await startWarningApi(dir, 'centre');
    const duty = await api.as(3);
    const res = await duty.request('POST', '/api/warnings', {
      body: {
        ...villageDraft(),
        level: 7,
        colour: 'purple',
        roles: ['mayor'],
        event: '暴雨',
        areas: [12],
        extra: 1,
      },
    });
    expect(res.status).toBe(400);
    expect(res.json.code).toBe('API_BAD_REQUEST');
    const fields = res.json.problems.map((p: { field: string }) => p.field);
    for (const f of ['level', 'colour', 'roles.0', 'event', 'areas.0', 'extra']) expect(fields).toContain(f);
  });

  it('says 404 WARNING_UNKNOWN for an update of a warning not held, 409 WARNING_CLOSED for one ended', async () => {
    api = await startWarningApi(dir, 'centre');
    const duty = await api.as(3);
    const unknown = await duty.request('POST', '/api/warnings', {
      body: { action: 'cancel', references: '2107/9' },
    });
    expect([unknown.status, unknown.json.code]).toEqual([404, 'WARNING_UNKNOWN']);
    await duty.request('POST', '/api/warnings', { body: villageDraft() });
    await duty.request('POST', '/api/warnings', { body: { action: 'cancel', references: '2107/501' } });
    const again = await duty.request('POST', '/api/warnings', {
      body: { action: 'cancel', references: '2107/501' },
    });
    expect([again.status, again.json.code]).toEqual([409, 'WARNING_CLOSED']);
  });

  it('says 409 WARNING_NO_ISSUER at a kit, which holds no issuer key', async () => {
    api = await startWarningApi(dir, 'kit');
    const duty = await api.as(3);
    const res = await duty.request('POST', '/api/warnings', { body: villageDraft() });
    expect([res.status, res.json.code]).toEqual([409, 'WARNING_NO_ISSUER']);
    expect((await duty.request('POST', '/api/warnings/preview', { body: villageDraft() })).status).toBe(409);
  });
});

describe('who may issue', () => {
  it('refuses anyone not signed in (401), and a person without warning.issue (403)', async () => {
    api = await startWarningApi(dir, 'centre');
    const anonymous = api.client();
    expect((await anonymous.request('POST', '/api/warnings', { body: villageDraft() })).status).toBe(401);
    const officer = await api.as(1);
    const res = await officer.request('POST', '/api/warnings', { body: villageDraft() });
    expect([res.status, res.json.code]).toEqual([403, 'API_FORBIDDEN']);
    expect((await officer.request('POST', '/api/warnings/preview', { body: villageDraft() })).status).toBe(
      403,
    );
    expect(await api.warnings.list({ scope: { all: true }, active: false })).toEqual([]);
  });

  it('lets an issuer of some areas issue for them alone: not for another, not by circle, not to update a county warning', async () => {
    api = await startWarningApi(dir, 'centre');
    const own = await api.as(VILLAGE_ISSUER);
    expect((await own.request('POST', '/api/warnings', { body: villageDraft() })).status).toBe(201);
    const other = await own.request('POST', '/api/warnings', {
      body: villageDraft({ areas: [VILLAGE, OTHER_VILLAGE] }),
    });
    expect([other.status, other.json.message]).toEqual([403, expect.stringContaining(String(OTHER_VILLAGE))]);
    const circle = await own.request('POST', '/api/warnings/preview', {
      body: villageDraft({ areas: [], circle: { lat: 28.2, lon: 113.1, radiusM: 2000 } }),
    });
    expect(circle.status).toBe(403);
    // An update without areas keeps its thread's: the village's may be updated, the county's not.
    const mine = await own.request('POST', '/api/warnings', {
      body: { action: 'cancel', references: '2107/501' },
    });
    expect(mine.status).toBe(201);
    const duty = await api.as(3);
    await duty.request('POST', '/api/warnings', { body: villageDraft({ areas: [COUNTY] }) });
    const county = await own.request('POST', '/api/warnings', {
      body: { action: 'cancel', references: '2107/503' },
    });
    expect(county.status).toBe(403);
  });
});

describe('reading', () => {
  it('shows each person the warnings that meet their areas, and the duty officer all', async () => {
    api = await startWarningApi(dir, 'centre');
    const duty = await api.as(3);
    await duty.request('POST', '/api/warnings', { body: villageDraft() });
    await duty.request('POST', '/api/warnings', { body: villageDraft({ areas: [OTHER_VILLAGE] }) });
    await duty.request('POST', '/api/warnings', { body: villageDraft({ areas: [COUNTY] }) });
    expect(ids((await duty.request('GET', '/api/warnings')).json)).toEqual([
      '2107/503',
      '2107/502',
      '2107/501',
    ]);
    // The village's officer (report.view within the village) sees its own and the county's.
    const officer = await api.as(1);
    expect(ids((await officer.request('GET', '/api/warnings')).json)).toEqual(['2107/503', '2107/501']);
    expect((await officer.request('GET', '/api/warnings/2107/501')).json.id).toBe('2107/501');
    const hidden = await officer.request('GET', '/api/warnings/2107/502');
    expect([hidden.status, hidden.json.code]).toEqual([404, 'API_NOT_FOUND']);
    expect((await officer.request('GET', '/api/warnings/2107/999')).status).toBe(404);
  });

  it('refuses the list and a warning to anyone not signed in (401) and a person who may read none (403)', async () => {
    api = await startWarningApi(dir, 'centre');
    const duty = await api.as(3);
    await duty.request('POST', '/api/warnings', { body: villageDraft() });
    const anonymous = api.client();
    expect((await anonymous.request('GET', '/api/warnings')).status).toBe(401);
    expect((await anonymous.request('GET', '/api/warnings/2107/501')).status).toBe(401);
    const admin = await api.as(6);
    expect((await admin.request('GET', '/api/warnings')).status).toBe(403);
    expect((await admin.request('GET', '/api/warnings/2107/501')).status).toBe(403);
  });

  it('writes every field the service gives, at the centre and at a kit: the reply schemas drop none', async () => {
    api = await startWarningApi(dir, 'centre');
    const duty = await api.as(3);
    const circle = { lat: 28.25, lon: 113.08, radiusM: 3000 };
    await duty.request('POST', '/api/warnings', {
      body: villageDraft({ persons: [7], circle, exercise: true }),
    });
    await duty.request('POST', '/api/import/cap', {
      raw: capAlert(),
      headers: { 'content-type': 'application/xml' },
    });
    api.warnings.hear('2107/501', 5, 'acted', { evacuated: 4 });
    const all = await api.warnings.list({ scope: { all: true }, active: false });
    expect((await duty.request('GET', '/api/warnings')).json).toEqual(all);
    expect((await duty.request('GET', '/api/warnings/2107/501/calls')).json).toEqual(
      await api.warnings.calls('2107/501'),
    );
    await api.server.stop();
    api = await startWarningApi(dir, 'kit');
    api.warnings.receive(villageDraft({ persons: [7] }));
    const grid = await api.as(2);
    await grid.request('POST', '/api/warnings/1/501/answers', {
      body: { state: 'acted', evacuated: 3, notified: 9 },
    });
    const held = await api.warnings.get('1/501');
    expect(held?.here?.persons).toHaveLength(3);
    expect((await grid.request('GET', '/api/warnings/1/501')).json).toEqual(held);
  });

  it('takes active as the text a query carries, and refuses what is not a boolean', async () => {
    api = await startWarningApi(dir, 'centre');
    const duty = await api.as(3);
    await duty.request('POST', '/api/warnings', { body: villageDraft() });
    expect(ids((await duty.request('GET', '/api/warnings?active=true')).json)).toEqual(['2107/501']);
    const bad = await duty.request('GET', '/api/warnings?active=maybe');
    expect([bad.status, bad.json.problems[0].field]).toEqual([400, 'querystring.active']);
    expect((await duty.request('GET', '/api/warnings/2107/x')).status).toBe(400);
  });
});

describe('the preview', () => {
  it('answers the warning, its bytes, links, CAP and calls, and issues nothing; it needs no key but the CSRF token', async () => {
    api = await startWarningApi(dir, 'centre');
    const duty = await api.as(3);
    const res = await duty.request('POST', '/api/warnings/preview', { body: villageDraft(), key: null });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ warning: { status: 'pending', areas: [VILLAGE] }, calls: 1 });
    expect(res.json.bytes).toBeGreaterThan(40);
    expect(res.json.links.map((l: { link: string }) => l.link)).toEqual(['mesh0', 'sbd0']);
    expect(res.json.cap).toContain('<msgType>Alert</msgType>');
    expect((await duty.request('GET', '/api/warnings')).json).toEqual([]);
    expect(audited()).toEqual([]);
    const bad = await duty.request('POST', '/api/warnings/preview', { body: { action: 'issue' } });
    expect([bad.status, bad.json.code]).toEqual([400, 'WARNING_REJECTED']);
    duty.csrf = undefined;
    const forged = await duty.request('POST', '/api/warnings/preview', { body: villageDraft() });
    expect([forged.status, forged.json.code]).toEqual([403, 'API_CSRF_MISSING']);
  });
});

describe('CSRF and idempotency', () => {
  it('refuses an issue without the session’s token, or with another session’s', async () => {
    api = await startWarningApi(dir, 'centre');
    const duty = await api.as(3);
    const other = await api.as(3);
    const token = duty.csrf;
    duty.csrf = other.csrf;
    expect((await duty.request('POST', '/api/warnings', { body: villageDraft() })).json.code).toBe(
      'API_CSRF_WRONG',
    );
    duty.csrf = undefined;
    expect((await duty.request('POST', '/api/warnings', { body: villageDraft() })).json.code).toBe(
      'API_CSRF_MISSING',
    );
    duty.csrf = token;
    const noKey = await duty.request('POST', '/api/warnings', { body: villageDraft(), key: null });
    expect([noKey.status, noKey.json.code]).toEqual([400, 'API_IDEMPOTENCY_KEY_MISSING']);
    expect(await api.warnings.list({ scope: { all: true }, active: false })).toEqual([]);
  });

  it('issues once for a repeat, replaying the first reply; the same key with another draft is 422', async () => {
    api = await startWarningApi(dir, 'centre');
    const duty = await api.as(3);
    const body = villageDraft();
    const first = await duty.request('POST', '/api/warnings', { body, key: 'warn-0001' });
    const again = await duty.request('POST', '/api/warnings', { body, key: 'warn-0001' });
    expect(again.status).toBe(201);
    expect(again.json).toEqual(first.json);
    expect(again.headers['idempotent-replayed']).toBe('true');
    const other = await duty.request('POST', '/api/warnings', {
      body: { ...body, colour: 'orange' },
      key: 'warn-0001',
    });
    expect([other.status, other.json.code]).toEqual([422, 'API_IDEMPOTENCY_KEY_REUSED']);
    expect(ids(await api.warnings.list({ scope: { all: true }, active: false }))).toEqual(['2107/501']);
    expect(audited()).toHaveLength(1);
  });

  it('finds the warning a cut-short attempt issued, instead of issuing it twice', async () => {
    api = await startWarningApi(dir, 'centre');
    const duty = await api.as(3);
    api.warnings.failAfterIssuing = true;
    const cut = await duty.request('POST', '/api/warnings', {
      body: villageDraft({ expires: 2_000_000_000 }),
      key: 'warn-0002',
    });
    expect(cut.status).toBe(500);
    const retry = await duty.request('POST', '/api/warnings', {
      body: villageDraft({ expires: 2_000_000_000 }),
      key: 'warn-0002',
    });
    expect(retry.status).toBe(201);
    expect(retry.json.warning.id).toBe('2107/501');
    expect(ids(await api.warnings.list({ scope: { all: true }, active: false }))).toEqual(['2107/501']);
    expect(audited().at(-1)?.details).toMatchObject({ resumed: true });
  });
});

describe('wiring', () => {
  it('registers no warning route on a node without the workflow', async () => {
    const plain = await startTestApi(dir);
    plain.server.markReady();
    const client = plain.client();
    for (const path of ['/api/public/warnings', '/api/alarm', '/api/warnings'])
      expect((await client.request('GET', path)).json.code).toBe('API_NOT_FOUND');
    await plain.server.stop();
  });

  it('describes every warning route in the OpenAPI document, with its media types and access', async () => {
    api = await startWarningApi(dir, 'centre');
    const doc = (await api.client().request('GET', '/api/openapi.json')).json;
    const paths = Object.keys(doc.paths).filter(
      (p) => p.includes('warning') || p.includes('cap') || p === '/api/alarm',
    );
    expect(paths.sort()).toEqual([
      '/api/alarm',
      '/api/export/warnings/{origin}/{seq}.cap.xml',
      '/api/export/warnings/{origin}/{seq}/calls.csv',
      '/api/import/cap',
      '/api/public/warnings',
      '/api/warnings',
      '/api/warnings/preview',
      '/api/warnings/unanswered',
      '/api/warnings/{origin}/{seq}',
      '/api/warnings/{origin}/{seq}/answers',
      '/api/warnings/{origin}/{seq}/calls',
    ]);
    expect(doc.paths['/api/warnings'].post['x-access']).toBe('permission warning.issue');
    expect(doc.paths['/api/alarm'].get.security).toEqual([]);
    expect(Object.keys(doc.paths['/api/import/cap'].post.requestBody.content)).toEqual([
      'application/xml',
      'application/cap+xml',
    ]);
    expect(
      doc.paths['/api/export/warnings/{origin}/{seq}.cap.xml'].get.responses['200'].content,
    ).toHaveProperty('application/cap+xml');
    expect(
      doc.paths['/api/export/warnings/{origin}/{seq}/calls.csv'].get.responses['200'].content,
    ).toHaveProperty('text/csv');
  });
});
