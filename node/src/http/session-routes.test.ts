import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiServerDeps } from './api-deps.js';
import { PEOPLE, PIN, startTestApi, type TestApi, testPeople } from './api-fixtures.js';

let dir: string;
let api: TestApi;

async function start(over: Partial<ApiServerDeps> = {}): Promise<TestApi> {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-api-session-'));
  api = await startTestApi(dir, over);
  api.server.markReady();
  return api;
}

afterEach(async () => {
  await api.server.stop();
  await rm(dir, { recursive: true, force: true });
});

const draft = { stage: 'initial', hazard: 18, indicators: { affected: 1250 } };

describe('signing in', () => {
  it('sets a signed, HttpOnly, SameSite=Strict cookie and answers who it is, with a CSRF token', async () => {
    await start();
    const client = api.client();
    const res = await client.signIn(1);
    expect(res.status).toBe(200);
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/^fieldnode_session=[^;]+\.[^;]+;/); // value.signature
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\/api/);
    expect(cookie).not.toMatch(/Secure/); // plain HTTP on the kit's Wi-Fi
    expect(res.json).toMatchObject({
      signedIn: true,
      person: { id: 1, name: '张伟', roles: ['info-officer'] },
    });
    expect(res.json.permissions).toContainEqual({
      permission: 'report.file',
      all: false,
      areas: [430121101201],
    });
    const me = await client.request('GET', '/api/session');
    expect(me.json.csrfToken).toBe(res.json.csrfToken);
    expect(api.audit.entries).toContainEqual({
      actor: 1,
      action: 'session.signed-in',
      details: { client: '127.0.0.1' },
    });
  });

  it('answers a wrong PIN and an unknown person alike, with 401 and no cookie', async () => {
    await start();
    const client = api.client();
    const wrong = await client.signIn(1, '000001');
    const unknown = await client.signIn(999, PIN);
    for (const res of [wrong, unknown]) {
      expect(res.status).toBe(401);
      expect(res.json.code).toBe('API_PIN_WRONG');
      expect(res.headers['set-cookie']).toBeUndefined();
    }
  });

  it('refuses a forged or tampered cookie as not signed in', async () => {
    await start();
    const client = api.client();
    await client.signIn(1);
    const [name, value] = (client.cookie as string).split('=') as [string, string];
    client.cookie = `${name}=${value.slice(0, -2)}xx`;
    const res = await client.request('GET', '/api/status');
    expect(res.status).toBe(401);
    expect(res.json.code).toBe('API_NOT_SIGNED_IN');
  });

  it('signs in over a dead session cookie with one Set-Cookie, the new session (after a kit restart)', async () => {
    await start();
    const client = api.client();
    await client.signIn(1);
    const [name, value] = (client.cookie as string).split('=') as [string, string];
    // A session the kit no longer knows: sessions live in memory and end with a restart.
    client.cookie = `${name}=${value.slice(0, -2)}xx`;
    const res = await client.signIn(1);
    expect(res.status).toBe(200);
    const set = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
    expect(set).toHaveLength(1);
    expect(set[0]).toMatch(/^fieldnode_session=[^;]+\.[^;]+;/);
    expect((await client.request('GET', '/api/status')).status).toBe(200);
  });

  it('refuses a sign-in from another site (login CSRF) and one without an Origin', async () => {
    await start();
    const evil = api.client();
    evil.origin = 'http://evil.example';
    const res = await evil.signIn(1);
    expect(res.status).toBe(403);
    expect(res.json.code).toBe('API_ORIGIN_REFUSED');
    const none = api.client();
    none.origin = '';
    expect((await none.signIn(1)).json.code).toBe('API_ORIGIN_REFUSED');
    const crossSite = await api.client().request('POST', '/api/session', {
      body: { person: 1, pin: PIN },
      headers: { 'sec-fetch-site': 'cross-site' },
    });
    expect(crossSite.json.code).toBe('API_ORIGIN_REFUSED');
  });
});

