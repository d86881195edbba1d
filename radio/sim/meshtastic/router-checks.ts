/**
 * The steps between `MeshService::sendToMesh` and the radio that decide, for a client packet,
 * whether the device refuses it locally with a NAK (docs/meshtastic.md §2.1, §2.4, §2.5):
 * `Router::sendLocal` (DM channel substitution), `ReliableRouter::send` (hop limit 0 with
 * want_ack → config hop limit) and `perhapsEncode` (TOO_LARGE, PKI_FAILED, NO_CHANNEL), firmware
 * v2.6.11 src/mesh/Router.cpp and ReliableRouter.cpp. Also the NAK packet the firmware makes
 * (`MeshModule::allocAckNak`). Duty cycle, queueing and airtime are the mesh side's.
 */
import { create, toBinary } from '@bufbuild/protobuf';
import { encodeRouting, type MeshPacket, Schemas } from '../../src/meshtastic/codec.js';
import {
  BROADCAST_NUM,
  ChannelRole,
  MAX_LORA_PAYLOAD_LEN,
  MESH_HEADER_LEN,
  PKC_OVERHEAD,
  Priority,
  RoutingError,
} from '../../src/meshtastic/constants.js';
import type { DeviceSettings } from './device-settings.js';
import { SimPortNum } from './port-numbers.js';

/** `Data.bitfield` bit 1: `want_response`, set on every packet we originate (perhapsEncode). */
const BITFIELD_WANT_RESPONSE = 1 << 1;

export interface RouterCheckContext {
  nodeNum: number;
  settings: DeviceSettings;
  /** SimRadio: "Don't use PKC with simulator". */
  simRadio: boolean;
}

/**
 * `Router::sendLocal`: a DM on channel 0 without PKI goes out on the channel the destination was
 * last heard on, if the NodeDB knows it. Then `ReliableRouter::send`: with want_ack, hop_limit 0
 * means "no preference" and becomes `config.lora.hop_limit`; without want_ack it stays 0 (§2.1).
 */
export function applySendDefaults(p: MeshPacket, ctx: RouterCheckContext): void {
  if (p.channel === 0 && !p.pkiEncrypted && p.to !== BROADCAST_NUM) {
    const node = ctx.settings.nodes.find((n) => n.num === p.to);
    if (node !== undefined) p.channel = node.channel;
  }
  if (p.wantAck && p.hopLimit === 0) p.hopLimit = ctx.settings.hopLimit;
}

/** The encoded size of `Data` as the radio will carry it: with the bitfield the firmware adds. */
export function encodedDataSize(p: MeshPacket): number {
  if (p.payloadVariant.case !== 'decoded') return 0;
  const d = p.payloadVariant.value;
  const withBitfield = create(Schemas.Data, {
    ...d,
    bitfield: (d.bitfield ?? 0) | (d.wantResponse ? BITFIELD_WANT_RESPONSE : 0),
  });
  return toBinary(Schemas.Data, withBitfield).length;
}

/** Whether `perhapsEncode` would PKI-encrypt this packet (§2.4). */
function usesPki(p: MeshPacket, ctx: RouterCheckContext, portnum: number): boolean {
  const node = ctx.settings.nodes.find((n) => n.num === p.to);
  return (
    !ctx.simRadio &&
    !(p.pkiEncrypted !== true && p.channel > 0) &&
    ctx.settings.publicKey.length === 32 &&
    p.to !== BROADCAST_NUM &&
    node !== undefined &&
    node.publicKey.length === 32 &&
    portnum !== SimPortNum.TRACEROUTE_APP &&
    portnum !== SimPortNum.NODEINFO_APP &&
    portnum !== SimPortNum.ROUTING_APP &&
    portnum !== SimPortNum.POSITION_APP
  );
}

/**
 * `Router::send` up to the radio, for a packet from our client: a `Routing.Error` (0 = NONE, the
 * packet goes on to the mesh side). BAD_REQUEST (a packet with neither `decoded` nor `encrypted`)
 * is returned without a NAK; the others come with one (`abortSendAndNak`).
 */
export function perhapsEncode(p: MeshPacket, ctx: RouterCheckContext): number {
  if (p.payloadVariant.case === 'encrypted') return RoutingError.NONE;
  if (p.payloadVariant.case !== 'decoded') return RoutingError.BAD_REQUEST;
  const numbytes = encodedDataSize(p);
  if (numbytes + MESH_HEADER_LEN > MAX_LORA_PAYLOAD_LEN) return RoutingError.TOO_LARGE;
  if (usesPki(p, ctx, p.payloadVariant.value.portnum)) {
    if (numbytes + MESH_HEADER_LEN + PKC_OVERHEAD > MAX_LORA_PAYLOAD_LEN) return RoutingError.TOO_LARGE;
    const node = ctx.settings.nodes.find((n) => n.num === p.to);
    const given = p.publicKey;
    if (p.pkiEncrypted && given.some((b) => b !== 0) && !sameBytes(given, node?.publicKey)) {
      return RoutingError.PKI_FAILED;
    }
    return RoutingError.NONE;
  }
  if (p.pkiEncrypted) return RoutingError.PKI_FAILED;
  const ch = ctx.settings.channels[p.channel];
  if (ch === undefined || ch.role === ChannelRole.DISABLED) return RoutingError.NO_CHANNEL;
  return RoutingError.NONE;
}

function sameBytes(a: Uint8Array, b: Uint8Array | undefined): boolean {
  return b !== undefined && a.length === b.length && a.every((x, i) => x === b[i]);
}

export interface NakFields {
  /** `getFrom(p)` of the refused packet: our number. */
  nodeNum: number;
  to: number;
  error: number;
  requestId: number;
  channel: number;
  /** `generatePacketId()`. */
  id: number;
  /** `getValidTime(RTCQualityFromNet)`: 0 without a valid time. */
  rxTime: number;
}

/** `allocAckNak`: a Routing packet from us, priority ACK, hop_limit 0, `request_id` = the refused id. */
export function routingNak(f: NakFields): MeshPacket {
  return create(Schemas.MeshPacket, {
    from: f.nodeNum >>> 0,
    to: f.to >>> 0,
    id: f.id,
    channel: f.channel,
    rxTime: f.rxTime,
    priority: Priority.ACK,
    hopLimit: 0,
    payloadVariant: {
      case: 'decoded',
      value: {
        portnum: SimPortNum.ROUTING_APP,
        payload: encodeRouting(create(Schemas.Routing, { variant: { case: 'errorReason', value: f.error } })),
        requestId: f.requestId,
      },
    },
  });
}
