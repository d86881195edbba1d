/**
 * The kit routes at the centre (kit-routes.ts, kits-adapter.ts; docs/api.md §Kits) over real HTTP
 * on 127.0.0.1, a real kit board in a temporary directory and the lost-kit workflow with a recording
 * core: who may see the board (kit.view) and act on a lost kit (kit.revoke); a kit's health with its
 * codes named and its charge history; revoking (once per idempotency key, 409 the second time),
 * replacing with its refusals, the handover file, and the `kit` event reaching only the streams of
 * those who may see the board.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { silentLogger } from '../base/logger.js';
import type { Draft } from '../core/core-types.js';
import { KitBoard } from '../domain/kits/kit-board.js';
import { LostKits } from '../domain/kits/lost-kits.js';
import { IncidentBook } from '../domain/reports/incident-book.js';
import { MemoryIncidentLedger } from '../domain/reports/incident-ledger.js';
import { airRoster } from '../domain/roster/air-roster.js';
import { K1 } from '../wire/fixtures/kit-health-messages.js';
import { R1 } from '../wire/fixtures/reference-messages.js';
import { OTHER_VILLAGE, PEOPLE, startTestApi, type TestApi, VILLAGE } from './api-fixtures.js';
import { type ApiEvent, EventFeed } from './event-hub.js';
import { KitsAdapter } from './kits-adapter.js';

const DUTY_OFFICER = 3;
const INFO_OFFICER = 1;
const LOST = 2107;
const NEW = 2111;
const AT = K1.createdAt * 1000;

let dir: string;
let api: TestApi;
let board: KitBoard;
let book: IncidentBook;
const signed: Draft[] = [];
let now = AT;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-kit-routes-'));
  signed.length = 0;
  now = AT;
  let service: KitsAdapter | undefined;
  board = await KitBoard.open({
    file: join(dir, 'kit-board.jsonl'),
    kits: [
      { id: LOST, area: VILLAGE, role: 'kit' },
      { id: NEW, area: VILLAGE, role: 'kit' },
      { id: 2108, area: OTHER_VILLAGE, role: 'kit' },
    ],
    policy: {
      defaultIntervalMs: 900_000,
      silenceIntervals: 2,
      batteryLowPercent: 25,
      batteryCutoffPercent: 10,
      batteryWarnAheadMs: 7_200_000,
    },
    now: () => now,
    changed: (id) => service?.changed(id),
    log: silentLogger,
  });
  book = new IncidentBook({ ledger: new MemoryIncidentLedger(), log: silentLogger, now: () => now });
  await book.record(R1);
  const events = new EventFeed();
  const lost = new LostKits({
    board,
    submit: async (draft) => {
      signed.push(draft);
      return `1/${100 + signed.length}`;
    },
    issuer: { id: 3, sign: { scheme: 'none' } as never },
    handOver: async (from, to) => (await book.handOver(from, to)).map((i) => i.id),
    roster: (area) => airRoster(area, PEOPLE),
    now: () => now,
    log: silentLogger,
  });
  service = new KitsAdapter({
    board,
    lost,
    areaName: (area) => (area === VILLAGE ? '青山村' : undefined),
    incidents: () => book.list(),
    now: () => now,
    emit: (e) => events.emit(e),
  });
  api = await startTestApi(dir, { node: { id: 1, role: 'centre' }, kits: service, events, now: () => now });
  api.server.markReady();
});

afterEach(async () => {
  await api.server.stop();
  await board.close();
  await rm(dir, { recursive: true, force: true });
});

async function as(person: number) {
  const client = api.client();
  expect((await client.signIn(person)).status).toBe(200);
  return client;
}

describe('the kit routes', () => {
  it('show the board to whoever holds kit.view: health named, alerts first, a kit’s charge history', async () => {
    await board.heard(
      { ...K1, seq: 306, createdAt: K1.createdAt - 3600, body: { ...K1.body, batteryPct: 80 } },
      AT - 3600_000,
    );
    await board.heard(K1, AT);
    const officer = await as(DUTY_OFFICER);
    const list = await officer.request('GET', '/api/kits');
    expect(list.status).toBe(200);
    expect(list.json.kits.map((k: { id: number; state: string }) => [k.id, k.state])).toEqual([
      [LOST, 'ok'],
      [2108, 'never-heard'],
      [NEW, 'never-heard'],
    ]);
    const kit = list.json.kits.find((k: { id: number }) => k.id === LOST);
    expect(kit).toMatchObject({
      areaName: '青山村',
      lastHeard: { at: AT, msg: '2107/307', kind: 'health' },
      health: {
        intervalS: 900,
        power: {
          source: 'battery',
          batteryPercent: 64,
          batteryVolts: 12.4,
          charging: false,
          minutesLeft: 410,
        },
        clock: { source: 'gps', trusted: true },
        links: [
          { kind: 'meshtastic', state: 'up', up: true },
          { kind: 'iridium-sbd', state: 'no-service', up: false },
        ],
        queued: 3,
        upMin: 1440,
      },
      silentFrom: AT + 31 * 60_000,
    });
    expect(kit.history).toBeUndefined();
    const one = await officer.request('GET', `/api/kits/${LOST}`);
    expect(one.json.history).toEqual([
      { at: AT - 3600_000, percent: 80, charging: false, power: 'battery' },
      { at: AT, percent: 64, charging: false, power: 'battery' },
    ]);
    expect((await officer.request('GET', '/api/kits/4242')).json.code).toBe('KIT_UNKNOWN');

    const villager = await as(INFO_OFFICER);
    expect((await villager.request('GET', '/api/kits')).json.code).toBe('API_FORBIDDEN');
  });

  it('revoke once per key, replace with its refusals, and give the handover file', async () => {
    const officer = await as(DUTY_OFFICER);
    const key = 'revoke-2107-once';
    const first = await officer.request('POST', `/api/kits/${LOST}/revoke`, { body: {}, key });
    expect(first.status).toBe(201);
    expect(first.json).toMatchObject({
      control: '1/101',
      kit: { id: LOST, state: 'revoked', revoked: { by: DUTY_OFFICER } },
    });
    const again = await officer.request('POST', `/api/kits/${LOST}/revoke`, { body: {}, key });
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(signed).toHaveLength(1);
    expect(signed[0]).toMatchObject({ kind: 'control', dest: { to: 'all' }, body: { revokeNodes: [LOST] } });
    expect((await officer.request('POST', `/api/kits/${LOST}/revoke`, { body: {} })).json.code).toBe(
      'KIT_REVOKED',
    );

    const wrongArea = await officer.request('POST', `/api/kits/${LOST}/replace`, { body: { by: 2108 } });
    expect([wrongArea.status, wrongArea.json.code]).toEqual([400, 'KIT_REPLACEMENT_INVALID']);
    const notRevoked = await officer.request('POST', `/api/kits/${NEW}/replace`, { body: { by: LOST } });
    expect([notRevoked.status, notRevoked.json.code]).toEqual([409, 'KIT_NOT_REVOKED']);
    expect((await officer.request('POST', `/api/kits/${LOST}/replace`, { body: { by: 'x' } })).status).toBe(
      400,
    );
    expect((await officer.request('GET', `/api/kits/${LOST}/handover`)).status).toBe(404);

    const replaced = await officer.request('POST', `/api/kits/${LOST}/replace`, { body: { by: NEW } });
    expect(replaced.status).toBe(201);
    expect(replaced.json).toMatchObject({
      incidents: ['2107/305'],
      control: '1/102',
      kit: { replacedBy: { kit: NEW, incidents: ['2107/305'] } },
      replacement: { id: NEW, replaces: LOST },
    });
    expect(signed[1]).toMatchObject({ dest: { to: 'node', node: NEW }, body: { roster: { area: VILLAGE } } });
    const file = await officer.request('GET', `/api/kits/${LOST}/handover`);
    expect(file.status).toBe(200);
    expect(file.headers['content-disposition']).toBe('attachment; filename="handover-2107-to-2111.jsonl"');
    const [head, incident] = file.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(head).toMatchObject({
      format: 'fieldnode-handover',
      from: LOST,
      to: NEW,
      area: VILLAGE,
      incidents: 1,
    });
    expect(incident).toMatchObject({ id: '2107/305', node: NEW });

    const villager = await as(INFO_OFFICER);
    expect((await villager.request('POST', `/api/kits/${NEW}/revoke`, { body: {} })).json.code).toBe(
      'API_FORBIDDEN',
    );
  });

  it('tell the duty officer’s stream when a kit changes, and no one else’s', async () => {
    const port = api.server.address?.port;
    const stream = async (person: number) => {
      const client = await as(person);
      const ws = new WebSocket(`ws://127.0.0.1:${port}/api/events`, {
        headers: { origin: api.origin, cookie: client.cookie as string },
      });
      const events: ApiEvent[] = [];
      ws.on('message', (data) => events.push(JSON.parse(String(data)) as ApiEvent));
      await new Promise((resolve) => ws.on('open', resolve));
      return { ws, events };
    };
    const officer = await stream(DUTY_OFFICER);
    const villager = await stream(INFO_OFFICER);
    await board.heard(K1, AT);
    for (let i = 0; i < 100 && !officer.events.some((e) => e.type === 'kit'); i++)
      await new Promise((r) => setTimeout(r, 10));
    const kit = officer.events.find((e) => e.type === 'kit');
    expect(kit).toMatchObject({
      type: 'kit',
      kit: { id: LOST, state: 'ok', health: { power: { batteryPercent: 64 } } },
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(villager.events.map((e) => e.type)).not.toContain('kit');
    officer.ws.close();
    villager.ws.close();
  });
});
