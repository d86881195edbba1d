/**
 * Serves the web UI the build put in dist/ui/ (docs/ui.md §Building and serving): every path that
 * is not the API gets a file of the UI, or the page itself, whose script then shows the view of
 * that path (a single-page app's fallback).
 *
 * - **Caching.** Files under `assets/` have a hash of their content in their name and never
 *   change: a phone keeps them a year without asking again (`immutable`). The page and the service
 *   worker must be asked for every time (`no-cache`, with an ETag so that the answer is a 304 of a
 *   few bytes when nothing changed), or a phone would keep running an old UI.
 * - **Compression.** The build writes a gzip twin of each text file (`name.gz`); it is sent as it
 *   is to a browser that accepts gzip. A text file without one is compressed once, on the first
 *   request, and kept in memory while it is unchanged on disk.
 * - **Types** are set from the file's ending; `nosniff` (the API's hook) makes browsers believe them.
 * - **Only what is under the root**: paths with `..`, NUL or backslashes, dot-files and the gzip
 *   twins themselves are not served. A missing file that looks like an asset (it has an ending)
 *   is a 404, never the page: a script that is not there must fail as such.
 * - **The page's policy** (Content-Security-Policy): scripts, styles, workers and connections only
 *   from this node, the event stream included; nothing from any other host.
 *
 * The API's own not-found reply answers every /api path no route has. Registered by the server
 * factory with `await app.register(uiAssets, { root })` after the API's routes; its routes are open
 * to anyone and answer while the node starts, so the page can say that it is starting.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

const gzipAsync = promisify(gzip);

export interface UiAssetsOptions {
  /** The built UI's directory (dist/ui). */
  root: string;
  /** Files larger than this are not kept in memory, bytes. Default 2 MiB. */
  maxCachedFileBytes?: number;
}

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

/** Endings worth compressing (text); images and fonts are compressed already. */
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.webmanifest', '.svg', '.txt']);
/** Below this, gzip saves nothing worth a header. */
const MIN_COMPRESS_BYTES = 256;
const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

interface Cached {
  mtimeMs: number;
  size: number;
  etag: string;
  body: Buffer;
  /** The gzip form: from the twin on disk or made here; null when not worth it. */
  gz: Buffer | null | undefined;
}

export async function uiAssets(app: FastifyInstance, options: UiAssetsOptions): Promise<void> {
  const root = resolve(options.root);
  const maxCached = options.maxCachedFileBytes ?? 2 * 1024 * 1024;
  const cache = new Map<string, Cached>();
  /** The Cache-Control each reply must leave with: a hook of the API sets `no-store` on every reply. */
  const cacheControl = new WeakMap<FastifyReply, string>();

  app.addHook('onSend', async (_request, reply, payload) => {
    const wanted = cacheControl.get(reply);
    if (wanted !== undefined) reply.header('cache-control', wanted);
    return payload;
  });

  async function load(file: string): Promise<Cached | undefined> {
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(file);
    } catch {
      return undefined;
    }
    if (!info.isFile()) return undefined;
    const hit = cache.get(file);
    if (hit !== undefined && hit.mtimeMs === info.mtimeMs && hit.size === info.size) return hit;
    const body = await readFile(file);
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
    const entry: Cached = { mtimeMs: info.mtimeMs, size: info.size, etag, body, gz: undefined };
    if (body.length <= maxCached) cache.set(file, entry);
    return entry;
  }

  async function gzipOf(file: string, entry: Cached): Promise<Buffer | null> {
    if (entry.gz !== undefined) return entry.gz;
    let gz: Buffer | null = null;
    if (entry.body.length >= MIN_COMPRESS_BYTES) {
      const twin = await load(`${file}.gz`);
      // A twin older than its file is from an earlier build: made again rather than trusted.
      gz = twin !== undefined && twin.mtimeMs >= entry.mtimeMs ? twin.body : await gzipAsync(entry.body);
      if (gz.length >= entry.body.length) gz = null;
    }
    entry.gz = gz;
    return gz;
  }

  async function send(
    request: FastifyRequest,
    reply: FastifyReply,
    file: string,
    entry: Cached,
    isPage: boolean,
  ) {
    const ext = extname(file);
    const immutable = !isPage && file.startsWith(join(root, 'assets') + sep);
    cacheControl.set(reply, immutable ? IMMUTABLE : REVALIDATE);
    reply.type(TYPES[ext] ?? 'application/octet-stream');
    reply.header('content-security-policy', pagePolicy(request.headers.host));
    let body = entry.body;
    let etag = entry.etag;
    if (COMPRESSIBLE.has(ext)) {
      reply.header('vary', 'accept-encoding');
      const gz = acceptsGzip(request.headers['accept-encoding']) ? await gzipOf(file, entry) : null;
      if (gz !== null) {
        body = gz;
        etag = `${entry.etag.slice(0, -1)}-gz"`;
        reply.header('content-encoding', 'gzip');
      }
    }
    reply.header('etag', etag);
    if (ifNoneMatch(request.headers['if-none-match'], etag)) return reply.code(304).send();
    reply.header('content-length', body.length);
    return reply.code(200).send(request.method === 'HEAD' ? undefined : body);
  }

  app.route({
    method: ['GET', 'HEAD'],
    url: '/*',
    config: { access: { who: 'anyone' }, beforeReady: true },
    handler: async (request, reply) => {
      const path = (request.params as { '*'?: string })['*'] ?? '';
      if (path === 'api' || path.startsWith('api/')) return reply.callNotFound();
      const file = fileFor(root, path);
      if (file !== undefined) {
        const entry = await load(file);
        if (entry !== undefined) return send(request, reply, file, entry, false);
      }
      // A path with an ending names a file, and it is not there: saying so beats sending the page.
      if (file === undefined || extname(path) !== '') return reply.callNotFound();
      const page = join(root, 'index.html');
      const entry = await load(page);
      if (entry === undefined) return reply.callNotFound();
      return send(request, reply, page, entry, true);
    },
  });
}

/**
 * The file a URL path names under `root`, or undefined when the path may not be served: one that
 * climbs out, holds a NUL or a backslash, names a dot-file, or asks for a gzip twin by its name.
 */
export function fileFor(root: string, urlPath: string): string | undefined {
  let path: string;
  try {
    path = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (path.includes('\0') || path.includes('\\')) return undefined;
  const parts = path.split('/').filter((p) => p !== '');
  if (parts.some((p) => p === '..' || p.startsWith('.'))) return undefined;
  if (path.endsWith('.gz')) return undefined;
  const file = resolve(root, ...(parts.length === 0 ? ['index.html'] : parts));
  return file === root || file.startsWith(root + sep) ? file : undefined;
}

/** Whether Accept-Encoding allows gzip (not refused with q=0). */
export function acceptsGzip(header: string | string[] | undefined): boolean {
  const value = Array.isArray(header) ? header.join(',') : (header ?? '');
  for (const part of value.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (name !== 'gzip' && name !== '*') continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  }
  return false;
}

function ifNoneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header.split(',').some((t) => {
    const tag = t.trim();
    return tag === '*' || tag === etag || tag === `W/${etag}`;
  });
}

/**
 * The page's Content-Security-Policy: everything from this node only. The event stream is a
 * WebSocket to the same host, which older browsers do not count as 'self', so it is named.
 */
export function pagePolicy(host: string | undefined): string {
  const h = host !== undefined && /^[A-Za-z0-9.\-[\]:]{1,255}$/.test(host) ? host : undefined;
  const connect = h === undefined ? "'self'" : `'self' ws://${h} wss://${h}`;
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src ${connect}`,
    "worker-src 'self'",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}
