/**
 * Tests for node-keys.ts: the key ring of a centre, a kit and a gateway from their key files, and
 * the composition root's order: key files checked before anything is made on disk.
 */
import { chmod, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { kitFailure } from '../../test/kit-errors.js';
import { createNode } from '../app.js';
import { silentLogger } from '../base/logger.js';
import { parseConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { verifyFrame } from '../crypto/authenticate.js';
import {
  generateSigningKeyPair,
  publicKeyFromRaw,
  rawPublicKey,
  verifySignature,
} from '../crypto/ed25519.js';
import { formatIssuerKeyFile } from '../crypto/issuer-key-file.js';
import { formatKitKeyFile, formatMasterSecretFile, formatRelayKeysFile } from '../crypto/key-file-formats.js';
import { writeKeyFile } from '../crypto/key-files.js';
import { deriveKitKey, deriveRelayKey } from '../crypto/kit-keys.js';
import { ReplayWindow } from '../crypto/replay-window.js';
import { FIXTURE_ISSUER_PUBLIC, FIXTURE_MASTER } from '../wire/fixtures/fixture-keys.js';
import { encodeReference } from '../wire/fixtures/reference-frames.js';
import { R1 } from '../wire/fixtures/reference-messages.js';
import { decodeFrame } from '../wire/message.js';
import { loadNodeKeys, readNodeKeyFiles } from './node-keys.js';

const MASTER = Uint8Array.from({ length: 32 }, (_, i) => 0x51 ^ i);
const DAY = Date.UTC(2026, 6, 13) / 1000;
const identity = generateSigningKeyPair();

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-node-keys-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function config(node: { id: number; role: string }, keys: Record<string, unknown> = {}): Config {
  return parseConfig({ node, data_dir: join(dir, 'data'), keys }, { baseDir: dir, env: {}, cwd: dir });
}

async function keyFile(name: string, text: string): Promise<string> {
  const file = join(dir, name);
  await writeKeyFile(file, text);
  return file;
}

const kitKeyFileText = (node: number, seqFloor = 0) =>
  formatKitKeyFile({ node, enrolledDay: DAY, seqFloor, kitKey: deriveKitKey(MASTER, node) });

describe('loadNodeKeys', () => {
  it('a centre derives every kit key and relay key from the master, and holds no kit key of its own', async () => {
    const master = await keyFile('master.secret', formatMasterSecretFile(MASTER));
    const keys = await loadNodeKeys(
      config({ id: 1, role: 'centre' }, { master_secret_file: master }),
      identity.publicKey,
    );
    for (const n of [2107, 2108, 3001]) {
      expect(keys.ring.macKey(n)).toEqual(deriveKitKey(MASTER, n));
      expect(keys.ring.relayKey(n)).toEqual(deriveRelayKey(deriveKitKey(MASTER, n), n));
    }
    expect(keys.kitKey).toBeUndefined();
    expect(keys.relayKey).toBeUndefined();
    expect(keys.seqFloor).toBe(0);
    expect(keys.enrolledDay).toBeUndefined();
    expect(rawPublicKey(keys.ring.nodeKey(1) as never)).toEqual(identity.publicKey);
    expect(keys.ring.isCentre(1) && !keys.ring.isCentre(2107)).toBe(true);
    expect(keys.ring.revoked(2107)).toBe(false);
    expect(keys.ring.issuerFloor(3)).toBe(0);
  });

  it('a centre with the fixture master verifies the wire vectors: the derivation did not change', async () => {
    const master = await keyFile('master.secret', formatMasterSecretFile(FIXTURE_MASTER));
    const keys = await loadNodeKeys(
      config({ id: 1, role: 'centre' }, { master_secret_file: master }),
      identity.publicKey,
    );
    const frame = decodeFrame(encodeReference(R1));
    const message = verifyFrame(frame, {
      keys: keys.ring,
      replay: new ReplayWindow(),
      now: R1.createdAt,
      clockTrusted: true,
    });
    expect(message.origin).toBe(R1.origin);
  });

  it('a kit knows its own kit key and relay key, its seq floor and enrolment day, and no other kit’s', async () => {
    const file = await keyFile('kit.key', kitKeyFileText(2107, 500));
    const keys = await loadNodeKeys(
      config(
        { id: 2107, role: 'kit' },
        {
          kit_key_file: file,
          issuers: [
            { id: 3, public_key: Buffer.from(FIXTURE_ISSUER_PUBLIC).toString('base64'), powers: ['warning'] },
          ],
        },
      ),
      identity.publicKey,
    );
    expect(keys.kitKey).toEqual(deriveKitKey(MASTER, 2107));
    expect(keys.relayKey).toEqual(deriveRelayKey(deriveKitKey(MASTER, 2107), 2107));
    expect(keys.ring.macKey(2107)).toEqual(keys.kitKey);
    expect(keys.ring.relayKey(2107)).toEqual(keys.relayKey);
    expect(keys.ring.macKey(2108)).toBeUndefined();
    expect(keys.ring.relayKey(2108)).toBeUndefined();
    expect(keys.seqFloor).toBe(500);
    expect(keys.enrolledDay).toBe(DAY);
    expect(keys.ring.issuerKey(3)?.powers).toEqual(['warning']);
  });

  it('a gateway checks its kits’ hop tags with their relay keys but holds none of their kit keys', async () => {
    const kit = await keyFile('kit.key', kitKeyFileText(3001));
    const relayKeys = new Map([2107, 2108].map((n) => [n, deriveRelayKey(deriveKitKey(MASTER, n), n)]));
    const relay = await keyFile('relay.keys', formatRelayKeysFile(relayKeys));
    const keys = await loadNodeKeys(
      config({ id: 3001, role: 'gateway' }, { kit_key_file: kit, relay_keys_file: relay }),
      identity.publicKey,
    );
    expect(keys.ring.relayKey(2107)).toEqual(relayKeys.get(2107));
    expect(keys.ring.relayKey(2108)).toEqual(relayKeys.get(2108));
    expect(keys.ring.relayKey(2109)).toBeUndefined();
    expect(keys.ring.macKey(2107)).toBeUndefined();
    expect(keys.ring.macKey(3001)).toEqual(deriveKitKey(MASTER, 3001));
  });

  it('a node not yet enrolled has no kit key and a seq floor of 0', async () => {
    const keys = await loadNodeKeys(config({ id: 2107, role: 'kit' }), identity.publicKey);
    expect(keys.kitKey).toBeUndefined();
    expect(keys.ring.macKey(2107)).toBeUndefined();
    expect(keys.seqFloor).toBe(0);
  });
});

describe('readNodeKeyFiles refuses', () => {
  it('another node’s kit key file, one others may read, and a mistyped one', async () => {
    const other = await keyFile('other.key', kitKeyFileText(2108));
    const kit = config({ id: 2107, role: 'kit' }, { kit_key_file: other });
    expect(await kitFailure(readNodeKeyFiles(kit))).toMatchObject({
      code: 'KEYS_WRONG_NODE',
      message: expect.stringContaining(
        `${other} (keys.kit_key_file) is the kit key of node 2108, but this node is 2107`,
      ),
    });
    const open = await keyFile('open.key', kitKeyFileText(2107));
    await chmod(open, 0o644);
    expect(
      (await kitFailure(readNodeKeyFiles(config({ id: 2107, role: 'kit' }, { kit_key_file: open })))).code,
    ).toBe('KEYS_INSECURE');
  });

  it('a relay keys file that disagrees with this node’s own kit key', async () => {
    const kit = await keyFile('kit.key', kitKeyFileText(3001));
    const wrong = new Map([[3001, deriveRelayKey(deriveKitKey(MASTER, 3002), 3001)]]);
    const relay = await keyFile('relay.keys', formatRelayKeysFile(wrong));
    const err = await kitFailure(
      readNodeKeyFiles(config({ id: 3001, role: 'gateway' }, { kit_key_file: kit, relay_keys_file: relay })),
    );
    expect(err.code).toBe('KEYS_WRONG_NODE');
    expect(err.message).toContain('the two files come from different enrolments');
  });

  it('a test’s master secret outside the test runner', async () => {
    const master = await keyFile('master.secret', formatMasterSecretFile(FIXTURE_MASTER));
    const centre = config({ id: 1, role: 'centre' }, { master_secret_file: master });
    expect((await kitFailure(readNodeKeyFiles(centre, { refuseTestKeys: true }))).code).toBe('KEYS_TEST_KEY');
  });
});

describe('createNode', () => {
  it('checks the key files before it makes anything on disk: a failed start leaves no identity', async () => {
    const file = await keyFile('kit.key', kitKeyFileText(2108));
    const kit = config({ id: 2107, role: 'kit' }, { kit_key_file: file });
    expect((await kitFailure(createNode(kit, { log: silentLogger }))).code).toBe('KEYS_WRONG_NODE');
    expect(await readdir(dir)).toEqual(['kit.key']);
  });

  it('starts a kit with its key file, its data and store directories private', async () => {
    const file = await keyFile('kit.key', kitKeyFileText(2107));
    const app = await createNode(config({ id: 2107, role: 'kit' }, { kit_key_file: file }), {
      log: silentLogger,
    });
    try {
      await app.start();
      expect((await stat(join(dir, 'data'))).mode & 0o777).toBe(0o700);
      expect((await stat(join(dir, 'data', 'store'))).mode & 0o777).toBe(0o700);
      expect(app.status().node).toMatchObject({ id: 2107, role: 'kit' });
    } finally {
      await app.stop();
    }
  });
});

describe('the issuer key', () => {
  const issuerKey = generateSigningKeyPair();
  const listed = (publicKey: Uint8Array) => [
    { id: 7, public_key: Buffer.from(publicKey).toString('base64'), powers: ['warning', 'control'] },
  ];

  it('signs as the issuer keys.issuers lists, and what it signs verifies on the ring', async () => {
    const file = await keyFile(
      'issuer.key',
      formatIssuerKeyFile({ issuer: 7, name: '县防汛办', privateKey: issuerKey.privateKey }),
    );
    const keys = await loadNodeKeys(
      config(
        { id: 1, role: 'centre' },
        { issuer_key_file: 'issuer.key', issuers: listed(issuerKey.publicKey) },
      ),
      identity.publicKey,
    );
    expect(keys.issuer).toMatchObject({ id: 7, name: '县防汛办' });
    expect(file).toBe(join(dir, 'issuer.key'));
    const data = new TextEncoder().encode('warning');
    const signer = keys.issuer?.sign;
    if (signer?.scheme !== 'signature') throw new Error('an issuer signs');
    expect(verifySignature(publicKeyFromRaw(issuerKey.publicKey), data, signer.trailer(data))).toBe(true);
  });

  it('is refused when keys.issuers does not list its issuer, or lists another key for it', async () => {
    await keyFile('issuer.key', formatIssuerKeyFile({ issuer: 7, privateKey: issuerKey.privateKey }));
    const unlisted = await kitFailure(
      loadNodeKeys(config({ id: 1, role: 'centre' }, { issuer_key_file: 'issuer.key' }), identity.publicKey),
    );
    expect(unlisted.code).toBe('KEYS_ISSUER_NOT_LISTED');
    expect(unlisted.message).toContain('which keys.issuers does not list: add');
    const other = await kitFailure(
      loadNodeKeys(
        config(
          { id: 1, role: 'centre' },
          { issuer_key_file: 'issuer.key', issuers: listed(generateSigningKeyPair().publicKey) },
        ),
        identity.publicKey,
      ),
    );
    expect(other.code).toBe('KEYS_ISSUER_NOT_LISTED');
    expect(other.message).toContain('lists another public key for it');
  });
});
