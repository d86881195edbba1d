/**
 * The API benchmark (docs/api.md §Measured): a centre built as the daemon builds it, holding 10,000
 * reports and 200 warnings (api-centre.ts), answering 50 keep-alive connections of a signed-in duty
 * officer (a real session cookie and CSRF token) on 127.0.0.1, through the real server, guards,
 * session, schemas, store and incident book:
 *
 * - `GET /api/status`, `GET /api/reports?page=…` (pages of 20, cycled over the 10,000) and
 *   `POST /api/reports` (a 初报 phoned in, each with a fresh Idempotency-Key): replies per second
 *   and latency (p50, p99) of the replies that ended in an 8 s window after a 2 s warm-up;
 * - `POST /api/reports` once more as an open loop at its target rate, 500 a second (api-load-child.ts):
 *   the latency a filing gets at the rate the target names, where the closed loop above reads it at
 *   the most the machine can answer, its mean latency then being 50 ÷ that rate (Little's law);
 * - each twice: alone, and with the store benchmark's admission load (store-durable.ts
 *   concurrentDurable, round after round) running beside it in a third process;
 * - the CPU time per reply of the server's process (every thread: the event loop, LevelDB's and
 *   libuv's) and of the clients' process in the window, so that a reader can tell what one core
 *   could serve from what this machine, running both and the admission load, did serve.
 *
 * The clients speak HTTP through a lean client of their own (lean-http-client.ts), so that they
 * take as little as they can of the cores the server needs; `API_BENCH_CLIENT=node-http` runs them
 * on node:http's Agent instead, for a reading beside the figures taken with it.
 *
 * Three processes share the machine: the centre alone in one, started with the daemon's V8 flags
 * as `fieldnode start` runs (node-process.ts), the clients in another (api-load-child.ts), and,
 * beside, the admission load in a third (api-admission-child.ts).
 *
 * JSON (last line): `statusPerSec, statusP99Ms, reportsGetPerSec, reportsGetP99Ms,
 * postReportsPerSec, postReportsP99Ms` with the admission load beside, and
 * `postReportsAtTargetRate` (`perSec, p50Ms, p99Ms, maxMs` of the open loop); `alone` the same
 * without it; `phases` every reading in full; `admission` what the load achieved beside the API; `cores`,
 * `loadAverage`, `fill`.
 */
import { fork } from 'node:child_process';
import { request } from 'node:http';
import { availableParallelism, loadavg } from 'node:os';
import { CENTRE_NODE_FLAGS } from '../node/src/cli/node-flags.js';
import type { AdmissionRound } from './api-admission-child.js';
import { REPORTS, WARNINGS } from './api-centre.js';
import type { ChildMessage, Phase, PhaseResult, Route } from './api-load-child.js';
import { PIN, VILLAGE } from './http-node.js';
import { type NodeProcess, startNodeProcess } from './node-process.js';
import { printTable } from './table.js';

export const CONNECTIONS = 50;
export const WARM_UP_MS = 2000;
export const WINDOW_MS = 8000;
const DUTY_OFFICER = 3;
const ROUTES: Array<{ route: Route; name: string; targetPerSec: number; targetP99Ms: number }> = [
  { route: 'status', name: 'GET /api/status', targetPerSec: 5000, targetP99Ms: 20 },
  { route: 'reports-get', name: 'GET /api/reports?page=…', targetPerSec: 5000, targetP99Ms: 20 },
  { route: 'reports-post', name: 'POST /api/reports', targetPerSec: 500, targetP99Ms: 50 },
];

/**
 * The clients' HTTP: the lean client, or node:http's Agent for a reading beside an older one
 * (`API_BENCH_CLIENT=node-http`; docs/api.md §Measured).
 */
const CLIENT: 'lean' | 'node-http' = process.env.API_BENCH_CLIENT === 'node-http' ? 'node-http' : 'lean';

/** The filing's target rate, at which the open loop runs. */
const POST_TARGET_PER_SEC = 500;

export interface Reading extends PhaseResult {
  beside: boolean;
  /** Set for the open loop: the rate its requests were started at. */
  ratePerSec?: number;
  /** The server process's CPU time in the window per reply, ms. */
  serverCpuMs: number;
}

