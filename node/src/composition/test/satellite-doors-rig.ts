/**
 * The rig of the tests of the centre's satellite links as the composition root builds them
 * (satellite-links.test.ts, centre-doors.test.ts; docs/centre-doors.md): a temporary directory
 * and cleanups per test, the process environment for one test, a built link started with the
 * frames it hands on, the configurations of the two doors, and a RockBLOCK push POSTed or a
 * DirectIP MO message delivered over real HTTP and TCP on 127.0.0.1.
 *
 * It lives beside the composition root, not in node/test/, and loads the adapters and their
 * simulators with `import()` only, as the root must (docs/architecture.md §The dependency rule).
 */
import type { KeyObject } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import type { PushInput } from '../../../../satellite/sim/rockblock/push-request.js';
import type { DirectIpLink } from '../../../../satellite/src/centre/directip-link.js';
import type { RockblockLink } from '../../../../satellite/src/centre/rockblock-link.js';
import type { DirectIpLinkConfig, RockblockLinkConfig } from '../../config/schema.js';
import type { InboundFrame } from '../../link/link.js';
import { referenceFrames } from '../../wire/fixtures/reference-frames.js';
import type { BuiltLink } from '../built-link.js';

/** The enrolled kit's modem. */
export const IMEI = '300534060000001';
/** A fieldnode frame, as a kit's modem would carry it. */
export const FRAME = referenceFrames()[0]?.frame as Uint8Array;
/** The `iat` of the push tokens the rig signs. */
const ISSUED_AT = 1_784_000_000;

export interface DoorsRig {
  /** This test's temporary directory. */
  readonly dir: string;
  /** Runs `fn` after this test, before the directory goes; the last registered runs first. */
  cleanup(fn: () => Promise<unknown>): void;
  /** Sets the process environment for this test (the MT client reads its credentials there). */
  withEnv(env: Record<string, string | undefined>): void;
}

/** Registers the hooks of a test file: a fresh directory named `prefix…` per test, and its cleanups. */
export function doorsRig(prefix: string): DoorsRig {
  let dir = '';
  const cleanups: Array<() => Promise<unknown>> = [];
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), prefix));
  });
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
    await rm(dir, { recursive: true, force: true });
  });
  const cleanup = (fn: () => Promise<unknown>) => {
    cleanups.push(fn);
  };
  return {
    get dir() {
      return dir;
    },
    cleanup,
    withEnv(env) {
      const saved = process.env;
      process.env = { ...saved, ...env };
      cleanup(async () => {
        process.env = saved;
      });
    },
  };
}

/** Starts a built link; resolves with the frames it hands on, as they come. */
export async function started(built: BuiltLink): Promise<InboundFrame[]> {
  const frames: InboundFrame[] = [];
  built.link.on('frame', (f) => frames.push(f));
  await built.link.start();
  return frames;
}

/** Waits for `check`, at most 2 s. */
export async function until(check: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 2000;
  while (!check()) {
    if (Date.now() > end) throw new Error(`${what}: not within 2 s`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** What both doors' configurations share: on, on an ephemeral port of 127.0.0.1, the kit enrolled. */
const DOOR = {
  enabled: true,
  cost: 'satellite',
  listen: { host: '127.0.0.1', port: 0 },
  imeis: { [IMEI]: 2107 },
} as const;

/**
 * A rockblock link on 127.0.0.1 serving `/push`, enrolling {@link IMEI} as node 2107, that
 * verifies pushes with the repository's test key (written to `dir`/sim.pem).
 */
export async function rockblockConfig(dir: string): Promise<RockblockLinkConfig> {
  const { TEST_ROCK7_PUBLIC_KEY_PEM } = await import('../../../../satellite/sim/rockblock/test-key.js');
  const keyFile = join(dir, 'sim.pem');
  await writeFile(keyFile, TEST_ROCK7_PUBLIC_KEY_PEM);
  return {
    ...DOOR,
    id: 'rb0',
    type: 'rockblock',
    path: '/push',
    mtEndpoint: 'http://127.0.0.1:9/rockblock/MT',
    verifyKeyFile: keyFile,
  };
}

/** A directip link on 127.0.0.1 with MO confirmation, enrolling {@link IMEI} as node 2107. */
export function directIpConfig(
  doors: Pick<DirectIpLinkConfig, 'allowedSources' | 'proxyProtocol' | 'trustedProxies'>,
): DirectIpLinkConfig {
  return {
    ...DOOR,
    id: 'dip0',
    type: 'directip',
    mtGateway: { host: '127.0.0.1', port: 9 },
    confirm: true,
    ...doors,
  };
}

/**
 * The JSON body of a push of {@link FRAME} from `session` (serial 1, CEP 3 km unless given),
 * signed with the repository's test key, or with `key`.
 */
export async function pushOf(
  session: Omit<PushInput, 'serial' | 'data' | 'cepKm'> & Partial<PushInput>,
  key?: KeyObject,
): Promise<string> {
  const { pushBody, pushFields } = await import('../../../../satellite/sim/rockblock/push-request.js');
  const input: PushInput = { serial: 1, data: FRAME, cepKm: 3, ...session };
  return pushBody(pushFields(input, ISSUED_AT, key), 'json');
}

/** POSTs a JSON `body` to the rockblock link's receiver at `path`; resolves with the status. */
export async function postPush(built: BuiltLink, body: string, path = '/push'): Promise<number> {
  const port = (built.link as RockblockLink).receiver.address()?.port;
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  await res.arrayBuffer();
  return res.status;
}

/** Sends `bytes` to the directip link's MO server as the gateway would; resolves with its answer. */
export function deliverMo(built: BuiltLink, bytes: Uint8Array): Promise<Buffer> {
  return new Promise<Buffer>((resolve) => {
    const socket = connect((built.link as DirectIpLink).server.address()?.port as number, '127.0.0.1');
    const got: Buffer[] = [];
    socket.on('data', (d: Buffer) => got.push(d));
    socket.on('error', () => {});
    socket.on('close', () => resolve(Buffer.concat(got)));
    socket.write(bytes);
  });
}
