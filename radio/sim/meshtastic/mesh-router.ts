/**
 * A simulated device's mesh side (mesh-side.ts): the firmware's Router, FloodingRouter and
 * ReliableRouter over the RF medium (protocols/meshtastic.md §1.8, §2.4, §2.5, §2.7, §4.4, §5.1).
 *
 * Sending a client packet (`sendToMesh`), in `Router::send`'s order: hop limit defaulted only
 * with want_ack; the duty-cycle check (NAK DUTY_CYCLE_LIMIT); sealing (NAK TOO_LARGE, NO_CHANNEL,
 * PKI_FAILED); tx disabled or region UNSET (res 34); the TX queue (res 32 when full with nothing
 * lower to evict). A local NAK ends the ReliableRouter's record; res 32 and 34 do not, so such a
 * packet is retried at the retransmission interval and may still end in MAX_RETRANSMIT, as in the
 * firmware, where the record is made before the send is attempted. The QueueStatus `res` of a local
 * NAK is the Routing error itself, which is what the firmware's `Router::send` returns [U].
 *
 * Receiving, in the routers' order: our own packet relayed back is an implicit ACK; a (from, id)
 * in the PacketHistory is a duplicate (relayed again only if it is the originator repeating, else
 * it cancels our pending relay); CORE_PORTNUMS_ONLY ignores listed portnums entirely; then relay,
 * real ACK or NAK if it is a want_ack DM to us, retransmission records ended by any ACK/NAK/reply
 * to us, delivery to the phone if it is to us or a broadcast, NAK NO_RESPONSE if it asked for a
 * response on a portnum this device has no module for.
 *
 * Simplifications (documented in the module they live in): DMs flood (no 2.6 next-hop routing,
 * §5.2); ACKs we send to others travel with the configured hop limit; a ClientNotification is not
 * modelled; relayed packets queue at priority DEFAULT (ACK for ROUTING_APP).
 */
import { clone } from '@bufbuild/protobuf';
import type { Logger } from '../../../node/src/log-types.js';
import { create, type MeshPacket, Schemas } from '../../src/meshtastic/codec.js';
import {
  BROADCAST_NUM,
  DeviceRole,
  PortNum,
  Priority,
  QueueErrno,
  RebroadcastMode,
  RegionCode,
  RoutingError,
} from '../../src/meshtastic/constants.js';
import { type AirPacket, decodeAirPacket, encodeAirPacket, HOP_MAX, lastByte } from './air-packet.js';
import { AirtimeWindow } from './airtime-window.js';
import { type ChannelKey, type ChannelSpec, DEFAULT_CHANNEL, resolveChannels } from './channel-crypto.js';
import { DUTY_CYCLE_WINDOW_MS, dutyCycleExceeded } from './duty-cycle.js';
import { lateWindowMs, relayDelayMs, retransmissionIntervalMs, txDelayMs } from './lora-timing.js';
import type { MeshSide, QueueResult } from './mesh-side.js';
import { PacketHistory } from './packet-history.js';
import { type Opened, openPacket, phonePacket, type SealingContext, sealPacket } from './packet-sealing.js';
import { RadioScheduler } from './radio-scheduler.js';
import {
  cancelsOnDuplicate,
  corePortnumsOnlyDrops,
  type FirmwareProfile,
  mayRelay,
  roleDefaultRebroadcastMode,
} from './relay-policy.js';
import { Retransmissions } from './retransmissions.js';
import type { RadioPort, Reception, RfMedium } from './rf-medium.js';
import { localRoutingPacket, routingData } from './routing-packets.js';
import type { SimClock } from './sim-clock.js';
import { TxQueue, type TxQueueEntry } from './tx-queue.js';

export interface MeshRouterOptions {
  /** This device's node number, 1 … 0xfffffffe. */
  nodeNum: number;
  medium: RfMedium;
  clock: SimClock;
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
  log?: Logger;
}

