import { createHash } from 'node:crypto';
import { type FileHandle, mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AjvModule from 'ajv';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../base/logger.js';
import { IncidentBook } from '../domain/reports/incident-book.js';
import { R1_AT, reportMessage } from '../domain/reports/incident-fixtures.js';
import { MemoryIncidentLedger } from '../domain/reports/incident-ledger.js';
import type { ApiServerDeps } from './api-deps.js';
import { type ApiClient, MemoryReports, startTestApi, type TestApi } from './api-fixtures.js';
import type { ApiPerson } from './people-directory.js';
import { ReportsAdapter } from './reports-adapter.js';
import type { FilingMark, ReportDraftInput } from './reports-service.js';
import { ReportPage } from './schemas/report-schemas.js';

let dir: string;
let api: TestApi;
let officer: ApiClient;

async function start(over: Partial<ApiServerDeps> = {}) {
  api = await startTestApi(dir, over);
  api.server.markReady();
  officer = api.client();
  await officer.signIn(1);
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-api-reports-'));
});

afterEach(async () => {
  await api.server.stop();
  await rm(dir, { recursive: true, force: true });
});

const draft = { stage: 'initial', hazard: 18, indicators: { affected: 1250, dead: 2 }, note: '山洪' };

describe('filing', () => {
  it('files a 初报 as the person signed in, answers 201 with where to follow its delivery, and audits it', async () => {
    await start();
    const res = await officer.request('POST', '/api/reports', { body: draft });
    expect(res.status).toBe(201);
    expect(res.json.report).toMatchObject({
      id: '2107/301',
      stage: 'initial',
      reporter: 1,
      indicators: { affected: 1250, dead: 2 },
    });
    expect(res.json.message).toEqual({ id: '2107/301', href: '/api/messages/2107/301' });
    expect(api.audit.entries).toContainEqual({
      actor: 1,
      action: 'report.filed',
      subject: '2107/301',
      details: { incident: '2107/301', stage: 'initial', version: 1, area: 430121101201 },
    });
  });

  it('answers a report the domain refuses with 400 REPORT_REJECTED and every problem, in both languages', async () => {
    await start();
    const res = await officer.request('POST', '/api/reports', { body: { ...draft, stage: 'update' } });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({
      code: 'REPORT_REJECTED',
      problems: [
        {
          field: 'incident',
          code: 'REPORT_STAGE_INVALID',
          message: 'name the incident',
          zh: '请选择灾害过程',
        },
      ],
    });
  });
});

describe('reading', () => {
  it('lists newest first, page by page, with the total', async () => {
    await start();
    for (let i = 0; i < 5; i++)
      await officer.request('POST', '/api/reports', { body: { ...draft, indicators: { affected: i } } });
    const first = await officer.request('GET', '/api/reports?page=1&per_page=2');
    expect(first.json.page).toEqual({ page: 1, perPage: 2, total: 5 });
    expect(first.json.items.map((r: { id: string }) => r.id)).toEqual(['2107/305', '2107/304']);
    const last = await officer.request('GET', '/api/reports?page=3&per_page=2');
    expect(last.json.items.map((r: { id: string }) => r.id)).toEqual(['2107/301']);
  });

  it('writes a page of the reports the book holds in the shape its schema declares, the same each time', async () => {
    const book = new IncidentBook({
      ledger: new MemoryIncidentLedger(),
      log: silentLogger,
      now: () => R1_AT,
    });
    const unused = () => {
      throw new Error('not used by the list');
    };
    const reports = new ReportsAdapter({
      book,
      core: { submit: unused, preview: unused },
      store: { getKv: unused, getMeta: unused, getFrame: unused },
      nodeId: 1,
      log: silentLogger,
    });
    await reports.recordDelivered(
      reportMessage(305, R1_AT, {
        stage: 'initial',
        indicators: { affected: 10 },
        note: '山洪 "冲毁" 便桥',
        cuts: ['road'],
      }),
    );
    await reports.recordDelivered(
      reportMessage(306, R1_AT + 60_000, { indicators: { affected: 900, dead: 1 } }),
    );
    await start({ reports });
    const duty = api.client();
    await duty.signIn(3);
    const res = await duty.request('GET', '/api/reports?page=1&per_page=20');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    const ajv = new AjvModule.default({ strict: false });
    expect(ajv.validate(ReportPage, res.json), JSON.stringify(ajv.errors)).toBe(true);
    const { items, total } = await reports.list({ scope: { all: true }, offset: 0, limit: 20 });
    expect(res.json).toEqual({ items, page: { page: 1, perPage: 20, total } });
    expect(res.json.items[1].note).toBe('山洪 "冲毁" 便桥');
    expect(res.json.items[0].changes).toEqual([
      { name: 'affected', before: 10, after: 900, change: 890 },
      { name: 'dead', after: 1, change: 1 },
    ]);
    expect((await duty.request('GET', '/api/reports?page=1&per_page=20')).text).toBe(res.text);
  });

  it('shows a person only the reports of their areas, and the duty officer all', async () => {
    await start();
    await officer.request('POST', '/api/reports', { body: draft });
    const other = api.client();
    await other.signIn(4);
    expect((await other.request('GET', '/api/reports')).json.page.total).toBe(0);
    expect((await other.request('GET', '/api/reports/2107/301')).status).toBe(404);
    const duty = api.client();
    await duty.signIn(3);
    expect((await duty.request('GET', '/api/reports')).json.page.total).toBe(1);
    expect((await duty.request('GET', '/api/reports/2107/301')).json.id).toBe('2107/301');
  });

  it('exports the CSV with a byte-order mark, as a download, and audits the export', async () => {
    await start();
    await officer.request('POST', '/api/reports', { body: draft });
    const res = await officer.request('GET', '/api/export/reports.csv');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="reports.csv"');
    expect(res.text.startsWith('\uFEFF灾害过程编号')).toBe(true);
    expect(res.text).toContain('2107/301,1250\r\n');
    expect(api.audit.entries.at(-1)).toEqual({
      actor: 1,
      action: 'report.exported',
      details: { format: 'csv', areas: [430121101201] },
    });
  });
});

