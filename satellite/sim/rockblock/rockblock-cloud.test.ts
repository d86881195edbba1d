/**
 * Tests for the simulated RockBLOCK cloud (rockblock-cloud.ts, push-delivery.ts, push-request.ts;
 * docs/iridium.md §2.1, §2.2, §7.4): its pushes carry the field set and types of the real
 * captures, verify with the test key (and not with Rock7's), come as JSON or a form, and are
 * retried on the simulated clock while the receiver is down.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../node/src/link/clock.js';
import { Rock7JwtVerifier } from '../../src/rockblock/jwt.js';
import { parsePushBody } from '../../src/rockblock/push-body.js';
import { SimulatedIridiumNetwork } from '../iridium/simulated-network.js';
import { type PushFormat, pushFields } from './push-request.js';
import { RockblockCloudSim } from './rockblock-cloud.js';
import { TEST_ROCK7_PUBLIC_KEY_PEM } from './test-key.js';

const IMEI = '300434060000010';
const AT = Date.UTC(2026, 6, 13, 19, 20, 5);

interface Received {
  contentType: string | undefined;
  userAgent: string | undefined;
  body: Record<string, unknown>;
}

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

/** A push endpoint answering each request with the next status in `statuses` (the last repeats). */
async function endpoint(statuses: number[] = [200]) {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        contentType: req.headers['content-type'],
        userAgent: req.headers['user-agent'],
        body: { ...parsePushBody(req.headers['content-type'], Buffer.concat(chunks)) },
      });
      res.writeHead(statuses[Math.min(received.length - 1, statuses.length - 1)] ?? 200);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup.push(() => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(() => resolve()));
  });
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/push`, received };
}

function cloud(
  url: string | undefined,
  format: PushFormat = 'json',
  extra: { sessionStatusField?: boolean; unixNow?: () => number } = {},
) {
  const clock = new VirtualClock();
  const network = new SimulatedIridiumNetwork({ clock });
  const sim = new RockblockCloudSim({
    network,
    account: {
      username: 'u',
      password: 'p',
      devices: [{ imei: IMEI, serial: 20001, latitude: 28.5, longitude: 112.25, cepKm: 4 }],
    },
    ...(url ? { pushUrl: url } : {}),
    pushFormat: format,
    pushRetryDelaysMs: [5_000, 30_000],
    ...extra,
  });
  cleanup.push(() => sim.close());
  cleanup.push(() => network.close());
  return { clock, network, sim };
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
}

describe('RockblockCloudSim pushes', () => {
  it('push the §2.1 field set with the observed JSON types, signed with the test key', async () => {
    const e = await endpoint();
    const { network } = cloud(e.url);
    network.session({ imei: IMEI, momsn: 66, mo: Uint8Array.of(0x54, 0x68), at: AT });
    await until(() => e.received.length === 1, 'the push');
    const [push] = e.received;
    expect(push?.contentType).toBe('application/json; charset=utf-8');
    expect(push?.userAgent).toBe('Rock7PushApi');
    expect(Object.keys(push?.body ?? {}).sort()).toEqual(
      [
        'JWT',
        'data',
        'device_type',
        'imei',
        'iridium_cep',
        'iridium_latitude',
        'iridium_longitude',
        'momsn',
        'serial',
        'transmit_time',
      ].sort(),
    );
    expect(push?.body).toMatchObject({
      imei: IMEI,
      momsn: 66,
      serial: 20001,
      data: '5468',
      transmit_time: '26-07-13 19:20:05',
      iridium_latitude: 28.5,
      iridium_longitude: 112.25,
      iridium_cep: 4,
      device_type: 'ROCKBLOCK',
    });
    const claims = new Rock7JwtVerifier({ key: TEST_ROCK7_PUBLIC_KEY_PEM }).verify(push?.body.JWT);
    expect(claims).toMatchObject({
      iss: 'Rock 7',
      momsn: '66',
      serial: '20001',
      iridium_cep: '4.0',
      data: '5468',
    });
    expect(Object.keys(claims).slice(0, 2)).toEqual(['iss', 'iat']);
    expect(() => new Rock7JwtVerifier().verify(push?.body.JWT)).toThrow(/signature/);
  });

  it('push mailbox checks with data "", as a form when so configured, with the session status if asked', async () => {
    const e = await endpoint();
    const { network } = cloud(e.url, 'form', { sessionStatusField: true });
    network.session({ imei: IMEI, momsn: 3, mo: undefined, at: AT });
    await until(() => e.received.length === 1, 'the push');
    expect(e.received[0]?.contentType).toBe('application/x-www-form-urlencoded');
    expect(e.received[0]?.body).toMatchObject({ data: '', momsn: '3', iridium_session_status: '0' });
  });

  it('ignore sessions of IMEIs not on the account', async () => {
    const e = await endpoint();
    const { network, sim } = cloud(e.url);
    network.session({ imei: '300434069999999', momsn: 1, mo: Uint8Array.of(1), at: AT });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(e.received).toEqual([]);
    expect(sim.counters().attempts).toBe(0);
  });

  it('retry on the simulated clock while the receiver fails, signing each attempt afresh', async () => {
    const e = await endpoint([503, 500, 200]);
    let unix = 1_784_000_000;
    const { clock, network, sim } = cloud(e.url, 'json', { unixNow: () => unix });
    network.session({ imei: IMEI, momsn: 1, mo: Uint8Array.of(1), at: AT });
    await until(() => sim.counters().failedAttempts === 1, 'the first failure');
    unix += 5;
    clock.advance(4_999);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(e.received).toHaveLength(1);
    clock.advance(1);
    await until(() => sim.counters().failedAttempts === 2, 'the second failure');
    unix += 30;
    clock.advance(30_000);
    await until(() => sim.counters().delivered === 1, 'the delivery');
    expect(sim.counters()).toMatchObject({
      attempts: 3,
      failedAttempts: 2,
      delivered: 1,
      pending: 0,
      dropped: 0,
    });
    expect(e.received.map((r) => r.body.momsn)).toEqual([1, 1, 1]);
    const verifier = new Rock7JwtVerifier({ key: TEST_ROCK7_PUBLIC_KEY_PEM });
    expect(e.received.map((r) => verifier.verify(r.body.JWT).iat)).toEqual([
      1_784_000_000, 1_784_000_005, 1_784_000_035,
    ]);
  });

  it('hold pushes while no URL is set and deliver them when one is', async () => {
    const e = await endpoint();
    const { network, sim } = cloud(undefined);
    network.session({ imei: IMEI, momsn: 1, mo: Uint8Array.of(1), at: AT });
    expect(sim.counters()).toMatchObject({ pending: 1, attempts: 0 });
    sim.setPushUrl(e.url);
    await until(() => sim.counters().delivered === 1, 'the delivery');
    expect(e.received).toHaveLength(1);
  });
});

describe('pushFields', () => {
  it('signs every field as a string, iss and iat first, the rest in alphabetical order', () => {
    const fields = pushFields(
      {
        imei: IMEI,
        serial: 1,
        momsn: 2,
        at: AT,
        data: Uint8Array.of(0xab),
        latitude: -1.5,
        longitude: 2,
        cepKm: 3,
      },
      1_784_000_123,
    );
    const claims = new Rock7JwtVerifier({ key: TEST_ROCK7_PUBLIC_KEY_PEM }).verify(fields.JWT);
    expect(Object.keys(claims)).toEqual([
      'iss',
      'iat',
      'data',
      'device_type',
      'imei',
      'iridium_cep',
      'iridium_latitude',
      'iridium_longitude',
      'momsn',
      'serial',
      'transmit_time',
    ]);
    expect(claims).toMatchObject({ iat: 1_784_000_123, iridium_latitude: '-1.5000', data: 'ab' });
    for (const [k, v] of Object.entries(claims)) if (k !== 'iat') expect(typeof v).toBe('string');
  });
});
