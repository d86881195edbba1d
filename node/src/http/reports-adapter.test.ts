/**
 * The report routes over the real thing: the reports domain's incident book on its ledger file, a
 * kit's NodeCore on a real LevelDB store, a fake IP link to a real centre core. A report filed over
 * HTTP is stored, sent and receipted, and GET /api/messages follows it; a filing is made once
 * across a restart of the kit, even one cut short between storing and answering.
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
import { decodeFrame } from '../wire/message.js';
import { type ApiClient, startTestApi, type TestApi, VILLAGE } from './api-fixtures.js';
import { EventFeed } from './event-hub.js';
import { ReportsAdapter } from './reports-adapter.js';
import type { ReportsService } from './reports-service.js';

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
let adapter: ReportsAdapter;

/**
 * The kit's API over its current core and store, as app.ts would build it; `drill` as
 * node-web.ts passes `node.drill`.
 */
async function startKitApi(wrap?: (a: ReportsAdapter) => ReportsService, opts: { drill?: boolean } = {}) {
  const feed = new EventFeed();
  adapter = new ReportsAdapter({
    book: new IncidentBook({
      ledger: opened(new FileIncidentLedger(join(dataDir, 'incidents.jsonl'))),
      // A report names its area only when it is not its kit's own (docs/wire-format.md §4.1).
      kitArea: (node) => (node === KIT ? VILLAGE : undefined),
      log: silentLogger,
    }),
    core: kit.core,
    store: kit.store,
    nodeId: KIT,
    area: VILLAGE,
    ...(opts.drill === undefined ? {} : { drill: opts.drill }),
    emit: (e) => feed.emit(e),
    log: silentLogger,
  });
  api = await startTestApi(dataDir, {
    reports: wrap ? wrap(adapter) : adapter,
    message: (id) => kit.store.getMeta(id),
    events: feed,
  });
  api.server.markReady();
  officer = api.client();
  await officer.signIn(1);
}

/** The envelope flags of the frame `id` as the kit's store holds it: what went on the wire. */
async function wireFlags(id: string): Promise<string[]> {
  const frame = await kit.store.getFrame(id);
  if (frame === undefined) throw new Error(`${id} is not in the kit's store`);
  return decodeFrame(frame).envelope.flags;
}

/** A ReportsService that files, then fails as a node that stopped before it answered. */
function cutShort(a: ReportsAdapter): ReportsService {
  return {
    defaultArea: () => a.defaultArea(),
    filingMark: () => a.filingMark(),
    file: async (d, by, earlier) => {
      await a.file(d, by, earlier);
      throw new Error('power cut');
    },
    preview: (d, by) => a.preview(d, by),
    list: (q) => a.list(q),
    get: (id) => a.get(id),
    exportCsv: (scope) => a.exportCsv(scope),
    overdue: (q) => a.overdue(q),
    totals: (q) => a.totals(q),
  };
}

async function localReports(node: TestNode): Promise<string[]> {
  const ids: string[] = [];
  for await (const meta of node.store.metas()) if (meta.local && meta.kindCode === 1) ids.push(meta.id);
  return ids;
}

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'fieldnode-api-kit-'));
  net = new TestNetwork();
  const [ipK, ipC] = createFakeLinkPair({ ids: ['ip@K', 'ip@C'], from: ['K', 'C'] });
  await net.add({
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
  await ipK.start();
  await ipC.start();
  await net.start();
});

afterEach(async () => {
  await api?.server.stop();
  for (const ledger of ledgers.splice(0)) await ledger.close();
  await net.stop();
  await rm(dataDir, { recursive: true, force: true });
});

const draft = { stage: 'initial', hazard: 18, indicators: { affected: 1250, dead: 2 }, note: '山洪' };

