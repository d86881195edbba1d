/**
 * A simulated device's mesh side (mesh-side.ts): the firmware's Router, FloodingRouter,
 * NextHopRouter and ReliableRouter over the RF medium (docs/meshtastic.md §1.8, §2.4, §2.5, §2.7,
 * §4.4, §5.1, §5.2). This module decides; mesh-transmitter.ts sends (Router::send, the TX queue,
 * retransmissions) and relay-transmissions.ts makes what is relayed.
 *
 * Sending a client packet: hop limit defaulted only with want_ack (§2.1), hop_start set, priority
 * UNSET → RELIABLE with want_ack, else DEFAULT; then `Router::send` (mesh-transmitter.ts), with the
 * destination's next hop on 2.6+ firmware (§5.2).
 *
 * Receiving, in the routers' order:
 * - our own packet relayed back is an implicit ACK, and a copy of it we still hold is cancelled;
 * - a (from, id) in the PacketHistory is a duplicate. Flooding (broadcasts; everything before
 *   2.6): relayed again only if the originator is repeating it, which a destination also answers
 *   with a fresh ACK of hop limit 0; otherwise it cancels our pending relay. A direct message on
 *   2.6+ (`NextHopRouter::shouldFilterReceived`): it ends our own retransmission of it; a fallback
 *   to flooding is relayed if we hold no copy; a repeat is relayed again or re-ACKed; otherwise it
 *   cancels our relay unless we were its chosen next hop;
 * - CORE_PORTNUMS_ONLY ignores listed portnums entirely;
 * - a want_ack DM to us is ACKed (or NAKed) with the response hop limit (routing-packets.ts);
 *   an ACK, NAK or reply to us ends that packet's retransmissions;
 * - an ACK or reply to someone else cancels the copy of the packet it answers that we still hold;
 *   on 2.6+ it also ends our retransmission of it and may teach us the answerer's next hop;
 * - relay: flooded, or on 2.6+ a direct message only when it names no next hop or names us;
 * - delivery to the phone if it is to us or a broadcast, NAK NO_RESPONSE if it asked for a
 *   response on a portnum this device has no module for.
 *
 * Simplifications: an ACK we owe that the duty cycle refuses gets no NAK to our phone; relayed
 * packets queue at priority DEFAULT (ACK for ROUTING_APP); a broadcast with want_response gets no
 * NO_RESPONSE; the retransmission timers are not pushed back by the airtime of packets sent and
 * heard meanwhile; pre-2.6 firmware is run with 2.6.11's flooding rules (it re-ACKs a repeat on
 * channel 0 as 2.5 did); the next hops the NodeDB keeps survive a reboot [U].
 */
import { clone } from '@bufbuild/protobuf';
import type { Clock } from '../../../node/src/link/clock.js';
import { type MeshPacket, Schemas } from '../../src/meshtastic/codec.js';
import {
  BROADCAST_NUM,
  DeviceRole,
  Priority,
  QueueErrno,
  RebroadcastMode,
  RegionCode,
  RoutingError,
} from '../../src/meshtastic/constants.js';
import { type AirPacket, decodeAirPacket, HOP_MAX } from './air-packet.js';
import { DEFAULT_CHANNEL, resolveChannels } from './channel-crypto.js';
import type { MeshRouterOptions } from './mesh-router-options.js';
import type { ClientNotification, MeshSide, QueueResult } from './mesh-side.js';
import { MeshTransmitter } from './mesh-transmitter.js';
import { isRepeat, NextHopRouter } from './next-hop-router.js';
import { NextHopTable, NO_NEXT_HOP, type RouterFirmware } from './next-hop-routing.js';
import { PacketHistory } from './packet-history.js';
import { type Opened, openPacket, phonePacket, type SealingContext } from './packet-sealing.js';
import {
  corePortnumsOnlyDrops,
  type FirmwareProfile,
  mayRelay,
  roleDefaultRebroadcastMode,
} from './relay-policy.js';
import { RelayTransmissions } from './relay-transmissions.js';
import type { Reception } from './rf-medium.js';
import type { RouterEvent, RouterEventInit, RouterStats } from './router-events.js';
import { hopLimitForResponse } from './routing-packets.js';

