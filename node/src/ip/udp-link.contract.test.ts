/**
 * Tests for udp-link.ts: the shared link contract (link/contract.ts) over two UdpLinks on
 * 127.0.0.1, then what is particular to UDP: peer names, unknown senders, fan-out, send errors, and
 * a port already in use (docs/links.md §The link contract; docs/conventions.md §Tests, tier 2).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Logger } from '../base/logger.js';
import { runLinkContract } from '../link/contract.js';
import type { InboundFrame, LinkState } from '../link/link.js';
import { type UdpEndpoint, UdpLink, type UdpLinkOptions } from './udp-link.js';

const HOST = '127.0.0.1';

const open: UdpLink[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((l) => l.stop()));
});

/** A started link on a free port (bind port 0), stopped after the test. */
async function started(opts: Partial<UdpLinkOptions> & { id: string }): Promise<UdpLink> {
  const link = new UdpLink({ bind: { host: HOST, port: 0 }, peers: {}, ...opts });
  open.push(link);
  await link.start();
  expect(link.state.status).toBe('up');
  return link;
}

function bound(link: UdpLink): UdpEndpoint {
  const address = link.address();
  if (address === undefined) throw new Error(`${link.id} is not bound`);
  return address;
}

/** A free port: bind port 0, read it back, let it go. Another process could take it meanwhile,
 * but ephemeral ports are drawn at random from ~28 000, so a clash in a test run is unlikely. */
async function freePort(): Promise<number> {
  const probe = await started({ id: 'probe' });
  const { port } = bound(probe);
  await probe.stop();
  return port;
}

