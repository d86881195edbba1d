/**
 * A simulated device's mesh side (mesh-side.ts): the firmware's Router, FloodingRouter and
 * ReliableRouter over the RF medium (docs/meshtastic.md §1.8, §2.4, §2.5, §2.7, §4.4, §5.1).
 * This module decides; mesh-transmitter.ts sends (Router::send, the TX queue, retransmissions).
 *
 * Sending a client packet: hop limit defaulted only with want_ack (§2.1), hop_start set, priority
 * UNSET → RELIABLE with want_ack, else DEFAULT; then `Router::send` (mesh-transmitter.ts).
 *
 * Receiving, in the routers' order: our own packet relayed back is an implicit ACK; a (from, id)
 * in the PacketHistory is a duplicate (relayed again only if it is the originator repeating, else
 * it cancels our pending relay); CORE_PORTNUMS_ONLY ignores listed portnums entirely; then relay,
 * real ACK or NAK if it is a want_ack DM to us, retransmission records ended by any ACK/NAK/reply
 * to us, delivery to the phone if it is to us or a broadcast, NAK NO_RESPONSE if it asked for a
 * response on a portnum this device has no module for.
 *
 * Simplifications: DMs flood (no 2.6 next-hop routing, §5.2, so no per-hop retransmissions by
 * relays either); the ACKs we send travel with the configured hop limit; an ACK we owe that the
 * duty cycle refuses gets no NAK to our phone; relayed packets queue at priority DEFAULT (ACK for
 * ROUTING_APP); a broadcast with want_response gets no NO_RESPONSE.
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
import { type ChannelSpec, DEFAULT_CHANNEL, resolveChannels } from './channel-crypto.js';
import type { ClientNotification, MeshSide, QueueResult } from './mesh-side.js';
import { MeshTransmitter } from './mesh-transmitter.js';
import { PacketHistory } from './packet-history.js';
import { type Opened, openPacket, phonePacket, type SealingContext } from './packet-sealing.js';
import {
  cancelsOnDuplicate,
  corePortnumsOnlyDrops,
  type FirmwareProfile,
  mayRelay,
  roleDefaultRebroadcastMode,
} from './relay-policy.js';
import type { Reception, RfMedium } from './rf-medium.js';
import type { RouterEvent, RouterEventInit, RouterStats } from './router-events.js';

export type { RouterEvent, RouterStats } from './router-events.js';

export interface MeshRouterOptions {
  /** This device's node number, 1 … 0xfffffffe. */
  nodeNum: number;
  medium: RfMedium;
  clock: Clock;
  /** The run's one PRNG. */
  random: () => number;
  /** Config.DeviceConfig.Role. Defaults to CLIENT. */
  role?: number;
  /** Defaults to what the role installs (relay-policy.ts): CORE_PORTNUMS_ONLY for ROUTER. */
  rebroadcastMode?: number;
  /** Which firmware's CORE_PORTNUMS_ONLY list applies. Defaults to '2.6'. */
  firmware?: FirmwareProfile;
  /** RegionCode. Defaults to US (no duty-cycle limit); UNSET disables TX (res 34). */
  region?: number;
  /** `lora.tx_enabled`. Defaults to true. */
  txEnabled?: boolean;
  /** `lora.override_duty_cycle`. Defaults to false. */
  overrideDutyCycle?: boolean;
  /** `lora.hop_limit`: for want_ack packets sent with 0, and for the ACKs we send. Defaults to 3. */
  hopLimit?: number;
  /** Channels by index. Defaults to the default primary channel alone. */
  channels?: readonly ChannelSpec[];
  /** Nodes whose public key we know, for PKI DMs; 'all' for every node. Defaults to none. */
  knownPublicKeys?: 'all' | readonly number[];
  /** Whether a module handles `portnum` (else want_response gets NAK NO_RESPONSE). Defaults to 1–255. */
  hasModuleFor?: (portnum: number) => boolean;
  /** `lora.config_ok_to_mqtt`, bit 0 of Data.bitfield. Defaults to false. */
  okToMqtt?: boolean;
  /** PacketHistory size and expiry (packet-history.ts). */
  historyCapacity?: number;
  historyExpireMs?: number;
  /**
   * The device's clock, Unix seconds, 0 when it has no valid time (`getValidTime`): what rx_time
   * is set to. Defaults to no time.
   */
  deviceTimeSec?: () => number;
}

