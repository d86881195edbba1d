import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OTHER_VILLAGE, VILLAGE } from './api-fixtures.js';
import { TOWNSHIP } from './warning-fixture-draft.js';
import { startWarningApi, villageDraft, type WarningTestApi } from './warning-test-api.js';

let dir: string;
let api: WarningTestApi;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-api-warning-board-'));
  api = undefined as unknown as WarningTestApi;
});

afterEach(async () => {
  await api?.server.stop();
  await rm(dir, { recursive: true, force: true });
});

/** A centre that issued a red warning to the township's 防汛责任人 (5 of the village, 7 of the other). */
async function centreWithWarning() {
  api = await startWarningApi(dir, 'centre');
  const duty = await api.as(3);
  const res = await duty.request('POST', '/api/warnings', { body: villageDraft({ areas: [TOWNSHIP] }) });
  expect(res.status).toBe(201);
  return duty;
}

describe('the 叫应 board of a warning', () => {
  it('lists its calls, the unanswered first, with when the next step falls due', async () => {
    const duty = await centreWithWarning();
    api.warnings.hear('2107/501', 7, 'acknowledged');
    const res = await duty.request('GET', '/api/warnings/2107/501/calls');
    expect(res.status).toBe(200);
    expect(res.json.warning).toMatchObject({
      id: '2107/501',
      calls: { total: 2, acknowledged: 1, unanswered: 1 },
    });
    expect(res.json.calls.map((c: { person: number; state: string }) => [c.person, c.state])).toEqual([
      [5, 'sent'],
      [7, 'acknowledged'],
    ]);
    expect(res.json.calls[0]).toMatchObject({
      name: '刘洋',
      area: VILLAGE,
      areaName: '青龙村 (430121101201)',
      named: false,
      steps: [],
    });
    expect(res.json.nextStepAt).toBe(res.json.calls[0].at.sent + 5 * 60_000);
  });

  it('answers 404 for a warning the centre did not send, and at a kit, which keeps no board', async () => {
    const duty = await centreWithWarning();
    expect((await duty.request('GET', '/api/warnings/2107/9/calls')).status).toBe(404);
    await api.server.stop();
    api = await startWarningApi(dir, 'kit');
    api.warnings.receive(villageDraft());
    const kitDuty = await api.as(3);
    const res = await kitDuty.request('GET', '/api/warnings/1/501/calls');
    expect([res.status, res.json.code]).toEqual([404, 'API_NOT_FOUND']);
  });
});

describe('未叫应', () => {
  it('lists the unanswered calls of the warnings in force, the longest waiting first; an answer takes one off', async () => {
    const duty = await centreWithWarning();
    await duty.request('POST', '/api/warnings', { body: villageDraft({ areas: [OTHER_VILLAGE] }) });
    const before = await duty.request('GET', '/api/warnings/unanswered');
    expect(before.json.map((c: { warning: string; person: number }) => [c.warning, c.person])).toEqual([
      ['2107/501', 5],
      ['2107/501', 7],
      ['2107/502', 7],
    ]);
    api.warnings.hear('2107/501', 5, 'acted', { evacuated: 12 });
    await duty.request('POST', '/api/warnings', { body: { action: 'cancel', references: '2107/502' } });
    const after = await duty.request('GET', '/api/warnings/unanswered');
    expect(after.json.map((c: { warning: string; person: number }) => [c.warning, c.person])).toEqual([
      ['2107/501', 7],
    ]);
  });
});

describe('the record', () => {
  it('exports the calls as a CSV download with a byte-order mark, every state on the county clock', async () => {
    const duty = await centreWithWarning();
    api.warnings.hear('2107/501', 5, 'acted', { evacuated: 86 });
    const res = await duty.request('GET', '/api/export/warnings/2107/501/calls.csv');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="warning-2107-501-calls.csv"');
    expect(res.text.startsWith('\uFEFF演练 drill,预警 warning,姓名 name')).toBe(true);
    const rows = res.text.split('\r\n');
    expect(rows[1]).toMatch(/^,2107\/501,刘洋,青龙村,2107,已行动,\d{4}-\d\d-\d\d \d\d:\d\d/);
    expect(rows[1]).toContain(',86,');
    expect(rows[2]).toMatch(/^,2107\/501,周平,白沙村,2107,已下发,/);
    expect((await duty.request('GET', '/api/export/warnings/2107/9/calls.csv')).status).toBe(404);
  });
});

describe('who may see the board', () => {
  const routes = [
    '/api/warnings/2107/501/calls',
    '/api/warnings/unanswered',
    '/api/export/warnings/2107/501/calls.csv',
  ];

  it('refuses anyone not signed in (401)', async () => {
    await centreWithWarning();
    const anonymous = api.client();
    for (const path of routes) expect((await anonymous.request('GET', path)).status, path).toBe(401);
  });

  it('refuses a village’s officer, who may read the warning but not the county’s people (403), and an admin', async () => {
    await centreWithWarning();
    const officer = await api.as(1);
    expect((await officer.request('GET', '/api/warnings/2107/501')).status).toBe(200);
    for (const person of [1, 6]) {
      const client = await api.as(person);
      for (const path of routes) {
        const res = await client.request('GET', path);
        expect([res.status, res.json.code], `${person} ${path}`).toEqual([403, 'API_FORBIDDEN']);
      }
    }
  });

  it('lets the duty officer see each', async () => {
    const duty = await centreWithWarning();
    for (const path of routes) expect((await duty.request('GET', path)).status, path).toBe(200);
  });
});