describe('a report filed over HTTP', () => {
  it('is checked by the domain, stored, sent to the centre, and followed to its receipt', async () => {
    await startKitApi();
    const res = await officer.request('POST', '/api/reports', { body: draft, key: 'form-kit-1' });
    expect(res.status).toBe(201);
    const id: string = res.json.report.id;
    expect(res.json.report).toMatchObject({ incidentId: id, version: 1, reporter: 1, area: VILLAGE });
    expect(id.startsWith(`${KIT}/`)).toBe(true);

    await eventually('the centre has it', () =>
      net.node(CENTRE).delivered.some((m) => `${m.origin}/${m.seq}` === id),
    );
    await eventually('its receipt is back', async () => (await kit.store.getMeta(id))?.state === 'received');
    const view = await officer.request('GET', res.json.message.href);
    expect(view.status).toBe(200);
    expect(view.json).toMatchObject({ id, kind: 'report', local: true, state: 'received', outcome: 'done' });
    const steps = Object.fromEntries(view.json.steps.map((s: { step: string }) => [s.step, s]));
    expect(steps.queued.reached).toBe(true);
    expect(steps.sent).toMatchObject({ reached: true, links: ['ip@K'] });
    expect(steps.custody.reached).toBe(false); // straight to the centre: no relay took custody
    expect(steps.received).toMatchObject({ reached: true, node: CENTRE });
    expect(steps.acknowledged.reached).toBe(false);
    expect(view.json.txBytes).toBeGreaterThan(0);
    expect(view.json.credits).toBe(0);

    const listed = await officer.request('GET', '/api/reports');
    expect(listed.json.items.map((r: { id: string }) => r.id)).toEqual([id]);
    const csv = await officer.request('GET', '/api/export/reports.csv');
    expect(csv.text).toContain(id);
  });

  it('carries when the disaster began to the centre, in a field of its own', async () => {
    await startKitApi();
    const began = Math.floor(Date.now() / 1000) - 1800;
    const res = await officer.request('POST', '/api/reports', {
      body: { ...draft, began },
      key: 'form-kit-b',
    });
    expect(res.status).toBe(201);
    expect(res.json.report).toMatchObject({ began, note: '山洪' });
    const id: string = res.json.report.id;
    await eventually('the centre has it', () =>
      net.node(CENTRE).delivered.some((m) => `${m.origin}/${m.seq}` === id),
    );
    const got = net.node(CENTRE).delivered.find((m) => `${m.origin}/${m.seq}` === id);
    expect(got?.kind === 'report' && got.body.began).toBe(began);
  });

  it('is refused with every problem the domain finds, and nothing is sent', async () => {
    await startKitApi();
    const res = await officer.request('POST', '/api/reports', {
      body: { stage: 'initial', indicators: { injured: 1, seriouslyInjured: 5 } },
    });
    expect(res.status).toBe(400);
    expect(res.json.code).toBe('REPORT_REJECTED');
    const codes = res.json.problems.map((p: { code: string }) => p.code).sort();
    expect(codes).toEqual(['REPORT_FIELD_INVALID', 'REPORT_FIGURES_INCONSISTENT']);
    expect(res.json.problems.every((p: { zh?: string }) => typeof p.zh === 'string')).toBe(true);
    expect(await localReports(kit)).toEqual([]);
  });

  it('answers 404 for a message the node never had', async () => {
    await startKitApi();
    const res = await officer.request('GET', '/api/messages/2107/999999');
    expect(res.status).toBe(404);
    expect(res.json.code).toBe('API_NOT_FOUND');
  });
});

