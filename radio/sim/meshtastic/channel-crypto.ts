/**
 * Channels, their one-byte hash and the encryption of a packet's payload on air
 * (docs/meshtastic.md §2.1 `channel`, §2.4 "AES-CTR channel encryption adds 0 bytes. PKI adds
 * 12 bytes", §2.7 foreign channels arrive `encrypted`).
 *
 * - A channel is a name and a PSK. The hash on air is xor(name bytes) ^ xor(key bytes); the
 *   default primary channel (empty name → the preset's name, PSK `AQ==`) hashes to 8 on LONG_FAST.
 * - Channel encryption is AES-CTR under the PSK with the nonce the firmware uses: packet id as a
 *   64-bit and sender as a 32-bit little-endian number, then 4 zero bytes. A receiver with a
 *   different key gets bytes that do not decode, which is what makes a foreign channel's traffic
 *   arrive as `encrypted`.
 * - PKI DMs are simulated, not Curve25519: AES-256-CTR under a key both ends of a pair derive
 *   from their node numbers, then an 8-byte tag and a 4-byte extra nonce, which is the size the
 *   firmware adds (`MESHTASTIC_PKC_OVERHEAD`) and lets the destination tell success from failure.
 */
import { createCipheriv, createHash, createHmac } from 'node:crypto';
import { PKC_OVERHEAD } from '../../src/meshtastic/constants.js';

/** A channel as configured on a device: index = position in the device's list. */
export interface ChannelSpec {
  /** Channel name; empty means the modem preset's name ("LongFast"). */
  name: string;
  /** 0 bytes: no encryption; 1 byte: the default key variant n (0 = none, 1 = default); 16 or 32: AES key. */
  psk: Uint8Array;
}

/** A channel ready for use on air. */
export interface ChannelKey {
  /** Local channel index, 0–7. */
  index: number;
  /** The hash byte on air. */
  hash: number;
  /** AES key; empty = unencrypted. */
  key: Uint8Array;
}

/** The firmware's default channel key, which a 1-byte PSK of 1 selects. */
export const DEFAULT_PSK = Uint8Array.from([
  0xd4, 0xf1, 0xbb, 0x3a, 0x20, 0x29, 0x07, 0x59, 0xf0, 0xbc, 0xff, 0xab, 0xcf, 0x4e, 0x69, 0x01,
]);

/** The primary channel every device ships with: no name, PSK `AQ==` (the default key). */
export const DEFAULT_CHANNEL: ChannelSpec = { name: '', psk: Uint8Array.of(1) };

/**
 * The AES key a PSK stands for.
 *
 * @throws RangeError for a PSK of a length the firmware does not use here.
 */
export function expandPsk(psk: Uint8Array): Uint8Array {
  if (psk.length === 0) return new Uint8Array(0);
  if (psk.length === 1) {
    const n = psk[0] ?? 0;
    if (n === 0) return new Uint8Array(0);
    // Variants 2, 3, … of the default key differ in the last byte only.
    const key = DEFAULT_PSK.slice();
    key[15] = ((key[15] ?? 0) + n - 1) & 0xff;
    return key;
  }
  if (psk.length === 16 || psk.length === 32) return psk.slice();
  throw new RangeError(`a channel PSK is 0, 1, 16 or 32 bytes, not ${psk.length}`);
}

const xorBytes = (bytes: Uint8Array): number => bytes.reduce((acc, b) => acc ^ b, 0);

/** The channel hash byte on air. */
export function channelHash(name: string, key: Uint8Array): number {
  return xorBytes(new TextEncoder().encode(name)) ^ xorBytes(key);
}

/** A device's channel list made ready for air, an empty name taking the preset's name. */
export function resolveChannels(specs: readonly ChannelSpec[], presetDisplayName: string): ChannelKey[] {
  return specs.map((spec, index) => {
    const key = expandPsk(spec.psk);
    return { index, key, hash: channelHash(spec.name === '' ? presetDisplayName : spec.name, key) };
  });
}

function nonce(from: number, id: number, extra: number): Buffer {
  const n = Buffer.alloc(16);
  n.writeUInt32LE(id >>> 0, 0); // 64-bit id, high half 0
  n.writeUInt32LE(from >>> 0, 8);
  n.writeUInt32LE(extra >>> 0, 12);
  return n;
}

function ctr(key: Uint8Array, iv: Buffer, bytes: Uint8Array): Uint8Array {
  const algo = key.length === 32 ? 'aes-256-ctr' : 'aes-128-ctr';
  const c = createCipheriv(algo, key, iv);
  return new Uint8Array(Buffer.concat([c.update(bytes), c.final()]));
}

/** Encrypts or decrypts (CTR is its own inverse) a payload on a channel. */
export function channelCrypt(key: Uint8Array, from: number, id: number, bytes: Uint8Array): Uint8Array {
  if (key.length === 0) return bytes.slice();
  return ctr(key, nonce(from, id, 0), bytes);
}

/** The simulated shared secret of two nodes: the same from either end. */
function pairKey(a: number, b: number): Buffer {
  const [lo, hi] = a >>> 0 < b >>> 0 ? [a >>> 0, b >>> 0] : [b >>> 0, a >>> 0];
  return createHash('sha256').update(`fieldnode-sim-pki:${lo}:${hi}`).digest();
}

const TAG_LEN = 8;

function tag(key: Buffer, iv: Buffer, cipher: Uint8Array): Buffer {
  return createHmac('sha256', key).update(iv).update(cipher).digest().subarray(0, TAG_LEN);
}

/** A PKI DM's payload: ciphertext, 8-byte tag, 4-byte extra nonce (12 bytes more than the plaintext). */
export function pkiEncrypt(
  from: number,
  to: number,
  id: number,
  plain: Uint8Array,
  extraNonce: number,
): Uint8Array {
  const key = pairKey(from, to);
  const iv = nonce(from, id, extraNonce);
  const cipher = ctr(key, iv, plain);
  const out = new Uint8Array(plain.length + PKC_OVERHEAD);
  out.set(cipher, 0);
  out.set(tag(key, iv, cipher), plain.length);
  new DataView(out.buffer).setUint32(plain.length + TAG_LEN, extraNonce >>> 0, true);
  return out;
}

/** The plaintext of a PKI DM, or undefined when it was not sealed for this pair. */
export function pkiDecrypt(
  from: number,
  to: number,
  id: number,
  payload: Uint8Array,
): Uint8Array | undefined {
  if (payload.length < PKC_OVERHEAD) return undefined;
  const n = payload.length - PKC_OVERHEAD;
  const cipher = payload.subarray(0, n);
  const extra = new DataView(payload.buffer, payload.byteOffset, payload.byteLength).getUint32(
    n + TAG_LEN,
    true,
  );
  const key = pairKey(from, to);
  const iv = nonce(from, id, extra);
  if (!tag(key, iv, cipher).equals(payload.subarray(n, n + TAG_LEN))) return undefined;
  return ctr(key, iv, cipher);
}
