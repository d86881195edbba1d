/**
 * Tests for the DirectIP MO server behind a TCP proxy that speaks the PROXY protocol, over real
 * TCP on 127.0.0.1 (mo-server.ts, read-proxy-header.ts; docs/centre-doors.md §DirectIP behind a
 * proxy): the source checked against allowed_sources is the header's, only from a trusted proxy;
 * the header and the message may come in one write or byte by byte; anything without a header,
 * from an untrusted address, or with a header for a source not allowed is refused unread.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { closeMoServers, deliverInChunks, moServer, referenceMo } from '../../test/support/mo-server-rig.js';
import type { DirectIpMoServerOptions } from './mo-server.js';
import { encodeProxyV1, encodeProxyV2, type ProxyEndpoint } from './proxy-header.js';

const CONFIRMED = Uint8Array.of(0x01, 0x00, 0x04, 0x05, 0x00, 0x01, 0x01);
const GATEWAY: ProxyEndpoint = { address: '12.47.179.11', port: 40_001 };
const US: ProxyEndpoint = { address: '192.0.2.10', port: 10_800 };

afterEach(closeMoServers);

/** A confirming server that takes the gateway's messages through a proxy on 127.0.0.1. */
const server = (opts: DirectIpMoServerOptions = {}) =>
  moServer({
    confirm: true,
    allowedSources: [GATEWAY.address],
    proxyProtocol: { trustedProxies: ['127.0.0.1'] },
    ...opts,
  });

const mo = (momsn = 12) => referenceMo({ momsn });

/** Writes `chunks` with a pause between; resolves with what came back before the close. */
const deliver = (port: number, chunks: Uint8Array[]) =>
  deliverInChunks(port, chunks, { pauseMs: 2, timeoutMs: 3000 });

const bytewise = (b: Uint8Array) => Array.from(b, (x) => Uint8Array.of(x));
const tick = () => new Promise((r) => setTimeout(r, 20));

describe('DirectIpMoServer with the PROXY protocol', () => {
  it('takes the source from a v1 or v2 header sent with the message in one write', async () => {
    const t = await server();
    expect(await deliver(t.port, [Uint8Array.of(...encodeProxyV1(GATEWAY, US), ...mo(1))])).toEqual(
      CONFIRMED,
    );
    expect(await deliver(t.port, [Uint8Array.of(...encodeProxyV2(GATEWAY, US), ...mo(2))])).toEqual(
      CONFIRMED,
    );
    await tick();
    expect(t.mos.map((m) => [m.message.header.momsn, m.remote, m.proxy])).toEqual([
      [1, GATEWAY.address, '127.0.0.1'],
      [2, GATEWAY.address, '127.0.0.1'],
    ]);
  });

  it('reads a header and message that arrive byte by byte, TLVs and all', async () => {
    const t = await server();
    const header = encodeProxyV2(GATEWAY, US, Uint8Array.of(0x03, 0x00, 0x04, 1, 2, 3, 4));
    expect(await deliver(t.port, bytewise(Uint8Array.of(...header, ...mo(3))))).toEqual(CONFIRMED);
    await tick();
    expect(t.mos.map((m) => m.remote)).toEqual([GATEWAY.address]);
  });

  it('refuses a header for a source not allowed, unread and unconfirmed', async () => {
    const t = await server();
    const stranger = { address: '198.51.100.99', port: 5 };
    expect(await deliver(t.port, [Uint8Array.of(...encodeProxyV1(stranger, US), ...mo())])).toEqual(
      new Uint8Array(),
    );
    await tick();
    expect(t.mos).toEqual([]);
    expect(t.rejected).toEqual([
      expect.objectContaining({ reason: 'source', remote: '198.51.100.99', proxy: '127.0.0.1' }),
    ]);
  });

  it('refuses a connection from an address that is not a trusted proxy, whatever its header says', async () => {
    const t = await server({ proxyProtocol: { trustedProxies: ['10.0.0.9'] } });
    expect(await deliver(t.port, [Uint8Array.of(...encodeProxyV1(GATEWAY, US), ...mo())])).toEqual(
      new Uint8Array(),
    );
    await tick();
    expect(t.mos).toEqual([]);
    expect(t.rejected.map((r) => [r.reason, r.detail])).toEqual([
      ['source', '127.0.0.1 is not a trusted proxy'],
    ]);
  });

  it('refuses a connection without a header, even from the gateway’s own address', async () => {
    const t = await server({ allowedSources: ['127.0.0.1'] });
    expect(await deliver(t.port, [mo()])).toEqual(new Uint8Array());
    await tick();
    expect(t.mos).toEqual([]);
    expect(t.rejected.map((r) => r.reason)).toEqual(['proxy-header']);
  });

  it('takes a LOCAL or UNKNOWN connection (a health check) as the proxy’s own: refused unless allowed', async () => {
    const t = await server();
    expect(await deliver(t.port, [Uint8Array.of(...encodeProxyV2(), ...mo())])).toEqual(new Uint8Array());
    expect(await deliver(t.port, [Uint8Array.of(...encodeProxyV1(), ...mo())])).toEqual(new Uint8Array());
    await tick();
    expect(t.rejected.map((r) => [r.reason, r.remote])).toEqual([
      ['source', '127.0.0.1'],
      ['source', '127.0.0.1'],
    ]);
  });

  it('drops a connection whose header never completes, at the read timeout', async () => {
    const t = await server({ readTimeoutMs: 100 });
    expect(await deliver(t.port, [encodeProxyV1(GATEWAY, US).subarray(0, 20)])).toEqual(new Uint8Array());
    await tick();
    expect(t.rejected.map((r) => r.reason)).toEqual(['timeout']);
  });
});
