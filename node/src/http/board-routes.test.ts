/**
 * The centre's board from the server (docs/api.md §The board; docs/reports.md §Reminders and the
 * overdue list, §County time, §Aggregation): a real centre (core, LevelDB store, incident book on
 * its ledger file, API on 127.0.0.1) hears a kit's 初报 of 03:20 on 14 July, Beijing time, and the
 * kit then says nothing. At 09:01 on the 15th, Beijing time, the 续报 is overdue; at 08:59 it is
 * not. The process runs with TZ=Europe/London (a Pi's image), where the naive 09:00 would be an
 * hour later than Beijing's 09:00 is in UTC terms (08:00 UTC against 01:00 UTC): the list follows
 * the county's clock (`county.time_zone`), not the system's.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CENTRE, eventually, TestNetwork, type TestNode } from '../../test/integration/harness.js';
import { silentLogger } from '../base/logger.js';
import { countyReportRules } from '../config/county-section.js';
import { IncidentBook } from '../domain/reports/incident-book.js';
import { FileIncidentLedger } from '../domain/reports/incident-file.js';
import { createFakeLinkPair } from '../link/fake-link.js';
import {
  type ApiClient,
  nodeStatus,
  startTestApi,
  type TestApi,
  testPeople,
  VILLAGE,
} from './api-fixtures.js';
import { ReportsAdapter } from './reports-adapter.js';

/** The file ledgers made here, closed after each test: each keeps its file open between writes. */
const ledgers: FileIncidentLedger[] = [];
function opened(ledger: FileIncidentLedger): FileIncidentLedger {
  ledgers.push(ledger);
  return ledger;
}

const KIT = 2107;
/** 03:20 on 14 July 2026 in Beijing. */
const FILED = Date.UTC(2026, 6, 13, 19, 20);
/** 09:00 on 15 July 2026 in Beijing: the first 续报's deadline. */
const NINE_BEIJING = Date.UTC(2026, 6, 15, 1, 0);

let savedTz: string | undefined;
let net: TestNetwork;
let kit: TestNode;
let dataDir: string;
let api: TestApi;
let officer: ApiClient;
/** The centre's clock, as the incident book and the overdue list read it. */
let centreNow = FILED;
let drill = false;

beforeAll(() => {
  savedTz = process.env.TZ;
  process.env.TZ = 'Europe/London';
});
afterAll(() => {
  if (savedTz === undefined) delete process.env.TZ;
  else process.env.TZ = savedTz;
});

function adapterOf(node: TestNode, file: string, now?: () => number): ReportsAdapter {
  return new ReportsAdapter({
    book: new IncidentBook({
      ledger: opened(new FileIncidentLedger(join(dataDir, file))),
      rules: countyReportRules({
        timeZone: 'Asia/Shanghai',
        updateDueAt: { hour: 9, minute: 0 },
        initialWithinMs: 7_200_000,
      }),
      kitArea: (n) => (n === KIT ? VILLAGE : undefined),
      ...(now === undefined ? {} : { now }),
      log: silentLogger,
    }),
    core: node.core,
    store: node.store,
    nodeId: node.id,
    ...(node.id === KIT ? { area: VILLAGE } : {}),
    ...(now === undefined ? {} : { now }),
    log: silentLogger,
  });
}

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'fieldnode-api-board-'));
  centreNow = FILED;
  drill = false;
  net = new TestNetwork();
  // Every node's clock reads the night of the 初报 (and runs on from there).
  net.clockOffsetMs = FILED - Date.now();
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
  const reports = adapterOf(centre, 'incidents.jsonl', () => centreNow);
  centre.core.on('delivered', (m) => {
    if (m.kind === 'report') void reports.recordDelivered(m);
  });
  await ipK.start();
  await ipC.start();
  await net.start();
  api = await startTestApi(dataDir, {
    reports,
    message: (id) => centre.store.getMeta(id),
    status: () =>
      nodeStatus({
        node: { id: CENTRE, role: 'centre', ...(drill ? { drill: true } : {}) },
        timeZone: 'Asia/Shanghai',
      }),
  });
  api.server.markReady();
  officer = api.client();
  await officer.signIn(3); // the county duty officer: report.view everywhere in 430121
});

afterEach(async () => {
  await api?.server.stop();
  for (const ledger of ledgers.splice(0)) await ledger.close();
  await net.stop();
  await rm(dataDir, { recursive: true, force: true });
});

