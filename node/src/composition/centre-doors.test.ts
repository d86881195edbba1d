/**
 * Tests for what satellite-links.ts does with the context of the node it serves
 * (docs/centre-doors.md §What the doors keep, §Duplicates and restarts, §Receiving only), over real
 * HTTP and TCP on 127.0.0.1 with real files in a temporary data directory:
 *
 * - a signed push whose claims are not the documented shape is kept through `keep`, with the
 *   IMEI, MOMSN, session time, location, CEP and transport, and logged with its bytes as hex;
 * - a push or an MO message delivered again after a restart (the link built again on the same
 *   data directory) is a duplicate;
 * - a rockblock link without MT credentials is built all the same and receives.
 *
 * Adapters and their simulators are loaded lazily, as the composition root must.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DirectIpLink } from '../../../satellite/src/centre/directip-link.js';
import type { RockblockLink } from '../../../satellite/src/centre/rockblock-link.js';
import type { Logger } from '../base/logger.js';
import { silentLogger } from '../base/logger.js';
import type { DirectIpLinkConfig, RockblockLinkConfig } from '../config/schema.js';
import type { InboundFrame } from '../link/link.js';
import { createRootLogger } from '../log.js';
import type { ForeignPayloadRecord } from '../store/foreign-payload-file.js';
import { referenceFrames } from '../wire/fixtures/reference-frames.js';
import type { BuiltLink } from './built-link.js';
import { createDirectIpLink, createRockblockLink } from './satellite-links.js';

const IMEI = '300534060000001';
const FRAME = referenceFrames()[0]?.frame as Uint8Array;
const AT = Date.UTC(2026, 6, 13, 19, 20, 5);

let dir: string;
const cleanups: Array<() => Promise<unknown>> = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-doors-'));
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await rm(dir, { recursive: true, force: true });
});

/** Sets the process environment for one test (the MT client reads its credentials there). */
function withEnv(env: Record<string, string | undefined>): void {
  const saved = process.env;
  process.env = { ...saved, ...env };
  cleanups.push(async () => {
    process.env = saved;
  });
}

async function started(built: BuiltLink): Promise<InboundFrame[]> {
  const frames: InboundFrame[] = [];
  built.link.on('frame', (f) => frames.push(f));
  await built.link.start();
  return frames;
}

const settle = () => new Promise((r) => setTimeout(r, 30));

/** A pino logger, as the daemon's, whose lines land in `lines`. */
function pinoLines(): { log: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      done();
    },
  });
  return { log: createRootLogger({ level: 'debug' }, stream), lines };
}

async function rockblockConfig(): Promise<RockblockLinkConfig> {
  const { TEST_ROCK7_PUBLIC_KEY_PEM } = await import('../../../satellite/sim/rockblock/test-key.js');
  const keyFile = join(dir, 'sim.pem');
  await writeFile(keyFile, TEST_ROCK7_PUBLIC_KEY_PEM);
  return {
    id: 'rb0',
    type: 'rockblock',
    enabled: true,
    cost: 'satellite',
    listen: { host: '127.0.0.1', port: 0 },
    path: '/push',
    mtEndpoint: 'http://127.0.0.1:9/rockblock/MT',
    verifyKeyFile: keyFile,
    imeis: { [IMEI]: 2107 },
  };
}

