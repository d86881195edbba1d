/**
 * The live feed (docs/ui.md §Live updates) against a real WebSocket server on 127.0.0.1: it hears
 * the kit, notices the cut, keeps when it last heard, and comes back by itself when the kit does,
 * on another server listening at the same port.
 */
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, WebSocket as WsClient } from 'ws';
import type { StreamEvent } from './api-types.js';
import { EventStream, type LinkState } from './event-stream.js';

const servers: WebSocketServer[] = [];
let stream: EventStream | undefined;

afterEach(async () => {
  stream?.stop();
  for (const s of servers.splice(0)) await new Promise((ok) => s.close(ok));
});

async function kit(port = 0): Promise<WebSocketServer> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port });
  await new Promise((ok) => wss.on('listening', ok));
  wss.on('connection', (socket) => socket.send(JSON.stringify({ type: 'hello', at: 1, signedIn: false })));
  servers.push(wss);
  return wss;
}

function until(check: () => boolean, ms = 5000): Promise<void> {
  const started = Date.now();
  return new Promise((ok, fail) => {
    const t = setInterval(() => {
      if (check()) {
        clearInterval(t);
        ok();
      } else if (Date.now() - started > ms) {
        clearInterval(t);
        fail(new Error('timed out'));
      }
    }, 10);
  });
}

describe('EventStream', () => {
  it('says connected on hello, cut when the kit goes, and reconnects when it is back', async () => {
    const first = await kit();
    const port = (first.address() as AddressInfo).port;
    const states: LinkState[] = [];
    const events: StreamEvent[] = [];
    stream = new EventStream({
      url: `ws://127.0.0.1:${port}/api/events`,
      onEvent: (e) => events.push(e),
      onState: (s) => states.push(s),
      WebSocket: WsClient as unknown as typeof WebSocket,
      backoff: { initialMs: 20, maxMs: 100, random: () => 0 },
    });
    stream.start();
    await until(() => stream?.state.connected === true);
    const heard = stream.state.lastHeardAt;
    expect(heard).toBeGreaterThan(0);

    for (const c of first.clients) c.terminate();
    await new Promise((ok) => first.close(ok));
    servers.splice(servers.indexOf(first), 1);
    await until(() => stream?.state.connected === false && (stream?.state.attempts ?? 0) >= 2);
    // What the page shows stays dated from the last time it heard the kit.
    expect(stream.state.lastHeardAt).toBe(heard);

    await kit(port);
    await until(() => stream?.state.connected === true);
    expect(stream.state.attempts).toBe(0);
    expect(events.filter((e) => e.type === 'hello')).toHaveLength(2);
  });

  it('drops a socket that has gone quiet when the kit does not answer its probe', async () => {
    const wss = await kit();
    const port = (wss.address() as AddressInfo).port;
    let now = Date.now();
    let probes = 0;
    stream = new EventStream({
      url: `ws://127.0.0.1:${port}/api/events`,
      onEvent: () => {},
      onState: () => {},
      WebSocket: WsClient as unknown as typeof WebSocket,
      backoff: { initialMs: 10_000, random: () => 0 },
      quietMs: 1000,
      watchEveryMs: 20,
      now: () => now,
      probe: async () => {
        probes++;
        return false;
      },
    });
    stream.start();
    await until(() => stream?.state.connected === true);
    now += 2000;
    await until(() => probes > 0);
    await until(() => stream?.state.connected === false);
    expect(stream.state.attempts).toBe(1);
  });
});
