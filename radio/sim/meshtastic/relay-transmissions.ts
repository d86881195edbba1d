/**
 * What a simulated radio relays for others, and how (docs/meshtastic.md §5.1, §5.2): the copy it
 * puts on air with one hop less and its own header bytes, and, on firmware 2.6 and later, its own
 * retransmission of a direct message it hands to a chosen next hop. mesh-router.ts decides that a
 * packet is relayed; this makes the copy and mesh-transmitter.ts queues it.
 *
 * - **Flooding** (`FloodingRouter::perhapsRebroadcast`; every packet on pre-2.6 firmware,
 *   broadcasts on 2.6+): no next hop, and the relay byte ours on 2.6+, 0 before.
 * - **A direct message on 2.6+** (`NextHopRouter::perhapsRelay` → `NextHopRouter::send`): the
 *   relay records itself as a relayer of the packet, puts in the next hop it knows for the
 *   destination (none: the copy floods on), and when it named one, keeps a record of two
 *   transmissions in all (`NUM_INTERMEDIATE_RETX`). The record ends when the relay hears any copy
 *   of the packet again (the next hop passing it along, `shouldFilterReceived` →
 *   `stopRetransmission`) or the destination's answer; otherwise, one retransmission interval
 *   later (§2.5), the relay forgets that next hop and sends the packet once more, flooded. One
 *   more interval and the record is dropped; a copy still queued then goes with it, unless the
 *   role always relays (ROUTER, REPEATER, ROUTER_LATE). Still hop by hop: no relay ever reports
 *   anything to the sender.
 */
import type { Clock } from '../../../node/src/link/clock.js';
import { type AirHeader, type AirPacket, lastByte } from './air-packet.js';
import type { MeshTransmitter } from './mesh-transmitter.js';
import {
  type NextHopTable,
  NO_NEXT_HOP,
  NUM_INTERMEDIATE_RETX,
  type RouterFirmware,
} from './next-hop-routing.js';
import type { PacketHistory } from './packet-history.js';
import { cancelsOnDuplicate } from './relay-policy.js';
import { Retransmissions } from './retransmissions.js';
import type { RouterEventInit } from './router-events.js';

export interface RelayTransmissionsOptions {
  nodeNum: number;
  clock: Clock;
  role: number;
  firmware: RouterFirmware;
  nextHops: NextHopTable;
  history: PacketHistory;
  tx: MeshTransmitter;
  emit: (e: RouterEventInit) => void;
}

/** A direct message relayed to a next hop, kept for the relay's own retransmission. */
interface RelayRecord {
  air: AirPacket;
  portnum: number | undefined;
  snr: number;
}

const keyOf = (from: number, id: number): string => `${from >>> 0}:${id >>> 0}`;

export class RelayTransmissions {
  readonly #o: RelayTransmissionsOptions;
  readonly #ours: number;
  readonly #records: Retransmissions<RelayRecord, string>;

  constructor(opts: RelayTransmissionsOptions) {
    this.#o = opts;
    this.#ours = lastByte(opts.nodeNum);
    this.#records = new Retransmissions<RelayRecord, string>({
      clock: opts.clock,
      intervalMs: (phy) => opts.tx.retransmissionIntervalMs(phy),
      retransmit: (r) => this.#fallBackToFlooding(r),
      giveUp: (r) => this.#dropCopy(r.air.header),
    });
  }

  /** Relayed direct messages whose next hop has not yet been heard passing them on. */
  get pending(): number {
    return this.#records.size;
  }

  /** `FloodingRouter::perhapsRebroadcast`: a flooded copy of `air`. */
  flood(air: AirPacket, portnum: number | undefined, snr: number): void {
    const h = air.header;
    const relayNode = this.#o.firmware === 'pre-2.6' ? 0 : this.#ours;
    this.#o.tx.queueRelay(
      this.#copy(air, { hopLimit: h.hopLimit - 1, nextHop: NO_NEXT_HOP, relayNode }),
      portnum,
      snr,
    );
  }

  /** `NextHopRouter::send` for a direct message we relay (2.6+; the router checked we may). */
  forward(air: AirPacket, portnum: number | undefined, snr: number): void {
    const h = air.header;
    this.#o.history.observe(h.from, h.id, { nextHop: h.nextHop, relayNode: this.#ours });
    const nextHop = this.#o.nextHops.choose(h.to);
    const copy = this.#copy(air, { hopLimit: h.hopLimit - 1, nextHop, relayNode: this.#ours });
    if (nextHop !== NO_NEXT_HOP && (copy.header.hopLimit > 0 || h.wantAck) && this.#o.tx.txEnabled) {
      const phyBytes = air.payload.length + 16;
      this.#records.start(keyOf(h.from, h.id), { air: copy, portnum, snr }, phyBytes, NUM_INTERMEDIATE_RETX);
    }
    this.#o.tx.queueRelay(copy, portnum, snr);
  }

  /**
   * `stopRetransmission(from, id)` for a packet we relayed to a next hop: it was heard again, or
   * its answer was. A copy still waiting goes too, unless our role always relays.
   */
  stop(from: number, id: number): void {
    const stopped = this.#records.stop(keyOf(from, id));
    if (stopped?.retransmitted === true) this.#dropCopy(stopped.item.air.header);
  }

  /** A reboot: the records are RAM. */
  reset(): void {
    this.#records.clear();
  }

  #copy(air: AirPacket, header: Pick<AirHeader, 'hopLimit' | 'nextHop' | 'relayNode'>): AirPacket {
    return { header: { ...air.header, ...header }, payload: air.payload };
  }

  /** The last (and only) retransmission of a relayed direct message: `FloodingRouter::send`. */
  #fallBackToFlooding(r: RelayRecord): void {
    const h = r.air.header;
    this.#o.emit({ type: 'retransmit', from: h.from, id: h.id, nextHop: NO_NEXT_HOP, relay: true });
    this.#o.nextHops.forget(h.to);
    const flooded = this.#copy(r.air, { hopLimit: h.hopLimit, nextHop: NO_NEXT_HOP, relayNode: this.#ours });
    this.#o.history.observe(h.from, h.id, { nextHop: NO_NEXT_HOP, relayNode: this.#ours });
    this.#o.tx.queueRelay(flooded, r.portnum, r.snr);
  }

  #dropCopy(h: AirHeader): void {
    if (cancelsOnDuplicate(this.#o.role)) this.#o.tx.cancelSending(h.from, h.id);
  }
}
