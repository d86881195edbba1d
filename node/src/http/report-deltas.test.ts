/**
 * A 续报 through the API updates its incident, and each report shows what it changed against the
 * version before it (docs/api.md §Reports; docs/reports.md §Deltas and thresholds): a kit's API
 * over its real core, store and incident book, and the centre's book fed by what the centre's core
 * delivers, over a fake IP link. A jump past a threshold without its reason is refused, field by
 * field, by the preview and by filing alike.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CENTRE, eventually, TestNetwork, type TestNode } from '../../test/integration/harness.js';
import { silentLogger } from '../base/logger.js';
import { IncidentBook } from '../domain/reports/incident-book.js';
import { FileIncidentLedger } from '../domain/reports/incident-file.js';
import { createFakeLinkPair } from '../link/fake-link.js';
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
let centreReports: ReportsAdapter;

function adapterOf(node: TestNode, file: string): ReportsAdapter {
  return new ReportsAdapter({
    book: new IncidentBook({
      ledger: opened(new FileIncidentLedger(join(dataDir, file))),
      kitArea: (n) => (n === KIT ? VILLAGE : undefined),
      log: silentLogger,
    }),
    core: node.core,
    store: node.store,
    nodeId: node.id,
    ...(node.id === KIT ? { area: VILLAGE } : {}),
    log: silentLogger,
  });
}

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'fieldnode-api-deltas-'));
  net = new TestNetwork();
  const [ipK, ipC] = createFakeLinkPair({ ids: ['ip@K', 'ip@C'], from: ['K', 'C'] });
  const centre = await net.add({
    id: CENTRE,
    links: [{ link: ipC, costClass: 'ip', neighbours: { K: KIT } }],
    routes: [{ target: { to: 'node', node: KIT }, link: 'ip@C', nextHop: 'K', cost: 0, source: 'config' }],
  });
  kit = await net.add({
    id: KIT,
    area: VILLAGE,
    links: [{ link: ipK, costClass: 'ip', neighbours: { C: CENTRE } }],
    routes: [{ target: { to: 'centre' }, link: 'ip@K', nextHop: 'C', cost: 0, source: 'config' }],
  });
  centreReports = adapterOf(centre, 'centre-incidents.jsonl');
  centre.core.on('delivered', (m) => {
    if (m.kind === 'report') void centreReports.recordDelivered(m);
  });
  await ipK.start();
  await ipC.start();
  await net.start();
  api = await startTestApi(dataDir, {
    reports: adapterOf(kit, 'kit-incidents.jsonl'),
    message: (id) => kit.store.getMeta(id),
  });
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

const initial = { stage: 'initial', hazard: 18, indicators: { affected: 1250, dead: 2 }, note: '山洪' };

describe('a 续报 through the API', () => {
  it('updates the incident, and each version shows its deltas from the last, at the kit and at the centre', async () => {
    const first = await officer.request('POST', '/api/reports', { body: initial });
    expect(first.status).toBe(201);
    const incident: string = first.json.report.id;
    // The 初报 changes everything from nothing.
    expect(first.json.report.changes).toEqual([
      { name: 'affected', after: 1250, change: 1250 },
      { name: 'dead', after: 2, change: 2 },
    ]);

    // 50 more affected is under the threshold; 5 injured are reported for the first time.
    const update = { stage: 'update', incident, indicators: { affected: 1300, injured: 5 } };
    const second = await officer.request('POST', '/api/reports', { body: update });
    expect(second.status).toBe(201);
    expect(second.json.report).toMatchObject({ incidentId: incident, stage: 'update', version: 2 });

    const read = await officer.request('GET', `/api/reports/${second.json.report.id}`);
    expect(read.status).toBe(200);
    expect(read.json.changes).toEqual([
      { name: 'affected', before: 1250, after: 1300, change: 50 },
      { name: 'injured', after: 5, change: 5 },
    ]);
    expect(read.json.unexplained).toEqual([]);
    // A figure the 续报 left out keeps its value, and is no change of it.
    expect(read.json.changes.map((c: { name: string }) => c.name)).not.toContain('dead');

    const listed = await officer.request('GET', '/api/reports');
    expect(
      listed.json.items.map((r: { version: number; changes: unknown[] }) => [r.version, r.changes.length]),
    ).toEqual([
      [2, 2],
      [1, 2],
    ]);

    // The centre, recording what its core delivered, reads the same chain.
    await eventually('the centre recorded both', async () => (await centreReports.list(all())).total === 2);
    const atCentre = await centreReports.get(second.json.report.id);
    expect(atCentre?.changes).toEqual(read.json.changes);
  });

  it('refuses a jump past a threshold without its reason, by field, in the preview and in filing', async () => {
    const first = await officer.request('POST', '/api/reports', { body: initial });
    const incident: string = first.json.report.id;
    // From 1250 to 5000 affected: over 100 people and more than doubled.
    const jump = { stage: 'update', incident, indicators: { affected: 5000 } };
    const preview = await officer.request('POST', '/api/reports/preview', { body: jump, key: null });
    const filing = await officer.request('POST', '/api/reports', { body: jump });
    for (const res of [preview, filing]) {
      expect(res.status).toBe(400);
      expect(res.json.code).toBe('REPORT_REJECTED');
      expect(res.json.problems).toEqual([
        expect.objectContaining({
          field: 'explanations.affected',
          code: 'REPORT_EXPLANATION_MISSING',
          zh: expect.stringContaining('请填写变化原因'),
        }),
      ]);
    }
    expect((await officer.request('GET', '/api/reports')).json.page.total).toBe(1);

    // With its reason it goes, and the reason travels in the note.
    const explained = await officer.request('POST', '/api/reports', {
      body: { ...jump, explanations: { affected: '二组、三组核实后计入' } },
    });
    expect(explained.status).toBe(201);
    expect(explained.json.report.changes).toEqual([
      { name: 'affected', before: 1250, after: 5000, change: 3750 },
    ]);
    expect(explained.json.report.unexplained).toEqual([]);
    expect(explained.json.report.note).toContain('二组、三组核实后计入');
  });
});

function all() {
  return { scope: { all: true, areas: [] }, offset: 0, limit: 100 };
}
