/**
 * Ed25519 keys and signatures over node:crypto (docs/design.md §Security; docs/wire-format.md
 * §Authentication).
 *
 * Messages that command or warn are signed by an authorised issuer with Ed25519 (RFC 8032, pure
 * mode: no pre-hash, so `crypto.sign(null, …)`). On the wire and in rosters a public key is its
 * 32 raw bytes; in memory it is a `KeyObject`, so OpenSSL holds private key material and we never
 * copy it into JS buffers. Verification of untrusted input returns `false` rather than throwing,
 * so the caller decides which error code to raise (AUTH_SIGNATURE_INVALID).
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  sign as cryptoSign,
  verify as cryptoVerify,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';

/** Length of a raw Ed25519 public key, bytes (RFC 8032 §5.1.5). */
export const PUBLIC_KEY_BYTES = 32;
/** Length of an Ed25519 signature, bytes (RFC 8032 §5.1.6). */
export const SIGNATURE_BYTES = 64;

/**
 * DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410 §4): SEQUENCE { SEQUENCE { OID
 * 1.3.101.112 }, BIT STRING (0 unused bits) } followed by the 32 raw key bytes. Using DER instead
 * of JWK avoids a base64url round trip for every key we import.
 */
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** An Ed25519 key pair: the public half as raw bytes, the private half kept inside OpenSSL. */
export interface SigningKeyPair {
  /** The 32 raw public key bytes, as carried on the wire. */
  publicKey: Uint8Array;
  /** The private key; export it only through {@link privateKeyToPkcs8Pem}. */
  privateKey: KeyObject;
}

/** Makes a fresh Ed25519 key pair from the system CSPRNG. */
export function generateSigningKeyPair(): SigningKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return { publicKey: rawPublicKey(publicKey), privateKey };
}

/**
 * Builds a public `KeyObject` from 32 raw bytes.
 * @throws TypeError if `raw` is not exactly 32 bytes.
 */
export function publicKeyFromRaw(raw: Uint8Array): KeyObject {
  if (!(raw instanceof Uint8Array) || raw.length !== PUBLIC_KEY_BYTES) {
    throw new TypeError(`an Ed25519 public key is ${PUBLIC_KEY_BYTES} raw bytes`);
  }
  return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
}

/**
 * The 32 raw public key bytes of an Ed25519 public or private key.
 * @throws TypeError if `key` is not an Ed25519 key.
 */
export function rawPublicKey(key: KeyObject): Uint8Array {
  assertEd25519(key);
  // A private KeyObject yields its public half; a public one is returned as is.
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  const der = pub.export({ format: 'der', type: 'spki' });
  if (
    der.length !== SPKI_PREFIX.length + PUBLIC_KEY_BYTES ||
    !der.subarray(0, SPKI_PREFIX.length).equals(SPKI_PREFIX)
  ) {
    // Would mean OpenSSL changed its encoding; fail loudly rather than return wrong bytes.
    throw new TypeError('unexpected SPKI encoding of an Ed25519 public key');
  }
  return new Uint8Array(der.subarray(SPKI_PREFIX.length));
}

/**
 * Reads an Ed25519 private key from an unencrypted PKCS#8 PEM string.
 * @throws TypeError if the PEM holds another kind of key; node:crypto's own error if it is not a
 *   readable private key at all.
 */
export function privateKeyFromPkcs8Pem(pem: string): KeyObject {
  const key = createPrivateKey({ key: pem, format: 'pem' });
  assertEd25519(key, 'private');
  return key;
}

/**
 * Writes an Ed25519 private key as unencrypted PKCS#8 PEM. The file that holds it is protected
 * by its mode (see identity.ts), not by a passphrase: an unattended kit must restart on its own.
 */
export function privateKeyToPkcs8Pem(key: KeyObject): string {
  assertEd25519(key, 'private');
  return key.export({ format: 'pem', type: 'pkcs8' }).toString();
}

/**
 * Signs `data` (pure Ed25519, no pre-hash).
 * @returns the 64-byte signature.
 * @throws TypeError if `privateKey` is not an Ed25519 private key.
 */
export function sign(privateKey: KeyObject, data: Uint8Array): Uint8Array {
  assertEd25519(privateKey, 'private');
  return new Uint8Array(cryptoSign(null, data, privateKey));
}

/**
 * Checks an Ed25519 signature. Never throws for a bad signature: a wrong length or garbage bytes
 * come from the network and simply do not verify.
 * @throws TypeError only if `publicKey` is not an Ed25519 key (a programmer error).
 */
export function verifySignature(publicKey: KeyObject, data: Uint8Array, signature: Uint8Array): boolean {
  assertEd25519(publicKey);
  if (!(signature instanceof Uint8Array) || signature.length !== SIGNATURE_BYTES) return false;
  try {
    return cryptoVerify(null, data, publicKey, signature);
  } catch {
    // OpenSSL rejects some malformed encodings (e.g. S ≥ L) by error rather than by `false`.
    return false;
  }
}

/**
 * A short fingerprint of a raw public key for people to compare by voice over a radio or phone:
 * the first 8 bytes of SHA-256(raw key) in hex, as four groups of four, e.g. `3f2a-9c01-be77-0d14`.
 * 64 bits is plenty against accidental mix-ups; it is not meant to resist a targeted collision.
 * @throws TypeError if `rawPublicKey` is not 32 bytes.
 */
export function keyFingerprint(rawPublicKey: Uint8Array): string {
  if (!(rawPublicKey instanceof Uint8Array) || rawPublicKey.length !== PUBLIC_KEY_BYTES) {
    throw new TypeError(`an Ed25519 public key is ${PUBLIC_KEY_BYTES} raw bytes`);
  }
  const hex = createHash('sha256').update(rawPublicKey).digest().subarray(0, 8).toString('hex');
  return (hex.match(/.{4}/g) ?? []).join('-');
}

function assertEd25519(key: KeyObject, type?: 'private'): void {
  if (key?.asymmetricKeyType !== 'ed25519') throw new TypeError('not an Ed25519 key');
  if (type !== undefined && key.type !== type) throw new TypeError(`not an Ed25519 ${type} key`);
}
