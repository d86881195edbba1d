/**
 * The receiving side of the NextHopRouter, firmware 2.6 and later (docs/meshtastic.md §5.2): what
 * a radio does with a direct message it hears, or hears again, and with an answer to one passing
 * by. mesh-router.ts hands it direct messages on 2.6+ firmware; broadcasts, and everything on
 * pre-2.6 firmware, stay with the flooding rules there.
 *
 * - **Relay** (`perhapsRelay`): only a copy that names no next hop, or names us, is relayed, and
 *   then as relay-transmissions.ts `forward`s it: with the next hop we know for the destination.
 * - **A duplicate** (`shouldFilterReceived`): any copy heard again ends our own retransmission of
 *   it (and, unless our role always relays, drops the copy we still hold). A fallback to flooding
 *   (packet-history.ts) is relayed if we hold no copy. The originator repeating it is relayed
 *   again, or, when it is for us and wants an ACK, answered with a fresh ACK of hop limit 0.
 *   Anything else cancels our pending relay, unless we were the packet's chosen next hop.
 * - **An answer** (`sniffReceived`): an ACK or reply, to us or passing by, may teach us the
 *   answerer's next hop (next-hop-routing.ts `learnsNextHop`); one to someone else ends our
 *   retransmission of the packet it answers.
 */
import { RoutingError } from '../../src/meshtastic/constants.js';
import { type AirPacket, lastByte } from './air-packet.js';
import type { MeshTransmitter } from './mesh-transmitter.js';
import { learnsNextHop, type NextHopTable, NO_NEXT_HOP } from './next-hop-routing.js';
import type { Observation, PacketHistory } from './packet-history.js';
import type { Opened } from './packet-sealing.js';
import type { RelayTransmissions } from './relay-transmissions.js';
import type { RouterEventInit } from './router-events.js';

export interface NextHopRouterOptions {
  nodeNum: number;
  tx: MeshTransmitter;
  relays: RelayTransmissions;
  history: PacketHistory;
  nextHops: NextHopTable;
  emit: (e: RouterEventInit) => void;
  /** Whether role and rebroadcast mode let this radio relay the packet (relay-policy.ts). */
  mayRelay: (opened: Opened | undefined, from: number) => boolean;
}

export class NextHopRouter {
  readonly #o: NextHopRouterOptions;
  readonly #ours: number;

  constructor(opts: NextHopRouterOptions) {
    this.#o = opts;
    this.#ours = lastByte(opts.nodeNum);
  }

  /** `NextHopRouter::shouldFilterReceived` for a direct message heard again. */
  onDuplicate(air: AirPacket, opened: Opened | undefined, snr: number, seen: Observation): void {
    const h = air.header;
    const { tx, relays } = this.#o;
    relays.stop(h.from, h.id);
    if (seen.wasFallback) {
      if (!tx.isQueued(h.from, h.id)) this.perhapsRelay(air, opened, snr);
      return;
    }
    if (isRepeat(air)) {
      if (tx.isQueued(h.from, h.id) || this.perhapsRelay(air, opened, snr)) return;
      if (h.to === this.#o.nodeNum && h.wantAck) {
        tx.sendRouting(h.from, RoutingError.NONE, h.id, opened?.channel ?? 0, 0);
      }
      return;
    }
    if (!seen.weWereNextHop) tx.cancelDupe(h.from, h.id);
  }

  /** `NextHopRouter::perhapsRelay`: only for no next hop or us; true if we relay. */
  perhapsRelay(air: AirPacket, opened: Opened | undefined, snr: number): boolean {
    const h = air.header;
    const self = this.#o.nodeNum;
    if (h.to === self || h.from === self || h.hopLimit === 0 || h.id === 0) return false;
    if (h.nextHop !== NO_NEXT_HOP && h.nextHop !== this.#ours) {
      this.#o.emit({ type: 'relay-dropped', from: h.from, id: h.id, reason: 'not-next-hop' });
      return false;
    }
    if (!this.#o.mayRelay(opened, h.from)) return false;
    this.#o.relays.forward(air, opened?.data.portnum, snr);
    return true;
  }

  /**
   * `NextHopRouter::sniffReceived` for an ACK or reply answering the packet `answered`: perhaps
   * learn the answerer's next hop; when the answer is for someone else, stop retransmitting the
   * packet.
   */
  sniffAnswer(air: AirPacket, answered: number, forOthers: boolean): void {
    const h = air.header;
    const { history, nextHops } = this.#o;
    const learns = learnsNextHop({
      relayNode: h.relayNode,
      ours: this.#ours,
      hopStart: h.hopStart,
      hopLimit: h.hopLimit,
      relayedOriginal: (byte) => history.wasRelayer(byte, h.to, answered),
    });
    if (learns && nextHops.get(h.from) !== h.relayNode) {
      nextHops.learn(h.from, h.relayNode);
      this.#o.emit({ type: 'next-hop-learnt', from: h.from, id: answered, nextHop: h.relayNode });
    }
    if (forOthers) this.#o.relays.stop(h.to, answered);
  }
}

/** Heard straight from its originator, which is sending it again (hop_start == hop_limit). */
export function isRepeat(air: AirPacket): boolean {
  return air.header.hopStart > 0 && air.header.hopStart === air.header.hopLimit;
}
