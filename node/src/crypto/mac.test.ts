/** Tests for mac.ts: HKDF derivation, truncated HMAC tags, the master secret generator. */
import { createHmac, hkdfSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deriveNodeMacKey, generateMasterSecret, MAC_TAG_BYTES, macTag, verifyMacTag } from './mac.js';

const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** HKDF-SHA256 written out from RFC 5869 §2.2–2.3 with plain HMAC, independent of hkdfSync. */
function referenceHkdf(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  const prk = createHmac('sha256', salt).update(ikm).digest();
  const out: Buffer[] = [];
  let t = Buffer.alloc(0);
  for (let i = 1; out.length * 32 < length; i++) {
    t = createHmac('sha256', prk)
      .update(Buffer.concat([t, info, Buffer.from([i])]))
      .digest();
    out.push(t);
  }
  return new Uint8Array(Buffer.concat(out).subarray(0, length));
}

describe('deriveNodeMacKey', () => {
  const secret = Uint8Array.from({ length: 32 }, (_, i) => i);

  it('RFC 5869 test case 1: hkdfSync and the reference agree with the published OKM', () => {
    const ikm = new Uint8Array(22).fill(0x0b);
    const salt = hex('000102030405060708090a0b0c');
    const info = hex('f0f1f2f3f4f5f6f7f8f9');
    const okm = '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865';
    expect(toHex(new Uint8Array(hkdfSync('sha256', ikm, salt, info, 42)))).toBe(okm);
    expect(toHex(referenceHkdf(ikm, salt, info, 42))).toBe(okm);
  });

  it('matches the reference HKDF with the documented salt and info, and a pinned vector', () => {
    const key = deriveNodeMacKey(secret, 42);
    expect(key).toBeInstanceOf(Uint8Array);
    expect(key.length).toBe(32);
    expect(key).toEqual(referenceHkdf(secret, utf8('fieldnode/v1/mac'), utf8('node:42'), 32));
    expect(toHex(key)).toBe('f7e38b87d228d48e81fe0cd87ff17477f97bb8415a40431656034600d5f21697');
  });

  it('gives different keys for different node ids and secrets', () => {
    expect(deriveNodeMacKey(secret, 1)).not.toEqual(deriveNodeMacKey(secret, 2));
    expect(deriveNodeMacKey(secret, 1)).not.toEqual(
      deriveNodeMacKey(
        secret.map((b) => b ^ 1),
        1,
      ),
    );
  });

  it('rejects a short secret and a bad node id', () => {
    expect(() => deriveNodeMacKey(new Uint8Array(15), 1)).toThrow(TypeError);
    expect(deriveNodeMacKey(new Uint8Array(16), 0).length).toBe(32);
    for (const id of [-1, 1.5, Number.NaN, 2 ** 53]) {
      expect(() => deriveNodeMacKey(secret, id)).toThrow(TypeError);
    }
  });
});

describe('macTag and verifyMacTag', () => {
  const key = deriveNodeMacKey(new Uint8Array(32).fill(7), 3);
  const data = utf8('report: road blocked at km 12');

  it('is the first 8 bytes of HMAC-SHA256 (RFC 4231 test case 1)', () => {
    const tag = macTag(new Uint8Array(20).fill(0x0b), utf8('Hi There'));
    expect(MAC_TAG_BYTES).toBe(8);
    expect(tag.length).toBe(8);
    expect(toHex(tag)).toBe('b0344c61d8db3853');
  });

  it('verifies its own tag and rejects a flipped bit, a wrong key, altered data', () => {
    const tag = macTag(key, data);
    expect(verifyMacTag(key, data, tag)).toBe(true);
    for (let bit = 0; bit < 64; bit += 9) {
      const bad = tag.slice();
      bad[bit >> 3] = (bad[bit >> 3] as number) ^ (1 << (bit & 7));
      expect(verifyMacTag(key, data, bad)).toBe(false);
    }
    expect(verifyMacTag(deriveNodeMacKey(new Uint8Array(32).fill(7), 4), data, tag)).toBe(false);
    expect(verifyMacTag(key, utf8('report: road blocked at km 13'), tag)).toBe(false);
  });

  it('returns false for a tag of the wrong length', () => {
    const tag = macTag(key, data);
    expect(verifyMacTag(key, data, tag.subarray(0, 7))).toBe(false);
    expect(verifyMacTag(key, data, new Uint8Array([...tag, 0]))).toBe(false);
    expect(verifyMacTag(key, data, new Uint8Array(0))).toBe(false);
  });
});

describe('generateMasterSecret', () => {
  it('makes 32 fresh random bytes each time', () => {
    const a = generateMasterSecret();
    expect(a.length).toBe(32);
    expect(a).not.toEqual(generateMasterSecret());
  });
});
