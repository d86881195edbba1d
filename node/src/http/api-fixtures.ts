/**
 * What the API's tests stand the server on (docs/api.md §Wiring): people with PINs behind the real
 * permission table, an in-memory ReportsService that keeps the service's contract (filing found
 * again after a cut-short attempt), an audit sink that remembers, a node status, and a small HTTP
 * client over node:http with a cookie jar, so that every test speaks real HTTP on 127.0.0.1.
 */
import { request as httpRequest } from 'node:http';
import type { NodeStatus } from '../app-contract.js';
import { silentLogger } from '../base/logger.js';
import type { AuditDraft, AuditEntry, AuditSink } from '../domain/audit/audit-entry.js';
import { countyTime } from '../domain/county-time.js';
import { aggregate } from '../domain/reports/aggregate.js';
import {
  compareVersions,
  type Incident,
  incidentArea,
  isExercise,
  type ReportVersion,
} from '../domain/reports/incident.js';
import { overdueList } from '../domain/reports/reminders.js';
import { DEFAULT_REPORT_RULES } from '../domain/reports/report-rules.js';
import type { Person } from '../domain/roster/person.js';
import type { MessageMeta } from '../store/records.js';
import type { ReportBody } from '../wire/kinds/report.js';
import type { ApiServerDeps } from './api-deps.js';
import { ApiError } from './api-errors.js';
import { type ApiServer, createApiServer } from './api-server.js';
import { EventFeed } from './event-hub.js';
import { DEFAULT_HTTP_CONFIG, type HttpConfig } from './http-config.js';
import { type ApiPerson, type PermissionScope, withinScope } from './people-directory.js';
import type {
  FiledReport,
  FilingMark,
  OverdueReport,
  ReportDraftInput,
  ReportPage,
  ReportPreview,
  ReportSummary,
  ReportsService,
  TotalsLevel,
  TotalsReport,
} from './reports-service.js';
import { rosterPeople } from './roster-people.js';

export const VILLAGE = 430121101201;
export const OTHER_VILLAGE = 430121101202;
export const NODE_ID = 2107;

/** 1 an information officer of the village, 2 a grid member, 3 the county duty officer, 4 an officer of another village. */
export const PEOPLE: Person[] = [
  { id: 1, name: '张伟', roles: ['info-officer'], areas: [VILLAGE] },
  { id: 2, name: '李娜', roles: ['grid-member'], areas: [VILLAGE] },
  { id: 3, name: '王强', roles: ['duty-officer'], areas: [430121] },
  { id: 4, name: '赵敏', roles: ['info-officer'], areas: [OTHER_VILLAGE] },
];
export const PIN = '482913';

/** The people of `people` as it is at each call (a test may change it), all with PIN `pin`. */
export function testPeople(people: Person[] = PEOPLE, pin = PIN) {
  const get = (id: number) => people.find((p) => p.id === id);
  return rosterPeople({
    get,
    checkPin: async (id, given) => {
      await new Promise((r) => setImmediate(r));
      return get(id) !== undefined && given === pin;
    },
  });
}

export class MemoryAudit implements AuditSink {
  readonly entries: AuditDraft[] = [];
  async append(draft: AuditDraft): Promise<AuditEntry> {
    this.entries.push(draft);
    return { ...draft, seq: this.entries.length, at: Date.now(), node: NODE_ID, prev: '', hash: '' };
  }
}

/**
 * Reports kept in memory, as the service contract asks: a draft with a stage other than 初报 needs
 * an incident; `failAfterFiling` makes the next filing throw after it was made (a node that stopped
 * before it could answer). The overdue list and the totals are the domain's own over the incidents
 * rebuilt from the reports, under the national rules; a preview is a stand-in (no encoder, no
 * routes): about the size a report of that note and figures has, on the links of `nodeStatus()`.
 */
export class MemoryReports implements ReportsService {
  readonly filed: Array<{ report: ReportSummary; draft: string }> = [];
  failAfterFiling = false;
  #seq = 300;
  readonly #feed: EventFeed | undefined;

  constructor(feed?: EventFeed) {
    this.#feed = feed;
  }

  defaultArea(): number | undefined {
    return VILLAGE;
  }