/** The kit files a 初报 (its own book and core), and the centre records it. */
async function kitFiles(exercise = false): Promise<string> {
  const kitReports = adapterOf(kit, 'kit-incidents.jsonl');
  const { report } = await kitReports.file(
    { stage: 'initial', hazard: 18, indicators: { affected: 1250, dead: 2 }, note: '山洪', exercise },
    { id: 1, name: '张伟', roles: ['info-officer'], areas: [VILLAGE] },
  );
  await eventually(
    'the centre recorded it',
    async () => (await officer.request('GET', `/api/reports/${report.id}`)).status === 200,
  );
  return report.id;
}

describe('the overdue list from the server', () => {
  it('shows a kit silent past 09:00 Beijing time overdue for its 续报, with the deadline on the county clock', async () => {
    // The system zone really is London's: 01:01 UTC reads 02:01 on its clock, not Beijing's 09:01.
    expect(new Date(NINE_BEIJING + 60_000).getHours()).toBe(2);
    const id = await kitFiles();

    centreNow = NINE_BEIJING - 60_000; // 08:59 in Beijing
    const before = await officer.request('GET', '/api/reports/overdue');
    expect(before.status).toBe(200);
    expect(before.json).toEqual({ at: centreNow, timeZone: 'Asia/Shanghai', items: [] });

    centreNow = NINE_BEIJING + 60_000; // 09:01 in Beijing, 02:01 in London
    const after = await officer.request('GET', '/api/reports/overdue');
    expect(after.json.items).toEqual([
      {
        incidentId: id,
        duty: 'update',
        due: NINE_BEIJING,
        dueLocal: '2026-07-15T09:00:00+08:00',
        missed: 1,
        overdueMs: 60_000,
        node: KIT,
        area: VILLAGE,
        hazard: 18,
      },
    ]);

    // A day later two 续报 are missing, counted on one line from the first.
    centreNow = NINE_BEIJING + 86_400_000 + 60_000;
    const later = await officer.request('GET', '/api/reports/overdue');
    expect(later.json.items).toMatchObject([
      { incidentId: id, duty: 'update', due: NINE_BEIJING, missed: 2 },
    ]);
  });

  it('shows a person only the incidents of their areas, and a drill only on a drill node', async () => {
    const real = await kitFiles();
    const exercise = await kitFiles(true);
    centreNow = NINE_BEIJING + 60_000;
    const ids = async (c: ApiClient) =>
      (await c.request('GET', '/api/reports/overdue')).json.items.map(
        (i: { incidentId: string }) => i.incidentId,
      );
    expect(await ids(officer)).toEqual([real]);
    const stranger = api.client();
    await stranger.signIn(4); // an information officer of another village
    expect(await ids(stranger)).toEqual([]);
    expect((await stranger.request('GET', '/api/reports/totals')).json.items).toEqual([]);
    drill = true;
    expect(await ids(officer)).toEqual([exercise]);
  });
});

describe('the totals from the server', () => {
  it('sums each township and the county, the real incidents apart from a drill’s', async () => {
    await kitFiles();
    await kitFiles(true);
    const township = await officer.request('GET', '/api/reports/totals?level=township');
    expect(township.status).toBe(200);
    expect(township.json).toEqual({
      level: 'township',
      exercise: false,
      items: [{ area: 430121101, incidents: 1, figures: { affected: 1250, dead: 2 } }],
    });
    expect((await officer.request('GET', '/api/reports/totals')).json.level).toBe('township');
    const county = await officer.request('GET', '/api/reports/totals?level=county');
    expect(county.json.items).toEqual([{ area: 430121, incidents: 1, figures: { affected: 1250, dead: 2 } }]);
    drill = true;
    const drills = await officer.request('GET', '/api/reports/totals?level=county');
    expect(drills.json).toMatchObject({ exercise: true, items: [{ area: 430121, incidents: 1 }] });
    const bad = await officer.request('GET', '/api/reports/totals?level=village');
    expect(bad.status).toBe(400);
    expect(bad.json.code).toBe('API_BAD_REQUEST');
  });
});

describe('the areas’ names', () => {
  it('gives the roster’s names for the board’s codes, to those who may see the board only', async () => {
    const own = await startTestApi(dataDir, {
      people: { ...testPeople(), areaNames: () => [{ code: VILLAGE, name: '青山村' }] },
    });
    try {
      own.server.markReady();
      const client = own.client();
      expect((await client.request('GET', '/api/areas')).status).toBe(401);
      await client.signIn(3);
      const res = await client.request('GET', '/api/areas');
      expect(res.status).toBe(200);
      expect(res.json).toEqual({ items: [{ code: VILLAGE, name: '青山村' }] });
    } finally {
      await own.server.stop();
    }
  });
});
