import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OTHER_VILLAGE, VILLAGE } from './api-fixtures.js';
import { TOWNSHIP, WARNING_PEOPLE } from './warning-fixture-draft.js';
import { startWarningApi, villageDraft, type WarningTestApi } from './warning-test-api.js';

let dir: string;
let api: WarningTestApi;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-api-warning-kit-'));
  api = undefined as unknown as WarningTestApi;
});

afterEach(async () => {
  await api?.server.stop();
  await rm(dir, { recursive: true, force: true });
});

/** A kit that received a red warning to the village (1/501) and a blue one to the other village (1/502). */
async function kitWithWarnings() {
  api = await startWarningApi(dir, 'kit');
  api.warnings.receive(villageDraft());
  api.warnings.receive(villageDraft({ areas: [OTHER_VILLAGE], colour: 'blue', level: 4 }));
}

const answers = () => api.audit.entries.filter((e) => e.action === 'warning.answered');

describe('answering at a kit (叫应)', () => {
  it('records the answer of the person signed in: the first goes at once, the next within seconds rides with it', async () => {
    await kitWithWarnings();
    const flood = await api.as(5);
    const first = await flood.request('POST', '/api/warnings/1/501/answers', {
      body: { state: 'acknowledged' },
    });
    expect(first.status).toBe(201);
    expect(first.json).toEqual({ warning: '1/501', person: 5, state: 'acknowledged', sending: 'at-once' });
    const grid = await api.as(2);
    const second = await grid.request('POST', '/api/warnings/1/501/answers', {
      body: { state: 'acted', evacuated: 86, notified: 30, note: '已转移至村小学' },
    });
    expect(second.json).toEqual({ warning: '1/501', person: 2, state: 'acted', sending: 'bundled' });
    const here = (await flood.request('GET', '/api/warnings/1/501')).json.here;
    expect(here.alarm).toBe('answered');
    expect(here.persons).toEqual([
      { person: 5, name: '刘洋', state: 'acknowledged' },
      { person: 2, name: '李娜', state: 'acted', evacuated: 86, notified: 30 },
    ]);
    expect(answers()).toEqual([
      {
        actor: 5,
        action: 'warning.answered',
        subject: '1/501',
        details: { state: 'acknowledged', sending: 'at-once' },
      },
      {
        actor: 2,
        action: 'warning.answered',
        subject: '1/501',
        details: { state: 'acted', sending: 'bundled', evacuated: 86, notified: 30 },
      },
    ]);
  });

  it('moves states only forward: a 收到 after the 已转移 leaves it acted', async () => {
    await kitWithWarnings();
    const flood = await api.as(5);
    await flood.request('POST', '/api/warnings/1/501/answers', { body: { state: 'acted', evacuated: 10 } });
    const late = await flood.request('POST', '/api/warnings/1/501/answers', {
      body: { state: 'acknowledged' },
    });
    expect(late.json.state).toBe('acted');
  });

  it('answers the same answer sent again with the first reply, and answers once', async () => {
    await kitWithWarnings();
    const flood = await api.as(5);
    const body = { state: 'acknowledged' };
    const first = await flood.request('POST', '/api/warnings/1/501/answers', { body, key: 'answer-0001' });
    const again = await flood.request('POST', '/api/warnings/1/501/answers', { body, key: 'answer-0001' });
    expect(again.json).toEqual(first.json);
    expect(again.headers['idempotent-replayed']).toBe('true');
    const other = await flood.request('POST', '/api/warnings/1/501/answers', {
      body: { state: 'acted' },
      key: 'answer-0001',
    });
    expect(other.status).toBe(422);
    expect(answers()).toHaveLength(1);
  });

  it('takes a key used for one warning’s answer as a new answer to another, not a replay of the first', async () => {
    await kitWithWarnings();
    api.warnings.receive(villageDraft({ colour: 'orange', level: 2 }));
    const flood = await api.as(5);
    const body = { state: 'acknowledged' };
    await flood.request('POST', '/api/warnings/1/501/answers', { body, key: 'answer-0002' });
    const other = await flood.request('POST', '/api/warnings/1/503/answers', { body, key: 'answer-0002' });
    expect(other.status).toBe(201);
    expect(other.json.warning).toBe('1/503');
    expect(other.headers['idempotent-replayed']).toBeUndefined();
    expect(answers().map((e) => e.subject)).toEqual(['1/501', '1/503']);
  });

  it('refuses an answer that is not one (400), and one without the session’s token (403)', async () => {
    await kitWithWarnings();
    const flood = await api.as(5);
    const bad = await flood.request('POST', '/api/warnings/1/501/answers', {
      body: { state: 'delivered', evacuated: -1, note: 'x'.repeat(201) },
    });
    expect(bad.status).toBe(400);
    const fields = new Set<string>(bad.json.problems.map((p: { field: string }) => p.field));
    expect([...fields].sort()).toEqual(['evacuated', 'note', 'state']);
    flood.csrf = undefined;
    const forged = await flood.request('POST', '/api/warnings/1/501/answers', {
      body: { state: 'acknowledged' },
    });
    expect([forged.status, forged.json.code]).toEqual([403, 'API_CSRF_MISSING']);
    expect(answers()).toEqual([]);
  });

  it('says 404 WARNING_UNKNOWN for a warning not held, 409 WARNING_CLOSED once cancelled, 409 WARNING_NOT_HERE at the centre', async () => {
    await kitWithWarnings();
    const flood = await api.as(5);
    const unknown = await flood.request('POST', '/api/warnings/1/999/answers', {
      body: { state: 'acknowledged' },
    });
    expect([unknown.status, unknown.json.code]).toEqual([404, 'WARNING_UNKNOWN']);
    api.warnings.receive({ action: 'cancel', references: '1/501' });
    const closed = await flood.request('POST', '/api/warnings/1/501/answers', {
      body: { state: 'acknowledged' },
    });
    expect([closed.status, closed.json.code]).toEqual([409, 'WARNING_CLOSED']);
    await api.server.stop();
    api = await startWarningApi(dir, 'centre');
    const duty = await api.as(3);
    await duty.request('POST', '/api/warnings', { body: villageDraft() });
    const centre = await (await api.as(5)).request('POST', '/api/warnings/2107/501/answers', {
      body: { state: 'acknowledged' },
    });
    expect([centre.status, centre.json.code]).toEqual([409, 'WARNING_NOT_HERE']);
  });
});

