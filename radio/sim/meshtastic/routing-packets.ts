/**
 * Routing ACKs and NAKs as the phone sees them (docs/meshtastic.md §2.5, §1.11): MeshPackets
 * with `decoded.portnum = ROUTING_APP (5)`, payload an encoded `Routing{error_reason}` and
 * `request_id` the id of the packet they answer.
 *
 * A local one (implicit ACK, MAX_RETRANSMIT and the other NAKs the device makes itself) has
 * `from = to = own node` and a fresh id, as in the §1.11 golden vector "NAK MAX_RETRANSMIT,
 * generated locally"; like every packet `allocAckNak` makes it also has priority ACK, and like
 * everything `Router::handleReceived` hands the phone, rx_time (0 when the device has no time).
 * The phone API's router-checks.ts makes its NAKs the same way.
 */
import {
  create,
  type Data,
  decodeRouting,
  encodeRouting,
  type MeshPacket,
  Schemas,
} from '../../src/meshtastic/codec.js';
import { PortNum, Priority } from '../../src/meshtastic/constants.js';

/** The `Data` of an ACK (error NONE) or NAK answering packet `requestId`. */
export function routingData(error: number, requestId: number): Data {
  const payload = encodeRouting(create(Schemas.Routing, { variant: { case: 'errorReason', value: error } }));
  return create(Schemas.Data, { portnum: PortNum.ROUTING_APP, payload, requestId });
}

/** An ACK or NAK the device hands its own phone (from = to = self). */
export function localRoutingPacket(f: {
  self: number;
  id: number;
  channel: number;
  error: number;
  requestId: number;
  rxTime: number;
}): MeshPacket {
  return create(Schemas.MeshPacket, {
    from: f.self,
    to: f.self,
    id: f.id,
    channel: f.channel,
    rxTime: f.rxTime,
    priority: Priority.ACK,
    payloadVariant: { case: 'decoded', value: routingData(f.error, f.requestId) },
  });
}

/**
 * The `Routing.error_reason` a decoded ROUTING_APP `Data` carries, or undefined when it is not a
 * routing error packet (another portnum, a route request/reply, bytes that do not decode).
 */
export function routingErrorOf(data: Data): number | undefined {
  if (data.portnum !== PortNum.ROUTING_APP) return undefined;
  try {
    const routing = decodeRouting(data.payload);
    return routing.variant.case === 'errorReason' ? routing.variant.value : undefined;
  } catch {
    // A ROUTING_APP payload that does not decode is nobody's ACK; the caller treats it as data.
    return undefined;
  }
}
