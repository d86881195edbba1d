import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type ApiClient, OTHER_VILLAGE, VILLAGE } from './api-fixtures.js';
import type { ApiEvent } from './event-hub.js';
import { startWarningApi, villageDraft, type WarningTestApi } from './warning-test-api.js';

let dir: string;
let api: WarningTestApi;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-api-warning-events-'));
  api = undefined as unknown as WarningTestApi;
});

afterEach(async () => {
  await api?.server.stop();
  await rm(dir, { recursive: true, force: true });
});

/** Opens the event stream as the page of `client` would (none: a phone not signed in), and collects what comes. */
async function open(client: ApiClient | undefined) {
  const headers: Record<string, string> = { origin: api.origin };
  if (client?.cookie) headers.cookie = client.cookie;
  const ws = new WebSocket(`ws://127.0.0.1:${api.server.address?.port}/api/events`, { headers });
  const events: ApiEvent[] = [];
  ws.on('message', (data) => events.push(JSON.parse(String(data)) as ApiEvent));
  await new Promise<void>((resolve, reject) => {
    ws.on('open', () => resolve());
    ws.on('error', reject);
  });
  await until('the greeting', () => events.length >= 2);
  const later = () => events.slice(2);
  return { ws, later, types: () => later().map((e) => e.type) };
}

async function until(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!check()) throw new Error(`timed out: ${what}`);
}

/** Lets anything still on its way arrive, so that a stream that heard nothing more is known to. */
const settle = () => new Promise((r) => setTimeout(r, 50));

describe('warning events at the centre', () => {
  it('sends the warning to those who may read it, its calls to the board, and the public view to everyone else', async () => {
    api = await startWarningApi(dir, 'centre');
    const duty = await api.as(3);
    const streams = {
      duty: await open(duty),
      officer: await open(await api.as(1)),
      otherOfficer: await open(await api.as(4)),
      admin: await open(await api.as(6)),
      phone: await open(undefined),
    };
    await duty.request('POST', '/api/warnings', { body: villageDraft() });
    await until('the duty officer’s events', () => streams.duty.later().length >= 2);
    await settle();
    expect(streams.duty.types()).toEqual(['warning', 'calls']);
    expect(streams.duty.later()[1]).toMatchObject({
      type: 'calls',
      warning: '2107/501',
      calls: [{ person: 5, state: 'sent' }],
    });
    // The village's officer reads the warning, not the county's board.
    expect(streams.officer.types()).toEqual(['warning']);
    expect(streams.officer.later()[0]).toMatchObject({
      warning: { id: '2107/501', roles: ['flood-responsible'] },
    });
    for (const s of [streams.otherOfficer, streams.admin, streams.phone]) {
      expect(s.types()).toEqual(['public-warning']);
      const e = s.later()[0] as Extract<ApiEvent, { type: 'public-warning' }>;
      expect(e.inForce).toBe(true);
      expect(e.warning).toMatchObject({ id: '2107/501', areas: [{ code: VILLAGE, name: '青龙村' }] });
      expect(JSON.stringify(e)).not.toMatch(/roles|persons|calls|刘洋/);
    }
    for (const s of Object.values(streams)) s.ws.close();
  });

  it('tells the public streams when a warning ends, and the board when its calls move', async () => {
    api = await startWarningApi(dir, 'centre');
    const duty = await api.as(3);
    await duty.request('POST', '/api/warnings', { body: villageDraft({ areas: [OTHER_VILLAGE] }) });
    const board = await open(duty);
    const phone = await open(undefined);
    api.warnings.hear('2107/501', 7, 'acknowledged');
    await until('the calls', () => board.types().includes('calls'));
    expect(board.later().find((e) => e.type === 'calls')).toMatchObject({
      calls: [{ person: 7, state: 'acknowledged' }],
    });
    await duty.request('POST', '/api/warnings', { body: { action: 'cancel', references: '2107/501' } });
    await until('the cancel', () => phone.later().length >= 3);
    const ended = phone.later().filter((e) => e.type === 'public-warning') as Array<
      Extract<ApiEvent, { type: 'public-warning' }>
    >;
    expect(ended.map((e) => [e.warning.id, e.inForce])).toEqual([
      ['2107/501', true],
      ['2107/501', false],
      ['2107/502', false],
    ]);
    expect(phone.types()).not.toContain('calls');
    board.ws.close();
    phone.ws.close();
  });
});

describe('alarm events at a kit', () => {
  it('send the alarm to every stream, a phone not signed in included, as it sounds and as an answer silences it', async () => {
    api = await startWarningApi(dir, 'kit');
    const phone = await open(undefined);
    const grid = await api.as(2);
    const gridStream = await open(grid);
    api.warnings.receive(villageDraft());
    await until('the alarm', () => phone.types().includes('alarm'));
    expect(phone.types()).toEqual(['public-warning', 'alarm']);
    expect(phone.later()[1]).toMatchObject({
      alarm: { sounding: { warning: '1/501', colour: 'red' }, unanswered: ['1/501'] },
    });
    await grid.request('POST', '/api/warnings/1/501/answers', { body: { state: 'acknowledged' } });
    await until('the silence', () => phone.types().filter((t) => t === 'alarm').length === 2);
    expect(phone.later().at(-1)).toMatchObject({ type: 'alarm', alarm: { unanswered: [] } });
    await until('the grid member’s', () => gridStream.types().filter((t) => t === 'alarm').length === 2);
    expect(gridStream.types()).toEqual(['warning', 'alarm', 'warning', 'alarm']);
    expect(gridStream.later()[2]).toMatchObject({ warning: { here: { alarm: 'answered' } } });
    phone.ws.close();
    gridStream.ws.close();
  });
});