export class MeshRouter implements MeshSide {
  readonly nodeNum: number;
  readonly role: number;
  readonly rebroadcastMode: number;
  readonly #o: MeshRouterOptions;
  readonly #clock: Clock;
  readonly #profile: FirmwareProfile;
  readonly #ctx: SealingContext;
  readonly #tx: MeshTransmitter;
  readonly #history: PacketHistory;
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
      sealing: this.#ctx,
      history: this.#history,
      stats: this.#stats,
      emit: (e) => this.#emit(e),
      toPhone: (p) => this.#toPhone(p),
      notify: (n) => this.#notificationListener?.(n),
      rxTime: () => this.#rxTime(),
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

  /** A reboot (§1.6): TX queue, retransmissions, history and airtime records are RAM and lost. */
  reset(): void {
    this.#tx.reset();
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
      // ReliableRouter::shouldFilterReceived: someone relayed our packet.
      this.#tx.implicitAck(h.id);
      return;
    }
    const opened = openPacket(air, this.#ctx);
    if (this.#history.wasSeenRecently(h.from, h.id)) {
      this.#onDuplicate(air, opened, rx);
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
    this.#perhapsRebroadcast(air, opened, rx);
    const toUs = h.to === this.nodeNum;
    if (toUs && h.wantAck) this.#ackOrNak(air, opened);
    // ReliableRouter::sniffReceived: an ACK, a NAK or a reply to us ends that packet's retries.
    if (toUs && opened !== undefined && opened.data.requestId !== 0) {
      this.#tx.stopRetransmission(opened.data.requestId);
    }
    if (toUs || h.to === BROADCAST_NUM) this.#toPhone(phonePacket(air, opened, rx, this.#rxTime()));
    if (toUs && opened?.data.wantResponse === true && !this.#hasModuleFor(opened.data.portnum)) {
      // MeshModule::callModules: nobody answered a request for a response (§2.2).
      this.#tx.sendRouting(h.from, RoutingError.NO_RESPONSE, h.id, opened.channel);
    }
  }

  #onDuplicate(air: AirPacket, opened: Opened | undefined, rx: Reception): void {
    const h = air.header;
    this.#stats.rxDupe++;
    this.#emit({ type: 'duplicate', from: h.from, id: h.id });
    // §5.1: the originator repeating (hop_start == hop_limit) did not hear our relay; relay again
    // unless our copy is still waiting, so that it gets its implicit ACK.
    const repeated = h.hopStart > 0 && h.hopStart === h.hopLimit;
    if (repeated) {
      if (!this.#tx.isQueued(h.from, h.id)) this.#perhapsRebroadcast(air, opened, rx);
      return;
    }
    if (cancelsOnDuplicate(this.role)) {
      const n = this.#tx.cancelRelay(h.from, h.id);
      if (n > 0) {
        this.#stats.txRelayCanceled += n;
        this.#emit({ type: 'relay-cancelled', from: h.from, id: h.id });
      }
    } else if (this.role === DeviceRole.ROUTER_LATE) {
      this.#tx.clampToLateWindow(h.from, h.id);
    }
  }

  /** FloodingRouter::perhapsRebroadcast (§5.1). */
  #perhapsRebroadcast(air: AirPacket, opened: Opened | undefined, rx: Reception): void {
    const h = air.header;
    if (h.to === this.nodeNum || h.from === this.nodeNum || h.hopLimit === 0 || h.id === 0) return;
    const allowed = mayRelay({
      role: this.role,
      mode: this.rebroadcastMode,
      profile: this.#profile,
      decoded: opened !== undefined,
      portnum: opened?.data.portnum,
      senderKnown: this.#known.has(h.from),
    });
    if (allowed) this.#tx.queueRelay(air, opened?.data.portnum, rx.snr);
  }

  /** ReliableRouter::sniffReceived for a want_ack DM to us. */
  #ackOrNak(air: AirPacket, opened: Opened | undefined): void {
    const h = air.header;
    if (opened !== undefined) {
      if (opened.data.requestId === 0) this.#tx.sendRouting(h.from, RoutingError.NONE, h.id, opened.channel);
      // A response that wanted an ACK is only ACKed when heard straight from its sender, with 0 hops.
      else if (h.hopStart > 0 && h.hopStart === h.hopLimit) {
        this.#tx.sendRouting(h.from, RoutingError.NONE, h.id, opened.channel, 0);
      }
      return;
    }
    const pkiFromStranger = h.channelHash === 0 && !this.#ctx.knowsKey(h.from);
    // Sent on our primary channel: the sender may not be able to read it either (§2.5 NO_CHANNEL).
    const error = pkiFromStranger ? RoutingError.PKI_UNKNOWN_PUBKEY : RoutingError.NO_CHANNEL;
    this.#tx.sendRouting(h.from, error, h.id, 0);
  }
}
