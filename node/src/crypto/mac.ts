/**
 * Per-node MAC keys and truncated HMAC tags (docs/design.md §Security; docs/wire-format.md
 * §Authentication; docs/keys.md §The keys each role holds).
 *
 * Messages from kits carry an 8-byte truncated HMAC-SHA256 instead of a 64-byte signature because
 * satellite bytes are money. The key is shared between one kit and the centre and is derived, not
 * stored per message: HKDF-SHA256 (RFC 5869) of the centre's master secret, bound to the node id,
 * so a key leaked from one kit says nothing about another kit's key. Only the centre holds the
 * master; a kit holds its own derived key (node/src/crypto/kit-keys.ts). How a key is typed and
 * stored is in key-text.ts and key-files.ts.
 */
import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

/** Length of a MAC tag on the wire, bytes. 64 bits: forging one needs ~2^63 tries over a radio. */
export const MAC_TAG_BYTES = 8;
/** Length of a derived per-node MAC key, bytes. */
export const MAC_KEY_BYTES = 32;
/** Length of a generated master secret, bytes (256 bits). */
export const MASTER_SECRET_BYTES = 32;
/** Shortest secret accepted for key derivation, bytes (128 bits). */
export const MIN_SECRET_BYTES = 16;

/** HKDF salt: a fixed, versioned domain label so these keys never collide with another use. */
const HKDF_SALT = Buffer.from('fieldnode/v1/mac', 'utf8');

/**
 * Derives the MAC key shared by node `nodeId` and the centre.
 * @param secret the centre's master secret, at least 16 bytes (HKDF input keying material).
 * @param nodeId the node's id, a non-negative safe integer (goes into HKDF info as `node:<id>`).
 * @returns a 32-byte key.
 * @throws TypeError on a short secret or an invalid node id.
 */
export function deriveNodeMacKey(secret: Uint8Array, nodeId: number): Uint8Array {
  if (!(secret instanceof Uint8Array) || secret.length < MIN_SECRET_BYTES) {
    throw new TypeError(`a master secret is at least ${MIN_SECRET_BYTES} bytes`);
  }
  if (!Number.isSafeInteger(nodeId) || nodeId < 0) {
    throw new TypeError('a node id is a non-negative safe integer');
  }
  const info = Buffer.from(`node:${nodeId}`, 'utf8');
  return new Uint8Array(hkdfSync('sha256', secret, HKDF_SALT, info, MAC_KEY_BYTES));
}

/**
 * The first {@link MAC_TAG_BYTES} bytes of HMAC-SHA256(key, data). RFC 2104 §5 recommends keeping
 * at least 80 bits; we keep 64 on purpose for the satellite budget. Forging still means guessing
 * online, one radio or satellite message per try, and the replay window and lifetimes bound reuse.
 * @throws TypeError if `key` is shorter than 16 bytes (an empty or truncated key is a bug).
 */
export function macTag(key: Uint8Array, data: Uint8Array): Uint8Array {
  assertKey(key);
  const full = createHmac('sha256', key).update(data).digest();
  return new Uint8Array(full.subarray(0, MAC_TAG_BYTES));
}

/**
 * Checks a tag in constant time. A tag of the wrong length is simply false: it came from the
 * network, and the caller raises AUTH_TAG_INVALID.
 */
export function verifyMacTag(key: Uint8Array, data: Uint8Array, tag: Uint8Array): boolean {
  const expected = macTag(key, data);
  if (!(tag instanceof Uint8Array) || tag.length !== MAC_TAG_BYTES) return false;
  return timingSafeEqual(expected, tag);
}

/** Makes a fresh 32-byte master secret from the system CSPRNG. */
export function generateMasterSecret(): Uint8Array {
  return new Uint8Array(randomBytes(MASTER_SECRET_BYTES));
}

function assertKey(key: Uint8Array): void {
  if (!(key instanceof Uint8Array) || key.length < MIN_SECRET_BYTES) {
    throw new TypeError(`a MAC key is at least ${MIN_SECRET_BYTES} bytes`);
  }
}
