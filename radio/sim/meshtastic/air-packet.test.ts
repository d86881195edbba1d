/**
 * The on-air header (docs/meshtastic.md §2.4), channel hashes and encryption (§2.1, §2.7),
 * and sealing a packet with the firmware's size checks (§2.4: 231 B / 219 B limits).
 */
import { describe, expect, it } from 'vitest';
import { isKitError } from '../../../node/src/base/errors.js';
import { seededRandom } from '../../../node/src/link/seeded-random.js';
import { meshtasticPhyBytes } from '../../src/lora/airtime.js';
import { create, Schemas } from '../../src/meshtastic/codec.js';
import { RoutingError } from '../../src/meshtastic/constants.js';
import { decodeAirPacket, encodeAirPacket } from './air-packet.js';
import {
  channelCrypt,
  channelHash,
  DEFAULT_CHANNEL,
  expandPsk,
  pkiDecrypt,
  pkiEncrypt,
  resolveChannels,
} from './channel-crypto.js';
import { clientPacket } from './mesh-test-helpers.js';
import { openPacket, type SealingContext, sealPacket } from './packet-sealing.js';

const header = {
  to: 0x11223344,
  from: 0x0a0b0c0d,
  id: 0xdeadbeef,
  hopLimit: 5,
  wantAck: true,
  viaMqtt: false,
  hopStart: 7,
  channelHash: 8,
  nextHop: 0,
  relayNode: 0x0d,
};

describe('air header (§2.4)', () => {
  it('is 16 bytes: to, from, id little-endian, then flags, channel, next_hop, relay_node', () => {
    const bytes = encodeAirPacket({ header, payload: Uint8Array.of(1, 2, 3) });
    expect(Buffer.from(bytes).toString('hex')).toBe(
      // flags = hop_limit 5 | want_ack 0x08 | hop_start 7 << 5 = 0xed
      '44332211' + '0d0c0b0a' + 'efbeadde' + 'ed' + '08' + '00' + '0d' + '010203',
    );
    expect(decodeAirPacket(bytes)).toEqual({ header, payload: Uint8Array.of(1, 2, 3) });
  });

  it('via_mqtt is bit 4 of flags', () => {
    const bytes = encodeAirPacket({
      header: { ...header, viaMqtt: true, wantAck: false },
      payload: new Uint8Array(),
    });
    expect(bytes[12]).toBe(5 | 0x10 | (7 << 5));
  });

  it('hop fields are 3 bits: 8 is refused; fewer than 16 bytes is MESH_DECODE', () => {
    expect(() => encodeAirPacket({ header: { ...header, hopLimit: 8 }, payload: new Uint8Array() })).toThrow(
      RangeError,
    );
    let err: unknown;
    try {
      decodeAirPacket(new Uint8Array(15));
    } catch (e) {
      err = e;
    }
    expect(isKitError(err, 'MESH_DECODE')).toBe(true);
  });
});

describe('channels (§2.1, §4.5)', () => {
  it('the default primary channel on LONG_FAST hashes to 8 (xor of "LongFast" and the default key)', () => {
    const [primary] = resolveChannels([DEFAULT_CHANNEL], 'LongFast');
    expect(primary?.hash).toBe(8);
    expect(primary?.key.length).toBe(16);
  });

  it('a 1-byte PSK n selects the default key with its last byte + n − 1; 0 means no encryption', () => {
    expect(expandPsk(Uint8Array.of(0)).length).toBe(0);
    const k2 = expandPsk(Uint8Array.of(2));
    const k1 = expandPsk(Uint8Array.of(1));
    expect(k2[15]).toBe(((k1[15] ?? 0) + 1) & 0xff);
    expect(() => expandPsk(new Uint8Array(5))).toThrow(RangeError);
    expect(channelHash('ops', new Uint8Array())).toBe(
      'o'.charCodeAt(0) ^ 'p'.charCodeAt(0) ^ 's'.charCodeAt(0),
    );
  });

  it('AES-CTR adds no bytes and only the same key reads it back', () => {
    const key = expandPsk(Uint8Array.of(1));
    const plain = Uint8Array.from({ length: 40 }, (_, i) => i);
    const cipher = channelCrypt(key, 7, 99, plain);
    expect(cipher.length).toBe(40);
    expect(cipher).not.toEqual(plain);
    expect(channelCrypt(key, 7, 99, cipher)).toEqual(plain);
    expect(channelCrypt(expandPsk(Uint8Array.of(2)), 7, 99, cipher)).not.toEqual(plain);
  });

  it('a PKI DM adds 12 bytes and opens only for the same pair', () => {
    const plain = Uint8Array.of(1, 2, 3);
    const sealed = pkiEncrypt(1, 2, 77, plain, 12345);
    expect(sealed.length).toBe(3 + 12);
    expect(pkiDecrypt(1, 2, 77, sealed)).toEqual(plain);
    expect(pkiDecrypt(1, 3, 77, sealed)).toBeUndefined();
  });
});

