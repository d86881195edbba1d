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
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { DirectIpLink } from '../../../satellite/src/centre/directip-link.js';
import type { RockblockLink } from '../../../satellite/src/centre/rockblock-link.js';
import type { Logger } from '../base/logger.js';
import { silentLogger } from '../base/logger.js';
import { createRootLogger } from '../log.js';
import type { ForeignPayloadRecord } from '../store/foreign-payload-file.js';
import type { BuiltLink } from './built-link.js';
import { createDirectIpLink, createRockblockLink } from './satellite-links.js';
import {
  deliverMo,
  directIpConfig,
  doorsRig,
  FRAME,
  IMEI,
  postPush,
  pushOf,
  rockblockConfig,
  started,
} from './test/satellite-doors-rig.js';

const AT = Date.UTC(2026, 6, 13, 19, 20, 5);

const rig = doorsRig('fieldnode-doors-');

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

/** A push Rock7 signed, from the enrolled kit in Changsha. */
function genuinePush(momsn = 12): Promise<string> {
  return pushOf({ imei: IMEI, momsn, at: AT, latitude: 28.1234, longitude: 112.9876 });
}

describe('the centre’s doors keep what they took, and remember it', () => {
  it('rockblock: a signed push in an unexpected shape is kept whole with where it came from, its bytes logged as hex', async () => {
    rig.withEnv({ FIELDNODE_ROCKBLOCK_USERNAME: 'u', FIELDNODE_ROCKBLOCK_PASSWORD: 'p' });
    const { signCompact, testRock7PrivateKey } = await import(
      '../../../satellite/sim/rockblock/sign-push-token.js'
    );
    const kept: ForeignPayloadRecord[] = [];
    const { log, lines } = pinoLines();
    const built = await createRockblockLink(await rockblockConfig(rig.dir), log, {
      dataDir: rig.dir,
      keep: (r) => kept.push(r),
    });
    rig.cleanup(() => built.link.stop());
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
    expect(await postPush(built, JSON.stringify({ JWT: token }))).toBe(200);
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
    rig.withEnv({ FIELDNODE_ROCKBLOCK_USERNAME: 'u', FIELDNODE_ROCKBLOCK_PASSWORD: 'p' });
    const config = await rockblockConfig(rig.dir);
    const push = await genuinePush();
    const first = await createRockblockLink(config, silentLogger, { dataDir: rig.dir });
    const before = await started(first);
    expect(await postPush(first, push)).toBe(200);
    await settle();
    expect(before).toHaveLength(1);
    expect(before[0]?.meta?.source).toMatchObject({ latitude: 28.1234, longitude: 112.9876, cepKm: 3 });
    await first.link.stop(); // the daemon restarts

    const again = await createRockblockLink(config, silentLogger, { dataDir: rig.dir });
    rig.cleanup(() => again.link.stop());
    const after = await started(again);
    expect(await postPush(again, push)).toBe(200);
    expect(await postPush(again, await genuinePush(13))).toBe(200); // a new one still goes through
    await settle();
    expect(after.map((f) => f.meta?.source?.momsn)).toEqual([13]);
    expect((again.link as RockblockLink).receiver.counters()).toMatchObject({ accepted: 1, duplicates: 1 });
  });

  it('rockblock: without MT credentials the link is built to receive only, and says why MT is off', async () => {
    rig.withEnv({ FIELDNODE_ROCKBLOCK_USERNAME: undefined, FIELDNODE_ROCKBLOCK_PASSWORD: undefined });
    const { log, lines } = pinoLines();
    const built = await createRockblockLink(await rockblockConfig(rig.dir), log, { dataDir: rig.dir });
    rig.cleanup(() => built.link.stop());
    expect(built.mt).toEqual({
      on: false,
      reason:
        'no RockBLOCK MT credentials: set FIELDNODE_ROCKBLOCK_USERNAME and FIELDNODE_ROCKBLOCK_PASSWORD and restart',
    });
    expect(lines.filter((l) => l.level === 40 && String(l.msg).startsWith('MT is off'))).toHaveLength(1);
    const frames = await started(built);
    expect(built.link.state.status).toBe('up');
    expect(await postPush(built, await genuinePush())).toBe(200);
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
    const config = directIpConfig({
      allowedSources: ['127.0.0.1'],
      proxyProtocol: false,
      trustedProxies: [],
    });
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
    const deliver = async (built: BuiltLink) => (await deliverMo(built, message)).toString('hex');
    const first = await createDirectIpLink(config, silentLogger, { dataDir: rig.dir });
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

    const again = await createDirectIpLink(config, silentLogger, { dataDir: rig.dir });
    rig.cleanup(() => again.link.stop());
    const after = await started(again);
    expect(await deliver(again)).toBe('01000405000101');
    await settle();
    expect(after).toEqual([]);
    expect((again.link as DirectIpLink).server.counters()).toMatchObject({ accepted: 0, duplicates: 1 });
  });
});
