import { mkdtemp, rm, stat } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ApiClient, startTestApi, type TestApi, VILLAGE } from './api-fixtures.js';
import { COOKIE_KEY_FILE } from './cookie-key.js';

let dir: string;
let api: TestApi;
let client: ApiClient;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-api-'));
  api = await startTestApi(dir);
  client = api.client();
});

afterEach(async () => {
  await api.server.stop();
  await rm(dir, { recursive: true, force: true });
});

const draft = { stage: 'initial', hazard: 18, indicators: { affected: 1250, dead: 2 } };

describe('health and readiness', () => {
  it('answers 503 starting until the node is marked ready, then ok with node, role and version', async () => {
    const before = await client.request('GET', '/api/health');
    expect(before.status).toBe(503);
    expect(before.json).toEqual({ status: 'starting' });
    expect(before.headers['retry-after']).toBe('2');

    api.server.markReady();
    const after = await client.request('GET', '/api/health');
    expect(after.status).toBe(200);
    expect(after.json).toEqual({ status: 'ok', node: 2107, role: 'kit', version: '0.1.0-test' });
  });

  it('refuses every other route with API_STARTING before ready, and serves the documentation', async () => {
    const status = await client.request('GET', '/api/status/public');
    expect(status.status).toBe(503);
    expect(status.json.code).toBe('API_STARTING');
    expect((await client.request('GET', '/api/openapi.json')).status).toBe(200);
    expect((await client.request('GET', '/api/docs')).status).toBe(200);
  });
});

describe('errors', () => {
  beforeEach(() => api.server.markReady());

  it('answers an unknown route with a JSON 404 that has a code', async () => {
    const res = await client.request('GET', '/api/nothing-here');
    expect(res.status).toBe(404);
    expect(res.json).toMatchObject({ code: 'API_NOT_FOUND' });
    expect(res.headers['content-type']).toMatch(/^application\/json/);
  });

  it('refuses a request whose Host is not this node (DNS rebinding)', async () => {
    const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: api.server.address?.port,
          path: '/api/status/public',
          headers: { host: 'evil.example:80' },
        },
        (r) => {
          let body = '';
          r.on('data', (c) => {
            body += c;
          });
          r.on('end', () => resolve({ status: r.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body).code).toBe('API_ORIGIN_REFUSED');
  });

  it('refuses unknown fields with 400 naming them, instead of dropping them', async () => {
    await client.signIn(1);
    const res = await client.request('POST', '/api/reports', {
      body: { ...draft, sneaky: 1, indicators: { affected: 1, bogus: 2 } },
    });
    expect(res.status).toBe(400);
    expect(res.json.code).toBe('API_BAD_REQUEST');
    expect(res.json.problems).toEqual(
      expect.arrayContaining([
        { field: 'sneaky', message: 'unknown field: remove it' },
        { field: 'indicators.bogus', message: 'unknown field: remove it' },
      ]),
    );
    expect(api.reports.filed).toHaveLength(0);
  });

  it('does not coerce a body: a figure sent as text is refused', async () => {
    await client.signIn(1);
    const res = await client.request('POST', '/api/reports', {
      body: { ...draft, indicators: { affected: '1250' } },
    });
    expect(res.status).toBe(400);
    expect(res.json.problems[0].field).toBe('indicators.affected');
  });

  it('coerces the query string, and refuses a bad page number with 400', async () => {
    await client.signIn(1);
    expect((await client.request('GET', '/api/reports?page=2&per_page=5')).status).toBe(200);
    const bad = await client.request('GET', '/api/reports?page=zero');
    expect(bad.status).toBe(400);
    expect(bad.json.problems[0].field).toBe('querystring.page');
    expect((await client.request('GET', '/api/reports?per_page=1000')).status).toBe(400);
  });

  it('answers a body over the limit with 413, not JSON, with 415, and broken JSON with 400', async () => {
    await client.signIn(1);
    const big = await client.request('POST', '/api/reports', {
      raw: JSON.stringify({ ...draft, note: 'x'.repeat(20_000) }),
      headers: { 'content-type': 'application/json' },
    });
    expect(big.status).toBe(413);
    expect(big.json.code).toBe('API_BODY_TOO_LARGE');
    const text = await client.request('POST', '/api/reports', {
      raw: 'stage=initial',
      headers: { 'content-type': 'text/plain' },
    });
    expect(text.status).toBe(415);
    expect(text.json.code).toBe('API_UNSUPPORTED_MEDIA_TYPE');
    const broken = await client.request('POST', '/api/reports', {
      raw: '{"stage":',
      headers: { 'content-type': 'application/json' },
    });
    expect(broken.status).toBe(400);
    expect(broken.json.code).toBe('API_BAD_REQUEST');
    const proto = await client.request('POST', '/api/reports', {
      raw: '{"__proto__":{"x":1},"stage":"initial","indicators":{}}',
      headers: { 'content-type': 'application/json' },
    });
    expect(proto.status).toBe(400);
  });

  it('answers bytes that are not HTTP with the same JSON error shape', async () => {
    const { connect } = await import('node:net');
    const text = await new Promise<string>((resolve, reject) => {
      const socket = connect(api.server.address?.port as number, '127.0.0.1', () =>
        socket.write('GARBAGE \x01\r\n\r\n'),
      );
      let got = '';
      socket.on('data', (c) => {
        got += c;
      });
      socket.on('end', () => resolve(got));
      socket.on('error', reject);
    });
    expect(text).toMatch(/^HTTP\/1.1 400 /);
    expect(JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)).code).toBe('API_BAD_REQUEST');
  });

  it('sends no-store, nosniff and frame denial on every reply', async () => {
    const res = await client.request('GET', '/api/status/public');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  });
});