/** What a router reports for traces and tests. */
export interface RouterEvent {
  at: number;
  node: number;
  type:
    | 'tx' // a packet went on air
    | 'relay-queued'
    | 'relay-cancelled' // heard someone else relay it first
    | 'relay-dropped' // queue full, duty cycle, or CORE_PORTNUMS_ONLY
    | 'duplicate' // heard again, ignored
    | 'retransmit'
    | 'evicted' // pushed out of a full TX queue
    | 'to-phone';
  from: number;
  id: number;
  hopLimit?: number;
  relay?: boolean;
  reason?: string;
  packet?: MeshPacket;
}

export interface RouterStats {
  txOwn: number;
  txRelay: number;
  txRelayCanceled: number;
  rxUnique: number;
  rxDupe: number;
  rxBad: number;
}

interface QueuedTx extends TxQueueEntry {
  bytes: Uint8Array;
  hopLimit: number;
}

type SendKind = 'own' | 'generated';

export class MeshRouter implements MeshSide {
  readonly nodeNum: number;
  readonly role: number;
  readonly rebroadcastMode: number;
  readonly #o: MeshRouterOptions;
  readonly #clock: SimClock;
  readonly #random: () => number;
  readonly #medium: RfMedium;
  readonly #port: RadioPort;
  readonly #profile: FirmwareProfile;
  readonly #region: number;
  readonly #hopLimit: number;
  readonly #channels: ChannelKey[];
  readonly #ctx: SealingContext;
  readonly #queue = new TxQueue<QueuedTx>();
  readonly #scheduler: RadioScheduler<QueuedTx>;
  readonly #history: PacketHistory;
  readonly #reliable: Retransmissions<MeshPacket>;
  readonly #txWindow = new AirtimeWindow(DUTY_CYCLE_WINDOW_MS);
  readonly #known = new Set<number>();
  readonly #events: Array<(e: RouterEvent) => void> = [];
  #toPhoneListener: ((p: MeshPacket) => void) | undefined;
  #lastId: number | undefined;
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
    this.#random = opts.random;
    this.#medium = opts.medium;
    this.#profile = opts.firmware ?? '2.6';
    this.role = opts.role ?? DeviceRole.CLIENT;
    this.rebroadcastMode = opts.rebroadcastMode ?? roleDefaultRebroadcastMode(this.role, this.#profile);
    this.#region = opts.region ?? RegionCode.US;
    this.#hopLimit = Math.min(opts.hopLimit ?? 3, HOP_MAX);
    this.#channels = resolveChannels(opts.channels ?? [DEFAULT_CHANNEL], opts.medium.presetName);
    const keys = opts.knownPublicKeys ?? [];
    const keySet = new Set(keys === 'all' ? [] : keys);
    this.#ctx = {
      self: n,
      channels: this.#channels,
      knowsKey: (node) => node !== n && node !== BROADCAST_NUM && (keys === 'all' || keySet.has(node)),
      okToMqtt: opts.okToMqtt ?? false,
      random: opts.random,
    };
    this.#history = new PacketHistory({
      clock: opts.clock,
      ...(opts.historyCapacity !== undefined && { capacity: opts.historyCapacity }),
      ...(opts.historyExpireMs !== undefined && { expireMs: opts.historyExpireMs }),
    });
    this.#port = opts.medium.attach(n, {
      receive: (bytes, rx) => this.#onAir(bytes, rx),
      transmitDone: () => this.#scheduler.transmitDone(),
    });
    this.#scheduler = new RadioScheduler({
      clock: opts.clock,
      port: this.#port,
      queue: this.#queue,
      backoffMs: () => this.#txDelay(),
      onTransmit: (item, airtime) => this.#onTransmit(item, airtime),
    });
    this.#reliable = new Retransmissions<MeshPacket>({
      clock: opts.clock,
      intervalMs: (phy) =>
        retransmissionIntervalMs(
          this.#medium.airtimeMs(phy),
          this.#medium.slotTimeMs,
          this.#port.channelUtilizationPercent(),
        ),
      retransmit: (p) => {
        this.#emit({ type: 'retransmit', from: n, id: p.id });
        this.#routerSend(p, 'own');
      },
      giveUp: (p) => this.#localRouting(RoutingError.MAX_RETRANSMIT, p, p.channel),
    });
  }

  // ── MeshSide ──────────────────────────────────────────────────────────────────────────────

  sendToMesh(packet: MeshPacket): QueueResult {
    const p = clone(Schemas.MeshPacket, packet);
    p.from = this.nodeNum;
    if (p.id === 0) p.id = this.#newId();
    // Router::sendLocal delivers a packet to ourselves locally: nothing goes on air.
    if (p.to === this.nodeNum) return this.#status(QueueErrno.OK);
    // ReliableRouter::send: only a want_ack packet gets the configured hop limit for a 0 (§2.1).
    if (p.hopLimit === 0 && p.wantAck) p.hopLimit = this.#hopLimit;
    p.hopLimit = Math.min(p.hopLimit, HOP_MAX);
    p.hopStart = p.hopLimit;
    if (p.priority === Priority.UNSET) p.priority = p.wantAck ? Priority.RELIABLE : Priority.DEFAULT;
    const { res, phyBytes } = this.#routerSend(p, 'own');
    const recordKept = res === QueueErrno.OK || res === QueueErrno.UNKNOWN || res === QueueErrno.DISABLED;
    if (p.wantAck && recordKept) this.#reliable.start(p.id, p, phyBytes);
    return this.#status(res);
  }

  queueStatus(): QueueResult {
    return this.#status(QueueErrno.OK);
  }

  onToPhone(listener: (packet: MeshPacket) => void): void {
    this.#toPhoneListener = listener;
  }

  /** A reboot (§1.6): TX queue, retransmissions, history and airtime records are RAM and lost. */
  reset(): void {
    this.#port.abort();
    this.#scheduler.clear();
    this.#queue.clear();
    this.#reliable.clear();
    this.#history.clear();
    this.#txWindow.clear();
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
    return this.#queue.length;
  }

  /** Packets of ours awaiting an ACK. */
  get pendingAcks(): number {
    return this.#reliable.size;
  }

  /** TX airtime over the last hour, ms (what the duty-cycle limit checks). */
  txAirtimeLastHourMs(): number {
    return this.#txWindow.busyMs(this.#clock.now(), DUTY_CYCLE_WINDOW_MS);
  }

  // ── Sending ───────────────────────────────────────────────────────────────────────────────

  #status(res: number): QueueResult {
    return { res, free: this.#queue.free, maxlen: this.#queue.capacity };
  }

  #emit(e: Omit<RouterEvent, 'at' | 'node'>): void {
    if (this.#events.length === 0) return;
    const full: RouterEvent = { at: this.#clock.now(), node: this.nodeNum, ...e };
    for (const l of this.#events) l(full);
  }

  #newId(): number {
    // Like the firmware's generateId: a random start, then counting up; never 0.
    const next = ((this.#lastId ?? Math.floor(this.#random() * 2 ** 32)) + 1) >>> 0;
    this.#lastId = next === 0 ? 1 : next;
    return this.#lastId;
  }

  #txDelay(): number {
    return txDelayMs(this.#random, this.#port.channelUtilizationPercent(), this.#medium.slotTimeMs);
  }

  #dutyLimited(): boolean {
    return dutyCycleExceeded(this.#region, this.txAirtimeLastHourMs(), this.#o.overrideDutyCycle ?? false);
  }

  #txEnabled(): boolean {
    return (this.#o.txEnabled ?? true) && this.#region !== RegionCode.UNSET;
  }

  /** `Router::send` for a packet from us: ours from the phone (`own`) or one we make (`generated`). */
  #routerSend(p: MeshPacket, kind: SendKind): { res: number; phyBytes: number } {
    if (this.#dutyLimited()) {
      // Ours: NAK to the phone. An ACK we owe someone is dropped quietly (the firmware would NAK
      // its own ACK to our phone; nobody can act on that).
      if (kind === 'own') this.#abortSendAndNak(RoutingError.DUTY_CYCLE_LIMIT, p);
      return { res: RoutingError.DUTY_CYCLE_LIMIT, phyBytes: 0 };
    }
    const sealed = sealPacket(p, this.#ctx);
    if (!sealed.ok) {
      if (kind === 'own') this.#abortSendAndNak(sealed.error, p);
      return { res: sealed.error, phyBytes: 0 };
    }
    // FloodingRouter::send records our own packet so its echoes are not relayed back to us.
    this.#history.wasSeenRecently(p.from, p.id);
    if (!this.#txEnabled()) return { res: QueueErrno.DISABLED, phyBytes: sealed.phyBytes };
    const entry: QueuedTx = {
      from: p.from,
      id: p.id,
      priority: p.priority === Priority.UNSET ? Priority.DEFAULT : p.priority,
      relay: false,
      // The contention delay is the radio's (radio-scheduler.ts).
      notBefore: this.#clock.now(),
      bytes: sealed.bytes,
      hopLimit: p.hopLimit,
    };
    if (!this.#enqueue(entry)) return { res: QueueErrno.UNKNOWN, phyBytes: sealed.phyBytes };
    return { res: QueueErrno.OK, phyBytes: sealed.phyBytes };
  }

  #enqueue(entry: QueuedTx): boolean {
    const r = this.#queue.enqueue(entry);
    if (r.evicted !== undefined) {
      this.#emit({ type: 'evicted', from: r.evicted.from, id: r.evicted.id, relay: r.evicted.relay });
    }
    if (r.ok) this.#scheduler.queued(!entry.relay);
    return r.ok;
  }

  #onTransmit(item: QueuedTx, airtimeMs: number): void {
    const now = this.#clock.now();
    this.#txWindow.add(now, now + airtimeMs);
    if (item.relay) this.#stats.txRelay++;
    else this.#stats.txOwn++;
    this.#emit({ type: 'tx', from: item.from, id: item.id, hopLimit: item.hopLimit, relay: item.relay });
  }

  /** An ACK or NAK made here for our own phone; it also ends the packet's retransmissions. */
  #localRouting(error: number, p: MeshPacket, channel: number): void {
    this.#reliable.stop(p.id);
    this.#toPhone(
      localRoutingPacket({
        self: this.nodeNum,
        id: this.#newId(),
        channel,
        error,
        requestId: p.id,
        rxTime: this.#rxTime(),
      }),
    );
  }

  /** `Router::abortSendAndNak`: the NAK goes on channel 0, "so we don't use the failing hash again". */
  #abortSendAndNak(error: number, p: MeshPacket): void {
    this.#localRouting(error, p, 0);
  }

  /** An ACK or NAK we send over the mesh to `to` about its packet `requestId`. */
  #sendRouting(
    to: number,
    error: number,
    requestId: number,
    channel: number,
    hopLimit = this.#hopLimit,
  ): void {
    const p = create(Schemas.MeshPacket, {
      from: this.nodeNum,
      to,
      id: this.#newId(),
      channel,
      hopLimit,
      hopStart: hopLimit,
      priority: Priority.ACK,
      payloadVariant: { case: 'decoded', value: routingData(error, requestId) },
    });
    this.#routerSend(p, 'generated');
  }

  #toPhone(p: MeshPacket): void {
    this.#emit({ type: 'to-phone', from: p.from, id: p.id, packet: p });
    this.#toPhoneListener?.(p);
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
      this.#heardOwnPacket(h.id);
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
    if (toUs && opened !== undefined && opened.data.requestId !== 0)
      this.#reliable.stop(opened.data.requestId);
    if (toUs || h.to === BROADCAST_NUM) this.#toPhone(phonePacket(air, opened, rx, this.#rxTime()));
    if (toUs && opened?.data.wantResponse === true && !this.#hasModuleFor(opened.data.portnum)) {
      // MeshModule::callModules: nobody answered a request for a response (§2.2).
      this.#sendRouting(h.from, RoutingError.NO_RESPONSE, h.id, opened.channel);
    }
  }

  /** A neighbour rebroadcast our packet: an implicit ACK if we were waiting for one (§2.5). */
  #heardOwnPacket(id: number): void {
    const original = this.#reliable.get(id);
    if (original !== undefined) this.#localRouting(RoutingError.NONE, original, original.channel);
  }

  #onDuplicate(air: AirPacket, opened: Opened | undefined, rx: Reception): void {
    const h = air.header;
    this.#stats.rxDupe++;
    this.#emit({ type: 'duplicate', from: h.from, id: h.id });
    // §5.1: the originator repeating (hop_start == hop_limit) did not hear our relay; relay again
    // unless our copy is still waiting, so that it gets its implicit ACK.
    const repeated = h.hopStart > 0 && h.hopStart === h.hopLimit;
    if (repeated) {
      if (this.#queue.find(h.from, h.id) === undefined) this.#perhapsRebroadcast(air, opened, rx);
      return;
    }
    if (cancelsOnDuplicate(this.role)) {
      const n = this.#queue.remove(h.from, h.id, (e) => e.relay);
      if (n > 0) {
        this.#stats.txRelayCanceled += n;
        this.#emit({ type: 'relay-cancelled', from: h.from, id: h.id });
      }
    } else if (this.role === DeviceRole.ROUTER_LATE) {
      const mine = this.#queue.find(h.from, h.id);
      if (mine?.relay === true) {
        mine.notBefore = Math.max(mine.notBefore, this.#clock.now() + lateWindowMs(this.#medium.slotTimeMs));
      }
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
    if (!allowed) return;
    if (!this.#txEnabled()) return;
    if (this.#dutyLimited()) {
      this.#emit({ type: 'relay-dropped', from: h.from, id: h.id, reason: 'duty-cycle' });
      return;
    }
    const delay = relayDelayMs(this.#random, this.role, rx.snr, this.#medium.slotTimeMs);
    const hopLimit = h.hopLimit - 1;
    // The relayed copy: the same ciphertext under a header with one hop less and us as relayer.
    const bytes = encodeAirPacket({
      header: { ...h, hopLimit, relayNode: lastByte(this.nodeNum) },
      payload: air.payload,
    });
    const entry: QueuedTx = {
      from: h.from,
      id: h.id,
      priority: opened?.data.portnum === PortNum.ROUTING_APP ? Priority.ACK : Priority.DEFAULT,
      relay: true,
      notBefore: this.#clock.now() + delay,
      bytes,
      hopLimit,
    };
    if (this.#enqueue(entry)) this.#emit({ type: 'relay-queued', from: h.from, id: h.id, hopLimit });
    else this.#emit({ type: 'relay-dropped', from: h.from, id: h.id, reason: 'queue-full' });
  }

  /** ReliableRouter::sniffReceived for a want_ack DM to us. */
  #ackOrNak(air: AirPacket, opened: Opened | undefined): void {
    const h = air.header;
    if (opened !== undefined) {
      if (opened.data.requestId === 0) this.#sendRouting(h.from, RoutingError.NONE, h.id, opened.channel);
      // A response that wanted an ACK is only ACKed when heard straight from its sender, with 0 hops.
      else if (h.hopStart > 0 && h.hopStart === h.hopLimit)
        this.#sendRouting(h.from, RoutingError.NONE, h.id, opened.channel, 0);
      return;
    }
    const pkiFromStranger = h.channelHash === 0 && !this.#ctx.knowsKey(h.from);
    // Sent on our primary channel: the sender may not be able to read it either (§2.5 NO_CHANNEL).
    this.#sendRouting(
      h.from,
      pkiFromStranger ? RoutingError.PKI_UNKNOWN_PUBKEY : RoutingError.NO_CHANNEL,
      h.id,
      0,
    );
  }

  #hasModuleFor(portnum: number): boolean {
    return this.#o.hasModuleFor?.(portnum) ?? (portnum > 0 && portnum < 256);
  }

  #rxTime(): number {
    return this.#o.deviceTimeSec?.() ?? 0;
  }
}
