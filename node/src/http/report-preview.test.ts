/**
 * POST /api/reports/preview over the real thing (docs/api.md §Before sending: the preview): a
 * kit's NodeCore on a real LevelDB store, its incident book on its ledger file, fake links to the centre
 * that declare a mesh (no bill) and a satellite (50 bytes a credit), the API on 127.0.0.1. The
 * preview tells the bytes, links and credits the report then really takes, the same problems
 * filing gives, and leaves no trace: no number, no message, no incident.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CENTRE, TestNetwork, type TestNode } from '../../test/integration/harness.js';
import { silentLogger } from '../base/logger.js';
import { IncidentBook } from '../domain/reports/incident-book.js';
import { FileIncidentLedger } from '../domain/reports/incident-file.js';
import { createFakeLinkPair } from '../link/fake-link.js';
import { HOP_TAGGED_OVERHEAD } from '../wire/hop-tagged.js';
import { type ApiClient, startTestApi, type TestApi, VILLAGE } from './api-fixtures.js';
import { ReportsAdapter } from './reports-adapter.js';

/** The file ledgers made here, closed after each test: each keeps its file open between writes. */
const ledgers: FileIncidentLedger[] = [];
function opened(ledger: FileIncidentLedger): FileIncidentLedger {
  ledgers.push(ledger);
  return ledger;
}

const KIT = 2107;
let net: TestNetwork;
let kit: TestNode;
let dataDir: string;
let api: TestApi;
let officer: ApiClient;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'fieldnode-api-preview-'));
  net = new TestNetwork();
  const [meshK, meshC] = createFakeLinkPair({ ids: ['mesh0', 'mesh@C'], from: ['K', 'C'] });
  const [satK, satC] = createFakeLinkPair({ ids: ['sat0', 'sat@C'], from: ['K', 'C'] });
  kit = await net.add({
    id: KIT,
    area: VILLAGE,
    links: [
      { link: meshK, costClass: 'mesh', neighbours: { C: CENTRE } },
      { link: satK, costClass: 'satellite', neighbours: { C: CENTRE } },
    ],
    routes: [
      { target: { to: 'centre' }, link: 'mesh0', nextHop: 'C', cost: 0, source: 'config' },
      { target: { to: 'centre' }, link: 'sat0', nextHop: 'C', cost: 0, source: 'config' },
    ],
  });
  for (const l of [meshK, meshC, satK, satC]) await l.start();
  await net.start();
  const adapter = new ReportsAdapter({
    book: new IncidentBook({
      ledger: opened(new FileIncidentLedger(join(dataDir, 'incidents.jsonl'))),
      kitArea: (node) => (node === KIT ? VILLAGE : undefined),
      log: silentLogger,
    }),
    core: kit.core,
    store: kit.store,
    nodeId: KIT,
    area: VILLAGE,
    log: silentLogger,
  });
  api = await startTestApi(dataDir, { reports: adapter, message: (id) => kit.store.getMeta(id) });
  api.server.markReady();
  officer = api.client();
  await officer.signIn(1);
});

afterEach(async () => {
  await api?.server.stop();
  for (const ledger of ledgers.splice(0)) await ledger.close();
  await net.stop();
  await rm(dataDir, { recursive: true, force: true });
});

const draft = { stage: 'initial', hazard: 18, indicators: { affected: 1250, dead: 2 }, note: '山洪' };

/** What the kit holds: its messages and its incidents' ledger. */
async function traces(): Promise<{ messages: string[]; seq: number | undefined; ledger: string }> {
  const messages: string[] = [];
  for await (const meta of kit.store.metas()) messages.push(meta.id);
  const ledger = await readFile(join(dataDir, 'incidents.jsonl'), 'utf8').catch(() => '');
  return { messages, seq: await kit.store.getKv<number>('seq'), ledger };
}

