/**
 * Tests for satellite-links.ts (docs/centre-doors.md §Which device sent a frame, §DirectIP behind
 * a proxy): the centre's two satellite links, built from configuration, name their enrolled
 * devices (neighbours = the configured imeis, sendersEnrolled) and hand on every frame with the
 * sending IMEI as meta.from, over real HTTP and TCP on 127.0.0.1; the DirectIP link is built with
 * the PROXY protocol when the configuration asks for it. A rockblock link whose verify_key_file
 * holds the repository's test key is refused outside the test runner, and one holding the key
 * `fieldnode sim rockblock` made takes that simulator's pushes (docs/centre-doors.md §Another key
 * than Rock7's). Adapters and their simulators are loaded lazily, as the composition root must
 * (docs/architecture.md §The dependency rule).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isKitError } from '../base/errors.js';
import { silentLogger } from '../base/logger.js';
import type { RockblockLinkConfig } from '../config/schema.js';
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
  until,
} from './test/satellite-doors-rig.js';

const OTHER_IMEI = '300534069999999';

const rig = doorsRig('fieldnode-satlinks-');

/** Starts a built link and stops it after the test; resolves with the frames it hands on. */
function startedUntilTheEnd(built: BuiltLink) {
  rig.cleanup(() => built.link.stop());
  return started(built);
}

describe('the centre’s satellite links, from configuration', () => {
  it('rockblock: the imeis are its enrolled senders, and each frame names its IMEI', async () => {
    rig.withEnv({ FIELDNODE_ROCKBLOCK_USERNAME: 'u', FIELDNODE_ROCKBLOCK_PASSWORD: 'p' });
    const built = await createRockblockLink(await rockblockConfig(rig.dir), silentLogger);
    expect(built.neighbours).toEqual({ [IMEI]: 2107 });
    expect(built.sendersEnrolled).toBe(true);

    const frames = await startedUntilTheEnd(built);
    const push = async (imei: string, momsn: number) =>
      postPush(built, await pushOf({ imei, momsn, at: Date.UTC(2026, 0, 1), latitude: 0, longitude: 0 }));
    expect(await push(IMEI, 1)).toBe(200);
    expect(await push(OTHER_IMEI, 2)).toBe(200); // handed on: the core decides what to do with it
    await until(() => frames.length === 2, 'two frames');
    expect(frames.map((f) => f.meta?.from)).toEqual([IMEI, OTHER_IMEI]);
    expect(frames[0]?.bytes).toEqual(FRAME);
  });

  it('rockblock: refuses the repository’s test key outside the test runner, takes the simulator’s own', async () => {
    const { TEST_ROCK7_PUBLIC_KEY_PEM } = await import('../../../satellite/sim/rockblock/test-key.js');
    const { loadOrCreateSimSigningKey } = await import('../../../satellite/sim/rockblock/sim-signing-key.js');
    const testKeyFile = join(rig.dir, 'test.pem');
    await writeFile(testKeyFile, TEST_ROCK7_PUBLIC_KEY_PEM);
    const sim = await loadOrCreateSimSigningKey(join(rig.dir, 'sim'));
    const config = (verifyKeyFile: string): RockblockLinkConfig => ({
      id: 'rb0',
      type: 'rockblock',
      enabled: true,
      cost: 'satellite',
      listen: { host: '127.0.0.1', port: 0 },
      mtEndpoint: 'http://127.0.0.1:9/rockblock/MT',
      verifyKeyFile,
      imeis: { [IMEI]: 2107 },
    });

    // As a daemon outside the test runner builds it: no VITEST.
    const env = process.env;
    const { VITEST: _, ...outside } = env;
    process.env = { ...outside, FIELDNODE_ROCKBLOCK_USERNAME: 'u', FIELDNODE_ROCKBLOCK_PASSWORD: 'p' };
    let refused: unknown;
    let built: BuiltLink;
    try {
      refused = await createRockblockLink(config(testKeyFile), silentLogger).catch((err: unknown) => err);
      built = await createRockblockLink(config(sim.publicKeyFile), silentLogger);
    } finally {
      process.env = env;
    }
    expect(process.env.VITEST).toBeDefined();
    expect(isKitError(refused, 'KEYS_TEST_KEY')).toBe(true);
    expect((refused as Error).message).toContain(testKeyFile);

    const frames = await startedUntilTheEnd(built);
    const session = { imei: IMEI, momsn: 1, at: Date.UTC(2026, 0, 1), latitude: 0, longitude: 0 };
    // Signed with the repository's test key: forged, as far as this centre knows.
    expect(await postPush(built, await pushOf(session), '/')).toBe(403);
    expect(await postPush(built, await pushOf({ ...session, momsn: 2 }, sim.privateKey), '/')).toBe(200);
    await until(() => frames.length === 1, 'one frame');
    expect(frames[0]?.bytes).toEqual(FRAME);
    expect(frames[0]?.meta?.from).toBe(IMEI);
  });

  it('directip behind a PROXY-protocol proxy: the header’s source is checked, each frame names its IMEI', async () => {
    const { encodeMo } = await import('../../../satellite/src/directip/mo.js');
    const { encodeProxyV1 } = await import('../../../satellite/src/directip/proxy-header.js');
    const config = directIpConfig({
      allowedSources: ['12.47.179.11'],
      proxyProtocol: true,
      trustedProxies: ['127.0.0.1'],
    });
    const built = await createDirectIpLink(config, silentLogger);
    expect(built.neighbours).toEqual({ [IMEI]: 2107 });
    expect(built.sendersEnrolled).toBe(true);

    const frames = await startedUntilTheEnd(built);
    const deliver = (source: string, imei: string) => {
      const header = encodeProxyV1({ address: source, port: 4000 }, { address: '192.0.2.10', port: 10800 });
      const message = encodeMo({
        header: { cdrReference: 1, imei, sessionStatus: 0, momsn: 5, mtmsn: 0, sessionTime: 1_784_000_000 },
        payload: FRAME,
      });
      return deliverMo(built, Buffer.concat([header, message]));
    };
    expect((await deliver('12.47.179.11', IMEI)).toString('hex')).toBe('01000405000101');
    expect((await deliver('198.51.100.1', IMEI)).length).toBe(0); // not the gateway: refused
    expect((await deliver('12.47.179.11', OTHER_IMEI)).toString('hex')).toBe('01000405000101');
    await until(() => frames.length === 2, 'two frames');
    expect(frames.map((f) => f.meta?.from)).toEqual([IMEI, OTHER_IMEI]);
    expect(frames[0]?.meta?.source).toMatchObject({ carrier: 'directip', remote: '12.47.179.11' });
  });
});