describe('sealPacket (§2.4 perhapsEncode)', () => {
  const ctx = (over: Partial<SealingContext> = {}): SealingContext => ({
    self: 0x0a,
    channels: resolveChannels([DEFAULT_CHANNEL], 'LongFast'),
    knowsKey: () => false,
    okToMqtt: false,
    random: seededRandom(1),
    ...over,
  });

  it.each([50, 100, 200])('a %i B PRIVATE_APP payload is the §2.4 PHY size on air', (n) => {
    const sealed = sealPacket(clientPacket({ bytes: n, to: 5 }), ctx());
    expect(sealed.ok && sealed.bytes.length).toBe(meshtasticPhyBytes(n));
  });

  it('231 B fits on a channel, 232 B is TOO_LARGE', () => {
    expect(sealPacket(clientPacket({ bytes: 231 }), ctx()).ok).toBe(true);
    expect(sealPacket(clientPacket({ bytes: 232 }), ctx())).toEqual({
      ok: false,
      error: RoutingError.TOO_LARGE,
    });
  });

  it('a DM on channel 0 to a node whose key we know is PKI: 219 B fits, 220 B is TOO_LARGE', () => {
    const known = ctx({ knowsKey: (n) => n === 5 });
    const ok = sealPacket(clientPacket({ bytes: 219, to: 5 }), known);
    expect(ok.ok && ok.bytes.length).toBe(255);
    expect(ok.ok && ok.bytes[13]).toBe(0); // the channel byte of a PKI packet
    expect(sealPacket(clientPacket({ bytes: 220, to: 5 }), known)).toEqual({
      ok: false,
      error: RoutingError.TOO_LARGE,
    });
  });

  it('pki_encrypted asked for without the key is PKI_FAILED; a missing channel index is NO_CHANNEL', () => {
    expect(sealPacket(clientPacket({ to: 5, pkiEncrypted: true }), ctx())).toEqual({
      ok: false,
      error: RoutingError.PKI_FAILED,
    });
    expect(sealPacket(clientPacket({ channel: 3 }), ctx())).toEqual({
      ok: false,
      error: RoutingError.NO_CHANNEL,
    });
  });

  it('want_ack is cleared on air for a broadcast but kept for a DM (§2.1)', () => {
    const b = sealPacket(clientPacket({ wantAck: true }), ctx());
    const d = sealPacket(clientPacket({ wantAck: true, to: 5 }), ctx());
    expect(b.ok && decodeAirPacket(b.bytes).header.wantAck).toBe(false);
    expect(d.ok && decodeAirPacket(d.bytes).header.wantAck).toBe(true);
  });

  it('a client packet already `encrypted` goes on air as is, its channel field as the hash byte', () => {
    const p = create(Schemas.MeshPacket, {
      to: 5,
      id: 9,
      channel: 0x2a,
      hopLimit: 3,
      hopStart: 3,
      payloadVariant: { case: 'encrypted', value: Uint8Array.of(1, 2, 3) },
    });
    const sealed = sealPacket(p, ctx());
    if (!sealed.ok) throw new Error('seal failed');
    expect(decodeAirPacket(sealed.bytes)).toMatchObject({
      header: { channelHash: 0x2a },
      payload: Uint8Array.of(1, 2, 3),
    });
  });

  it('a receiver on the same channel opens it; one on another channel cannot', () => {
    const sealed = sealPacket(clientPacket({ bytes: 30 }), ctx());
    if (!sealed.ok) throw new Error('seal failed');
    const air = decodeAirPacket(sealed.bytes);
    const same = openPacket(air, ctx({ self: 0x0b }));
    expect(same?.data.payload.length).toBe(30);
    expect(same?.data.bitfield).toBe(0); // the firmware always sets it (§2.2)
    const other = ctx({
      self: 0x0b,
      channels: resolveChannels([{ name: 'ops', psk: Uint8Array.of(1) }], 'LongFast'),
    });
    expect(openPacket(air, other)).toBeUndefined();
  });
});