describe('the preview of a report', () => {
  it('tells the bytes, links and credits of the report that filing it then makes, and files nothing', async () => {
    const before = await traces();
    // No Idempotency-Key: it writes nothing.
    const res = await officer.request('POST', '/api/reports/preview', { body: draft, key: null });
    expect(res.status).toBe(200);
    const { bytes, links } = res.json;
    expect(links.map((l: { link: string }) => l.link)).toEqual(['mesh0', 'sat0']);
    expect(links[0]).toMatchObject({
      costClass: 'mesh',
      up: true,
      dueNow: true,
      billed: false,
      credits: 0,
      frames: 1,
      bytes: bytes + HOP_TAGGED_OVERHEAD,
    });
    expect(links[1]).toMatchObject({
      costClass: 'satellite',
      up: true,
      dueNow: false,
      billed: true,
      credits: Math.ceil(bytes / 50),
      bytes,
    });
    expect(await traces()).toEqual(before);

    const filed = await officer.request('POST', '/api/reports', { body: draft });
    expect(filed.status).toBe(201);
    expect((await kit.store.getFrame(filed.json.report.id))?.length).toBe(bytes);
  });

  it('answers a draft the domain refuses with the very 400 filing gives, field by field', async () => {
    const bad = { stage: 'update', incident: '2107/1', indicators: { injured: 1, seriouslyInjured: 5 } };
    const preview = await officer.request('POST', '/api/reports/preview', { body: bad, key: null });
    const filing = await officer.request('POST', '/api/reports', { body: bad });
    // No incident 2107/1 here: 404 from both.
    expect(preview.status).toBe(404);
    expect(preview.json).toEqual(filing.json);

    const inconsistent = { stage: 'initial', indicators: { injured: 1, seriouslyInjured: 5 } };
    const p = await officer.request('POST', '/api/reports/preview', { body: inconsistent, key: null });
    const f = await officer.request('POST', '/api/reports', { body: inconsistent });
    expect(p.status).toBe(400);
    expect(p.json).toEqual(f.json);
    expect(p.json.problems.map((x: { field: string; code: string }) => [x.field, x.code])).toEqual(
      expect.arrayContaining([
        ['hazard', 'REPORT_FIELD_INVALID'],
        ['indicators.seriouslyInjured', 'REPORT_FIGURES_INCONSISTENT'],
      ]),
    );
    // The schema's own refusals are the same too.
    const shape = { ...draft, indicators: { affected: '5' } };
    const ps = await officer.request('POST', '/api/reports/preview', { body: shape, key: null });
    const fs = await officer.request('POST', '/api/reports', { body: shape });
    expect(ps.status).toBe(400);
    expect(ps.json).toEqual(fs.json);
  });

  it('is a write all the same: the session’s CSRF token and a page of ours, and the area’s permission', async () => {
    const token = officer.csrf;
    officer.csrf = undefined;
    const noToken = await officer.request('POST', '/api/reports/preview', { body: draft, key: null });
    expect(noToken.json.code).toBe('API_CSRF_MISSING');
    officer.csrf = token;
    officer.origin = 'http://evil.example';
    const elsewhere = await officer.request('POST', '/api/reports/preview', { body: draft, key: null });
    expect(elsewhere.json.code).toBe('API_ORIGIN_REFUSED');
    officer.origin = api.origin;
    const outside = await officer.request('POST', '/api/reports/preview', {
      body: { ...draft, area: 430121101202 },
      key: null,
    });
    expect(outside.status).toBe(403);
    const other = api.client();
    expect((await other.request('POST', '/api/reports/preview', { body: draft, key: null })).status).toBe(
      401,
    );
  });

  it('answers any draft with 2xx or 4xx and leaves no trace', async () => {
    const before = await traces();
    const drafts = fc.record(
      {
        stage: fc.constantFrom('initial', 'update', 'final'),
        incident: fc.constantFrom('2107/1', 'open/2107/1'),
        hazard: fc.integer({ min: -1, max: 300 }),
        indicators: fc.dictionary(
          fc.constantFrom('affected', 'dead', 'cropsLostHa', 'cropsDamagedHa', 'directLossWanYuan'),
          fc.oneof(fc.integer({ min: 0, max: 5_000_000 }), fc.double({ min: 0, max: 1e9, noNaN: true })),
        ),
        explanations: fc.dictionary(fc.constantFrom('affected', 'dead'), fc.string({ maxLength: 300 })),
        note: fc.string({ maxLength: 300 }),
        area: fc.constantFrom(VILLAGE, 430121101),
        point: fc.record({ lat: fc.double({ min: -90, max: 90 }), lon: fc.double({ min: -180, max: 180 }) }),
        asOf: fc.integer({ min: 0, max: 0xffff_ffff }),
        exercise: fc.boolean(),
      },
      { requiredKeys: ['stage', 'indicators'] },
    );
    await fc.assert(
      fc.asyncProperty(drafts, async (body) => {
        const res = await officer.request('POST', '/api/reports/preview', { body, key: null });
        expect(res.status, res.text).toBeLessThan(500);
        if (res.status === 200) expect(res.json.bytes).toBeGreaterThan(0);
      }),
      { numRuns: 80 },
    );
    expect(await traces()).toEqual(before);
  });
});
