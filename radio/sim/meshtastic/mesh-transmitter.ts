/**
 * A simulated device's transmit side (docs/meshtastic.md §1.8, §2.4, §2.5, §4.4, §5.2): the
 * firmware's `Router::send` with its duty-cycle and encoding checks, the TX queue and the radio's
 * transmit timer, the routers' retransmission records, and the ACKs and NAKs the device makes,
 * for its own phone or for others. mesh-router.ts decides what to send; this sends it, and
 * relay-transmissions.ts sends what the device relays.
 *
 * Firmware 2.6 and later (next-hop-routing.ts) put the destination's next hop, when one is known,
 * in every direct message the radio sends: its first transmission and the next, while the last
 * retransmission clears it, forgets the next hop and floods (`NextHopRouter::doRetransmissions`).
 * A direct message of ours sent to a next hop without want_ack (the ACKs we send, for one) gets
 * the relays' record of two transmissions. Pre-2.6 firmware sends both header bytes as 0.
 *
 * `Router::send`, in the firmware's order: the duty-cycle check (a ClientNotification for every
 * refusal, relays and the ACKs we owe included, and for our own packets NAK DUTY_CYCLE_LIMIT); sealing
 * (NAK TOO_LARGE, NO_CHANNEL, PKI_FAILED); tx disabled or region UNSET (res 34); the TX queue
 * (res 32 when full with nothing lower to evict). A local NAK ends the packet's retransmission
 * record; res 32 and 34 do not, so such a packet is retried at the retransmission interval and may
 * still end in MAX_RETRANSMIT, as in the firmware, where the record is made before the send is
 * attempted. The QueueStatus `res` of a local NAK is the Routing error itself, which is what the
 * firmware's `Router::send` returns ("FIXME - this isn't a valid ErrorCode") [U].
 */

import type { Clock } from '../../../node/src/link/clock.js';
import { create, type MeshPacket, Schemas } from '../../src/meshtastic/codec.js';
import {
  DeviceRole,
  PortNum,
  Priority,
  QueueErrno,
  RegionCode,
  RoutingError,
} from '../../src/meshtastic/constants.js';
import { type AirPacket, encodeAirPacket } from './air-packet.js';
import { AirtimeWindow } from './airtime-window.js';
import {
  DUTY_CYCLE_WINDOW_MS,
  dutyCycleExceeded,
  dutyCycleNotification,
  silentMinutes,
} from './duty-cycle.js';
import { lateWindowMs, relayDelayMs, retransmissionIntervalMs, txDelayMs } from './lora-timing.js';
import type { ClientNotification } from './mesh-side.js';
import {
  type NextHopTable,
  type RouterFirmware,
  stampHopBytes,
  transmissionsOf,
} from './next-hop-routing.js';
import type { PacketHistory } from './packet-history.js';
import { type SealingContext, sealPacket } from './packet-sealing.js';
import { RadioScheduler } from './radio-scheduler.js';
import { cancelsOnDuplicate } from './relay-policy.js';
import { Retransmissions } from './retransmissions.js';
import type { RadioPort, RfMedium } from './rf-medium.js';
import type { RouterEventInit, RouterStats } from './router-events.js';
import { localRoutingPacket, routingData } from './routing-packets.js';
import { TxQueue, type TxQueueEntry } from './tx-queue.js';

export interface MeshTransmitterOptions {
  nodeNum: number;
  clock: Clock;
  random: () => number;
  medium: RfMedium;
  port: RadioPort;
  role: number;
  region: number;
  txEnabled: boolean;
  overrideDutyCycle: boolean;
  /** `lora.hop_limit`, for the ACKs and NAKs we send when no other is given. */
  hopLimit: number;
  /** Which firmware's routers run (next-hop-routing.ts). */
  firmware: RouterFirmware;
  /** The device's next hop per destination (used by 2.6+ firmware only). */
  nextHops: NextHopTable;
  sealing: SealingContext;
  /** The device's PacketHistory: our own packets are recorded in it as they are sent. */
  history: PacketHistory;
  /** Counters shared with the router; this updates the tx ones. */
  stats: RouterStats;
  emit: (e: RouterEventInit) => void;
  toPhone: (p: MeshPacket) => void;
  /** A ClientNotification for our phone. */
  notify: (n: ClientNotification) => void;
  /** rx_time for packets handed to our phone, and the time of its notifications. */
  rxTime: () => number;
}

