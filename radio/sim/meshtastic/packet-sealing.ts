/**
 * Between a device's MeshPackets and the bytes on air (docs/meshtastic.md §2.1, §2.4, §2.7):
 * `sealPacket` turns a packet we originate into the on-air packet, with the encoding checks of the
 * firmware's `Router::send`/`perhapsEncode`; `openPacket` is the receiving side's attempt to
 * decrypt and decode one; `phonePacket` is what the phone is given for a received one.
 *
 * Sealing, in the firmware's order:
 * - the firmware sets `Data.bitfield` on every packet it originates (bit 0 ok_to_mqtt, bit 1
 *   want_response; 2 bytes on air, §2.2);
 * - encoded Data + 16 > 255 → TOO_LARGE;
 * - PKI for a DM on channel 0 to a node whose key we know, except ROUTING, NODEINFO, POSITION and
 *   TRACEROUTE (§2.4); `pki_encrypted` asked for and not possible → PKI_FAILED; + 12 bytes, again
 *   checked against 255 → TOO_LARGE;
 * - otherwise the channel at the packet's index, or NO_CHANNEL if there is none;
 * - want_ack is never set on air for a broadcast (§2.1).
 */
import { clone } from '@bufbuild/protobuf';
import {
  create,
  type Data,
  decodeAs,
  encodeData,
  type MeshPacket,
  Schemas,
} from '../../src/meshtastic/codec.js';
import {
  BROADCAST_NUM,
  MAX_LORA_PAYLOAD_LEN,
  MESH_HEADER_LEN,
  PKC_OVERHEAD,
  PortNum,
  RoutingError,
} from '../../src/meshtastic/constants.js';
import { type AirHeader, type AirPacket, encodeAirPacket, lastByte } from './air-packet.js';
import { type ChannelKey, channelCrypt, pkiDecrypt, pkiEncrypt } from './channel-crypto.js';
import type { Reception } from './rf-medium.js';

/** §2.4: portnums never PKI-encrypted. */
const PKI_EXCLUDED: ReadonlySet<number> = new Set([
  PortNum.ROUTING_APP,
  PortNum.NODEINFO_APP,
  PortNum.POSITION_APP,
  70, // TRACEROUTE_APP
]);

/** What a device knows when it seals or opens a packet. */
export interface SealingContext {
  self: number;
  channels: readonly ChannelKey[];
  /** Whether we know the 32-byte public key of `node`. */
  knowsKey: (node: number) => boolean;
  okToMqtt: boolean;
  random: () => number;
}

export type Sealed =
  | {
      ok: true;
      bytes: Uint8Array;
      /** 16 + encoded Data: the size the retransmission interval is computed from (§2.5). */
      phyBytes: number;
    }
  | { ok: false; error: number };

/**
 * The on-air bytes of `p`, a packet we originate (from = self, hop_start set), or the Routing error.
 * `hop` are the next-hop header bytes (§5.2): by default no next hop and us as the relayer, as
 * 2.6 firmware sends; pre-2.6 firmware sends both as 0.
 */