export async function runApiBench(json: boolean): Promise<void> {
  const loadBefore = loadavg();
  const centre = await startNodeProcess('centre');
  const clients = fork(new URL('./api-load-child.js', import.meta.url).pathname, [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const readings: Reading[] = [];
  const rounds: AdmissionRound[] = [];
  try {
    const session = await signIn(centre.port, centre.origin);
    const listed = await getJson(centre.port, '/api/reports?page=1&per_page=1', session.cookie);
    if (listed.page?.total < REPORTS) throw new Error(`the centre lists ${listed.page?.total} reports`);
    const base = {
      port: centre.port,
      origin: centre.origin,
      ...session,
      connections: CONNECTIONS,
      warmUpMs: WARM_UP_MS,
      windowMs: WINDOW_MS,
      pages: Math.floor(REPORTS / 20),
      area: VILLAGE,
      client: CLIENT,
    };
    for (const beside of [false, true]) {
      const admission = beside ? await startAdmission(rounds) : undefined;
      try {
        for (const { route } of ROUTES)
          readings.push({ ...(await phase(clients, centre, { ...base, route })), beside });
        const atRate = { ...base, route: 'reports-post' as const, ratePerSec: POST_TARGET_PER_SEC };
        readings.push({ ...(await phase(clients, centre, atRate)), beside, ratePerSec: POST_TARGET_PER_SEC });
      } finally {
        await admission?.stop();
      }
    }
  } finally {
    clients.send({ type: 'exit' });
    await centre.stop();
  }
  report(json, readings, rounds, { loadBefore, fill: centre.fill ?? {} });
}

/** Runs one phase in the clients' process, reading the server's CPU time as the window opens and closes. */
export async function phase(
  clients: ReturnType<typeof fork>,
  server: Pick<NodeProcess, 'cpuMs'>,
  p: Phase,
): Promise<Omit<Reading, 'beside'>> {
  let atOpen: Promise<number> | undefined;
  let atClose: Promise<number> | undefined;
  const result = await new Promise<PhaseResult>((resolve, reject) => {
    const on = (m: ChildMessage) => {
      if (m.type === 'window') {
        if (m.at === 'open') atOpen = server.cpuMs();
        else atClose = server.cpuMs();
        return;
      }
      clients.off('message', on);
      if (m.type === 'error') reject(new Error(`the clients: ${m.message}`));
      else resolve(m.result);
    };
    clients.on('message', on);
    clients.send({ type: 'run', phase: p });
  });
  if (atOpen === undefined || atClose === undefined)
    throw new Error('the clients never opened or closed the window');
  const cpuMs = (await atClose) - (await atOpen);
  return { ...result, serverCpuMs: cpuMs / Math.max(1, result.requests - result.failures) };
}

/** The admission load in its own process, on until stop() (which waits for its round to end). */
async function startAdmission(rounds: AdmissionRound[]): Promise<{ stop(): Promise<void> }> {
  const child = fork(new URL('./api-admission-child.js', import.meta.url).pathname, [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let ended = false;
  const exited = new Promise<void>((resolve) =>
    child.on('exit', () => {
      ended = true;
      resolve();
    }),
  );
  await new Promise<void>((resolve, reject) => {
    child.on('message', (m: { type: string; round?: AdmissionRound }) => {
      if (m.type === 'started') resolve();
      if (m.type === 'round' && m.round) rounds.push(m.round);
    });
    child.on('exit', (code) => reject(new Error(`the admission load exited (${code}) before it started`)));
  });
  // Its first round's node built and its warm-up under way: the load is on.
  await new Promise((r) => setTimeout(r, 1000));
  return {
    async stop() {
      if (ended) throw new Error('the admission load ended while the API was measured');
      child.send({ type: 'stop' });
      await exited;
    },
  };
}

interface Session {
  cookie: string;
  csrf: string;
}

/** Signs the duty officer in as the UI does: the session's cookie and its CSRF token. */
export async function signIn(port: number, origin: string): Promise<Session> {
  const body = JSON.stringify({ person: DUTY_OFFICER, pin: PIN });
  const res = await send(port, 'POST', '/api/session', {
    origin,
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
    'idempotency-key': `bench-sign-in-${Date.now()}`,
    body,
  });
  const cookie = (res.headers['set-cookie'] ?? [])[0]?.split(';')[0];
  const csrf = (JSON.parse(res.text) as { csrfToken?: string }).csrfToken;
  if (res.status !== 200 || cookie === undefined || csrf === undefined)
    throw new Error(`signing in: ${res.status} ${res.text}`);
  return { cookie, csrf };
}

// biome-ignore lint/suspicious/noExplicitAny: the bench reads whatever JSON came back.
async function getJson(port: number, path: string, cookie: string): Promise<any> {
  const res = await send(port, 'GET', path, { cookie });
  if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${res.text}`);
  return JSON.parse(res.text);
}

function send(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string> & { body?: string },
): Promise<{ status: number; headers: Record<string, string[] | string | undefined>; text: string }> {
  const { body, ...rest } = headers;
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers: rest, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text: Buffer.concat(chunks).toString(),
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * What the CPU time per reply allows, alone: the server's one event loop, and the machine's cores
 * shared by server and clients (the admission load aside).
 */
function ceilings(readings: Reading[], cores: number): string[] {
  return ROUTES.map(({ route, name, targetPerSec }) => {
    const r = readings.find((x) => x.route === route && !x.beside && x.ratePerSec === undefined) as Reading;
    const loop = 1000 / r.serverCpuMs;
    const machine = (cores * 1000) / (r.serverCpuMs + r.clientCpuMs);
    const bound = Math.min(loop, machine);
    const why =
      bound >= targetPerSec
        ? `the target fits; what is missing is lost to sharing ${cores} cores`
        : loop < targetPerSec
          ? `the server's own work per reply misses the target on any number of cores`
          : `${cores} cores shared with the clients cannot reach the target`;
    return (
      `${name}: ${round(r.serverCpuMs, 3)} ms of server CPU and ${round(r.clientCpuMs, 3)} ms of the clients' a reply: ` +
      `at most ${round(loop)}/s on the server's event loop, ${round(machine)}/s on ${cores} cores; ${why}.`
    );
  });
}

const round = (n: number, digits = 0) => (Number.isFinite(n) ? Number(n.toFixed(digits)) : null);

function report(
  json: boolean,
  readings: Reading[],
  rounds: AdmissionRound[],
  more: { loadBefore: number[]; fill: Record<string, number> },
): void {
  const find = (route: Route, beside: boolean, paced = false) =>
    readings.find(
      (r) => r.route === route && r.beside === beside && (r.ratePerSec !== undefined) === paced,
    ) as Reading;
  const headline = (beside: boolean) => ({
    statusPerSec: round(find('status', beside).perSec),
    statusP99Ms: round(find('status', beside).p99, 1),
    reportsGetPerSec: round(find('reports-get', beside).perSec),
    reportsGetP99Ms: round(find('reports-get', beside).p99, 1),
    postReportsPerSec: round(find('reports-post', beside).perSec),
    postReportsP99Ms: round(find('reports-post', beside).p99, 1),
    postReportsAtTargetRate: {
      perSec: round(find('reports-post', beside, true).perSec),
      p50Ms: round(find('reports-post', beside, true).p50, 1),
      p99Ms: round(find('reports-post', beside, true).p99, 1),
      maxMs: round(find('reports-post', beside, true).max, 1),
    },
  });
  const mean = (xs: number[]) => (xs.length === 0 ? Number.NaN : xs.reduce((a, b) => a + b, 0) / xs.length);
  const result = {
    ...headline(true),
    alone: headline(false),
    phases: readings.map((r) => ({
      route: r.route,
      beside: r.beside,
      ...(r.ratePerSec === undefined ? {} : { ratePerSec: r.ratePerSec }),
      perSec: round(r.perSec),
      p50Ms: round(r.p50, 2),
      p90Ms: round(r.p90, 2),
      p99Ms: round(r.p99, 2),
      maxMs: round(r.max, 1),
      replies: r.requests - r.failures,
      statuses: r.statuses,
      failures: r.failures,
      failureCodes: r.failureCodes,
      serverCpuMsPerReply: round(r.serverCpuMs, 3),
      clientCpuMsPerReply: round(r.clientCpuMs, 3),
    })),
    admission: {
      rounds: rounds.length,
      admittedPerSec: round(mean(rounds.map((r) => r.admittedPerSec))),
      p99Ms: round(mean(rounds.map((r) => r.p99)), 1),
    },
    connections: CONNECTIONS,
    client: CLIENT,
    reports: REPORTS,
    warnings: WARNINGS,
    cores: availableParallelism(),
    daemonFlags: CENTRE_NODE_FLAGS,
    loadAverage: {
      before: more.loadBefore.map((l) => round(l, 2)),
      after: loadavg().map((l) => round(l, 2)),
    },
    fill: Object.fromEntries(Object.entries(more.fill).map(([k, v]) => [k, round(v)])),
  };
  if (json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  process.stdout.write(
    `api: a centre holding ${REPORTS} reports and ${WARNINGS} warnings, ${CONNECTIONS} keep-alive connections of a ` +
      `signed-in duty officer on 127.0.0.1 (${CLIENT === 'lean' ? 'the lean client' : "node:http's Agent"}), ` +
      `${WINDOW_MS / 1000} s after ${WARM_UP_MS / 1000} s of warm-up.\n` +
      `The centre runs alone in its process with the centre's V8 flags (${CENTRE_NODE_FLAGS.join(' ') || "V8's defaults"}; ` +
      'node/src/cli/node-flags.ts; `node dist/bench/api-flags.js` measures the kit’s). ' +
      `This machine has ${result.cores} cores for the server, the clients and (beside) the admission load together; ` +
      `load average before ${result.loadAverage.before.join(' ')}, after ${result.loadAverage.after.join(' ')}.\n` +
      `"per core" is 1000 / the server's CPU ms per reply: what one core given to the server alone would answer.\n\n`,
  );
  printTable(
    readings.map((r) => {
      const target = ROUTES.find((x) => x.route === r.route);
      return {
        route: `${target?.name ?? r.route}${r.ratePerSec === undefined ? '' : ` at ${r.ratePerSec}/s, open loop`}`,
        'admission load': r.beside ? 'beside' : 'none',
        'replies/s': round(r.perSec),
        'p50 ms': round(r.p50, 1),
        'p99 ms': round(r.p99, 1),
        target: `≥ ${target?.targetPerSec}/s, p99 ≤ ${target?.targetP99Ms}`,
        'server CPU ms/reply': round(r.serverCpuMs, 3),
        'per core/s': round(1000 / r.serverCpuMs),
        'client CPU ms/reply': round(r.clientCpuMs, 3),
        'not 2xx': r.requests - r.ok,
      };
    }),
  );
  process.stdout.write(`\n${ceilings(readings, result.cores).join('\n')}\n`);
  for (const r of readings.filter((x) => x.requests > x.ok)) {
    const name = ROUTES.find((x) => x.route === r.route)?.name;
    const codes = Object.entries({ ...r.statuses, ...r.failureCodes }).filter(([c]) => !c.startsWith('2'));
    process.stdout.write(
      `${name}${r.beside ? ', beside' : ''}: ${r.requests - r.ok} not answered 2xx: ${codes.map(([c, n]) => `${c} × ${n}`).join(', ')}` +
        `${r.failures > 0 ? ' (likely the server closing a kept-alive socket whose next request it had not read within its keep-alive timeout, 5 s, its event loop busy)' : ''}.\n`,
    );
  }
  process.stdout.write(
    `\nadmission load beside the API: ${result.admission.rounds} rounds, ${result.admission.admittedPerSec} admissions/s, ` +
      `p99 ${result.admission.p99Ms} ms (the store benchmark's own figures are for the machine alone).\n` +
      `fill: ledger ${result.fill.ledgerMs} ms, ${REPORTS} kit frames delivered over UDP in ${result.fill.deliverMs} ms ` +
      `(${result.fill.rejected} refused), ${WARNINGS} warnings in ${result.fill.warningsMs} ms.\n`,
  );
}
