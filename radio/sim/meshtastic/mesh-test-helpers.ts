/**
 * Test helpers for the simulated mesh (mesh-router.ts, mesh-network.ts): client packets as a
 * phone API would hand them to `sendToMesh`, and a tap that records what each device gives its
 * phone, with ACKs and NAKs read back (docs/meshtastic.md §2.5).
 */
import { create, type MeshPacket, Schemas } from '../../src/meshtastic/codec.js';
import { BROADCAST_NUM, PortNum } from '../../src/meshtastic/constants.js';
import type { MeshRouter } from './mesh-router.js';
import { routingErrorOf } from './routing-packets.js';

let nextTestId = 0x1000;

export interface ClientPacketOptions {
  to?: number;
  id?: number;
  portnum?: number;
  payload?: Uint8Array;
  wantAck?: boolean;
  wantResponse?: boolean;
  hopLimit?: number;
  channel?: number;
  priority?: number;
  pkiEncrypted?: boolean;
}

/** A client packet (from 0, id set) with `bytes` of payload on PRIVATE_APP by default. */
export function clientPacket(opts: ClientPacketOptions & { bytes?: number } = {}): MeshPacket {
  const payload = opts.payload ?? new Uint8Array(opts.bytes ?? 10).map((_, i) => (i * 7 + 1) & 0xff);
  return create(Schemas.MeshPacket, {
    to: opts.to ?? BROADCAST_NUM,
    id: opts.id ?? nextTestId++,
    channel: opts.channel ?? 0,
    wantAck: opts.wantAck ?? false,
    hopLimit: opts.hopLimit ?? 3,
    priority: opts.priority ?? 0,
    pkiEncrypted: opts.pkiEncrypted ?? false,
    payloadVariant: {
      case: 'decoded',
      value: {
        portnum: opts.portnum ?? PortNum.PRIVATE_APP,
        payload,
        wantResponse: opts.wantResponse ?? false,
      },
    },
  });
}

/** A packet the phone got, with its Routing error if it is an ACK/NAK. */
export interface PhoneRecord {
  at: number;
  packet: MeshPacket;
  /** Routing.error_reason for a ROUTING_APP packet, else undefined. */
  routing: number | undefined;
  requestId: number;
}

/** Records everything `router` hands its phone. */
export function tapPhone(router: MeshRouter, now: () => number): PhoneRecord[] {
  const out: PhoneRecord[] = [];
  router.onToPhone((packet) => {
    const data = packet.payloadVariant.case === 'decoded' ? packet.payloadVariant.value : undefined;
    out.push({
      at: now(),
      packet,
      routing: data === undefined ? undefined : routingErrorOf(data),
      requestId: data?.requestId ?? 0,
    });
  });
  return out;
}

/** Received data packets (not ACKs/NAKs) with id `id`. */
export const received = (records: readonly PhoneRecord[], id: number): PhoneRecord[] =>
  records.filter((r) => r.routing === undefined && r.packet.id === id);

/** ACKs and NAKs answering `id`. */
export const answers = (records: readonly PhoneRecord[], id: number): PhoneRecord[] =>
  records.filter((r) => r.routing !== undefined && r.requestId === id);
