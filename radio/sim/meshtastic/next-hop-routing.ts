/**
 * Next-hop routing of direct messages, the NextHopRouter of firmware 2.6 and later
 * (docs/meshtastic.md §5.2): which firmware line a simulated radio runs, the next hop it keeps
 * per destination (the NodeDB's `next_hop` byte), and the rule by which it learns one from an
 * ACK or reply coming back. Pure state and rules; mesh-router.ts and mesh-transmitter.ts apply
 * them.
 *
 * The rules are those of v2.6.11, unchanged through v2.7.8. Later releases learn more carefully
 * (from 2.7.9 a radio that hears the answer straight from the destination learns it only if it
 * was the sole relayer; from 2.7.11 a relayer counts only if it relayed with one hop less): not
 * simulated (§5.2).
 */
import type { MeshPacket } from '../../src/meshtastic/codec.js';
import { BROADCAST_NUM } from '../../src/meshtastic/constants.js';
import { lastByte } from './air-packet.js';
import { NUM_RELIABLE_RETX } from './lora-timing.js';

/**
 * Which firmware's routers a simulated radio runs:
 * - '2.6+': the NextHopRouter (§5.2) for direct messages, managed flooding for broadcasts; the
 *   header carries `next_hop` and `relay_node`;
 * - 'pre-2.6': managed flooding for everything (§5.1); both header bytes are 0 on air.
 */
export type RouterFirmware = 'pre-2.6' | '2.6+';

/** §5.2: transmissions in all of a packet handed to a chosen next hop, except our own want_ack ones. */
export const NUM_INTERMEDIATE_RETX = 2;

/** The `next_hop` byte meaning "no preference": flood. */
export const NO_NEXT_HOP = 0;

/** The NodeDB's `next_hop` of each destination, as its last byte. */
export class NextHopTable {
  readonly #ours: number;
  readonly #byDestination = new Map<number, number>();

  constructor(self: number) {
    this.#ours = lastByte(self);
  }

  /**
   * `getNextHop(to, relay_node = us)`: the byte to put in a direct message for `to`, or
   * NO_NEXT_HOP when none is known, or when the one known is our own byte.
   */
  choose(to: number): number {
    const hop = this.#byDestination.get(to >>> 0);
    return hop === undefined || hop === this.#ours ? NO_NEXT_HOP : hop;
  }

  /** The next hop kept for `to`, if any (inspection). */
  get(to: number): number | undefined {
    return this.#byDestination.get(to >>> 0);
  }

  /** Sets the next hop of `to`; a 0 byte (pre-2.6 relay) clears it. */
  learn(to: number, relayByte: number): void {
    if ((relayByte & 0xff) === NO_NEXT_HOP) this.#byDestination.delete(to >>> 0);
    else this.#byDestination.set(to >>> 0, relayByte & 0xff);
  }

  /** The last retransmission's fallback to flooding resets the destination's next hop (§5.2). */
  forget(to: number): void {
    this.#byDestination.delete(to >>> 0);
  }

  get size(): number {
    return this.#byDestination.size;
  }
}

/** What a radio knows when it hears an ACK or reply from `answerer` to `original sender`. */
export interface AnswerFacts {
  /** The answer's `relay_node`: who transmitted this copy of it. */
  relayNode: number;
  /** Our own byte. */
  ours: number;
  hopStart: number;
  hopLimit: number;
  /** Whether the PacketHistory lists `byte` as a relayer of the packet answered. */
  relayedOriginal: (byte: number) => boolean;
}

/**
 * `NextHopRouter::sniffReceived` of v2.6.11: the answer's relayer becomes the answerer's next hop
 * when it also relayed the original, or when the answer came straight from the answerer (no hop
 * used) and we relayed (or sent) the original. The second case is what goes wrong on asymmetric
 * links (§5.2, firmware#7839): hearing the destination is taken for being heard by it.
 */
export function learnsNextHop(f: AnswerFacts): boolean {
  if (f.relayedOriginal(f.relayNode)) return true;
  return f.relayedOriginal(f.ours) && f.hopStart !== 0 && f.hopStart === f.hopLimit;
}

/** What a radio needs to fill in the next-hop header bytes of a packet it sends. */
export interface HopStamping {
  firmware: RouterFirmware;
  self: number;
  nextHops: NextHopTable;
}

/**
 * `NextHopRouter::send` / `FloodingRouter::send` for a packet we send: us as its relayer and, for
 * a direct message on 2.6+ firmware, the destination's next hop ('next-hop': the first
 * transmission and those after it) or none ('flood': the last retransmission, which also forgets
 * the next hop, `doRetransmissions`). Pre-2.6 firmware puts 0 in both bytes.
 */
export function stampHopBytes(p: MeshPacket, how: 'next-hop' | 'flood', r: HopStamping): void {
  if (r.firmware === 'pre-2.6') {
    p.nextHop = NO_NEXT_HOP;
    p.relayNode = 0;
    return;
  }
  p.relayNode = lastByte(r.self);
  if (p.to === BROADCAST_NUM) p.nextHop = NO_NEXT_HOP;
  else if (how === 'flood') {
    p.nextHop = NO_NEXT_HOP;
    r.nextHops.forget(p.to);
  } else p.nextHop = r.nextHops.choose(p.to);
}

/**
 * How many times in all a packet we originate is sent unless answered: three with want_ack
 * (ReliableRouter, §2.5), two for a direct message to a next hop without it, the ACKs we send
 * included, when its hop limit is above 0 (NextHopRouter, §5.2); otherwise once.
 */
export function transmissionsOf(p: MeshPacket): number {
  if (p.wantAck) return NUM_RELIABLE_RETX;
  if (p.nextHop !== NO_NEXT_HOP && p.hopLimit > 0) return NUM_INTERMEDIATE_RETX;
  return 1;
}
