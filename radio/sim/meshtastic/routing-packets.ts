/**
 * Routing ACKs and NAKs as the phone sees them (docs/meshtastic.md §2.5, §1.11): MeshPackets
 * with `decoded.portnum = ROUTING_APP (5)`, payload an encoded `Routing{error_reason}` and
 * `request_id` the id of the packet they answer.
 *
 * A local one (implicit ACK, MAX_RETRANSMIT and the other NAKs the device makes itself) has
 * `from = to = own node` and a fresh id, as in the §1.11 golden vector "NAK MAX_RETRANSMIT,
 * generated locally"; like every packet `allocAckNak` makes it also has priority ACK, and like
 * everything `Router::handleReceived` hands the phone, rx_time (0 when the device has no time).
 * The phone API's router-checks.ts makes its NAKs the same way. Also the hop limit the firmware
 * gives the ACKs, NAKs and responses it sends over the mesh.
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

/**
 * `RoutingModule::getHopLimitForResponse` (docs/meshtastic.md §2.5): the hop limit of an ACK,
 * NAK or response to a packet that arrived with `hopStart`/`hopLimit`. The hops the request used
 * plus two of margin when that stays under the configured limit; as many as the request used
 * when it used more than the limit; otherwise the configured limit (3 by default). So an ACK to a
 * neighbour gets 2 hops, one to a node 1 or more hops away the full 3.
 */
export function hopLimitForResponse(hopStart: number, hopLimit: number, configured: number): number {
  if (hopStart !== 0) {
    // A request whose hop_limit grew on the way (modified firmware) counts as having used the limit.
    const used = hopStart < hopLimit ? configured : hopStart - hopLimit;
    if (used > configured) return used;
    if (used + 2 < configured) return used + 2;
  }
  return configured;
}
