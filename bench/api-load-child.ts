/**
 * Child process of the API benchmark (docs/api.md §Measured): the clients. Run apart from the
 * server, so that the server's process holds nothing but the node. Told a phase over IPC, it opens
 * `connections` keep-alive sockets (node:http, one Agent) and keeps one request in flight on each
 * for the warm-up and then the measured window, saying when the window opens and closes (the
 * parent reads its own CPU time then); then it answers the requests per second and the latencies
 * (from writing the request to the end of the reply) of the requests that ended in the window.
 *
 * Told a rate, it runs an open loop instead: requests start on a schedule of `ratePerSec`, whatever
 * the replies do, and each latency runs from the request's scheduled start (a request that waits
 * for a free connection waits on the clock), so that a slow reply cannot hide the ones it held up.
 * That reads the latency a route gives at a stated rate, where the closed loop reads it at the
 * most the machine can answer (docs/api.md §Measured).
 *
 * The requests go through the lean client (lean-http-client.ts), which leaves the server more of
 * the cores they share, or through node:http's Agent when the phase asks for it.
 */
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { LeanPool, type LeanReply, requestBytes } from './lean-http-client.js';

export type Route = 'status' | 'reports-get' | 'reports-post';

export interface Phase {
  route: Route;
  port: number;
  origin: string;
  cookie: string;
  csrf: string;
  connections: number;
  warmUpMs: number;
  windowMs: number;
  /** Pages of GET /api/reports to cycle through. */
  pages: number;
  /** The area POSTed reports are for. */
  area: number;
  /** An open loop at this rate; absent, each connection keeps one request in flight. */
  ratePerSec?: number;
  /** The clients' HTTP: the lean client (default) or node:http's Agent. */
  client?: 'lean' | 'node-http';
}

export interface PhaseResult {
  route: Route;
  requests: number;
  /** Replies of 2xx in the window. */
  ok: number;
  /** Replies of 2xx per second. */
  perSec: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** Replies by status code, in the window. */
  statuses: Record<string, number>;
  /** Requests that failed without a reply. */
  failures: number;
  /** Why, by error code (ECONNRESET: the server closed the socket). */
  failureCodes: Record<string, number>;
  /** This process's CPU time in the window per request, ms. */
  clientCpuMs: number;
}

export type ChildMessage =
  | { type: 'window'; at: 'open' | 'close' }
  | { type: 'result'; result: PhaseResult }
  | { type: 'error'; message: string };

const send = (m: ChildMessage) => process.send?.(m);

process.on('disconnect', () => process.exit(0));
process.on('message', (m: { type: 'run'; phase: Phase } | { type: 'exit' }) => {
  if (m.type === 'exit') process.exit(0);
  run(m.phase).then(
    (result) => send({ type: 'result', result }),
    (err: unknown) => send({ type: 'error', message: err instanceof Error ? err.message : String(err) }),
  );
});

