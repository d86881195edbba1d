/**
 * Tests for sim-signing-key.ts (docs/iridium.md §7.4): the standalone simulator makes an RSA-2048
 * key of its own on first run, private mode 0600, public where the centre's verify_key_file points,
 * reuses it on the next run, and refuses a private key others may read or that is not one.
 */
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isKitError } from '../../../node/src/base/errors.js';
import { Rock7JwtVerifier } from '../../src/rockblock/jwt.js';
import { signPushToken } from './sign-push-token.js';
import { loadOrCreateSimSigningKey, SIM_PRIVATE_KEY_FILE, SIM_PUBLIC_KEY_FILE } from './sim-signing-key.js';
import { TEST_ROCK7_PUBLIC_KEY_PEM } from './test-key.js';

const posix = process.platform !== 'win32';

let base: string;
beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), 'fieldnode-simkey-'));
});
afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (isKitError(err)) return `${err.code}: ${err.message}`;
    throw err;
  }
  return 'no error';
}

describe('the RockBLOCK simulator’s own signing key', () => {
  it('is made on first run, kept private, and reused on the next', async () => {
    const dir = join(base, 'state', 'rockblock'); // made, parents included
    const first = await loadOrCreateSimSigningKey(dir);
    expect(first.created).toBe(true);
    expect(first.privateKey.asymmetricKeyType).toBe('rsa');
    expect(first.privateKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(first.publicKeyFile).toBe(join(dir, SIM_PUBLIC_KEY_FILE));
    expect(await readFile(first.publicKeyFile, 'utf8')).toBe(first.publicKeyPem);
    expect(first.publicKeyPem).not.toBe(TEST_ROCK7_PUBLIC_KEY_PEM);
    if (posix) {
      expect((await stat(join(dir, SIM_PRIVATE_KEY_FILE))).mode & 0o777).toBe(0o600);
      expect((await stat(dir)).mode & 0o077).toBe(0);
    }

    const again = await loadOrCreateSimSigningKey(dir);
    expect(again.created).toBe(false);
    expect(again.publicKeyPem).toBe(first.publicKeyPem);
    // What it signs verifies with the public file, as the centre reads it.
    const token = signPushToken({ imei: '300434060000010', momsn: '1' }, 1_784_000_000, again.privateKey);
    const verifier = new Rock7JwtVerifier({ key: await readFile(again.publicKeyFile, 'utf8') });
    expect(verifier.verify(token)).toMatchObject({ iss: 'Rock 7', imei: '300434060000010' });

    // A public file lost or overwritten is written again from the private key.
    await writeFile(first.publicKeyFile, TEST_ROCK7_PUBLIC_KEY_PEM);
    expect((await loadOrCreateSimSigningKey(dir)).publicKeyPem).toBe(first.publicKeyPem);
    expect(await readFile(first.publicKeyFile, 'utf8')).toBe(first.publicKeyPem);
    await rm(first.publicKeyFile);
    await loadOrCreateSimSigningKey(dir);
    expect(await readFile(first.publicKeyFile, 'utf8')).toBe(first.publicKeyPem);
  });

  it.runIf(posix)('refuses a private key that others may read', async () => {
    await loadOrCreateSimSigningKey(base);
    const file = join(base, SIM_PRIVATE_KEY_FILE);
    await chmod(file, 0o644);
    const refused = await codeOf(loadOrCreateSimSigningKey(base));
    expect(refused).toMatch(/^KEYS_INSECURE: /);
    expect(refused).toContain(`chmod 600 ${file}`);
  });

  it('refuses a private key file that holds no RSA key of 2048 bits or more', async () => {
    const file = join(base, SIM_PRIVATE_KEY_FILE);
    await writeFile(file, 'not a key\n', { mode: 0o600 });
    expect(await codeOf(loadOrCreateSimSigningKey(base))).toMatch(/^KEYS_UNREADABLE: .*no PEM private key/);
    await rm(file);
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey;
    await writeFile(file, small.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    expect(await codeOf(loadOrCreateSimSigningKey(base))).toMatch(/^KEYS_UNREADABLE: .*2048 bits/);
    // Nothing was replaced: the file is the operator's to delete.
    const kept = createPublicKey(await readFile(file, 'utf8'));
    expect(kept.asymmetricKeyDetails?.modulusLength).toBe(1024);
  });
});
