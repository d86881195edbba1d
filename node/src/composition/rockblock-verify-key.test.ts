/**
 * Tests for rockblock-verify-key.ts (docs/centre-doors.md §Another key than Rock7's; docs/keys.md
 * §Test keys in this repository): the repository's list names the RockBLOCK simulator's test key
 * in whatever form a file holds it; a centre's verify_key_file holding it is refused outside the
 * test runner, saying what, which file and the fix; the key `fieldnode sim rockblock` made is
 * taken; a file without an RSA key is a configuration error. The simulator is loaded lazily, as
 * the composition root must (docs/architecture.md §The dependency rule).
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isKitError } from '../base/errors.js';
import { repositoryTestRsaKey } from '../crypto/repository-test-keys.js';
import { readVerifyKeyFile, type VerifyKeyFileOptions } from './rockblock-verify-key.js';

const testKey = () => import('../../../satellite/sim/rockblock/test-key.js');

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-verifykey-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function fileWith(name: string, text: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, text);
  return file;
}

async function refusal(file: string, opts?: VerifyKeyFileOptions): Promise<string> {
  try {
    await readVerifyKeyFile('rb0', file, opts);
  } catch (err) {
    if (isKitError(err)) return `${err.code}: ${err.message}`;
    throw err;
  }
  return 'taken';
}

/** Runs `f` as a process outside the test runner would: without VITEST. */
async function outsideVitest<T>(f: () => Promise<T>): Promise<T> {
  const saved = process.env.VITEST;
  delete process.env.VITEST;
  try {
    return await f();
  } finally {
    process.env.VITEST = saved;
  }
}

describe('a rockblock link’s verify_key_file', () => {
  it('the repository list names the simulator’s test key, in every form a file may hold it', async () => {
    const { TEST_ROCK7_PUBLIC_KEY_PEM, TEST_ROCK7_PRIVATE_KEY_PEM } = await testKey();
    const pub = createPublicKey(TEST_ROCK7_PUBLIC_KEY_PEM);
    expect(repositoryTestRsaKey(pub)).toContain('satellite/sim/rockblock/test-key.ts');
    const pkcs1 = pub.export({ type: 'pkcs1', format: 'pem' }) as string;
    expect(repositoryTestRsaKey(createPublicKey(pkcs1))).toBeDefined();
    expect(repositoryTestRsaKey(createPrivateKey(TEST_ROCK7_PRIVATE_KEY_PEM))).toBeDefined();
  });

  it('refuses the repository’s test key outside the test runner, saying which file and the fix', async () => {
    const { TEST_ROCK7_PUBLIC_KEY_PEM, TEST_ROCK7_PRIVATE_KEY_PEM } = await testKey();
    const file = await fileWith('sim.pem', TEST_ROCK7_PUBLIC_KEY_PEM);
    expect(await refusal(file)).toBe('taken'); // under Vitest: the tests' rigs use it

    const refused = await outsideVitest(() => refusal(file));
    expect(refused).toMatch(/^KEYS_TEST_KEY: link rb0: verify_key_file /);
    expect(refused).toContain(file);
    expect(refused).toContain('satellite/sim/rockblock/test-key.ts');
    expect(refused).toContain('`fieldnode sim rockblock` made');
    expect(refused).toContain('remove verify_key_file');
    expect(process.env.VITEST).toBeDefined();

    // The same refusal with the test's option, and for the key in another encoding.
    expect(await refusal(file, { refuseTestKeys: true })).toBe(refused);
    const pkcs1 = createPublicKey(TEST_ROCK7_PUBLIC_KEY_PEM).export({ type: 'pkcs1', format: 'pem' });
    const other = await fileWith('sim-pkcs1.pem', pkcs1 as string);
    expect(await refusal(other, { refuseTestKeys: true })).toMatch(/^KEYS_TEST_KEY: /);
    const priv = await fileWith('sim-private.pem', TEST_ROCK7_PRIVATE_KEY_PEM);
    expect(await refusal(priv, { refuseTestKeys: true })).toMatch(/^KEYS_TEST_KEY: /);
  });

  it('takes the key `fieldnode sim rockblock` made, outside the test runner too', async () => {
    const { loadOrCreateSimSigningKey } = await import('../../../satellite/sim/rockblock/sim-signing-key.js');
    const sim = await loadOrCreateSimSigningKey(join(dir, 'sim'));
    const key = await outsideVitest(() => readVerifyKeyFile('rb0', sim.publicKeyFile));
    expect(key.export({ type: 'spki', format: 'pem' })).toBe(sim.publicKeyPem);
    expect(repositoryTestRsaKey(key)).toBeUndefined();
  });

  it('refuses a missing file, and one without an RSA key, as configuration errors', async () => {
    expect(await refusal(join(dir, 'absent.pem'))).toMatch(
      /^CONFIG_UNREADABLE: .*absent\.pem: cannot read it/,
    );
    expect(await refusal(await fileWith('junk.pem', 'junk\n'))).toMatch(
      /^CONFIG_UNREADABLE: .*holds no PEM key/,
    );
    const ed = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }) as string;
    expect(await refusal(await fileWith('ed.pem', ed))).toMatch(/^CONFIG_UNREADABLE: .*ed25519 key/);
  });
});
