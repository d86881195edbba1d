import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { queuedMeta } from '../../test/meta-fixture.js';
import { type ApiClient, startTestApi, type TestApi } from './api-fixtures.js';
import type { ApiEvent } from './event-hub.js';

let dir: string;
let api: TestApi;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-api-events-'));
  api = await startTestApi(dir);
  api.server.markReady();
});

afterEach(async () => {
  await api.server.stop();
  await rm(dir, { recursive: true, force: true });
});

/** Opens the event stream as the page of `client` would, and collects what comes. */
function open(client: ApiClient | undefined, origin = api.origin) {
  const port = api.server.address?.port;
  const headers: Record<string, string> = { origin };
  if (client?.cookie) headers.cookie = client.cookie;
  const ws = new WebSocket(`ws://127.0.0.1:${port}/api/events`, { headers });
  const events: ApiEvent[] = [];
  ws.on('message', (data) => events.push(JSON.parse(String(data)) as ApiEvent));
  const opened = new Promise<void>((resolve, reject) => {
    ws.on('open', () => resolve());
    ws.on('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.on('error', reject);
  });
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  return { ws, events, opened, closed };
}

async function until(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!check()) throw new Error(`timed out: ${what}`);
}

describe('the event stream', () => {
  it('greets anyone with the public status, and tells them nothing of messages or reports', async () => {
    const s = open(undefined);
    await s.opened;
    await until('hello and status', () => s.events.length >= 2);
    expect(s.events[0]).toMatchObject({ type: 'hello', signedIn: false });
    expect(s.events[1]).toMatchObject({
      type: 'status',
      status: { reach: 'degraded', links: { up: 1, total: 2 } },
    });
    api.feed.emit({ type: 'message', meta: queuedMeta('2107/301', 1, { mesh0: 0 }) });
    const officer = api.client();
    await officer.signIn(1);
    await officer.request('POST', '/api/reports', { body: { stage: 'initial', hazard: 18, indicators: {} } });
    await new Promise((r) => setTimeout(r, 50));
    expect(s.events.map((e) => e.type)).toEqual(['hello', 'status']);
    s.ws.close();
  });

  it('sends a signed-in page its full status, message states and the reports of its areas', async () => {
    const officer = api.client();
    await officer.signIn(1);
    const other = api.client();
    await other.signIn(4);
    const mine = open(officer);
    const theirs = open(other);
    await Promise.all([mine.opened, theirs.opened]);
    await until('greetings', () => mine.events.length >= 2 && theirs.events.length >= 2);
    expect(mine.events[0]).toMatchObject({ type: 'hello', signedIn: true });
    expect(mine.events[1]).toMatchObject({ type: 'status', status: { queue: { total: 3 } } });

    const meta = queuedMeta('2107/301', 1, { mesh0: 0 });
    meta.events.push({ at: 5, state: 'queued' });
    api.feed.emit({ type: 'message', meta });
    await officer.request('POST', '/api/reports', {
      body: { stage: 'initial', hazard: 18, indicators: { dead: 1 } },
    });
    await until('message and report', () => mine.events.length >= 4);
    expect(mine.events[2]).toMatchObject({
      type: 'message',
      message: { id: '2107/301', state: 'queued', outcome: 'open' },
    });
    expect(mine.events[3]).toMatchObject({
      type: 'report',
      report: { reporter: 1, indicators: { dead: 1 } },
    });
    // The officer of the other village hears the message state, not the report of this one.
    await until('their message', () => theirs.events.length >= 3);
    await new Promise((r) => setTimeout(r, 50));
    expect(theirs.events.map((e) => e.type)).toEqual(['hello', 'status', 'message']);
    mine.ws.close();
    theirs.ws.close();
  });

  it('ends a stream when its session is signed out', async () => {
    const officer = api.client();
    await officer.signIn(1);
    const s = open(officer);
    await s.opened;
    await officer.request('DELETE', '/api/session');
    expect(await s.closed).toBe(4001);
    expect(s.events.at(-1)).toMatchObject({ type: 'session-ended', reason: 'signed-out' });
  });

  it('refuses a page of another site (cross-site WebSocket hijacking)', async () => {
    const officer = api.client();
    await officer.signIn(1);
    const s = open(officer, 'http://evil.example');
    await expect(s.opened).rejects.toThrow('HTTP 403');
  });

  it('closes a stream that sends anything', async () => {
    const s = open(undefined);
    await s.opened;
    s.ws.send('hello?');
    expect(await s.closed).toBe(1003);
  });
});
