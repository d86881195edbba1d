/** Tests for ed25519.ts, including RFC 8032 §7.1 test vector 1. */
import { createHash, createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  generateSigningKeyPair,
  keyFingerprint,
  privateKeyFromPkcs8Pem,
  privateKeyToPkcs8Pem,
  publicKeyFromRaw,
  rawPublicKey,
  sign,
  verifySignature,
} from './ed25519.js';

const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('sign and verifySignature', () => {
  const { publicKey, privateKey } = generateSigningKeyPair();
  const pub = publicKeyFromRaw(publicKey);
  const data = new TextEncoder().encode('warning: flood, evacuate to the school');

  it('round-trips a 64-byte signature', () => {
    const sig = sign(privateKey, data);
    expect(sig).toBeInstanceOf(Uint8Array);
    expect(sig.length).toBe(64);
    expect(verifySignature(pub, data, sig)).toBe(true);
  });

  it('rejects a flipped bit in the data or in the signature', () => {
    const sig = sign(privateKey, data);
    for (const bit of [0, 7, 100, data.length * 8 - 1]) {
      const bad = data.slice();
      bad[bit >> 3] = (bad[bit >> 3] as number) ^ (1 << (bit & 7));
      expect(verifySignature(pub, bad, sig)).toBe(false);
    }
    for (const bit of [0, 255, 256, 511]) {
      const bad = sig.slice();
      bad[bit >> 3] = (bad[bit >> 3] as number) ^ (1 << (bit & 7));
      expect(verifySignature(pub, data, bad)).toBe(false);
    }
  });

  it('returns false, without throwing, for wrong-length or garbage signatures', () => {
    const sig = sign(privateKey, data);
    expect(verifySignature(pub, data, sig.subarray(0, 63))).toBe(false);
    expect(verifySignature(pub, data, new Uint8Array([...sig, 0]))).toBe(false);
    expect(verifySignature(pub, data, new Uint8Array(0))).toBe(false);
    expect(verifySignature(pub, data, new Uint8Array(64).fill(0xff))).toBe(false);
  });

  it('rejects a signature made by another key', () => {
    const other = generateSigningKeyPair();
    expect(verifySignature(pub, data, sign(other.privateKey, data))).toBe(false);
  });

  it('refuses keys of another algorithm', () => {
    const { privateKey: ec } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(() => sign(ec, data)).toThrow(TypeError);
    expect(() => sign(pub, data)).toThrow(TypeError);
  });
});

describe('key conversions', () => {
  it('round-trips a raw public key and derives it from the private key', () => {
    const { publicKey, privateKey } = generateSigningKeyPair();
    expect(publicKey.length).toBe(32);
    expect(rawPublicKey(publicKeyFromRaw(publicKey))).toEqual(publicKey);
    expect(rawPublicKey(privateKey)).toEqual(publicKey);
  });

  it('rejects a raw public key of the wrong length', () => {
    expect(() => publicKeyFromRaw(new Uint8Array(31))).toThrow(TypeError);
    expect(() => publicKeyFromRaw(new Uint8Array(33))).toThrow(TypeError);
  });

  it('round-trips a private key through PKCS#8 PEM', () => {
    const { publicKey, privateKey } = generateSigningKeyPair();
    const pem = privateKeyToPkcs8Pem(privateKey);
    expect(pem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    const back = privateKeyFromPkcs8Pem(pem);
    expect(rawPublicKey(back)).toEqual(publicKey);
    const data = new Uint8Array([1, 2, 3]);
    expect(verifySignature(publicKeyFromRaw(publicKey), data, sign(back, data))).toBe(true);
  });

  it('rejects a PEM holding another kind of key', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    expect(() => privateKeyFromPkcs8Pem(pem)).toThrow(TypeError);
  });
});

describe('RFC 8032 §7.1 test 1', () => {
  const seed = '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60';
  const expectedPublic = 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a';
  const expectedSig =
    'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b';
  const privateKey = createPrivateKey({
    key: Buffer.from(`302e020100300506032b657004220420${seed}`, 'hex'),
    format: 'der',
    type: 'pkcs8',
  });

  it('derives the public key', () => {
    expect(toHex(rawPublicKey(privateKey))).toBe(expectedPublic);
  });

  it('signs the empty message byte for byte and verifies', () => {
    const sig = sign(privateKey, new Uint8Array(0));
    expect(toHex(sig)).toBe(expectedSig);
    expect(verifySignature(publicKeyFromRaw(hex(expectedPublic)), new Uint8Array(0), hex(expectedSig))).toBe(
      true,
    );
  });
});

describe('keyFingerprint', () => {
  it('is the first 8 bytes of SHA-256 in four dash-separated groups', () => {
    const raw = hex('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');
    const digest = createHash('sha256').update(raw).digest('hex');
    const fp = keyFingerprint(raw);
    expect(fp).toMatch(/^[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}$/);
    expect(fp.replaceAll('-', '')).toBe(digest.slice(0, 16));
  });

  it('differs between keys and rejects wrong lengths', () => {
    const a = generateSigningKeyPair().publicKey;
    const b = generateSigningKeyPair().publicKey;
    expect(keyFingerprint(a)).not.toBe(keyFingerprint(b));
    expect(() => keyFingerprint(new Uint8Array(16))).toThrow(TypeError);
  });
});