describe('roles', () => {
  it('answers 401 to a route that needs a session, and 403 to a person whose roles do not allow it', async () => {
    await start();
    const anon = api.client();
    expect((await anon.request('GET', '/api/reports')).status).toBe(401);
    const grid = api.client();
    await grid.signIn(2); // a grid member may see reports, not file them
    expect((await grid.request('GET', '/api/reports')).status).toBe(200);
    const refused = await grid.request('POST', '/api/reports', { body: draft });
    expect(refused.status).toBe(403);
    expect(refused.json).toMatchObject({
      code: 'API_FORBIDDEN',
      message: 'your roles do not allow report.file',
    });
    expect(api.reports.filed).toHaveLength(0);
  });

  it('lets an officer file only for their own area', async () => {
    await start();
    const other = api.client();
    await other.signIn(4); // officer of another village; the kit's own area is VILLAGE
    const res = await other.request('POST', '/api/reports', { body: draft });
    expect(res.status).toBe(403);
    expect(res.json.message).toMatch(/may not file reports for area 430121101201/);
    const own = await other.request('POST', '/api/reports', { body: { ...draft, area: 430121101202 } });
    expect(own.status).toBe(201);
  });

  it('ends the session of a person removed from the roster at their next request', async () => {
    const people = [...PEOPLE];
    await start({ people: testPeople(people) });
    const client = api.client();
    await client.signIn(1);
    expect((await client.request('GET', '/api/status')).status).toBe(200);
    people.splice(0, 1); // testPeople reads the array at each call
    const after = await client.request('GET', '/api/status');
    expect(after.status).toBe(401);
    expect(after.json.message).toMatch(/session ended/);
  });
});

describe('CSRF', () => {
  it('refuses a signed-in write without the token, or with another session’s, and takes it with its own', async () => {
    await start();
    const a = api.client();
    const b = api.client();
    await a.signIn(1);
    await b.signIn(1);
    const token = a.csrf;
    a.csrf = undefined;
    const missing = await a.request('POST', '/api/reports', { body: draft });
    expect(missing.status).toBe(403);
    expect(missing.json.code).toBe('API_CSRF_MISSING');
    a.csrf = b.csrf;
    const wrong = await a.request('POST', '/api/reports', { body: draft });
    expect(wrong.status).toBe(403);
    expect(wrong.json.code).toBe('API_CSRF_WRONG');
    a.csrf = token;
    expect((await a.request('POST', '/api/reports', { body: draft })).status).toBe(201);
    expect(api.reports.filed).toHaveLength(1);
  });

  it('refuses a signed-in write from another origin even with the right token', async () => {
    await start();
    const a = api.client();
    await a.signIn(1);
    a.origin = 'http://10.0.0.66:8080';
    const res = await a.request('POST', '/api/reports', { body: draft });
    expect(res.status).toBe(403);
    expect(res.json.code).toBe('API_ORIGIN_REFUSED');
  });
});

describe('sessions end', () => {
  it('after the idle time and after the absolute time, by the monotonic clock', async () => {
    let now = 0;
    await start({
      monotonic: () => now,
      config: { ...defaults(), session: { idleMs: 1000, absoluteMs: 5000 } },
    });
    const client = api.client();
    await client.signIn(1);
    now = 999;
    expect((await client.request('GET', '/api/status')).status).toBe(200);
    for (now = 1800; now < 5000; now += 800)
      expect((await client.request('GET', '/api/status')).status).toBe(200);
    now = 5000;
    const ended = await client.request('GET', '/api/status');
    expect(ended.status).toBe(401);
    expect(ended.json.message).toMatch(/session ended/);

    await client.signIn(1);
    now += 1000;
    expect((await client.request('GET', '/api/status')).status).toBe(401);
  });

  it('on sign-out, which clears the cookie and needs the CSRF token', async () => {
    await start();
    const client = api.client();
    await client.signIn(1);
    const saved = client.cookie;
    const token = client.csrf;
    client.csrf = undefined;
    expect((await client.request('DELETE', '/api/session')).json.code).toBe('API_CSRF_MISSING');
    client.csrf = token;
    const out = await client.request('DELETE', '/api/session');
    expect(out.status).toBe(200);
    expect(String(out.headers['set-cookie'])).toMatch(/fieldnode_session=;.*Max-Age=0/);
    client.cookie = saved;
    expect((await client.request('GET', '/api/status')).status).toBe(401);
    expect((await client.request('GET', '/api/session')).json).toEqual({ signedIn: false });
  });
});

function defaults() {
  return {
    listen: { host: '127.0.0.1', port: 0 },
    publicOrigins: [],
    trustedProxies: [],
    session: { idleMs: 1, absoluteMs: 1 },
  };
}