describe('status', () => {
  beforeEach(() => api.server.markReady());

  it('gives anyone the public subset: reach, links up, clock trust, and nothing of links or credits', async () => {
    const res = await client.request('GET', '/api/status/public');
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      node: { id: 2107, role: 'kit', name: '青龙村应急点' },
      // The county's clock, which a page without a PIN shows its times on too.
      timeZone: 'Asia/Shanghai',
      ready: true,
      clockTrusted: true,
      reach: 'degraded',
      links: { up: 1, total: 2 },
    });
  });

  it('gives the whole status only to someone signed in: links, queue, clock, credits', async () => {
    expect((await client.request('GET', '/api/status')).status).toBe(401);
    await client.signIn(2);
    const res = await client.request('GET', '/api/status');
    expect(res.status).toBe(200);
    expect(res.json.links.map((l: { id: string; status: string }) => [l.id, l.status])).toEqual([
      ['mesh0', 'up'],
      ['sbd0', 'down'],
    ]);
    expect(res.json.queue).toEqual({ total: 3, byLink: { mesh0: 2, sbd0: 1 } });
    expect(res.json.credits).toEqual([
      { link: 'sbd0', spent: 1, usedDay: 1, perDay: 20, usedIncident: 1, left: 19 },
    ]);
    expect(res.json.clock).toMatchObject({ trusted: true, source: 'gps' });
    expect(res.json.timeZone).toBe('Asia/Shanghai');
    expect(res.json.power).toBeUndefined();
  });
});

describe('documentation', () => {
  it('describes every route from its schemas, with access and the report draft', async () => {
    const res = await client.request('GET', '/api/openapi.json');
    const doc = res.json;
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual(
      [
        '/api/areas',
        '/api/docs',
        '/api/docs/docs.css',
        '/api/docs/docs.js',
        '/api/events',
        '/api/export/reports.csv',
        '/api/health',
        '/api/messages/{origin}/{seq}',
        '/api/openapi.json',
        '/api/reports',
        '/api/reports/overdue',
        '/api/reports/preview',
        '/api/reports/totals',
        '/api/reports/{origin}/{seq}',
        '/api/session',
        '/api/status',
        '/api/status/public',
      ].sort(),
    );
    const post = doc.paths['/api/reports'].post;
    expect(post['x-access']).toBe('permission report.file');
    expect(post.security).toEqual([{ session: [], csrf: [] }]);
    expect(post.requestBody.content['application/json'].schema.additionalProperties).toBe(false);
    expect(
      post.requestBody.content['application/json'].schema.properties.indicators.properties,
    ).toHaveProperty('dead');
    expect(post.parameters.map((p: { name: string }) => p.name)).toContain('idempotency-key');
    // The preview writes nothing: a CSRF token, no idempotency key.
    const preview = doc.paths['/api/reports/preview'].post;
    expect(preview.security).toEqual([{ session: [], csrf: [] }]);
    expect(preview.parameters.map((p: { name: string }) => p.name)).toEqual(['x-csrf-token']);
    expect(doc.paths['/api/reports/totals'].get.parameters.map((p: { name: string }) => p.name)).toEqual([
      'level',
    ]);
    expect(doc.paths['/api/messages/{origin}/{seq}'].get.parameters.map((p: { in: string }) => p.in)).toEqual(
      ['path', 'path'],
    );
    expect(doc.paths['/api/export/reports.csv'].get.responses['200'].content).toHaveProperty('text/csv');
  });

  it('serves a page that needs nothing from outside the node', async () => {
    const page = await client.request('GET', '/api/docs');
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).not.toMatch(/https?:\/\//);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    const script = await client.request('GET', '/api/docs/docs.js');
    expect(script.text).toContain("fetch('/api/openapi.json')");
    expect(script.text).not.toMatch(/https?:\/\//);
  });
});

it('makes its cookie key in the data directory, mode 0600', async () => {
  const info = await stat(join(dir, COOKIE_KEY_FILE));
  expect(info.mode & 0o777).toBe(0o600);
  expect(VILLAGE).toBeGreaterThan(0);
});