/** POSTs `body` to the link's receiver; the status. */
async function postTo(built: BuiltLink, body: string): Promise<number> {
  const port = (built.link as RockblockLink).receiver.address()?.port;
  const res = await fetch(`http://127.0.0.1:${port}/push`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  await res.arrayBuffer();
  return res.status;
}

async function genuinePush(momsn = 12): Promise<string> {
  const { pushBody, pushFields } = await import('../../../satellite/sim/rockblock/push-request.js');
  const input = {
    imei: IMEI,
    serial: 1,
    momsn,
    at: AT,
    data: FRAME,
    latitude: 28.1234,
    longitude: 112.9876,
    cepKm: 3,
  };
  return pushBody(pushFields(input, 1_784_000_000), 'json');
}

describe('the centre’s doors keep what they took, and remember it', () => {
  it('rockblock: a signed push in an unexpected shape is kept whole with where it came from, its bytes logged as hex', async () => {
    withEnv({ FIELDNODE_ROCKBLOCK_USERNAME: 'u', FIELDNODE_ROCKBLOCK_PASSWORD: 'p' });
    const { signCompact, testRock7PrivateKey } = await import(
      '../../../satellite/sim/rockblock/sign-push-token.js'
    );
    const kept: ForeignPayloadRecord[] = [];
    const { log, lines } = pinoLines();
    const built = await createRockblockLink(await rockblockConfig(), log, {
      dataDir: dir,
      keep: (r) => kept.push(r),
    });
    cleanups.push(() => built.link.stop());
    const frames = await started(built);
    // A device whose IMEI Rock7 sends as 14 digits: signed, so Rock7's, but not the documented shape.
    const claims = {
      iss: 'Rock 7',
      iat: 1_784_000_000,
      imei: '30053406000000',
      momsn: '77',
      transmit_time: '26-07-13 19:20:05',
      iridium_latitude: '-33.5',
      iridium_longitude: '151.25',
      iridium_cep: '4.0',
      data: '0102ff',
    };
    const token = signCompact('{"alg":"RS256"}', JSON.stringify(claims), testRock7PrivateKey());
    expect(await postTo(built, JSON.stringify({ JWT: token }))).toBe(200);
    await settle();
    expect(frames).toEqual([]);
    expect(kept).toEqual([
      {
        link: 'rb0',
        reason: 'unexpected-claims',
        detail: expect.stringMatching(/imei/),
        from: '30053406000000',
        hex: '0102ff',
        source: {
          carrier: 'rockblock',
          momsn: 77,
          sessionTime: AT,
          latitude: -33.5,
          longitude: 151.25,
          cepKm: 4,
          claims,
        },
        receivedAt: expect.any(Number),
      },
    ]);
    const line = lines.find((l) => String(l.msg).includes('quarantined'));
    expect(line).toMatchObject({ hex: '0102ff', bytes: 3, from: '30053406000000' });
    // No line carries bytes as a JSON object of indices ({"0":1,"1":2,…}).
    for (const l of lines) expect(JSON.stringify(l)).not.toMatch(/\{"0":\d+,"1":\d+/);
  });

  it('rockblock: a genuine push replayed after a restart on the same data directory is refused as a duplicate', async () => {
    withEnv({ FIELDNODE_ROCKBLOCK_USERNAME: 'u', FIELDNODE_ROCKBLOCK_PASSWORD: 'p' });
    const config = await rockblockConfig();
    const push = await genuinePush();
    const first = await createRockblockLink(config, silentLogger, { dataDir: dir });
    const before = await started(first);
    expect(await postTo(first, push)).toBe(200);
    await settle();
    expect(before).toHaveLength(1);
    expect(before[0]?.meta?.source).toMatchObject({ latitude: 28.1234, longitude: 112.9876, cepKm: 3 });
    await first.link.stop(); // the daemon restarts

    const again = await createRockblockLink(config, silentLogger, { dataDir: dir });
    cleanups.push(() => again.link.stop());
    const after = await started(again);
    expect(await postTo(again, push)).toBe(200);
    expect(await postTo(again, await genuinePush(13))).toBe(200); // a new one still goes through
    await settle();
    expect(after.map((f) => f.meta?.source?.momsn)).toEqual([13]);
    expect((again.link as RockblockLink).receiver.counters()).toMatchObject({ accepted: 1, duplicates: 1 });
  });

  it('rockblock: without MT credentials the link is built to receive only, and says why MT is off', async () => {
    withEnv({ FIELDNODE_ROCKBLOCK_USERNAME: undefined, FIELDNODE_ROCKBLOCK_PASSWORD: undefined });
    const { log, lines } = pinoLines();
    const built = await createRockblockLink(await rockblockConfig(), log, { dataDir: dir });
    cleanups.push(() => built.link.stop());
    expect(built.mt).toEqual({
      on: false,
      reason:
        'no RockBLOCK MT credentials: set FIELDNODE_ROCKBLOCK_USERNAME and FIELDNODE_ROCKBLOCK_PASSWORD and restart',
    });
    expect(lines.filter((l) => l.level === 40 && String(l.msg).startsWith('MT is off'))).toHaveLength(1);
    const frames = await started(built);
    expect(built.link.state.status).toBe('up');
    expect(await postTo(built, await genuinePush())).toBe(200);
    await settle();
    expect(frames.map((f) => f.meta?.from)).toEqual([IMEI]);
    expect(await built.link.send(Uint8Array.of(1), { to: IMEI })).toMatchObject({
      ok: false,
      retry: 'later',
      code: 'NO_SERVICE',
      detail: expect.stringContaining('MT is off: no RockBLOCK MT credentials'),
    });
  });

  it('directip: an MO message the gateway delivers again after a restart is a duplicate; its location is in degrees', async () => {
    const { encodeMo, locationFromDegrees } = await import('../../../satellite/src/directip/mo.js');
    const config: DirectIpLinkConfig = {
      id: 'dip0',
      type: 'directip',
      enabled: true,
      cost: 'satellite',
      listen: { host: '127.0.0.1', port: 0 },
      mtGateway: { host: '127.0.0.1', port: 9 },
      confirm: true,
      allowedSources: ['127.0.0.1'],
      proxyProtocol: false,
      trustedProxies: [],
      imeis: { [IMEI]: 2107 },
    };
    const message = encodeMo({
      header: {
        cdrReference: 1,
        imei: IMEI,
        sessionStatus: 0,
        momsn: 5,
        mtmsn: 0,
        sessionTime: 1_784_000_000,
      },
      location: locationFromDegrees(-33.5, 151.25, 4),
      payload: FRAME,
    });
    const deliver = (built: BuiltLink) =>
      new Promise<string>((resolve) => {
        const socket = connect((built.link as DirectIpLink).server.address()?.port as number, '127.0.0.1');
        const got: Buffer[] = [];
        socket.on('data', (d: Buffer) => got.push(d));
        socket.on('error', () => {});
        socket.on('close', () => resolve(Buffer.concat(got).toString('hex')));
        socket.write(message);
      });
    const first = await createDirectIpLink(config, silentLogger, { dataDir: dir });
    const before = await started(first);
    expect(await deliver(first)).toBe('01000405000101');
    await settle();
    expect(before[0]?.meta?.source).toMatchObject({
      carrier: 'directip',
      momsn: 5,
      sessionTime: 1_784_000_000_000,
      latitude: -33.5,
      longitude: 151.25,
      cepKm: 4,
    });
    await first.link.stop();

    const again = await createDirectIpLink(config, silentLogger, { dataDir: dir });
    cleanups.push(() => again.link.stop());
    const after = await started(again);
    expect(await deliver(again)).toBe('01000405000101');
    await settle();
    expect(after).toEqual([]);
    expect((again.link as DirectIpLink).server.counters()).toMatchObject({ accepted: 0, duplicates: 1 });
  });
});