export type { MeshRouterOptions } from './mesh-router-options.js';
export type { RouterFirmware } from './next-hop-routing.js';
export type { RouterEvent, RouterStats } from './router-events.js';

export class MeshRouter implements MeshSide {
  readonly nodeNum: number;
  readonly role: number;
  readonly rebroadcastMode: number;
  readonly routerFirmware: RouterFirmware;
  readonly #o: MeshRouterOptions;
  readonly #clock: Clock;
  readonly #profile: FirmwareProfile;
  readonly #ctx: SealingContext;
  readonly #tx: MeshTransmitter;
  readonly #relays: RelayTransmissions;
  readonly #nextHop: NextHopRouter;
  readonly #history: PacketHistory;
  readonly #nextHops: NextHopTable;
  readonly #known = new Set<number>();
  readonly #events: Array<(e: RouterEvent) => void> = [];
  #toPhoneListener: ((p: MeshPacket) => void) | undefined;
  #notificationListener: ((n: ClientNotification) => void) | undefined;
  readonly #stats: RouterStats = {
    txOwn: 0,
    txRelay: 0,
    txRelayCanceled: 0,
    rxUnique: 0,
    rxDupe: 0,
    rxBad: 0,
  };

  constructor(opts: MeshRouterOptions) {
    const n = opts.nodeNum;
    if (!Number.isInteger(n) || n < 1 || n >= BROADCAST_NUM) throw new RangeError(`bad node number ${n}`);
    this.nodeNum = n;
    this.#o = opts;
    this.#clock = opts.clock;
    this.#profile = opts.firmware ?? '2.6';
    this.routerFirmware = opts.routerFirmware ?? '2.6+';
    this.#nextHops = new NextHopTable(n);
    this.role = opts.role ?? DeviceRole.CLIENT;
    this.rebroadcastMode = opts.rebroadcastMode ?? roleDefaultRebroadcastMode(this.role, this.#profile);
    const keys = opts.knownPublicKeys ?? [];
    const keySet = new Set(keys === 'all' ? [] : keys);
    this.#ctx = {
      self: n,
      channels: resolveChannels(opts.channels ?? [DEFAULT_CHANNEL], opts.medium.presetName),
      knowsKey: (node) => node !== n && node !== BROADCAST_NUM && (keys === 'all' || keySet.has(node)),
      okToMqtt: opts.okToMqtt ?? false,
      random: opts.random,
    };
    this.#history = new PacketHistory({
      clock: opts.clock,
      self: n,
      ...(opts.historyCapacity !== undefined && { capacity: opts.historyCapacity }),
      ...(opts.historyExpireMs !== undefined && { expireMs: opts.historyExpireMs }),
    });
    const port = opts.medium.attach(n, {
      receive: (bytes, rx) => this.#onAir(bytes, rx),
      transmitDone: () => this.#tx.transmitDone(),
    });
    this.#tx = new MeshTransmitter({
      nodeNum: n,
      clock: opts.clock,
      random: opts.random,
      medium: opts.medium,
      port,
      role: this.role,
      region: opts.region ?? RegionCode.US,
      txEnabled: opts.txEnabled ?? true,
      overrideDutyCycle: opts.overrideDutyCycle ?? false,
      hopLimit: this.#hopLimit(),
      firmware: this.routerFirmware,
      nextHops: this.#nextHops,
      sealing: this.#ctx,
      history: this.#history,
      stats: this.#stats,
      emit: (e) => this.#emit(e),
      toPhone: (p) => this.#toPhone(p),
      notify: (n) => this.#notificationListener?.(n),
      rxTime: () => this.#rxTime(),
    });
    this.#relays = new RelayTransmissions({
      nodeNum: n,
      clock: opts.clock,
      role: this.role,
      firmware: this.routerFirmware,
      nextHops: this.#nextHops,
      history: this.#history,
      tx: this.#tx,
      emit: (e) => this.#emit(e),
    });
    this.#nextHop = new NextHopRouter({
      nodeNum: n,
      tx: this.#tx,
      relays: this.#relays,
      history: this.#history,
      nextHops: this.#nextHops,
      emit: (e) => this.#emit(e),
      mayRelay: (opened, from) => this.#mayRelay(opened, from),
    });
  }

  // ── MeshSide ──────────────────────────────────────────────────────────────────────────────

  sendToMesh(packet: MeshPacket): QueueResult {
    const p = clone(Schemas.MeshPacket, packet);
    p.from = this.nodeNum;
    if (p.id === 0) p.id = this.#tx.newId();
    // Router::sendLocal delivers a packet to ourselves locally: nothing goes on air.
    if (p.to === this.nodeNum) return this.#status(QueueErrno.OK);
    // ReliableRouter::send: only a want_ack packet gets the configured hop limit for a 0 (§2.1).
    if (p.hopLimit === 0 && p.wantAck) p.hopLimit = this.#hopLimit();
    p.hopLimit = Math.min(p.hopLimit, HOP_MAX);
    p.hopStart = p.hopLimit;
    if (p.priority === Priority.UNSET) p.priority = p.wantAck ? Priority.RELIABLE : Priority.DEFAULT;
    return this.#status(this.#tx.sendOwn(p));
  }

  queueStatus(): QueueResult {
    return this.#status(QueueErrno.OK);
  }

  onToPhone(listener: (packet: MeshPacket) => void): void {
    this.#toPhoneListener = listener;
  }

  onClientNotification(listener: (notification: ClientNotification) => void): void {
    this.#notificationListener = listener;
  }

  /**
   * A reboot (§1.6): TX queue, retransmissions, history and airtime records are RAM and lost. The
   * next hops are kept with the NodeDB on flash [U].
   */
  reset(): void {
    this.#tx.reset();
    this.#relays.reset();
    this.#history.clear();
    this.#known.clear();
  }

  // ── Inspection ────────────────────────────────────────────────────────────────────────────

  onEvent(listener: (e: RouterEvent) => void): void {
    this.#events.push(listener);
  }

  stats(): Readonly<RouterStats> {
    return { ...this.#stats };
  }

  /** Packets waiting in the TX queue. */
  get queueLength(): number {
    return this.#tx.queueLength;
  }

  /** Packets of ours awaiting an ACK. */
  get pendingAcks(): number {
    return this.#tx.pendingAcks;
  }

  /** Direct messages relayed to a next hop that has not yet been heard passing them on (§5.2). */
  get pendingRelays(): number {
    return this.#relays.pending;
  }

  /** The next hop (its last byte) this radio keeps for `destination`, if any (§5.2). */
  nextHopFor(destination: number): number | undefined {
    return this.#nextHops.get(destination);
  }

  /** TX airtime over the last hour, ms (what the duty-cycle limit checks). */
  txAirtimeLastHourMs(): number {
    return this.#tx.txAirtimeLastHourMs();
  }

  // ── Plumbing ──────────────────────────────────────────────────────────────────────────────

  #hopLimit(): number {
    return Math.min(this.#o.hopLimit ?? 3, HOP_MAX);
  }

  #status(res: number): QueueResult {
    return { res, free: this.#tx.free, maxlen: this.#tx.capacity };
  }

  #emit(e: RouterEventInit): void {
    if (this.#events.length === 0) return;
    const full: RouterEvent = { at: this.#clock.now(), node: this.nodeNum, ...e };
    for (const l of this.#events) l(full);
  }

  #toPhone(p: MeshPacket): void {
    this.#emit({ type: 'to-phone', from: p.from, id: p.id, packet: p });
    this.#toPhoneListener?.(p);
  }

  #hasModuleFor(portnum: number): boolean {
    return this.#o.hasModuleFor?.(portnum) ?? (portnum > 0 && portnum < 256);
  }

  #rxTime(): number {
    return this.#o.deviceTimeSec?.() ?? 0;
  }

  // ── Receiving ─────────────────────────────────────────────────────────────────────────────

  #onAir(bytes: Uint8Array, rx: Reception): void {
    let air: AirPacket;
    try {
      air = decodeAirPacket(bytes);
    } catch {
      // Shorter than a header: noise to the firmware too. Counted, nothing else to do.
      this.#stats.rxBad++;
      return;
    }
    const h = air.header;
    if (h.from === this.nodeNum) {
      this.#heardOurOwn(air);
      return;
    }
    const opened = openPacket(air, this.#ctx);
    const seen = this.#history.observe(h.from, h.id, this.#hopBytesOf(air));
    if (seen.seen) {
      this.#stats.rxDupe++;
      this.#emit({ type: 'duplicate', from: h.from, id: h.id });
      if (this.#routesByNextHop(air)) this.#nextHop.onDuplicate(air, opened, rx.snr, seen);
      else this.#onFloodDuplicate(air, opened, rx);
      return;
    }
    this.#stats.rxUnique++;
    if (opened !== undefined) this.#known.add(h.from);
    const portnum = opened?.data.portnum;
    if (
      portnum !== undefined &&
      this.rebroadcastMode === RebroadcastMode.CORE_PORTNUMS_ONLY &&
      corePortnumsOnlyDrops(portnum, this.#profile)
    ) {
      // §2.3: neither handled nor relayed.
      this.#emit({ type: 'relay-dropped', from: h.from, id: h.id, reason: 'core-portnums' });
      return;
    }
    const toUs = h.to === this.nodeNum;
    if (toUs && h.wantAck) this.#ackOrNak(air, opened);
    // ReliableRouter::sniffReceived: an ACK, a NAK or a reply to us ends that packet's retries.
    const answered = opened?.data.requestId ?? 0;
    if (toUs && answered !== 0) this.#tx.stopRetransmission(answered);
    if (h.to !== BROADCAST_NUM && answered !== 0) this.#sniffAnswer(air, answered);
    if (this.#routesByNextHop(air)) this.#nextHop.perhapsRelay(air, opened, rx.snr);
    else this.#perhapsRebroadcast(air, opened, rx);
    if (toUs || h.to === BROADCAST_NUM) this.#toPhone(phonePacket(air, opened, rx, this.#rxTime()));
    if (toUs && opened?.data.wantResponse === true && !this.#hasModuleFor(opened.data.portnum)) {
      // MeshModule::callModules: nobody answered a request for a response (§2.2).
      this.#tx.sendRouting(h.from, RoutingError.NO_RESPONSE, h.id, opened.channel, this.#responseHops(air));
    }
  }

  /** Whether 2.6's NextHopRouter handles `air`: a direct message on 2.6+ firmware (§5.2). */
  #routesByNextHop(air: AirPacket): boolean {
    return this.routerFirmware === '2.6+' && air.header.to !== BROADCAST_NUM;
  }

  /** The next-hop bytes as this firmware reads them: pre-2.6 firmware ignores both. */
  #hopBytesOf(air: AirPacket): { nextHop: number; relayNode: number } {
    if (this.routerFirmware === 'pre-2.6') return { nextHop: NO_NEXT_HOP, relayNode: 0 };
    return { nextHop: air.header.nextHop, relayNode: air.header.relayNode };
  }

  #responseHops(air: AirPacket): number {
    return hopLimitForResponse(air.header.hopStart, air.header.hopLimit, this.#hopLimit());
  }

  /**
   * ReliableRouter::shouldFilterReceived: someone relayed our packet, an implicit ACK. Then the
   * flooding or next-hop filter sees a duplicate: the relayer joins the packet's record, and a copy
   * we still hold is cancelled (`perhapsCancelDupe`).
   */
  #heardOurOwn(air: AirPacket): void {
    const h = air.header;
    this.#tx.implicitAck(h.id);
    this.#history.observe(h.from, h.id, this.#hopBytesOf(air));
    this.#tx.cancelDupe(h.from, h.id);
  }

  /** FloodingRouter::shouldFilterReceived for a duplicate (§5.1). */
  #onFloodDuplicate(air: AirPacket, opened: Opened | undefined, rx: Reception): void {
    const h = air.header;
    // §5.1: the originator repeating (hop_start == hop_limit) did not hear our relay; relay again
    // unless our copy is still waiting, so that it gets its implicit ACK.
    if (isRepeat(air)) {
      if (!this.#tx.isQueued(h.from, h.id)) this.#perhapsRebroadcast(air, opened, rx);
      // Before 2.6 the destination answers a repeat with a fresh ACK, hop limit 0, on channel 0.
      if (h.to === this.nodeNum && h.wantAck) this.#tx.sendRouting(h.from, RoutingError.NONE, h.id, 0, 0);
      return;
    }
    this.#tx.cancelDupe(h.from, h.id);
  }

  /**
   * A direct ACK or reply answering the packet `answered` (`sniffReceived`): on 2.6+ it may teach
   * us the answerer's next hop (§5.2). When it is for someone else, the packet it answers need not
   * be relayed any more, and on 2.6+ our retransmission of it ends.
   */
  #sniffAnswer(air: AirPacket, answered: number): void {
    const forOthers = air.header.to !== this.nodeNum;
    if (forOthers && this.#tx.cancelSending(air.header.to, answered) > 0) {
      this.#emit({ type: 'relay-cancelled', from: air.header.to, id: answered, reason: 'answered' });
    }
    if (this.routerFirmware === '2.6+') this.#nextHop.sniffAnswer(air, answered, forOthers);
  }

  #mayRelay(opened: Opened | undefined, from: number): boolean {
    return mayRelay({
      role: this.role,
      mode: this.rebroadcastMode,
      profile: this.#profile,
      decoded: opened !== undefined,
      portnum: opened?.data.portnum,
      senderKnown: this.#known.has(from),
    });
  }

  /** FloodingRouter::perhapsRebroadcast (§5.1). */
  #perhapsRebroadcast(air: AirPacket, opened: Opened | undefined, rx: Reception): void {
    const h = air.header;
    if (h.to === this.nodeNum || h.from === this.nodeNum || h.hopLimit === 0 || h.id === 0) return;
    if (this.#mayRelay(opened, h.from)) this.#relays.flood(air, opened?.data.portnum, rx.snr);
  }

  /** ReliableRouter::sniffReceived for a want_ack DM to us. */
  #ackOrNak(air: AirPacket, opened: Opened | undefined): void {
    const h = air.header;
    const hops = this.#responseHops(air);
    if (opened !== undefined) {
      if (opened.data.requestId === 0)
        this.#tx.sendRouting(h.from, RoutingError.NONE, h.id, opened.channel, hops);
      // A response that wanted an ACK is only ACKed when heard straight from its sender, with 0 hops.
      else if (isRepeat(air)) this.#tx.sendRouting(h.from, RoutingError.NONE, h.id, opened.channel, 0);
      return;
    }
    const pkiFromStranger = h.channelHash === 0 && !this.#ctx.knowsKey(h.from);
    // Sent on our primary channel: the sender may not be able to read it either (§2.5 NO_CHANNEL).
    const error = pkiFromStranger ? RoutingError.PKI_UNKNOWN_PUBKEY : RoutingError.NO_CHANNEL;
    this.#tx.sendRouting(h.from, error, h.id, 0, hops);
  }
}
