/** Tests for identity.ts, each in a fresh temp directory. */
import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isKitError, type KitErrorCode } from '../base/errors.js';
import {
  generateSigningKeyPair,
  keyFingerprint,
  publicKeyFromRaw,
  sign,
  verifySignature,
} from './ed25519.js';
import {
  createIdentity,
  exportPublicIdentity,
  loadOrCreateIdentity,
  readIdentity,
  recordIdentityOwner,
} from './identity.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-identity-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function expectKitError(promise: Promise<unknown>, code: KitErrorCode): Promise<unknown> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isKitError(err, code)).toBe(true);
  return err;
}

describe('loadOrCreateIdentity', () => {
  it('creates a 0600 identity once, then loads the same key', async () => {
    const dataDir = join(dir, 'data', 'nested');
    const first = await loadOrCreateIdentity(dataDir);
    expect(first.created).toBe(true);
    expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
    const file = join(dataDir, 'identity.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(dataDir)).toEqual(['identity.json']); // no temp file left behind

    const json = JSON.parse(await readFile(file, 'utf8'));
    expect(json).toMatchObject({ version: 1, algorithm: 'ed25519', createdAt: first.identity.createdAt });
    expect(json.publicKey).toBe(Buffer.from(first.identity.publicKey).toString('base64'));
    expect(json.privateKeyPkcs8).toMatch(/^-----BEGIN PRIVATE KEY-----/);

    const second = await loadOrCreateIdentity(dataDir);
    expect(second.created).toBe(false);
    expect(second.identity.publicKey).toEqual(first.identity.publicKey);
    expect(second.identity.createdAt).toBe(first.identity.createdAt);
    expect(second.identity.fingerprint).toBe(keyFingerprint(first.identity.publicKey));
    const data = new Uint8Array([9, 9, 9]);
    const pub = publicKeyFromRaw(first.identity.publicKey);
    expect(verifySignature(pub, data, sign(second.identity.privateKey, data))).toBe(true);
  });

  it('refuses a file others can read with KEYS_INSECURE naming the fix', async () => {
    await loadOrCreateIdentity(dir);
    const file = join(dir, 'identity.json');
    for (const mode of [0o644, 0o640, 0o604, 0o610]) {
      await chmod(file, mode);
      const err = await expectKitError(loadOrCreateIdentity(dir), 'KEYS_INSECURE');
      expect((err as Error).message).toContain(file);
      expect((err as Error).message).toContain('chmod 600');
    }
    await chmod(file, 0o400); // owner-only but read-only is fine
    expect((await loadOrCreateIdentity(dir)).created).toBe(false);
  });

  it('refuses a corrupt file with KEYS_UNREADABLE and a cause', async () => {
    await writeFile(join(dir, 'identity.json'), '{"version": 1, "algo', { mode: 0o600 });
    const err = await expectKitError(loadOrCreateIdentity(dir), 'KEYS_UNREADABLE');
    expect((err as Error).cause).toBeInstanceOf(Error);
  });

  it('refuses a file whose public key does not match its private key', async () => {
    await loadOrCreateIdentity(dir);
    const file = join(dir, 'identity.json');
    const json = JSON.parse(await readFile(file, 'utf8'));
    json.publicKey = Buffer.from(generateSigningKeyPair().publicKey).toString('base64');
    await writeFile(file, JSON.stringify(json), { mode: 0o600 });
    await expectKitError(loadOrCreateIdentity(dir), 'KEYS_UNREADABLE');
  });

  it('ends with one identity when several processes race in an empty directory', async () => {
    const results = await Promise.all(Array.from({ length: 5 }, () => loadOrCreateIdentity(dir)));
    const keys = new Set(results.map((r) => Buffer.from(r.identity.publicKey).toString('hex')));
    expect(keys.size).toBe(1);
    expect(results.filter((r) => r.created).length).toBe(1);
    const onDisk = JSON.parse(await readFile(join(dir, 'identity.json'), 'utf8'));
    expect(keys.has(Buffer.from(onDisk.publicKey, 'base64').toString('hex'))).toBe(true);
    expect(await readdir(dir)).toEqual(['identity.json']);
  });
});

describe('the owner of a data directory', () => {
  const kit = { nodeId: 2107, role: 'kit' };

  it('a new identity records the node it was made for; reading it creates nothing', async () => {
    expect(await readIdentity(join(dir, 'missing'))).toBeUndefined();
    expect(await readdir(dir)).toEqual([]);
    const { identity, created } = await createIdentity(dir, kit);
    expect(created).toBe(true);
    const json = JSON.parse(await readFile(join(dir, 'identity.json'), 'utf8'));
    expect(json).toMatchObject({ version: 1, nodeId: 2107, role: 'kit' });
    const found = await readIdentity(dir);
    expect(found?.owner).toEqual(kit);
    expect(found?.identity.publicKey).toEqual(identity.publicKey);
  });

  it('an identity file without an owner (an older fieldnode, or `fieldnode keys`) is read with none', async () => {
    await loadOrCreateIdentity(dir);
    const json = JSON.parse(await readFile(join(dir, 'identity.json'), 'utf8'));
    expect(Object.keys(json)).toEqual(['version', 'algorithm', 'createdAt', 'publicKey', 'privateKeyPkcs8']);
    expect((await readIdentity(dir))?.owner).toBeUndefined();
  });

  it('recording an owner keeps the keys and every other field, mode 0600, with no temp file left', async () => {
    const { identity } = await loadOrCreateIdentity(dir);
    const file = join(dir, 'identity.json');
    const before = JSON.parse(await readFile(file, 'utf8'));
    await recordIdentityOwner(dir, kit);
    const after = JSON.parse(await readFile(file, 'utf8'));
    expect(after).toEqual({ ...before, nodeId: 2107, role: 'kit' });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['identity.json']);
    await recordIdentityOwner(dir, { nodeId: 3001, role: 'gateway' });
    const moved = await readIdentity(dir);
    expect(moved?.owner).toEqual({ nodeId: 3001, role: 'gateway' });
    expect(moved?.identity.publicKey).toEqual(identity.publicKey);
    expect(moved?.identity.createdAt).toBe(identity.createdAt);
  });

  it('refuses an owner that is half there or malformed', async () => {
    await createIdentity(dir, kit);
    const file = join(dir, 'identity.json');
    const good = JSON.parse(await readFile(file, 'utf8'));
    for (const bad of [{ role: undefined }, { nodeId: -1 }, { nodeId: '2107' }, { role: 'Kit; rm' }]) {
      await writeFile(file, JSON.stringify({ ...good, ...bad }), { mode: 0o600 });
      await expectKitError(readIdentity(dir), 'KEYS_UNREADABLE');
    }
  });

  it('a new identity that cannot be written is KEYS_UNWRITABLE naming the file, with the cause', async () => {
    // The data directory is a file: the write fails (ENOTDIR), as a full or read-only disk would.
    const notADir = join(dir, 'plain-file');
    await writeFile(notADir, '');
    const err = await expectKitError(createIdentity(notADir, kit), 'KEYS_UNWRITABLE');
    expect((err as Error).message).toContain(join(notADir, 'identity.json'));
    expect((err as { cause?: { code?: string } }).cause?.code).toBe('ENOTDIR');
  });
});

describe('exportPublicIdentity', () => {
  it('contains the public key and fingerprint and nothing secret', async () => {
    const { identity } = await loadOrCreateIdentity(dir);
    const exported = exportPublicIdentity(identity, 17);
    expect(exported).toEqual({
      version: 1,
      algorithm: 'ed25519',
      publicKey: Buffer.from(identity.publicKey).toString('base64'),
      fingerprint: identity.fingerprint,
      nodeId: 17,
    });
    const text = JSON.stringify(exported);
    const pem = JSON.parse(await readFile(join(dir, 'identity.json'), 'utf8')).privateKeyPkcs8 as string;
    const pemBody = pem.split('\n')[1] as string;
    expect(text).not.toContain(pemBody);
    expect(text).not.toMatch(/PRIVATE|pkcs8/i);
    expect(exportPublicIdentity(identity)).not.toHaveProperty('nodeId');
    expect(() => exportPublicIdentity(identity, -1)).toThrow(TypeError);
  });
});
