/**
 * What a simulated device's mesh side reports about itself (mesh-router.ts,
 * mesh-transmitter.ts): events for traces and tests, and counters like the firmware's LocalStats.
 */
import type { MeshPacket } from '../../src/meshtastic/codec.js';

export interface RouterEvent {
  /** Sim time, ms. */
  at: number;
  /** The node reporting. */
  node: number;
  type:
    | 'tx' // a packet went on air
    | 'relay-queued'
    | 'relay-cancelled' // heard someone else relay it first, or (reason 'answered') its ACK or reply
    | 'relay-dropped' // queue full, duty cycle, CORE_PORTNUMS_ONLY, or (2.6+) not its next hop
    | 'duplicate' // heard again, ignored
    | 'retransmit' // a radio's own retransmission, of its packet or one it relays to a next hop
    | 'next-hop-learnt' // from an ACK or reply (§5.2); `nextHop` is the byte, `from` the destination
    | 'evicted' // pushed out of a full TX queue
    | 'to-phone';
  /** The packet's original sender and id. */
  from: number;
  id: number;
  hopLimit?: number;
  /** The next_hop byte a packet went on air or was queued with (0: none, §5.2). */
  nextHop?: number;
  relay?: boolean;
  reason?: string;
  packet?: MeshPacket;
}

/** An event before the reporter stamps time and node on it. */
export type RouterEventInit = Omit<RouterEvent, 'at' | 'node'>;

export interface RouterStats {
  /** Our own packets (and ACKs we made) put on air, retransmissions included. */
  txOwn: number;
  txRelay: number;
  /** Relays given up on hearing someone else relay first. */
  txRelayCanceled: number;
  rxUnique: number;
  rxDupe: number;
  /** Receptions too short to be a packet. */
  rxBad: number;
}