describe('idempotency keys', () => {
  it('are required on every write', async () => {
    await start();
    const res = await officer.request('POST', '/api/reports', { body: draft, key: null });
    expect(res.status).toBe(400);
    expect(res.json.code).toBe('API_IDEMPOTENCY_KEY_MISSING');
    expect((await officer.request('POST', '/api/reports', { body: draft, key: 'short' })).status).toBe(400);
    expect(api.reports.filed).toHaveLength(0);
  });

  it('answer a repeat with the first reply and file once; refuse the key with another body (422)', async () => {
    await start();
    const first = await officer.request('POST', '/api/reports', { body: draft, key: 'form-0001' });
    const again = await officer.request('POST', '/api/reports', { body: draft, key: 'form-0001' });
    expect(again.status).toBe(201);
    expect(again.json).toEqual(first.json);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(api.reports.filed).toHaveLength(1);
    const other = await officer.request('POST', '/api/reports', {
      body: { ...draft, indicators: { affected: 1 } },
      key: 'form-0001',
    });
    expect(other.status).toBe(422);
    expect(other.json.code).toBe('API_IDEMPOTENCY_KEY_REUSED');
    expect(api.reports.filed).toHaveLength(1);
  });

  it('let a filing go on only once its pending record is synced, keep its done record too, and share syncs among filings made together', async () => {
    const synced = new Set<string>();
    let unsynced: string[] = [];
    let syncs = 0;
    const openFile = async (path: string, flags: string, mode?: number): Promise<FileHandle> => {
      const handle = await open(path, flags, mode);
      if (flags !== 'a') return handle;
      return new Proxy(handle, {
        get(target, prop) {
          if (prop === 'write')
            return async (data: string) => {
              for (const line of data.split('\n').filter((l) => l !== '')) {
                const r = JSON.parse(line) as { k: string; r?: unknown };
                unsynced.push(`${r.r === undefined ? 'pending' : 'done'} ${r.k}`);
              }
              return target.write(data);
            };
          if (prop === 'datasync')
            return async () => {
              const covered = unsynced;
              unsynced = [];
              await new Promise((r) => setTimeout(r, 2));
              await target.datasync();
              for (const l of covered) synced.add(l);
              syncs++;
            };
          const value = Reflect.get(target, prop, target);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
    };
    const N = 40;
    const keyHash = (i: number) =>
      createHash('sha256')
        .update(`report:1\0form-${1000 + i}`)
        .digest('base64url');
    const unsyncedAtFiling: number[] = [];
    class Watched extends MemoryReports {
      override async file(d: ReportDraftInput, by: ApiPerson, earlier?: FilingMark) {
        const i = d.indicators.affected as number;
        if (!synced.has(`pending ${keyHash(i)}`)) unsyncedAtFiling.push(i);
        return super.file(d, by, earlier);
      }
    }
    await start({ reports: new Watched(), openFile });
    const replies = await Promise.all(
      Array.from({ length: N }, (_, i) =>
        officer
          .request('POST', '/api/reports', {
            body: { ...draft, indicators: { affected: i } },
            key: `form-${1000 + i}`,
          })
          .then((res) => ({ res, done: synced.has(`done ${keyHash(i)}`) })),
      ),
    );
    expect(replies.map(({ res }) => res.status)).toEqual(replies.map(() => 201));
    expect(unsyncedAtFiling, 'filed before its pending record was synced').toEqual([]);
    // The reply need not wait for the done record (a retry after a crash resumes from the pending
    // mark: docs/api.md §Idempotency), but every done record is on disk soon after.
    await new Promise((r) => setTimeout(r, 200));
    expect(
      replies.flatMap((_, i) => (synced.has(`done ${keyHash(i)}`) ? [] : [i])),
      'done never synced',
    ).toEqual([]);
    // One sync per record would be 2 × 40.
    expect(syncs).toBeLessThan((2 * N) / 4);
  });

  it('keep a refusal too: the same refused draft is refused again without asking the domain', async () => {
    await start();
    const bad = { ...draft, stage: 'update' };
    await officer.request('POST', '/api/reports', { body: bad, key: 'form-0002' });
    const again = await officer.request('POST', '/api/reports', { body: bad, key: 'form-0002' });
    expect(again.status).toBe(400);
    expect(again.headers['idempotent-replayed']).toBe('true');
  });

  it('belong to one person: another person’s same key is a new request', async () => {
    await start();
    await officer.request('POST', '/api/reports', { body: draft, key: 'form-0003' });
    const duty = api.client();
    await duty.signIn(3);
    const res = await duty.request('POST', '/api/reports', { body: draft, key: 'form-0003' });
    expect(res.status).toBe(201);
    expect(res.headers['idempotent-replayed']).toBeUndefined();
    expect(api.reports.filed).toHaveLength(2);
  });

  it('answer 409 while the first request with the key still runs', async () => {
    let release: () => void = () => {};
    const slow = new MemoryReports();
    const file = slow.file.bind(slow);
    slow.file = async (d: ReportDraftInput, by: ApiPerson, earlier?: FilingMark) => {
      await new Promise<void>((r) => {
        release = r;
      });
      return file(d, by, earlier);
    };
    await start({ reports: slow });
    const first = officer.request('POST', '/api/reports', { body: draft, key: 'form-0004' });
    await new Promise((r) => setTimeout(r, 50));
    const during = await officer.request('POST', '/api/reports', { body: draft, key: 'form-0004' });
    expect(during.status).toBe(409);
    expect(during.json.code).toBe('API_IDEMPOTENCY_IN_PROGRESS');
    release();
    expect((await first).status).toBe(201);
    expect(slow.filed).toHaveLength(1);
  });

  it('survive a restart: the form sent again after the kit restarted gets the first reply, filed once', async () => {
    await start();
    const first = await officer.request('POST', '/api/reports', { body: draft, key: 'form-0005' });
    await api.server.stop();
    const fresh = new MemoryReports();
    await start({ reports: fresh });
    const again = await officer.request('POST', '/api/reports', { body: draft, key: 'form-0005' });
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json).toEqual(first.json);
    expect(fresh.filed).toHaveLength(0);
  });

  it('find a filing cut short by a restart instead of making it twice', async () => {
    const reports = new MemoryReports();
    reports.failAfterFiling = true; // the report is made, then the node stops before it answers
    await start({ reports });
    const cut = await officer.request('POST', '/api/reports', { body: draft, key: 'form-0006' });
    expect(cut.status).toBe(500);
    expect(cut.json.code).toBe('API_INTERNAL');
    await api.server.stop();
    await start({ reports }); // the same service: what it stored survived
    const again = await officer.request('POST', '/api/reports', { body: draft, key: 'form-0006' });
    expect(again.status).toBe(201);
    expect(again.json.report.id).toBe('2107/301');
    expect(reports.filed).toHaveLength(1);
    expect(api.audit.entries.at(-1)).toMatchObject({ action: 'report.filed', details: { resumed: true } });
  });
});
