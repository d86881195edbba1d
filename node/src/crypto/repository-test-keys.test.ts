/**
 * Tests for repository-test-keys.ts (docs/keys.md §Test keys in this repository): each listed key
 * is the fixture it names, and nothing else is listed. That the RSA entry is the RockBLOCK
 * simulator's test key is checked in node/src/composition/rockblock-verify-key.test.ts: code here
 * may not import the satellite simulator (docs/architecture.md §The dependency rule).
 */
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SECRET as HARNESS_SECRET } from '../../test/integration/harness.js';
import { FIXTURE_ISSUER_PUBLIC, FIXTURE_MASTER } from '../wire/fixtures/fixture-keys.js';
import { rawPublicKey } from './ed25519.js';
import { generateMasterSecret } from './mac.js';
import {
  repositoryTestKeysAllowed,
  repositoryTestPublicKey,
  repositoryTestRsaKey,
  repositoryTestSecret,
} from './repository-test-keys.js';

/** RFC 8032 §7.1 test 1, whose seed node/src/crypto/ed25519.test.ts holds. */
const RFC8032_TEST1 = createPrivateKey({
  key: Buffer.from(
    '302e020100300506032b6570042204209d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
    'hex',
  ),
  format: 'der',
  type: 'pkcs8',
});

describe('repository test keys', () => {
  it('lists the public halves of the Ed25519 test keys, and no other key', () => {
    expect(repositoryTestPublicKey(FIXTURE_ISSUER_PUBLIC)).toContain('fixture-keys.ts');
    expect(repositoryTestPublicKey(rawPublicKey(RFC8032_TEST1))).toContain('RFC 8032 test 1');
    const fresh = generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' });
    expect(repositoryTestPublicKey(new Uint8Array(fresh.subarray(12)))).toBeUndefined();
  });

  it('lists no RSA key but the simulator’s test key: not a fresh one, in either half', () => {
    const fresh = generateKeyPairSync('rsa', { modulusLength: 2048 });
    expect(repositoryTestRsaKey(fresh.publicKey)).toBeUndefined();
    expect(repositoryTestRsaKey(fresh.privateKey)).toBeUndefined();
  });

  it('lists the master secrets of the tests and benchmarks, and no other secret', () => {
    // The benchmarks' secrets are not exported; these are their formulas, as written there.
    const bench = (f: (i: number) => number) => Uint8Array.from({ length: 32 }, (_, i) => f(i));
    expect(repositoryTestSecret(FIXTURE_MASTER)).toContain('fixture-keys.ts');
    expect(repositoryTestSecret(HARNESS_SECRET)).toContain('harness.ts');
    expect(repositoryTestSecret(bench((i) => 40 + i))).toContain('satellite-e2e.test.ts');
    expect(repositoryTestSecret(bench((i) => 31 * i + 5))).toContain('bench/mesh-fieldnode.ts');
    expect(repositoryTestSecret(bench((i) => 7 * i))).toContain('bench/store-bench.ts');
    expect(repositoryTestSecret(generateMasterSecret())).toBeUndefined();
  });

  it('are allowed only under the test runner, and a caller can only be stricter', () => {
    expect(process.env.VITEST).toBeDefined();
    expect(repositoryTestKeysAllowed()).toBe(true);
    expect(repositoryTestKeysAllowed(true)).toBe(false);
    const saved = process.env.VITEST;
    delete process.env.VITEST;
    try {
      expect(repositoryTestKeysAllowed()).toBe(false);
      expect(repositoryTestKeysAllowed(false)).toBe(false);
    } finally {
      process.env.VITEST = saved;
    }
  });
});