interface QueuedTx extends TxQueueEntry {
  bytes: Uint8Array;
  hopLimit: number;
  /** The next_hop byte on air (§5.2). */
  nextHop: number;
}

type SendKind = 'own' | 'generated';

/** A packet of ours awaiting an ACK or a relay, and how it was made. */
interface OwnRecord {
  packet: MeshPacket;
  kind: SendKind;
}

export class MeshTransmitter {
  readonly #o: MeshTransmitterOptions;
  readonly #queue = new TxQueue<QueuedTx>();
  readonly #scheduler: RadioScheduler<QueuedTx>;
  readonly #reliable: Retransmissions<OwnRecord>;
  readonly #txWindow = new AirtimeWindow(DUTY_CYCLE_WINDOW_MS);
  #lastId: number | undefined;

  constructor(opts: MeshTransmitterOptions) {
    this.#o = opts;
    this.#scheduler = new RadioScheduler({
      clock: opts.clock,
      port: opts.port,
      queue: this.#queue,
      backoffMs: () => this.#txDelay(),
      onTransmit: (item, airtime) => this.#onTransmit(item, airtime),
    });
    this.#reliable = new Retransmissions<OwnRecord>({
      clock: opts.clock,
      intervalMs: (phy) => this.retransmissionIntervalMs(phy),
      retransmit: (r, last) => {
        opts.emit({ type: 'retransmit', from: r.packet.from, id: r.packet.id });
        this.#stampHops(r.packet, last ? 'flood' : 'next-hop');
        this.#routerSend(r.packet, r.kind);
      },
      giveUp: (r) => {
        // stopRetransmission after the last interval: a copy still queued goes too.
        this.#queue.remove(r.packet.from, r.packet.id);
        this.localRouting(RoutingError.MAX_RETRANSMIT, r.packet.id, r.packet.channel);
      },
    });
  }

  /** TX queue room, as QueueStatus `free`/`maxlen` report it. */
  get free(): number {
    return this.#queue.free;
  }

  get capacity(): number {
    return this.#queue.capacity;
  }

  get queueLength(): number {
    return this.#queue.length;
  }

  /** Packets of ours awaiting an ACK. */
  get pendingAcks(): number {
    return this.#reliable.size;
  }

  /** TX airtime over the last hour, ms (what the duty-cycle limit checks). */
  txAirtimeLastHourMs(): number {
    return this.#txWindow.busyMs(this.#o.clock.now(), DUTY_CYCLE_WINDOW_MS);
  }

  /** §2.5: the retransmission interval now for a packet of `phyBytes`. */
  retransmissionIntervalMs(phyBytes: number): number {
    const { medium, port } = this.#o;
    return retransmissionIntervalMs(
      medium.airtimeMs(phyBytes),
      medium.slotTimeMs,
      port.channelUtilizationPercent(),
    );
  }

  /** The radio finished a transmission. */
  transmitDone(): void {
    this.#scheduler.transmitDone();
  }

  /** A new packet id, like the firmware's generateId: a random start, then counting up; never 0. */
  newId(): number {
    const next = ((this.#lastId ?? Math.floor(this.#o.random() * 2 ** 32)) + 1) >>> 0;
    this.#lastId = next === 0 ? 1 : next;
    return this.#lastId;
  }

  /**
   * A client packet, with from, id, hop_limit, hop_start and priority already set: sent, and
   * tracked for retransmission if it wants an ACK or goes to a next hop. Returns the QueueStatus `res`.
   */
  sendOwn(p: MeshPacket): number {
    this.#stampHops(p, 'next-hop');
    const { res, phyBytes } = this.#routerSend(p, 'own');
    this.#track(p, 'own', res, phyBytes);
    return res;
  }

  /** An ACK or NAK we send over the mesh to `to` about its packet `requestId`. */
  sendRouting(
    to: number,
    error: number,
    requestId: number,
    channel: number,
    hopLimit = this.#o.hopLimit,
  ): void {
    const p = create(Schemas.MeshPacket, {
      from: this.#o.nodeNum,
      to,
      id: this.newId(),
      channel,
      hopLimit,
      hopStart: hopLimit,
      priority: Priority.ACK,
      payloadVariant: { case: 'decoded', value: routingData(error, requestId) },
    });
    this.#stampHops(p, 'next-hop');
    const { res, phyBytes } = this.#routerSend(p, 'generated');
    this.#track(p, 'generated', res, phyBytes);
  }

  /** An ACK or NAK made here for our own phone about our packet `id`; it ends its retransmissions. */
  localRouting(error: number, id: number, channel: number): void {
    this.stopRetransmission(id);
    this.#o.toPhone(
      localRoutingPacket({
        self: this.#o.nodeNum,
        id: this.newId(),
        channel,
        error,
        requestId: id,
        rxTime: this.#o.rxTime(),
      }),
    );
  }

  /** We heard our packet `id` relayed: an implicit ACK if we were waiting for one (§2.5). */
  implicitAck(id: number): void {
    const original = this.#reliable.get(id);
    if (original !== undefined) this.localRouting(RoutingError.NONE, id, original.packet.channel);
  }

  /**
   * An ACK, NAK or reply for our packet `id` arrived: no more retransmissions, and
   * (`NextHopRouter::stopRetransmission`) once one was made, no copy still waiting either.
   */
  stopRetransmission(id: number): void {
    const stopped = this.#reliable.stop(id);
    if (stopped?.retransmitted === true) this.#queue.remove(this.#o.nodeNum, id);
  }

  /**
   * Queues a relayed copy of a packet, `air` already carrying the relay's header (one hop less),
   * after the SNR-weighted delay of our role (§5.1). Dropped silently when TX is off or over the
   * duty cycle (§4.4), or the queue is full.
   */
  queueRelay(air: AirPacket, portnum: number | undefined, snr: number): void {
    const h = air.header;
    if (!this.txEnabled) return;
    if (this.#dutyLimited()) {
      this.#notifyDutyCycle(h.id);
      this.#o.emit({ type: 'relay-dropped', from: h.from, id: h.id, reason: 'duty-cycle' });
      return;
    }
    const delay = relayDelayMs(this.#o.random, this.#o.role, snr, this.#o.medium.slotTimeMs);
    const entry: QueuedTx = {
      from: h.from,
      id: h.id,
      priority: portnum === PortNum.ROUTING_APP ? Priority.ACK : Priority.DEFAULT,
      relay: true,
      notBefore: this.#o.clock.now() + delay,
      bytes: encodeAirPacket(air),
      hopLimit: h.hopLimit,
      nextHop: h.nextHop,
    };
    if (this.#enqueue(entry)) {
      this.#o.emit({
        type: 'relay-queued',
        from: h.from,
        id: h.id,
        hopLimit: h.hopLimit,
        nextHop: h.nextHop,
      });
    } else this.#o.emit({ type: 'relay-dropped', from: h.from, id: h.id, reason: 'queue-full' });
  }

  /** `findInTxQueue`: a copy of (from, id) is still waiting. */
  isQueued(from: number, id: number): boolean {
    return this.#queue.find(from, id) !== undefined;
  }

  /** `Router::cancelSending` of (from, id): every waiting copy, ours or relayed; returns how many. */
  cancelSending(from: number, id: number): number {
    return this.#queue.remove(from, id);
  }

  /** `perhapsCancelDupe`: our waiting copy of (from, id) goes, unless our role always relays. */
  cancelDupe(from: number, id: number): void {
    if (cancelsOnDuplicate(this.#o.role)) {
      const n = this.cancelSending(from, id);
      if (n > 0) {
        this.#o.stats.txRelayCanceled += n;
        this.#o.emit({ type: 'relay-cancelled', from, id });
      }
    } else this.clampToLateWindow(from, id);
  }

  /** ROUTER_LATE: push our waiting relay of (from, id) to the end of the clients' window. */
  clampToLateWindow(from: number, id: number): void {
    const mine = this.#queue.find(from, id);
    if (mine?.relay !== true || !this.#isRouterLate()) return;
    const late = this.#o.clock.now() + lateWindowMs(this.#o.medium.slotTimeMs);
    mine.notBefore = Math.max(mine.notBefore, late);
  }

  /** A reboot: the radio stops, and queue, records and airtime history are RAM and lost. */
  reset(): void {
    this.#o.port.abort();
    this.#scheduler.clear();
    this.#queue.clear();
    this.#reliable.clear();
    this.#txWindow.clear();
  }

  /** TX is on and a region is set. */
  get txEnabled(): boolean {
    return this.#o.txEnabled && this.#o.region !== RegionCode.UNSET;
  }

  #isRouterLate(): boolean {
    return this.#o.role === DeviceRole.ROUTER_LATE;
  }

  /** The next-hop header bytes of a packet we send (next-hop-routing.ts `stampHopBytes`). */
  #stampHops(p: MeshPacket, how: 'next-hop' | 'flood'): void {
    stampHopBytes(p, how, { firmware: this.#o.firmware, self: this.#o.nodeNum, nextHops: this.#o.nextHops });
  }

  /** The retransmission record of a packet we just handed to `Router::send`, if it gets one. */
  #track(p: MeshPacket, kind: SendKind, res: number, phyBytes: number): void {
    // A local NAK already ended it (res is the Routing error); res 32 and 34 keep it, as in the
    // firmware, where the record is made first.
    const kept = res === QueueErrno.OK || res === QueueErrno.UNKNOWN || res === QueueErrno.DISABLED;
    const transmissions = transmissionsOf(p);
    if (kept && transmissions > 1) this.#reliable.start(p.id, { packet: p, kind }, phyBytes, transmissions);
  }

  #txDelay(): number {
    return txDelayMs(this.#o.random, this.#o.port.channelUtilizationPercent(), this.#o.medium.slotTimeMs);
  }

  #dutyLimited(): boolean {
    return dutyCycleExceeded(this.#o.region, this.txAirtimeLastHourMs(), this.#o.overrideDutyCycle);
  }

  /** `Router::send`'s "Duty cycle limit exceeded" notification for the refused packet `id`. */
  #notifyDutyCycle(id: number): void {
    const minutes = silentMinutes(this.#o.region, this.#txWindow, this.#o.clock.now());
    this.#o.notify(dutyCycleNotification(id, minutes, this.#o.rxTime()));
  }

  /** `Router::send` for a packet from us: ours from the phone (`own`) or one we make (`generated`). */
  #routerSend(p: MeshPacket, kind: SendKind): { res: number; phyBytes: number } {
    if (this.#dutyLimited()) {
      this.#notifyDutyCycle(p.id);
      // Ours: NAK to the phone. An ACK we owe someone is dropped without one (the firmware would
      // NAK its own ACK to our phone; nobody can act on that).
      if (kind === 'own') this.#abortSendAndNak(RoutingError.DUTY_CYCLE_LIMIT, p);
      return { res: RoutingError.DUTY_CYCLE_LIMIT, phyBytes: 0 };
    }
    const sealed = sealPacket(p, this.#o.sealing, { nextHop: p.nextHop, relayNode: p.relayNode });
    if (!sealed.ok) {
      if (kind === 'own') this.#abortSendAndNak(sealed.error, p);
      return { res: sealed.error, phyBytes: 0 };
    }
    // FloodingRouter/NextHopRouter::send record our own packet, with us as its relayer, so that
    // its echoes are not relayed back to us and answers to it can teach a next hop (§5.2).
    this.#o.history.observe(p.from, p.id, { nextHop: p.nextHop, relayNode: p.relayNode });
    if (!this.txEnabled) return { res: QueueErrno.DISABLED, phyBytes: sealed.phyBytes };
    const entry: QueuedTx = {
      from: p.from,
      id: p.id,
      priority: p.priority === Priority.UNSET ? Priority.DEFAULT : p.priority,
      relay: false,
      // The contention delay is the radio's (radio-scheduler.ts).
      notBefore: this.#o.clock.now(),
      bytes: sealed.bytes,
      hopLimit: p.hopLimit,
      nextHop: p.nextHop,
    };
    if (!this.#enqueue(entry)) return { res: QueueErrno.UNKNOWN, phyBytes: sealed.phyBytes };
    return { res: QueueErrno.OK, phyBytes: sealed.phyBytes };
  }

  /** `Router::abortSendAndNak`: the NAK goes on channel 0, "so we don't use the failing hash again". */
  #abortSendAndNak(error: number, p: MeshPacket): void {
    this.localRouting(error, p.id, 0);
  }

  #enqueue(entry: QueuedTx): boolean {
    const r = this.#queue.enqueue(entry);
    if (r.evicted !== undefined) {
      this.#o.emit({ type: 'evicted', from: r.evicted.from, id: r.evicted.id, relay: r.evicted.relay });
    }
    if (r.ok) this.#scheduler.queued(!entry.relay);
    return r.ok;
  }

  #onTransmit(item: QueuedTx, airtimeMs: number): void {
    const now = this.#o.clock.now();
    this.#txWindow.add(now, now + airtimeMs);
    if (item.relay) this.#o.stats.txRelay++;
    else this.#o.stats.txOwn++;
    this.#o.emit({
      type: 'tx',
      from: item.from,
      id: item.id,
      hopLimit: item.hopLimit,
      nextHop: item.nextHop,
      relay: item.relay,
    });
  }
}