  async filingMark(): Promise<FilingMark> {
    return { seq: this.#seq };
  }

  async file(draft: ReportDraftInput, by: ApiPerson, earlier?: FilingMark): Promise<FiledReport> {
    const key = JSON.stringify({ draft, by: by.id });
    if (earlier !== undefined) {
      const after = (earlier as { seq: number }).seq;
      const found = this.filed.find((f) => Number(f.report.id.split('/')[1]) > after && f.draft === key);
      if (found) return { report: found.report, unexplained: [] };
    }
    check(draft);
    const seq = ++this.#seq;
    const id = `${NODE_ID}/${seq}`;
    const report: ReportSummary = {
      id,
      incidentId: draft.incident ?? id,
      stage: draft.stage,
      version: draft.stage === 'initial' ? 1 : 2,
      origin: NODE_ID,
      hazard: draft.hazard ?? 18,
      area: draft.area ?? VILLAGE,
      createdAt: Date.now(),
      clockUntrusted: false,
      recordedAt: Date.now(),
      exercise: draft.exercise === true,
      reporter: by.id,
      indicators: { ...draft.indicators },
      ...(draft.note === undefined ? {} : { note: draft.note }),
      ...(draft.began === undefined ? {} : { began: draft.began }),
    };
    this.filed.push({ report, draft: key });
    this.#feed?.emit({ type: 'report', report });
    if (this.failAfterFiling) {
      this.failAfterFiling = false;
      throw new Error('the node stopped before it answered');
    }
    return { report, unexplained: [] };
  }

  async list(q: { scope: PermissionScope; offset: number; limit: number }): Promise<ReportPage> {
    const all = this.filed
      .map((f) => f.report)
      .filter((r) => withinScope(q.scope, r.area))
      .reverse();
    return { items: all.slice(q.offset, q.offset + q.limit), total: all.length };
  }

  async get(id: string): Promise<ReportSummary | undefined> {
    return this.filed.find((f) => f.report.id === id)?.report;
  }

  async exportCsv(scope: PermissionScope): Promise<string> {
    const rows = this.filed.map((f) => f.report).filter((r) => withinScope(scope, r.area));
    return `\uFEFF灾害过程编号,受灾人口(人)\r\n${rows.map((r) => `${r.incidentId},${r.indicators.affected ?? ''}\r\n`).join('')}`;
  }

  async preview(draft: ReportDraftInput): Promise<ReportPreview> {
    check(draft);
    const bytes = 24 + Buffer.byteLength(draft.note ?? '') + 3 * Object.keys(draft.indicators).length;
    const now = Date.now();
    return {
      bytes,
      links: [
        {
          link: 'mesh0',
          costClass: 'mesh',
          up: true,
          dueNow: true,
          dueAt: now,
          bytes: bytes + 5,
          frames: 1,
          billed: false,
          credits: 0,
        },
        {
          link: 'sbd0',
          costClass: 'satellite',
          up: false,
          dueNow: false,
          dueAt: now + 300_000,
          bytes,
          frames: 1,
          billed: true,
          credits: Math.max(1, Math.ceil(bytes / 50)),
        },
      ],
    };
  }

  async overdue(q: { scope: PermissionScope; exercise: boolean }): Promise<OverdueReport> {
    const now = Date.now();
    const rules = DEFAULT_REPORT_RULES;
    const items = overdueList(this.#incidents(q), rules, now).map((o) => ({
      incidentId: o.incidentId,
      duty: o.duty,
      due: o.since,
      dueLocal: countyTime(rules.timeZone).formatIso(o.since),
      missed: o.missed,
      overdueMs: o.overdueMs,
      ...(o.node === undefined ? {} : { node: o.node }),
      ...(o.area === undefined ? {} : { area: o.area }),
      ...(o.hazard === undefined ? {} : { hazard: o.hazard }),
    }));
    return { at: now, timeZone: rules.timeZone, items };
  }

  async totals(q: { scope: PermissionScope; level: TotalsLevel; exercise: boolean }): Promise<TotalsReport> {
    const items = aggregate(this.#incidents(q), q.level, { exercise: q.exercise }).map((t) => ({
      ...(t.area === undefined ? {} : { area: t.area }),
      incidents: t.incidents,
      figures: { ...(t.figures as Record<string, number>) },
    }));
    return { level: q.level, exercise: q.exercise, items };
  }

  /** The incidents the reports filed here make, within `scope`: the drill's or the real ones. */
  #incidents(q: { scope: PermissionScope; exercise: boolean }): Incident[] {
    const byId = new Map<string, ReportSummary[]>();
    for (const { report } of this.filed)
      byId.set(report.incidentId, [...(byId.get(report.incidentId) ?? []), report]);
    return [...byId]
      .map(
        ([id, reports]): Incident => ({
          id,
          type: 'natural',
          versions: reports.map(versionOfSummary).sort(compareVersions),
        }),
      )
      .filter((i) => isExercise(i) === q.exercise && withinScope(q.scope, incidentArea(i)));
  }
}

/** The one rule the memory service checks: a 续报 or 核报 names its incident. */
function check(draft: ReportDraftInput): void {
  if (draft.stage !== 'initial' && draft.incident === undefined)
    throw new ApiError('REPORT_REJECTED', 'the report was not filed: stage: a 续报 needs its incident', {
      problems: [
        {
          field: 'incident',
          code: 'REPORT_STAGE_INVALID',
          message: 'name the incident',
          zh: '请选择灾害过程',
        },
      ],
    });
}

function versionOfSummary(r: ReportSummary): ReportVersion {
  const [origin, seq] = r.id.split('/').map(Number) as [number, number];
  return {
    origin,
    seq,
    createdAt: r.createdAt,
    clockUntrusted: r.clockUntrusted,
    exercise: r.exercise,
    recordedAt: r.recordedAt,
    ...(r.area === undefined ? {} : { area: r.area }),
    body: { stage: r.stage, hazard: r.hazard, indicators: r.indicators } as ReportBody,
  };
}

