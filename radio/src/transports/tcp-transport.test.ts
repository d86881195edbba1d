/**
 * TcpTransport against real sockets on 127.0.0.1, and a MeshtasticLink over it to a scripted
 * device behind a server that, like meshtasticd, serves one API client at a time (a new
 * connection force-closes the previous one, docs/meshtastic.md §1.2).
 */
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { isKitError } from '../../../node/src/base/errors.js';
import { MeshtasticLink } from '../meshtastic/meshtastic-link.js';
import { ScriptedDevice } from '../meshtastic/test/scripted-device.js';
import { TcpTransport } from './tcp-transport.js';
import { openFailureReason } from './transport.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A meshtasticd-like server: one client at a time, each served by `device`. */
async function meshtasticd(
  device: ScriptedDevice,
): Promise<{ server: Server; port: number; clients: Socket[] }> {
  const clients: Socket[] = [];
  const server = createServer((socket) => {
    for (const old of clients.splice(0)) old.destroy(); // "Force close previous TCP connection"
    clients.push(socket);
    socket.on('error', () => {});
    device.attach(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const c of clients) c.destroy();
        server.close(() => resolve());
      }),
  );
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { server, port: address.port, clients };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(5);
  }
}

describe('TcpTransport', () => {
  it('opens a socket that carries bytes both ways, and closes it', async () => {
    const server = createServer((s) => s.pipe(s)); // echo
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
    const { port } = server.address() as { port: number };
    const t = new TcpTransport({ host: '127.0.0.1', port });
    expect(t.description).toBe(`tcp 127.0.0.1:${port}`);
    const stream = await t.open();
    stream.write('ping');
    const [data] = await once(stream, 'data');
    expect(String(data)).toBe('ping');
    await t.close();
    expect(stream.destroyed).toBe(true);
    await t.close();
  });

  it('a refused connection is MESH_PORT with the OS error as cause: the device is not there', async () => {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as { port: number };
    await new Promise<void>((r) => server.close(() => r()));
    const err = await new TcpTransport({ host: '127.0.0.1', port }).open().catch((e: unknown) => e);
    expect(isKitError(err, 'MESH_PORT')).toBe(true);
    expect((err as Error).cause).toMatchObject({ code: 'ECONNREFUSED' });
    expect(openFailureReason(err)).toBe('no-device');
  });

  it('an aborted open rejects with the signal\u2019s reason', async () => {
    const ac = new AbortController();
    ac.abort(new Error('stop'));
    await expect(new TcpTransport({ host: '127.0.0.1', port: 9 }).open(ac.signal)).rejects.toThrow('stop');
  });

  it('checks its options', () => {
    expect(() => new TcpTransport({ host: '' })).toThrow(TypeError);
    expect(() => new TcpTransport({ host: 'h', port: 70000 })).toThrow(RangeError);
    expect(new TcpTransport({ host: '::1' }).description).toBe('tcp [::1]:4403');
  });
});

describe('MeshtasticLink over TCP to a one-client-at-a-time server', () => {
  it('comes up, sends, is kicked off by another client, and comes back when started again', async () => {
    const device = new ScriptedDevice();
    const { port, clients } = await meshtasticd(device);
    const link = new MeshtasticLink({
      id: 'mesh-tcp',
      transport: new TcpTransport({ host: '127.0.0.1', port }),
      timeouts: { wakeDelayMs: 2, handshakeMs: 500, ackMs: 500 },
    });
    cleanups.push(() => link.stop());
    const states: string[] = [];
    link.on('state', (s) => states.push(s.status === 'down' ? `down/${s.reason}` : s.status));
    await link.start();
    expect(link.state.status).toBe('up');
    expect(await link.send(Uint8Array.of(1, 2), { to: '!11223344' })).toMatchObject({ ok: true });

    // The Android app connects: meshtasticd drops us.
    const { Socket: NetSocket } = await import('node:net');
    const app = new NetSocket();
    app.on('error', () => {});
    cleanups.push(() => void app.destroy());
    app.connect(port, '127.0.0.1');
    await until(() => states.includes('down/port-closed'));
    // The link does not fight the app for the server by itself: the supervisor decides when.
    await sleep(50);
    expect(link.state).toMatchObject({ status: 'down', reason: 'port-closed' });
    expect(device.connections).toBe(2);
    // Started again, as the supervisor does after its backoff, it connects (kicking the app off).
    await link.start();
    expect(link.state.status).toBe('up');
    expect(device.connections).toBe(3);
    expect(clients).toHaveLength(1);
    expect(await link.send(Uint8Array.of(3), { to: '!11223344' })).toMatchObject({ ok: true });
    expect(states).toEqual(['starting', 'up', 'down/port-closed', 'starting', 'up']);
  });
});