describe('exactly once across a restart of the kit', () => {
  it('replays the first reply to the form sent again', async () => {
    await startKitApi();
    const first = await officer.request('POST', '/api/reports', { body: draft, key: 'form-kit-2' });
    await api.server.stop();
    kit = await net.restart(KIT);
    await startKitApi();
    const again = await officer.request('POST', '/api/reports', { body: draft, key: 'form-kit-2' });
    expect(again.status).toBe(201);
    expect(again.json.report.id).toBe(first.json.report.id);
    expect(await localReports(kit)).toEqual([first.json.report.id]);
  });

  it('finds the report a cut-short attempt stored, records it, and does not file it again', async () => {
    // The first attempt stores and sends the report, then the node stops before it answers.
    await startKitApi(cutShort);
    const cut = await officer.request('POST', '/api/reports', { body: draft, key: 'form-kit-3' });
    expect(cut.status).toBe(500);
    const stored = await localReports(kit);
    expect(stored).toHaveLength(1);
    await api.server.stop();
    kit = await net.restart(KIT);
    await startKitApi();
    const again = await officer.request('POST', '/api/reports', { body: draft, key: 'form-kit-3' });
    expect(again.status).toBe(201);
    expect(again.json.report.id).toBe(stored[0]);
    expect(await localReports(kit)).toEqual(stored);
    expect((await officer.request('GET', '/api/reports')).json.page.total).toBe(1);
  });
});

describe('a drill node (docs/ui.md §Drill mode)', () => {
  it('files every report as an exercise, even one whose draft says it is not', async () => {
    await startKitApi(undefined, { drill: true });
    const res = await officer.request('POST', '/api/reports', {
      body: { ...draft, exercise: false },
      key: 'form-drill-1',
    });
    expect(res.status).toBe(201);
    const id: string = res.json.report.id;
    expect(res.json.report.exercise).toBe(true);
    expect(await wireFlags(id)).toEqual(['exercise']);
    // The centre gets it as a drill, and keeps it apart from real reports.
    await eventually('the centre has it', () =>
      net.node(CENTRE).delivered.some((m) => `${m.origin}/${m.seq}` === id),
    );
    const atCentre = net.node(CENTRE).delivered.find((m) => `${m.origin}/${m.seq}` === id);
    expect(atCentre?.flags).toEqual(['exercise']);
    // So is a draft that says nothing about it, and the 续报 that follows.
    const update = await officer.request('POST', '/api/reports', {
      body: { stage: 'update', incident: id, indicators: { affected: 1300 } },
      key: 'form-drill-2',
    });
    expect(update.status).toBe(201);
    expect(await wireFlags(update.json.report.id)).toEqual(['exercise']);
    const listed = await officer.request('GET', '/api/reports');
    expect(listed.json.items.map((r: { exercise: boolean }) => r.exercise)).toEqual([true, true]);
    // Its quick-report sheet is the drill's, marked 演练 是.
    const csv = (await officer.request('GET', '/api/export/reports.csv')).text;
    expect(csv).toContain(`${id},2,续报,是,`);
  });

  it('a node that is not a drill files what the draft says', async () => {
    await startKitApi(undefined, { drill: false });
    const real = await officer.request('POST', '/api/reports', { body: draft, key: 'form-real-1' });
    const exercise = await officer.request('POST', '/api/reports', {
      body: { ...draft, exercise: true },
      key: 'form-real-2',
    });
    expect(await wireFlags(real.json.report.id)).toEqual([]);
    expect(real.json.report.exercise).toBe(false);
    expect(await wireFlags(exercise.json.report.id)).toEqual(['exercise']);
    // Its sheet holds the real incident alone.
    const csv = (await officer.request('GET', '/api/export/reports.csv')).text;
    expect(csv).toContain(real.json.report.id);
    expect(csv).not.toContain(exercise.json.report.id);
  });

  it('finds a drill filing a restart cut short, though its draft did not say exercise', async () => {
    await startKitApi(cutShort, { drill: true });
    const cut = await officer.request('POST', '/api/reports', { body: draft, key: 'form-drill-3' });
    expect(cut.status).toBe(500);
    const stored = await localReports(kit);
    expect(stored).toHaveLength(1);
    await api.server.stop();
    kit = await net.restart(KIT);
    await startKitApi(undefined, { drill: true });
    const again = await officer.request('POST', '/api/reports', { body: draft, key: 'form-drill-3' });
    expect(again.status).toBe(201);
    expect(again.json.report.id).toBe(stored[0]);
    expect(await localReports(kit)).toEqual(stored);
  });
});
