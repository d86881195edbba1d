/**
 * The Meshtastic packet as it goes over the air (docs/meshtastic.md §2.4): a 16-byte
 * unencrypted header followed by the encrypted, encoded `Data`.
 *
 * Header layout (little-endian, as the firmware's packed `PacketHeader` struct on its targets):
 * `to` u32, `from` u32, `id` u32, `flags` u8, `channel` u8 (the channel hash), `next_hop` u8,
 * `relay_node` u8. `flags` holds hop_limit in bits 0–2, want_ack in bit 3, via_mqtt in bit 4 and
 * hop_start in bits 5–7.
 */
import { KitError } from '../../../node/src/base/errors.js';
import { MESH_HEADER_LEN } from '../../src/meshtastic/constants.js';

export interface AirHeader {
  to: number;
  from: number;
  id: number;
  /** Remaining hops, 0–7. */
  hopLimit: number;
  wantAck: boolean;
  viaMqtt: boolean;
  /** The hop limit at origin, 0–7. */
  hopStart: number;
  /** xor hash of the channel name and key (channel-crypto.ts); 0 for PKI DMs. */
  channelHash: number;
  /** Last byte of the preferred next hop; 0 = none (flooding). */
  nextHop: number;
  /** Last byte of the node that transmitted this copy. */
  relayNode: number;
}

export interface AirPacket {
  header: AirHeader;
  /** Everything after the header: ciphertext of the encoded Data (plus 12 bytes for PKI). */
  payload: Uint8Array;
}

/** §2.4: 3-bit hop fields. */
export const HOP_MAX = 7;

/** The last byte of a node number, as `next_hop` and `relay_node` carry it (§5.2). */
export const lastByte = (nodeNum: number): number => nodeNum & 0xff;

function checkHops(h: AirHeader): void {
  for (const [name, v] of [
    ['hopLimit', h.hopLimit],
    ['hopStart', h.hopStart],
  ] as const) {
    if (!Number.isInteger(v) || v < 0 || v > HOP_MAX) throw new RangeError(`${name} must be 0–7, not ${v}`);
  }
}

/** The bytes a radio puts on air. */
export function encodeAirPacket(packet: AirPacket): Uint8Array {
  const { header: h, payload } = packet;
  checkHops(h);
  const out = new Uint8Array(MESH_HEADER_LEN + payload.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, h.to >>> 0, true);
  view.setUint32(4, h.from >>> 0, true);
  view.setUint32(8, h.id >>> 0, true);
  out[12] = h.hopLimit | (h.wantAck ? 0x08 : 0) | (h.viaMqtt ? 0x10 : 0) | (h.hopStart << 5);
  out[13] = h.channelHash & 0xff;
  out[14] = h.nextHop & 0xff;
  out[15] = h.relayNode & 0xff;
  out.set(payload, MESH_HEADER_LEN);
  return out;
}

/**
 * Splits received bytes into header and payload.
 *
 * @throws KitError MESH_DECODE when the bytes are shorter than the header.
 */
export function decodeAirPacket(bytes: Uint8Array): AirPacket {
  if (bytes.length < MESH_HEADER_LEN) {
    throw new KitError('MESH_DECODE', `air packet of ${bytes.length} bytes is shorter than its header`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const flags = bytes[12] ?? 0;
  return {
    header: {
      to: view.getUint32(0, true),
      from: view.getUint32(4, true),
      id: view.getUint32(8, true),
      hopLimit: flags & 0x07,
      wantAck: (flags & 0x08) !== 0,
      viaMqtt: (flags & 0x10) !== 0,
      hopStart: (flags >> 5) & 0x07,
      channelHash: bytes[13] ?? 0,
      nextHop: bytes[14] ?? 0,
      relayNode: bytes[15] ?? 0,
    },
    payload: bytes.slice(MESH_HEADER_LEN),
  };
}