export function nodeStatus(over: Partial<NodeStatus> = {}): NodeStatus {
  return {
    node: { id: NODE_ID, role: 'kit', name: '青龙村应急点' },
    startedAt: 1_780_000_000_000,
    clock: { now: Date.now(), trusted: true, source: 'gps' },
    links: [
      {
        id: 'mesh0',
        kind: 'meshtastic',
        state: { status: 'up', since: 1 },
        counters: { txFrames: 3, rxFrames: 4, txBytes: 100, rxBytes: 120, errors: 0 },
      },
      {
        id: 'sbd0',
        kind: 'iridium-sbd',
        state: { status: 'down', reason: 'no-service', since: 2 },
        counters: { txFrames: 1, rxFrames: 0, txBytes: 50, rxBytes: 0, errors: 1, credits: 1 },
        satellite: { budget: { usedDay: 1, perDay: 20, usedIncident: 1, left: 19 } },
      },
    ],
    queue: { mesh0: 2, sbd0: 1 },
    ...over,
  };
}

export interface TestApi {
  server: ApiServer;
  deps: ApiServerDeps;
  origin: string;
  client(): ApiClient;
  reports: MemoryReports;
  audit: MemoryAudit;
  feed: EventFeed;
}

/** Starts an API on 127.0.0.1, port 0, over `dataDir`, with the fixtures above unless `over` replaces them. */
export async function startTestApi(dataDir: string, over: Partial<ApiServerDeps> = {}): Promise<TestApi> {
  const feed = (over.events as EventFeed | undefined) ?? new EventFeed();
  const reports = (over.reports as MemoryReports | undefined) ?? new MemoryReports(feed);
  const audit = (over.audit as MemoryAudit | undefined) ?? new MemoryAudit();
  const config: HttpConfig = { ...DEFAULT_HTTP_CONFIG, listen: { host: '127.0.0.1', port: 0 } };
  const messages = new Map<string, MessageMeta>();
  const deps: ApiServerDeps = {
    config,
    dataDir,
    node: { id: NODE_ID, role: 'kit' },
    version: '0.1.0-test',
    status: () => nodeStatus(),
    message: async (id) => messages.get(id),
    reports,
    people: testPeople(),
    audit,
    events: feed,
    log: silentLogger,
    // PIN delays are counted, not waited for, unless a test gives its own timer.
    pinDelay: { sleep: async () => {} },
    ...over,
  };
  const server = createApiServer(deps);
  await server.start();
  const port = server.address?.port as number;
  const origin = `http://127.0.0.1:${port}`;
  return { server, deps, origin, client: () => new ApiClient(port, origin), reports, audit, feed };
}

export interface ApiResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: a test reads whatever JSON came back.
  json: any;
}

/** A browser's view of the API: keeps its cookie, sends its page's Origin with writes. */
export class ApiClient {
  readonly port: number;
  origin: string;
  /** The client's own address: 127.0.0.2 is another device, as far as the server can tell. */
  localAddress = '127.0.0.1';
  cookie: string | undefined;
  csrf: string | undefined;

  constructor(port: number, origin: string) {
    this.port = port;
    this.origin = origin;
  }

  request(
    method: string,
    path: string,
    o: { body?: unknown; raw?: Buffer | string; headers?: Record<string, string>; key?: string | null } = {},
  ): Promise<ApiResponse> {
    const write = ['POST', 'PUT', 'PATCH', 'DELETE'].includes(method);
    const headers: Record<string, string> = {};
    if (write) headers.origin = this.origin;
    if (write && this.csrf) headers['x-csrf-token'] = this.csrf;
    if (write && o.key !== null)
      headers['idempotency-key'] = o.key ?? `key-${Math.random().toString(36).slice(2)}`;
    if (this.cookie) headers.cookie = this.cookie;
    let payload: Buffer | undefined;
    if (o.raw !== undefined) payload = Buffer.from(o.raw);
    else if (o.body !== undefined) {
      payload = Buffer.from(JSON.stringify(o.body));
      headers['content-type'] = 'application/json';
    }
    if (payload !== undefined) headers['content-length'] = String(payload.length);
    Object.assign(headers, o.headers);
    for (const [k, v] of Object.entries(headers)) if (v === '') delete headers[k];
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        // A connection per request: a refused body may leave a kept-alive socket closing under the next one.
        {
          host: '127.0.0.1',
          localAddress: this.localAddress,
          port: this.port,
          method,
          path,
          headers,
          agent: false,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const setCookie = res.headers['set-cookie'];
            for (const c of setCookie ?? []) {
              const pair = c.split(';')[0] as string;
              this.cookie = pair.endsWith('=') ? undefined : pair;
            }
            let json: unknown;
            try {
              json = JSON.parse(text);
            } catch {
              json = undefined;
            }
            resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** Signs in and keeps the session's CSRF token. */
  async signIn(person: number, pin = PIN): Promise<ApiResponse> {
    const res = await this.request('POST', '/api/session', { body: { person, pin } });
    if (res.status === 200) this.csrf = res.json.csrfToken;
    return res;
  }
}