describe('who may answer', () => {
  it('refuses anyone not signed in (401) and a person without warning.answer (403)', async () => {
    await kitWithWarnings();
    expect(
      (await api.client().request('POST', '/api/warnings/1/501/answers', { body: { state: 'acknowledged' } }))
        .status,
    ).toBe(401);
    for (const person of [3, 6]) {
      const res = await (await api.as(person)).request('POST', '/api/warnings/1/501/answers', {
        body: { state: 'acknowledged' },
      });
      expect([res.status, res.json.code], String(person)).toEqual([403, 'API_FORBIDDEN']);
    }
  });

  it('hides a warning of another village from its answers (404), unless the warning names the person', async () => {
    await kitWithWarnings();
    const other = await api.as(7);
    const res = await other.request('POST', '/api/warnings/1/501/answers', {
      body: { state: 'acknowledged' },
    });
    expect([res.status, res.json.code]).toEqual([404, 'WARNING_UNKNOWN']);
    api.warnings.receive(villageDraft({ persons: [7] }));
    expect(
      (await other.request('POST', '/api/warnings/1/503/answers', { body: { state: 'acknowledged' } }))
        .status,
    ).toBe(201);
    // A township's warning covers both villages: the other village's people may answer it.
    api.warnings.receive(villageDraft({ areas: [TOWNSHIP] }));
    expect(
      (await other.request('POST', '/api/warnings/1/504/answers', { body: { state: 'acknowledged' } }))
        .status,
    ).toBe(201);
  });
});

describe('the alarm', () => {
  it('tells anyone, signed in or not, what sounds and what nobody here has answered; an answer silences it', async () => {
    await kitWithWarnings();
    api.warnings.receive(villageDraft({ colour: 'orange', level: 2 }));
    const phone = api.client();
    const before = await phone.request('GET', '/api/alarm');
    expect(before.status).toBe(200);
    expect(before.json).toEqual({
      sounding: { warning: '1/501', colour: 'red', exercise: false },
      unanswered: ['1/501', '1/503'],
    });
    await (await api.as(2)).request('POST', '/api/warnings/1/501/answers', {
      body: { state: 'acknowledged' },
    });
    expect((await phone.request('GET', '/api/alarm')).json).toEqual({
      sounding: { warning: '1/503', colour: 'orange', exercise: false },
      unanswered: ['1/503'],
    });
  });

  it('is 404 at the centre, which sounds none', async () => {
    api = await startWarningApi(dir, 'centre');
    const res = await api.client().request('GET', '/api/alarm');
    expect([res.status, res.json.code]).toEqual([404, 'API_NOT_FOUND']);
  });
});

describe('the public list', () => {
  it('shows anyone the warnings in force, with the areas’ names, and nothing of who must answer or who answered', async () => {
    await kitWithWarnings();
    await (await api.as(5)).request('POST', '/api/warnings/1/501/answers', {
      body: { state: 'acted', evacuated: 3 },
    });
    api.warnings.receive({ action: 'cancel', references: '1/502' });
    const res = await api.client().request('GET', '/api/public/warnings');
    expect(res.status).toBe(200);
    expect(res.json).toEqual([
      {
        id: '1/501',
        headline: { zh: '某县气象台发布暴雨红色预警[I级/特别严重]', en: expect.any(String) },
        colour: 'red',
        level: 1,
        event: '11B03',
        areas: [{ code: VILLAGE, name: '青龙村' }],
        onset: expect.any(Number),
        expires: expect.any(Number),
        instruction: '危险区域人员立即转移',
        exercise: false,
      },
    ]);
    for (const person of WARNING_PEOPLE) expect(res.text).not.toContain(person.name);
    for (const word of ['persons', 'roles', 'here', 'calls', 'issuer', 'evacuated'])
      expect(res.text).not.toContain(word);
  });
});
