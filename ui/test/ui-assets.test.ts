/**
 * The daemon's UI plugin (node/src/http/ui-assets.ts; docs/ui.md §Building and serving) over real
 * HTTP on 127.0.0.1, in a Fastify set up as the API's is: a hook that marks every reply `no-store`
 * and a JSON not-found reply. Types, gzip (the build's twin, or made once), caching that the API's
 * hook must not undo, ETags, the page for the app's own paths, and nothing outside the UI's folder.
 */
import { mkdir, mkdtemp, utimes, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptsGzip, fileFor, pagePolicy, uiAssets } from '../../node/src/http/ui-assets.js';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

let app: FastifyInstance;
let base: { host: string; port: number };
let root: string;
const SCRIPT = `console.log(${JSON.stringify('报灾 '.repeat(200))});\n`;
const STYLE = `body { color: black; }\n${'.a { margin: 0 }\n'.repeat(40)}`;

function get(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Answer> {
  return new Promise((ok, fail) => {
    const req = request(
      { ...base, path, method, headers: { host: `127.0.0.1:${base.port}`, ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          ok({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      },
    );
    req.on('error', fail);
    req.end();
  });
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'fieldnode-ui-assets-'));
  await mkdir(join(root, 'assets'));
  await writeFile(join(root, 'index.html'), `<!doctype html><title>fieldnode</title>${' '.repeat(300)}`);
  await writeFile(join(root, 'sw.js'), `self.addEventListener('fetch', () => {});${' '.repeat(300)}`);
  await writeFile(join(root, 'assets', 'index-abc123.js'), SCRIPT);
  // The build's twin; a marker inside shows it is the one sent, not one made here.
  await writeFile(join(root, 'assets', 'index-abc123.js.gz'), gzipSync(`${SCRIPT}// twin\n`));
  await writeFile(join(root, 'assets', 'style-def456.css'), STYLE);
  await writeFile(join(root, '.secret'), 'no');
  await writeFile(join(tmpdir(), 'outside.txt'), 'outside');

  app = Fastify();
  // As the API does for every reply (node/src/http/api-server.ts).
  app.addHook('onSend', async (_req, reply, payload) => {
    reply.header('cache-control', 'no-store');
    return payload;
  });
  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send({ code: 'API_NOT_FOUND', message: `no route ${req.url}` }),
  );
  app.get('/api/health', async () => ({ status: 'ok' }));
  await app.register(uiAssets, { root });
  await app.listen({ host: '127.0.0.1', port: 0 });
  base = { host: '127.0.0.1', port: (app.server.address() as AddressInfo).port };
});

afterAll(async () => {
  await app.close();
});

describe('the UI plugin', () => {
  it('sends the build’s gzip twin of a hashed script, cached for a year, despite the API’s no-store', async () => {
    const r = await get('/assets/index-abc123.js', { 'accept-encoding': 'gzip, deflate' });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(r.headers['content-encoding']).toBe('gzip');
    expect(r.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(r.headers.vary).toBe('accept-encoding');
    expect(gunzipSync(r.body).toString()).toBe(`${SCRIPT}// twin\n`);
  });

  it('sends the file as it is to a browser that does not take gzip', async () => {
    const r = await get('/assets/index-abc123.js', { 'accept-encoding': 'gzip;q=0, identity' });
    expect(r.headers['content-encoding']).toBeUndefined();
    expect(r.body.toString()).toBe(SCRIPT);
  });

  it('compresses a file without a twin itself, and ignores a twin older than its file', async () => {
    const css = await get('/assets/style-def456.css', { 'accept-encoding': 'gzip' });
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(gunzipSync(css.body).toString()).toBe(STYLE);

    const file = join(root, 'assets', 'stale-1.js');
    await writeFile(file, SCRIPT);
    await writeFile(`${file}.gz`, gzipSync('old build'));
    await utimes(`${file}.gz`, new Date(2000, 0, 1), new Date(2000, 0, 1));
    const fresh = await get('/assets/stale-1.js', { 'accept-encoding': 'gzip' });
    expect(gunzipSync(fresh.body).toString()).toBe(SCRIPT);
  });

  it('makes the page and the service worker ask again every time, and answers 304 when unchanged', async () => {
    const page = await get('/', { 'accept-encoding': 'gzip' });
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(String(page.headers['content-security-policy'])).toContain(
      `connect-src 'self' ws://127.0.0.1:${base.port}`,
    );
    const again = await get('/', { 'accept-encoding': 'gzip', 'if-none-match': String(page.headers.etag) });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);

    const sw = await get('/sw.js');
    expect(sw.headers['cache-control']).toBe('no-cache');
    expect(sw.headers['content-type']).toBe('text/javascript; charset=utf-8');
    // A worker's own policy governs what it may fetch: not the API's default-src 'none'.
    expect(String(sw.headers['content-security-policy'])).toContain("default-src 'self'");
  });

  it('answers the app’s own paths with the page, and a missing asset with 404', async () => {
    for (const path of ['/board', '/report/new', '/messages/2107/301'])
      expect((await get(path)).body.toString()).toContain('<title>fieldnode</title>');
    const missing = await get('/assets/gone-000000.js');
    expect(missing.status).toBe(404);
    expect(missing.headers['content-type']).toContain('application/json');
  });

  it('leaves /api to the API: its routes, and its own not-found reply', async () => {
    expect(JSON.parse((await get('/api/health')).body.toString())).toEqual({ status: 'ok' });
    const none = await get('/api/nothing');
    expect(none.status).toBe(404);
    expect(JSON.parse(none.body.toString()).code).toBe('API_NOT_FOUND');
  });

  it('serves nothing outside its folder, no dot-file and no twin by name', async () => {
    for (const path of [
      '/%2e%2e/outside.txt',
      '/assets/..%2f..%2foutside.txt',
      '/.secret',
      '/assets/index-abc123.js.gz',
      '/a%00b',
    ])
      expect((await get(path)).status, path).toBe(404);
    expect(fileFor('/srv/ui', '../etc/passwd')).toBeUndefined();
    expect(fileFor('/srv/ui', 'assets/a.js')).toBe('/srv/ui/assets/a.js');
    expect(fileFor('/srv/ui', '')).toBe('/srv/ui/index.html');
  });

  it('answers HEAD with the headers and no body', async () => {
    const r = await get('/assets/style-def456.css', {}, 'HEAD');
    expect(r.status).toBe(200);
    expect(Number(r.headers['content-length'])).toBe(Buffer.byteLength(STYLE));
    expect(r.body.length).toBe(0);
  });

  it('reads Accept-Encoding and the Host as a browser sends them', () => {
    expect(acceptsGzip('gzip, deflate, br')).toBe(true);
    expect(acceptsGzip('br;q=1.0, gzip;q=0')).toBe(false);
    expect(acceptsGzip('*')).toBe(true);
    expect(acceptsGzip(undefined)).toBe(false);
    expect(pagePolicy('evil"; script-src *')).toContain("connect-src 'self';");
  });
});
