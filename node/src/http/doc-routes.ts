/**
 * The API's description (docs/api.md §Documentation): GET /api/openapi.json, made from the routes
 * (openapi.ts), and GET /api/docs, a small page of our own that lists the routes from it, served
 * by the node itself: nothing comes from a CDN, so it works on a kit with no internet.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { RouteCatalogue } from './openapi.js';

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>fieldnode API</title><link rel="stylesheet" href="/api/docs/docs.css"></head>
<body><main id="main"><h1>fieldnode API</h1><p id="state">Loading /api/openapi.json…</p></main>
<script src="/api/docs/docs.js"></script></body></html>
`;

const STYLE = `body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#1b1b1b;background:#fafafa}
main{max-width:60rem;margin:auto;padding:1rem}h1{font-size:1.5rem}h2{font-size:1.1rem;margin-top:2rem}
details{background:#fff;border:1px solid #ddd;border-radius:6px;margin:.5rem 0;padding:.4rem .8rem}
summary{cursor:pointer}code,pre{font:13px ui-monospace,monospace}pre{overflow:auto;background:#f3f3f3;padding:.5rem}
.m{display:inline-block;min-width:4.5rem;font-weight:600}.GET{color:#05668d}.POST{color:#2a7221}.DELETE{color:#a4161a}
.access{color:#666;font-size:.85em;margin-left:.5rem}`;

const SCRIPT = `(async function () {
  const main = document.getElementById('main');
  const state = document.getElementById('state');
  const el = (tag, text, cls) => { const e = document.createElement(tag); if (text !== undefined) e.textContent = text; if (cls) e.className = cls; return e; };
  let doc;
  try { doc = await (await fetch('/api/openapi.json')).json(); } catch (e) { state.textContent = 'Cannot load /api/openapi.json: ' + e; return; }
  state.textContent = doc.info.description + ' Version ' + doc.info.version + '.';
  const byTag = new Map();
  for (const [path, ops] of Object.entries(doc.paths)) for (const [method, op] of Object.entries(ops)) {
    const tag = (op.tags && op.tags[0]) || 'other';
    if (!byTag.has(tag)) byTag.set(tag, []);
    byTag.get(tag).push([method.toUpperCase(), path, op]);
  }
  for (const [tag, ops] of byTag) {
    main.appendChild(el('h2', tag));
    for (const [method, path, op] of ops) {
      const d = el('details'); const s = el('summary');
      s.appendChild(el('span', method, 'm ' + method)); s.appendChild(el('code', path));
      s.appendChild(el('span', ' ' + (op.summary || ''))); s.appendChild(el('span', op['x-access'], 'access'));
      d.appendChild(s);
      if (op.description) d.appendChild(el('p', op.description));
      for (const p of op.parameters || []) d.appendChild(el('p', p.in + ' ' + p.name + (p.required ? ' (required)' : '') + (p.description ? ': ' + p.description : '')));
      if (op.requestBody) { d.appendChild(el('h3', 'Request body')); d.appendChild(el('pre', JSON.stringify(op.requestBody.content['application/json'].schema, null, 2))); }
      for (const [status, r] of Object.entries(op.responses || {})) {
        d.appendChild(el('h3', status + ' ' + r.description));
        const c = r.content && Object.values(r.content)[0];
        if (c && status.startsWith('2')) d.appendChild(el('pre', JSON.stringify(c.schema, null, 2)));
      }
      main.appendChild(d);
    }
  }
})();
`;

export function docRoutes(server: FastifyInstance, catalogue: RouteCatalogue, version: string): void {
  const app = server.withTypeProvider<TypeBoxTypeProvider>();
  const open = { access: { who: 'anyone' as const }, beforeReady: true };
  const csp =
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; frame-ancestors 'none'";
  let described: unknown;
  const text =
    (body: () => string, type: string, extra: Record<string, string> = {}) =>
    async (_request: unknown, reply: FastifyReply) =>
      reply.type(type).headers(extra).send(body());
  app.get(
    '/api/openapi.json',
    { config: open, schema: { summary: 'This description', tags: ['documentation'] } },
    async () => {
      described ??= catalogue.openApi({ version });
      return described;
    },
  );
  app.get(
    '/api/docs',
    { config: open, schema: { summary: 'The API’s documentation page', tags: ['documentation'] } },
    text(() => PAGE, 'text/html; charset=utf-8', { 'content-security-policy': csp }),
  );
  app.get(
    '/api/docs/docs.js',
    { config: open, schema: { tags: ['documentation'] } },
    text(() => SCRIPT, 'text/javascript; charset=utf-8'),
  );
  app.get(
    '/api/docs/docs.css',
    { config: open, schema: { tags: ['documentation'] } },
    text(() => STYLE, 'text/css; charset=utf-8'),
  );
}