export function sealPacket(
  p: MeshPacket,
  ctx: SealingContext,
  hop: { nextHop: number; relayNode: number } = { nextHop: 0, relayNode: lastByte(ctx.self) },
): Sealed {
  const broadcast = p.to === BROADCAST_NUM;
  let payload: Uint8Array;
  let hash: number;
  let dataLen: number;
  if (p.payloadVariant.case === 'encrypted') {
    // Already encrypted (e.g. by a client that does its own): sent as is on the channel byte given.
    payload = p.payloadVariant.value;
    hash = p.channel & 0xff;
    dataLen = payload.length;
    if (dataLen + MESH_HEADER_LEN > MAX_LORA_PAYLOAD_LEN) return { ok: false, error: RoutingError.TOO_LARGE };
  } else {
    const data =
      p.payloadVariant.case === 'decoded'
        ? clone(Schemas.Data, p.payloadVariant.value)
        : create(Schemas.Data);
    data.bitfield = (ctx.okToMqtt ? 1 : 0) | (data.wantResponse ? 2 : 0);
    const plain = encodeData(data);
    dataLen = plain.length;
    if (dataLen + MESH_HEADER_LEN > MAX_LORA_PAYLOAD_LEN) return { ok: false, error: RoutingError.TOO_LARGE };
    const pki = !broadcast && p.channel === 0 && ctx.knowsKey(p.to) && !PKI_EXCLUDED.has(data.portnum);
    if (p.pkiEncrypted && !pki) return { ok: false, error: RoutingError.PKI_FAILED };
    if (pki) {
      if (dataLen + MESH_HEADER_LEN + PKC_OVERHEAD > MAX_LORA_PAYLOAD_LEN) {
        return { ok: false, error: RoutingError.TOO_LARGE };
      }
      payload = pkiEncrypt(ctx.self, p.to, p.id, plain, Math.floor(ctx.random() * 2 ** 32));
      hash = 0;
    } else {
      const ch = ctx.channels[p.channel];
      if (ch === undefined) return { ok: false, error: RoutingError.NO_CHANNEL };
      payload = channelCrypt(ch.key, ctx.self, p.id, plain);
      hash = ch.hash;
    }
  }
  const header: AirHeader = {
    to: p.to,
    from: ctx.self,
    id: p.id,
    hopLimit: p.hopLimit,
    wantAck: p.wantAck && !broadcast,
    viaMqtt: p.viaMqtt,
    hopStart: p.hopStart,
    channelHash: hash,
    nextHop: hop.nextHop,
    relayNode: hop.relayNode,
  };
  return { ok: true, bytes: encodeAirPacket({ header, payload }), phyBytes: MESH_HEADER_LEN + dataLen };
}

/** A received packet this device could read. */
export interface Opened {
  data: Data;
  /** Local index of the channel that decrypted it (0 for PKI). */
  channel: number;
  pki: boolean;
}

function decodeData(bytes: Uint8Array): Data | undefined {
  try {
    const data = decodeAs(Schemas.Data, bytes, 'Data');
    // Garbage from a wrong key can parse; the firmware, like this, also wants a portnum.
    return data.portnum === PortNum.UNKNOWN_APP ? undefined : data;
  } catch {
    // Not ours to read: the caller hands it on as `encrypted`.
    return undefined;
  }
}

/**
 * Decrypts and decodes a received packet with our PKI pairing or any channel whose hash matches,
 * or undefined when we cannot (a foreign channel, a PKI DM from an unknown key, another's DM).
 */
export function openPacket(air: AirPacket, ctx: SealingContext): Opened | undefined {
  const h = air.header;
  if (h.channelHash === 0 && h.to === ctx.self && ctx.knowsKey(h.from)) {
    const plain = pkiDecrypt(h.from, ctx.self, h.id, air.payload);
    const data = plain === undefined ? undefined : decodeData(plain);
    if (data !== undefined) return { data, channel: 0, pki: true };
  }
  for (const ch of ctx.channels) {
    if (ch.hash !== h.channelHash) continue;
    const data = decodeData(channelCrypt(ch.key, h.from, h.id, air.payload));
    if (data !== undefined) return { data, channel: ch.index, pki: false };
  }
  return undefined;
}

/**
 * The packet the phone gets for a received one (§2.7): decoded on the local channel index, or
 * `encrypted` with the channel hash in `channel` as the firmware leaves it; with rx_time (device
 * time, 0 when it has none), rx_snr, rx_rssi, hop_limit and hop_start.
 */
export function phonePacket(
  air: AirPacket,
  opened: Opened | undefined,
  rx: Reception,
  rxTime: number,
): MeshPacket {
  const h = air.header;
  return create(Schemas.MeshPacket, {
    from: h.from,
    to: h.to,
    id: h.id,
    channel: opened?.channel ?? h.channelHash,
    payloadVariant:
      opened === undefined
        ? { case: 'encrypted', value: air.payload }
        : { case: 'decoded', value: opened.data },
    rxTime,
    rxSnr: rx.snr,
    rxRssi: rx.rssi,
    hopLimit: h.hopLimit,
    hopStart: h.hopStart,
    wantAck: h.wantAck,
    viaMqtt: h.viaMqtt,
    nextHop: h.nextHop,
    relayNode: h.relayNode,
    pkiEncrypted: opened?.pki ?? false,
  });
}
