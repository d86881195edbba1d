/**
 * Keys whose private halves are published in this repository as test material, so that nothing
 * outside the test runner accepts them (docs/keys.md §Test keys in this repository).
 *
 * Anyone can read the fixtures, so a kit that trusted the fixtures' issuer would obey warnings
 * signed by anybody, and a centre whose master secret is the fixtures' would share every kit's key
 * with the world; a centre that verified RockBLOCK pushes with the simulator's test key would accept
 * pushes anybody can sign. This file holds only what is safe to ship: the PUBLIC half of each
 * Ed25519 test key, the SHA-256 of each test RSA public key, and the SHA-256 of each test secret.
 * Configuration loading refuses the Ed25519 public keys (node/src/config/keys-section.ts), the
 * RockBLOCK link refuses the RSA ones in its `verify_key_file`
 * (node/src/composition/rockblock-verify-key.ts) and the master secret reader refuses the secrets
 * (node/src/crypto/key-files.ts), unless the process runs under Vitest, which sets VITEST in the
 * environment of its workers and of the daemons they start. A new fixed test key belongs here;
 * repository-test-keys.test.ts checks that each entry matches the fixture it names, except the RSA
 * key's, which node/src/composition/rockblock-verify-key.test.ts checks (code here may not import
 * the satellite simulator that holds it: docs/architecture.md §The dependency rule).
 */
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';

/** Raw Ed25519 public keys (base64) → where their private halves are published. */
const PUBLIC_KEYS: ReadonlyMap<string, string> = new Map([
  [
    'T9CZzNR9eJPf6ewkQU7LDZtUICMqrTDZHEZb4zy+ZcQ=',
    "the wire fixtures' issuer 3 (node/src/wire/fixtures/fixture-keys.ts, docs/wire-format.md §10)",
  ],
  ['11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=', 'RFC 8032 test 1 (node/src/crypto/ed25519.test.ts)'],
]);

/**
 * SHA-256 (hex) of RSA public keys as SPKI DER → where their private halves are published. SPKI
 * DER is one encoding per key, whatever form (SPKI or PKCS#1 PEM, or the private key) a file holds.
 */
const RSA_PUBLIC_KEY_HASHES: ReadonlyMap<string, string> = new Map([
  [
    '39fdd64829cdfb34f3254fcad20b7e83c16d1c0de3b9c762809289d6489f53d5',
    "the RockBLOCK simulator's test key (satellite/sim/rockblock/test-key.ts, docs/iridium.md §7.4)",
  ],
]);

/** SHA-256 (hex) of 32-byte secrets used as master secrets by tests → where they are. */
const SECRET_HASHES: ReadonlyMap<string, string> = new Map([
  [
    '630dcd2966c4336691125448bbb25b4ff412a49c732db2c8abc1b8581bd710dd',
    "the wire fixtures' master secret, bytes 00..1f (node/src/wire/fixtures/fixture-keys.ts, docs/wire-format.md §10)",
  ],
  [
    'e3e16780becf601d55e4751e7d722ef91d750bb0cea61b1bb5ea8bc308cdf262',
    'the integration tests’ secret (node/test/integration/harness.ts)',
  ],
  [
    'cd42247223b5cc6f91cb16b4574fe79b4152950c062b850facd5e67a4b11a164',
    'the satellite test’s secret (node/test/integration/satellite-e2e.test.ts)',
  ],
  [
    'b16ae01d17fe6eb6092a5c9166162d898dace0264d1f60d1e1d2cb6312ae51e7',
    'the mesh benchmark’s secret (bench/mesh-fieldnode.ts)',
  ],
  [
    '2dfd602a7a260b7a12905fd2ebd4b9acf49eed561758b9cb89cbccee389ae02d',
    'the store benchmark’s secret (bench/store-bench.ts)',
  ],
]);

/** Where the private half of this raw Ed25519 public key is published, if it is a test key. */
export function repositoryTestPublicKey(publicKey: Uint8Array): string | undefined {
  return PUBLIC_KEYS.get(Buffer.from(publicKey).toString('base64'));
}

/**
 * Where the private half of this RSA key is published, if it is a test key. `key` may be the
 * public or the private half.
 */
export function repositoryTestRsaKey(key: KeyObject): string | undefined {
  const publicKey = key.type === 'public' ? key : createPublicKey(key);
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  return RSA_PUBLIC_KEY_HASHES.get(createHash('sha256').update(spki).digest('hex'));
}

/** Where this secret is published, if it is one of the tests'. */
export function repositoryTestSecret(secret: Uint8Array): string | undefined {
  return SECRET_HASHES.get(createHash('sha256').update(secret).digest('hex'));
}

/**
 * Whether keys from this repository may be used: only under the test runner. `refuse` makes a
 * caller stricter (the tests of the refusal pass it); nothing makes it more lenient.
 */
export function repositoryTestKeysAllowed(refuse = false): boolean {
  return !refuse && process.env.VITEST !== undefined;
}