async function run(p: Phase): Promise<PhaseResult> {
  const http = p.client === 'node-http' ? nodeHttp(p) : lean(p);
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const failureCodes: Record<string, number> = {};
  let failures = 0;
  let page = 0;
  let n = 0;
  const start = performance.now();
  const open = start + p.warmUpMs;
  const close = open + p.windowMs;
  // The window opens and closes on timers, so that the parent's CPU readings bracket it.
  let cpuAtOpen = process.cpuUsage();
  let cpu = { user: 0, system: 0 };
  setTimeout(() => {
    cpuAtOpen = process.cpuUsage();
    send({ type: 'window', at: 'open' });
  }, p.warmUpMs);
  const closed = new Promise<void>((resolve) =>
    setTimeout(() => {
      cpu = process.cpuUsage(cpuAtOpen);
      send({ type: 'window', at: 'close' });
      resolve();
    }, p.warmUpMs + p.windowMs),
  );
  const one = (): Promise<LeanReply> => {
    const headers: Record<string, string> = { cookie: p.cookie, accept: 'application/json' };
    let body: string | undefined;
    let path = '/api/status';
    let method = 'GET';
    if (p.route === 'reports-get') path = `/api/reports?page=${(page++ % p.pages) + 1}&per_page=20`;
    if (p.route === 'reports-post') {
      method = 'POST';
      path = '/api/reports';
      body = JSON.stringify({
        stage: 'initial',
        hazard: 18,
        indicators: { affected: 10 + (n++ % 500), dead: 0 },
        area: p.area,
        note: '电话报告：山洪冲毁便桥',
      });
      headers.origin = p.origin;
      headers['x-csrf-token'] = p.csrf;
      headers['idempotency-key'] = randomUUID();
      headers['content-type'] = 'application/json';
    }
    return http.send(method, path, headers, body);
  };
  const record = (reply: LeanReply, latency: number) => {
    if ('error' in reply) {
      failures++;
      failureCodes[reply.error] = (failureCodes[reply.error] ?? 0) + 1;
    } else {
      statuses[reply.status] = (statuses[reply.status] ?? 0) + 1;
      latencies.push(latency);
    }
  };
  /** Requests one after another until the window closes; the replies that end in it are counted. */
  const loop = async () => {
    while (performance.now() < close) {
      const t = performance.now();
      const reply = await one();
      const end = performance.now();
      if (end >= open && end <= close) record(reply, end - t);
    }
  };
  /** Requests on a schedule until the window closes; those scheduled in it are counted, all awaited. */
  const paced = (rate: number) =>
    new Promise<void>((resolve) => {
      const interval = 1000 / rate;
      const inFlight = new Set<Promise<void>>();
      let k = 0;
      const tick = () => {
        const now = performance.now();
        for (let due = start + k * interval; due <= now && due < close; due = start + ++k * interval) {
          const scheduled = due;
          const sent = one().then((reply) => {
            if (scheduled >= open) record(reply, performance.now() - scheduled);
          });
          inFlight.add(sent);
          void sent.finally(() => inFlight.delete(sent));
        }
        if (start + k * interval >= close) {
          clearInterval(timer);
          void Promise.all(inFlight).then(() => resolve());
        }
      };
      const timer = setInterval(tick, 1);
    });
  await Promise.all([
    closed,
    ...(p.ratePerSec === undefined ? Array.from({ length: p.connections }, loop) : [paced(p.ratePerSec)]),
  ]);
  http.close();
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  const requests = latencies.length + failures;
  const ok = Object.entries(statuses).reduce(
    (sum, [code, count]) => sum + (code.startsWith('2') ? count : 0),
    0,
  );
  return {
    route: p.route,
    requests,
    ok,
    perSec: ok / (p.windowMs / 1000),
    p50: at(0.5),
    p90: at(0.9),
    p99: at(0.99),
    max: latencies[latencies.length - 1] ?? NaN,
    statuses,
    failures,
    failureCodes,
    clientCpuMs: requests > 0 ? (cpu.user + cpu.system) / 1000 / requests : NaN,
  };
}

interface Client {
  send(method: string, path: string, headers: Record<string, string>, body?: string): Promise<LeanReply>;
  close(): void;
}

function lean(p: Phase): Client {
  const pool = new LeanPool('127.0.0.1', p.port, p.connections);
  const host = `127.0.0.1:${p.port}`;
  return {
    send: (method, path, headers, body) =>
      pool.request(requestBytes(method, path, { host, ...headers }, body)),
    close: () => pool.destroy(),
  };
}

function nodeHttp(p: Phase): Client {
  const agent = new Agent({ keepAlive: true, maxSockets: p.connections, maxFreeSockets: p.connections });
  const base = { host: '127.0.0.1', port: p.port, agent };
  return {
    send: (method, path, headers, body) =>
      new Promise((resolve) => {
        const all =
          body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) };
        const req = request({ ...base, method, path, headers: all }, (res) => {
          res.on('data', () => {});
          res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
          res.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
        });
        req.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
        req.end(body);
      }),
    close: () => agent.destroy(),
  };
}
