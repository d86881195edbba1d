/**
 * The API client over real HTTP on 127.0.0.1 (docs/ui.md §Nothing typed is lost): what a write
 * sends, how the API's error shape becomes an ApiFailure with its code, and that a kit that cannot
 * be reached is a network failure, not an answer.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiClient, ApiFailure } from './api-client.js';

let server: Server | undefined;

afterEach(async () => {
  await new Promise<void>((ok) => (server ? server.close(() => ok()) : ok()));
  server = undefined;
});

async function serve(
  answer: (
    req: IncomingMessage,
    body: string,
  ) => { status: number; body?: unknown; headers?: Record<string, string> },
) {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      const a = answer(req, body);
      res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers });
      res.end(a.body === undefined ? '' : JSON.stringify(a.body));
    });
  });
  const s = server;
  await new Promise<void>((ok) => s.listen(0, '127.0.0.1', ok));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
}

describe('ApiClient', () => {
  it('sends the idempotency key, the CSRF token and the JSON body with a write', async () => {
    const seen: Array<{ headers: IncomingMessage['headers']; body: string; method?: string }> = [];
    const base = await serve((req, body) => {
      seen.push({ headers: req.headers, body, ...(req.method ? { method: req.method } : {}) });
      return { status: 201, body: { ok: 1 }, headers: { 'idempotent-replayed': 'true' } };
    });
    const api = new ApiClient({ base });
    api.csrfToken = 'tok';
    const r = await api.write('POST', '/api/reports', { stage: 'initial' }, 'key-12345678');
    expect(r).toEqual({ status: 201, body: { ok: 1 }, replayed: true });
    expect(seen[0]?.method).toBe('POST');
    expect(seen[0]?.headers['idempotency-key']).toBe('key-12345678');
    expect(seen[0]?.headers['x-csrf-token']).toBe('tok');
    expect(seen[0]?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(seen[0]?.body ?? '')).toEqual({ stage: 'initial' });
  });

  it('sends a dry run with the CSRF token and no idempotency key', async () => {
    const seen: IncomingMessage['headers'][] = [];
    const base = await serve((req) => {
      seen.push(req.headers);
      return { status: 200, body: { bytes: 49, links: [] } };
    });
    const api = new ApiClient({ base });
    api.csrfToken = 'tok';
    expect(await api.dryRun('/api/reports/preview', { stage: 'initial' })).toEqual({ bytes: 49, links: [] });
    expect(seen[0]?.['x-csrf-token']).toBe('tok');
    expect(seen[0]).not.toHaveProperty('idempotency-key');
  });

  it('turns the API error shape into a failure with its code, problems and wait', async () => {
    const base = await serve(() => ({
      status: 400,
      body: {
        code: 'REPORT_REJECTED',
        message: 'the report was not filed',
        problems: [
          { field: 'explanations.dead', code: 'REPORT_EXPLANATION_MISSING', message: 'why', zh: '原因' },
        ],
        retryAfterMs: 1500,
      },
    }));
    const err = await new ApiClient({ base }).get('/api/x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiFailure);
    const f = err as ApiFailure;
    expect([f.status, f.code, f.network, f.retryAfterMs]).toEqual([400, 'REPORT_REJECTED', false, 1500]);
    expect(f.problems[0]?.field).toBe('explanations.dead');
  });

  it('says "network" when nothing answers, and when the answer is too late', async () => {
    const closed = await serve(() => ({ status: 200 }));
    await new Promise<void>((ok) => server?.close(() => ok()));
    server = undefined;
    const down = await new ApiClient({ base: closed }).get('/api/health').catch((e: unknown) => e);
    expect((down as ApiFailure).network).toBe(true);
    expect((down as ApiFailure).status).toBe(0);

    server = createServer(() => {
      // Never answers: a kit that hangs.
    });
    await new Promise<void>((ok) => server?.listen(0, '127.0.0.1', ok));
    const slow = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const late = await new ApiClient({ base: slow, timeoutMs: 200 })
      .get('/api/health')
      .catch((e: unknown) => e);
    expect((late as ApiFailure).network).toBe(true);
    server.closeAllConnections();
  });
});
