/**
 * The mesh around a scripted radio (scripted-mesh-side.ts), reduced to what decides the answer to
 * a packet it transmits with want_ack (docs/meshtastic.md §2.5, §4.2, §5.1): its neighbours, each
 * one hop away, and the LoRa timing of its preset. The firmware's ReliableRouter at one hop:
 * - the destination, when it is a neighbour, ACKs the packet itself (a real ACK, `from` = it);
 * - otherwise, a neighbour that relays what it hears rebroadcasts it (a broadcast, or a DM for
 *   someone else, which floods, §5.1), and our radio, hearing its own packet, makes an implicit ACK;
 * - otherwise nobody answers, and the radio ends in MAX_RETRANSMIT after its three transmissions.
 *
 * Simplified: a DM to a neighbour gets its real ACK only, although another neighbour's relay might
 * be heard first (then the firmware reports both); neighbours hear every channel; no PKI overhead.
 */
import { type LoraParams, loraTimeOnAirMs } from '../../src/lora/airtime.js';
import { create, type MeshPacket, Schemas } from '../../src/meshtastic/codec.js';
import { BROADCAST_NUM, MESH_HEADER_LEN, RoutingError } from '../../src/meshtastic/constants.js';
import { CW_MAX, presetParams, retransmissionIntervalMs, slotTimeMs } from './lora-timing.js';
import { encodedDataSize } from './router-checks.js';
import { routingData } from './routing-packets.js';

/** A node one hop from the scripted radio. */
export interface ScriptedNeighbour {
  nodeNum: number;
  /**
   * It rebroadcasts what it hears, as the CLIENT and ROUTER roles do with rebroadcast mode ALL;
   * false for one that never relays (CLIENT_MUTE, rebroadcast mode NONE). Default true.
   */
  relays?: boolean;
}

/**
 * A scripted override of the neighbours: 'real', every DM's destination is in range and ACKs it
 * and every broadcast is relayed; 'implicit', every packet is relayed. 'none' leaves it to them.
 */
export type AutoAck = 'none' | 'implicit' | 'real';

export type ScriptedAnswer = { kind: 'ack'; from: number } | { kind: 'implicit' } | undefined;

/** Who answers `p`, a want_ack packet our radio transmitted (see the module comment). */
export function answerOf(
  p: Pick<MeshPacket, 'to' | 'hopLimit'>,
  neighbours: readonly ScriptedNeighbour[],
  autoAck: AutoAck,
): ScriptedAnswer {
  const broadcast = p.to === BROADCAST_NUM;
  if (autoAck === 'real') return broadcast ? { kind: 'implicit' } : { kind: 'ack', from: p.to };
  if (autoAck === 'implicit') return { kind: 'implicit' };
  if (!broadcast && neighbours.some((n) => n.nodeNum === p.to)) return { kind: 'ack', from: p.to };
  // §5.1: nobody relays a packet whose hop limit is spent, or one addressed to itself.
  const relayed = p.hopLimit > 0 && neighbours.some((n) => n.relays !== false && n.nodeNum !== p.to);
  return relayed ? { kind: 'implicit' } : undefined;
}

/** LoRa timing of the scripted radio's preset (§2.5, §4.2). */
export class ScriptedTiming {
  readonly #params: LoraParams;
  readonly #slotMs: number;

  /** @throws RangeError for a value that is not a ModemPreset. */
  constructor(preset: number) {
    this.#params = presetParams(preset);
    this.#slotMs = slotTimeMs(this.#params);
  }

  /** PHY bytes of `p` on air: the 16-byte header and the encoded Data (or the ciphertext). */
  phyBytes(p: MeshPacket): number {
    const body = p.payloadVariant.case === 'encrypted' ? p.payloadVariant.value.length : encodedDataSize(p);
    return MESH_HEADER_LEN + body;
  }

  airtimeMs(phyBytes: number): number {
    return loraTimeOnAirMs(phyBytes, this.#params);
  }

  /** §2.5 `getRetransmissionMsec` on an idle channel. */
  retransmissionMs(phyBytes: number): number {
    return retransmissionIntervalMs(this.airtimeMs(phyBytes), this.#slotMs, 0);
  }

  /** From the start of our transmission to the end of the destination's ACK (sent at once). */
  realAckMs(phyBytes: number, requestId: number): number {
    const ack = create(Schemas.MeshPacket, {
      payloadVariant: { case: 'decoded', value: routingData(RoutingError.NONE, requestId) },
    });
    return this.airtimeMs(phyBytes) + this.airtimeMs(this.phyBytes(ack));
  }

  /** From the start of our transmission to the end of a client's relay, after its least wait (§5.1). */
  implicitAckMs(phyBytes: number): number {
    return 2 * this.airtimeMs(phyBytes) + 2 * CW_MAX * this.#slotMs;
  }
}
