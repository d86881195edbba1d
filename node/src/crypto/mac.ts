/**
 * Per-node MAC keys, truncated HMAC tags and the enrolment secret an operator types (docs/design.md
 * §Security; docs/wire-format.md §Authentication).
 *
 * Messages from kits carry an 8-byte truncated HMAC-SHA256 instead of a 64-byte signature because
 * satellite bytes are money. The key is shared between one kit and the centre and is derived, not
 * stored per message: HKDF-SHA256 (RFC 5869) of the enrolment secret, bound to the node id, so a
 * key leaked from one kit says nothing about another kit's key.
 */
import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { KitError } from '../base/errors.js';

/** Length of a MAC tag on the wire, bytes. 64 bits: forging one needs ~2^63 tries over a radio. */
export const MAC_TAG_BYTES = 8;
/** Length of a derived per-node MAC key, bytes. */
export const MAC_KEY_BYTES = 32;
/** Length of a generated enrolment secret, bytes (256 bits). */
export const ENROLMENT_SECRET_BYTES = 32;
/** Shortest enrolment secret accepted for key derivation, bytes (128 bits). */
export const MIN_ENROLMENT_SECRET_BYTES = 16;

/** HKDF salt: a fixed, versioned domain label so these keys never collide with another use. */
const HKDF_SALT = Buffer.from('fieldnode/v1/mac', 'utf8');

/**
 * Derives the MAC key shared by node `nodeId` and the centre.
 * @param enrolmentSecret at least 16 bytes of secret (HKDF input keying material).
 * @param nodeId the node's id, a non-negative safe integer (goes into HKDF info as `node:<id>`).
 * @returns a 32-byte key.
 * @throws TypeError on a short secret or an invalid node id.
 */
export function deriveNodeMacKey(enrolmentSecret: Uint8Array, nodeId: number): Uint8Array {
  if (!(enrolmentSecret instanceof Uint8Array) || enrolmentSecret.length < MIN_ENROLMENT_SECRET_BYTES) {
    throw new TypeError(`an enrolment secret is at least ${MIN_ENROLMENT_SECRET_BYTES} bytes`);
  }
  if (!Number.isSafeInteger(nodeId) || nodeId < 0) {
    throw new TypeError('a node id is a non-negative safe integer');
  }
  const info = Buffer.from(`node:${nodeId}`, 'utf8');
  return new Uint8Array(hkdfSync('sha256', enrolmentSecret, HKDF_SALT, info, MAC_KEY_BYTES));
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

/** Makes a fresh 32-byte enrolment secret from the system CSPRNG. */
export function generateEnrolmentSecret(): Uint8Array {
  return new Uint8Array(randomBytes(ENROLMENT_SECRET_BYTES));
}

/** RFC 4648 §6 base32 alphabet: no 0, 1, 8 or 9, so fewer look-alikes when read aloud or typed. */
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
/** Characters of a 32-byte secret in base32 without padding: ceil(256 / 5). */
const SECRET_CHARS = Math.ceil((ENROLMENT_SECRET_BYTES * 8) / 5);
/** What people mistype for a base32 letter. */
const LOOKALIKES: Record<string, string> = { '0': 'O', '1': 'I or L', '8': 'B' };

/**
 * Writes an enrolment secret for an operator: upper-case base32 (RFC 4648, no padding) in groups
 * of four separated by '-', e.g. `MZXW-6YTB-…`.
 * @throws TypeError unless `bytes` is exactly 32 bytes.
 */
export function formatEnrolmentSecret(bytes: Uint8Array): string {
  if (!(bytes instanceof Uint8Array) || bytes.length !== ENROLMENT_SECRET_BYTES) {
    throw new TypeError(`an enrolment secret is ${ENROLMENT_SECRET_BYTES} bytes`);
  }
  let out = '';
  let acc = 0;
  let bits = 0;
  for (const byte of bytes) {
    acc = ((acc << 8) | byte) & 0xfff; // at most 12 bits are ever pending
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += BASE32[(acc >> bits) & 31];
    }
  }
  if (bits > 0) out += BASE32[(acc << (5 - bits)) & 31];
  return (out.match(/.{1,4}/g) ?? []).join('-');
}

/**
 * Reads an enrolment secret as an operator typed it: case-insensitive, spaces and '-' ignored.
 * @throws KitError CLI_USAGE naming the first bad character, or the length found, so the
 *   operator can see what to fix.
 */
export function parseEnrolmentSecret(text: string): Uint8Array {
  const chars = text.replace(/[\s-]/g, '').toUpperCase();
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] as string;
    if (!BASE32.includes(c)) {
      const hint = LOOKALIKES[c] === undefined ? '' : ` (did you mean ${LOOKALIKES[c]}?)`;
      throw new KitError(
        'CLI_USAGE',
        `enrolment secret: character ${i + 1} '${c}' is not allowed${hint}; use only A-Z and 2-7`,
      );
    }
  }
  if (chars.length !== SECRET_CHARS) {
    throw new KitError(
      'CLI_USAGE',
      `enrolment secret: expected ${SECRET_CHARS} characters (not counting '-' and spaces), got ${chars.length}`,
    );
  }
  const out = new Uint8Array(ENROLMENT_SECRET_BYTES);
  let acc = 0;
  let bits = 0;
  let n = 0;
  for (const c of chars) {
    acc = ((acc << 5) | BASE32.indexOf(c)) & 0xfff; // at most 12 bits are ever pending
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out[n++] = (acc >> bits) & 0xff;
    }
  }
  // 52 characters carry 260 bits; the last 4 must be zero, or the last character was mistyped.
  if ((acc & ((1 << bits) - 1)) !== 0) {
    throw new KitError(
      'CLI_USAGE',
      `enrolment secret: the last character '${chars.at(-1)}' is not valid here`,
    );
  }
  return out;
}

function assertKey(key: Uint8Array): void {
  if (!(key instanceof Uint8Array) || key.length < MIN_ENROLMENT_SECRET_BYTES) {
    throw new TypeError(`a MAC key is at least ${MIN_ENROLMENT_SECRET_BYTES} bytes`);
  }
}