function nextFrame(link: UdpLink): Promise<InboundFrame> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no frame at ${link.id} within 2 s`)), 2000);
    link.once('frame', (f) => {
      clearTimeout(timer);
      resolve(f);
    });
  });
}

runLinkContract('udp on 127.0.0.1', async () => {
  // Each side's peers are fixed at construction, so the link (started by the suite, later) gets a
  // port freed just now, and the peer is told it in advance.
  const linkPort = await freePort();
  const peer = new UdpLink({
    id: 'udp-peer',
    bind: { host: HOST, port: 0 },
    peers: { link: { host: HOST, port: linkPort } },
  });
  await peer.start();
  const link = new UdpLink({
    id: 'udp-link',
    bind: { host: HOST, port: linkPort },
    peers: { peer: bound(peer) },
  });
  return { link, peer, teardown: async () => void (await Promise.all([link.stop(), peer.stop()])) };
});

describe('UdpLink', () => {
  it('names a configured sender in meta.from and counts frames from unknown ones as rxUnknown', async () => {
    const bPort = await freePort();
    const a = await started({ id: 'a', peers: { b: { host: HOST, port: bPort } } });
    const b = await started({ id: 'b', bind: { host: HOST, port: bPort }, peers: { alpha: bound(a) } });
    const stranger = await started({ id: 'stranger', peers: { b: bound(b) } });

    let got = nextFrame(b);
    expect(await a.send(Uint8Array.of(1))).toEqual({ ok: true });
    expect((await got).meta).toEqual({ from: 'alpha' });

    got = nextFrame(b);
    expect(await stranger.send(Uint8Array.of(2))).toEqual({ ok: true });
    expect((await got).meta).toEqual({ from: `${HOST}:${bound(stranger).port}` });
    expect(b.counters()).toMatchObject({ rxFrames: 2, rxUnknown: 1 });
  });

  it('sends to every peer without `to`, and to the named one only with it', async () => {
    const p1 = await started({ id: 'p1' });
    const p2 = await started({ id: 'p2' });
    const hub = await started({ id: 'hub', peers: { p1: bound(p1), p2: bound(p2) } });
    const both = [nextFrame(p1), nextFrame(p2)];
    expect(await hub.send(Uint8Array.of(7))).toEqual({ ok: true });
    for (const f of await Promise.all(both)) expect(f.bytes).toEqual(Uint8Array.of(7));
    // One frame accepted, however many peers it was copied to (the link skeleton's counting).
    expect(hub.counters()).toMatchObject({ txFrames: 1, txBytes: 1 });

    const seenByP1: number[] = [];
    p1.on('frame', (f) => seenByP1.push(f.bytes[0] ?? -1));
    const atP2 = nextFrame(p2);
    expect(await hub.send(Uint8Array.of(8), { to: 'p2' })).toEqual({ ok: true });
    expect((await atP2).bytes).toEqual(Uint8Array.of(8));
    const atP1 = nextFrame(p1); // a marker to p1 after frame 8: had p1 got 8, it came first
    await hub.send(Uint8Array.of(9), { to: 'p1' });
    await atP1;
    expect(seenByP1).toEqual([9]);
  });

  it('resolves an unknown peer name as never-retry and a send error as DEVICE_ERROR, to retry later', async () => {
    // An IPv6 peer on an IPv4 socket: the kernel refuses (EINVAL) without anything leaving the host.
    const link = await started({ id: 'l', peers: { v6: { host: '::1', port: 9 } } });
    expect(await link.send(Uint8Array.of(1), { to: 'nobody' })).toMatchObject({ ok: false, retry: 'never' });
    const outcome = await link.send(Uint8Array.of(1), { to: 'v6' });
    expect(outcome).toMatchObject({ ok: false, retry: 'later', code: 'DEVICE_ERROR' });
    expect(outcome.ok || outcome.detail).toMatch(/^v6: .*EINVAL/);
    // Both are failed sends (the link skeleton counts every failure but a refusal: LINK_DOWN, BUSY).
    expect(link.counters()).toMatchObject({ txFrames: 0, errors: 2 });
  });

  it('a port already in use leaves it down with port-error, without throwing; a later start() binds', async () => {
    const holder = await started({ id: 'holder' });
    const { port } = bound(holder);
    const link = new UdpLink({ id: 'late', bind: bound(holder), peers: {} });
    open.push(link);
    const states: LinkState[] = [];
    link.on('state', (s) => states.push(s));

    await expect(link.start()).resolves.toBeUndefined();
    expect(link.state).toMatchObject({ status: 'down', reason: 'port-error' });
    expect(link.state.status === 'down' && link.state.detail).toMatch(/EADDRINUSE/);
    expect(await link.send(Uint8Array.of(1))).toMatchObject({ ok: false, code: 'LINK_DOWN' });

    await holder.stop(); // what a supervisor's retry would find
    await link.start();
    expect(states.map((s) => (s.status === 'down' ? s.reason : s.status))).toEqual([
      'starting',
      'port-error',
      'starting',
      'up',
    ]);
    expect(bound(link).port).toBe(port);
  });

  it('logs a down once per distinct error while a supervisor retries, and up once', async () => {
    const holder = await started({ id: 'holder' });
    const lines: string[] = [];
    const log: Logger = {
      child: () => log,
      trace: () => {},
      info: (_: object | string, msg?: string) => lines.push(`info ${msg}`),
      warn: (_: object | string, msg?: string) => lines.push(`warn ${msg}`),
      debug: (_: object | string, msg?: string) => lines.push(`debug ${msg}`),
      error: (_: object | string, msg?: string) => lines.push(`error ${msg}`),
    };
    const link = new UdpLink({ id: 'retry', bind: bound(holder), peers: {}, log });
    open.push(link);
    for (let i = 0; i < 3; i++) await link.start();
    expect(lines).toEqual(['warn udp link down']);
    await holder.stop();
    await link.start();
    expect(lines).toEqual(['warn udp link down', 'info udp link up']);
  });

  it('binds once when start() is called twice at the same time', async () => {
    const link = new UdpLink({ id: 'twice', bind: { host: HOST, port: 0 }, peers: {} });
    open.push(link);
    const states: string[] = [];
    link.on('state', (s) => states.push(s.status));
    await Promise.all([link.start(), link.start()]);
    expect(states).toEqual(['starting', 'up']);
  });

  it('refuses an mtu UDP cannot carry and a peer without a port', () => {
    const bind = { host: HOST, port: 0 };
    expect(() => new UdpLink({ id: 'x', bind, peers: {}, mtu: 65_508 })).toThrow(RangeError);
    expect(() => new UdpLink({ id: 'x', bind, peers: { p: { host: HOST, port: 0 } } })).toThrow(RangeError);
  });
});
