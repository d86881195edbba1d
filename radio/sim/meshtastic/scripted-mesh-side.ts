/**
 * A MeshSide (mesh-side.ts) driven by a script instead of an RF medium: what a simulated device
 * uses in tests of its phone API and, when no medium is given, in the standalone simulator
 * (docs/meshtastic.md §8.8). It answers `sendToMesh` with a QueueStatus result from a 16-slot
 * TX queue (§1.8), records what it was given, lets a test inject packets for the phone, and can
 * run an echo peer that sends payloads back, so a client sees traffic.
 *
 * A packet sent with want_ack ends as the firmware ends it (§2.5, §4.4), in one routing result
 * for the phone: `Router::send` refuses it over the region's duty cycle (a ClientNotification and
 * NAK DUTY_CYCLE_LIMIT, at once); otherwise the ReliableRouter keeps a record of it and it is
 * answered by its destination when that is a neighbour (a real ACK), by a relaying neighbour
 * (an implicit ACK), or by nobody: two retransmissions at the §2.5 interval, then NAK
 * MAX_RETRANSMIT one interval after the last. Who answers is scripted-answers.ts. TOO_LARGE,
 * NO_CHANNEL and PKI_FAILED come before the mesh side, from the phone API's router checks
 * (router-checks.ts), so a packet both too large and over the duty cycle gets TOO_LARGE, where
 * the firmware's `Router::send` checks the duty cycle first.
 */
import { clone, type MessageInitShape } from '@bufbuild/protobuf';
import { type Clock, RealClock, type Timer } from '../../../node/src/link/clock.js';
import { create, encodeRouting, type MeshPacket, Schemas } from '../../src/meshtastic/codec.js';
import {
  BROADCAST_NUM,
  MAX_TX_QUEUE,
  ModemPreset,
  PortNum,
  Priority,
  QueueErrno,
  RegionCode,
  RoutingError,
} from '../../src/meshtastic/constants.js';
import { AirtimeWindow } from './airtime-window.js';
import {
  DUTY_CYCLE_WINDOW_MS,
  dutyCycleExceeded,
  dutyCycleNotification,
  silentMinutes,
} from './duty-cycle.js';
import type { ClientNotification, MeshSide, QueueResult } from './mesh-side.js';
import { Retransmissions } from './retransmissions.js';
import { type AutoAck, answerOf, type ScriptedNeighbour, ScriptedTiming } from './scripted-answers.js';

export type { AutoAck, ScriptedNeighbour } from './scripted-answers.js';

export interface EchoPeerOptions {
  /** The peer's node number; put it in the device's NodeDB too, so clients see it. */
  nodeNum: number;
  /** Delay before the echo arrives, simulated ms. Default 1500. */
  delayMs?: number;
  /** Portnums it echoes. Default TEXT_MESSAGE_APP and PRIVATE_APP. */
  portnums?: number[];
  /** It rebroadcasts what it hears, as a CLIENT does (scripted-answers.ts). Default true. */
  relays?: boolean;
}

export interface ScriptedMeshSideOptions {
  nodeNum: number;
  /** Default a RealClock; delays below run on it. */
  clock?: Clock;
  /** The QueueStatus `res` for each accepted packet, or a function of it. Default 0 (OK). */
  res?: number | ((p: MeshPacket) => number);
  /** LoRa TX queue length (`MAX_TX_QUEUE`). Default 16. */
  txQueueSize?: number;
  /** How long a sent packet occupies a TX queue slot, simulated ms. Default 1000. */
  txTimeMs?: number;
  /** ModemPreset: airtime, the retransmission interval and the answers' delays. Default LONG_FAST. */
  preset?: number;
  /** RegionCode, for its duty cycle (§4.4). Default US: no limit. */
  region?: number;
  /** `lora.override_duty_cycle`. Default false. */
  overrideDutyCycle?: boolean;
  /** Nodes in range besides the echo peer. Default none. */
  neighbours?: readonly ScriptedNeighbour[];
  /** Overrides the neighbours for want_ack packets (scripted-answers.ts). Default 'none'. */
  autoAck?: AutoAck;
  /** Delay before a want_ack packet is answered, simulated ms. Default: from the airtimes. */
  ackDelayMs?: number;
  /** A peer that sends DMs and broadcasts of its portnums back to us. Default none. */
  echoPeer?: EchoPeerOptions;
}

export type PacketInit = MessageInitShape<typeof Schemas.MeshPacket>;

/** A ReliableRouter record: the packet, and whether its neighbours have heard it yet. */
interface Pending {
  packet: MeshPacket;
  heard: boolean;
}

/** `Router::send` results after which the firmware keeps the record and retries (§2.5). */
const KEEPS_RECORD: ReadonlySet<number> = new Set([QueueErrno.OK, QueueErrno.UNKNOWN, QueueErrno.DISABLED]);

export class ScriptedMeshSide implements MeshSide {
  readonly nodeNum: number;
  /** Copies of every packet given to `sendToMesh`, in order. */
  readonly sent: MeshPacket[] = [];
  #resets = 0;
  #occupied = 0;
  #listener: ((p: MeshPacket) => void) | undefined;
  #notify: ((n: ClientNotification) => void) | undefined;
  #nextId = 0x5000;
  readonly #timers = new Set<Timer>();
  readonly #clock: Clock;
  readonly #opts: ScriptedMeshSideOptions;
  readonly #timing: ScriptedTiming;
  readonly #neighbours: readonly ScriptedNeighbour[];
  /** Our TX airtime, for the duty cycle. */
  readonly #tx = new AirtimeWindow(DUTY_CYCLE_WINDOW_MS);
  readonly #reliable: Retransmissions<Pending>;

  constructor(options: ScriptedMeshSideOptions) {
    this.nodeNum = options.nodeNum >>> 0;
    this.#opts = options;
    this.#clock = options.clock ?? new RealClock();
    this.#timing = new ScriptedTiming(options.preset ?? ModemPreset.LONG_FAST);
    const peer = options.echoPeer;
    this.#neighbours = [
      ...(peer === undefined ? [] : [{ nodeNum: peer.nodeNum, relays: peer.relays ?? true }]),
      ...(options.neighbours ?? []),
    ];
    this.#reliable = new Retransmissions<Pending>({
      clock: this.#clock,
      intervalMs: (phyBytes) => this.#timing.retransmissionMs(phyBytes),
      retransmit: (r) => this.#routerSend(r),
      giveUp: (r) => this.ack(r.packet.id, { error: RoutingError.MAX_RETRANSMIT, channel: r.packet.channel }),
    });
  }

  /** How many times the device rebooted. */
  get resets(): number {
    return this.#resets;
  }

  /** Our want_ack packets still waiting for an answer. */
  get pendingAcks(): number {
    return this.#reliable.size;
  }

  /** TX airtime over the last hour, ms (what the duty-cycle limit checks). */
  txAirtimeLastHourMs(): number {
    return this.#tx.busyMs(this.#clock.now(), DUTY_CYCLE_WINDOW_MS);
  }

  /** `ReliableRouter::send`, then `Router::send`: the record comes first, as in the firmware. */
  sendToMesh(packet: MeshPacket): QueueResult {
    const p = clone(Schemas.MeshPacket, packet);
    this.sent.push(p);
    const record: Pending = { packet: p, heard: false };
    const res = this.#routerSend(record);
    if (p.wantAck && KEEPS_RECORD.has(res)) this.#reliable.start(p.id, record, this.#timing.phyBytes(p));
    return { ...this.queueStatus(), res };
  }

  queueStatus(): QueueResult {
    const size = this.#opts.txQueueSize ?? MAX_TX_QUEUE;
    return { res: QueueErrno.OK, free: Math.max(0, size - this.#occupied), maxlen: size };
  }

  onToPhone(listener: (packet: MeshPacket) => void): void {
    this.#listener = listener;
  }

  onClientNotification(listener: (notification: ClientNotification) => void): void {
    this.#notify = listener;
  }

  /** A reboot: the TX queue, the records and the airtime history are RAM and lost (§1.6). */
  reset(): void {
    this.#resets++;
    this.#occupied = 0;
    for (const t of this.#timers) t.cancel();
    this.#timers.clear();
    this.#reliable.clear();
    this.#tx.clear();
  }

  /** A packet heard from the mesh, for the phone. Defaults: to us, decoded, a fresh id. */
  inject(init: PacketInit): MeshPacket {
    const p = create(Schemas.MeshPacket, { to: this.nodeNum, id: this.#newId(), ...init });
    this.#listener?.(p);
    return p;
  }

  /**
   * A Routing packet for `requestId`: an ACK (error 0) or NAK, from `from` (default our node).
   * Like any ACK or NAK to us, it ends that packet's retransmissions (`sniffReceived`).
   */
  ack(requestId: number, opts: { from?: number; error?: number; channel?: number } = {}): MeshPacket {
    this.#reliable.stop(requestId);
    return this.inject({
      from: opts.from ?? this.nodeNum,
      channel: opts.channel ?? 0,
      priority: Priority.ACK,
      payloadVariant: {
        case: 'decoded',
        value: {
          portnum: PortNum.ROUTING_APP,
          payload: encodeRouting(
            create(Schemas.Routing, {
              variant: { case: 'errorReason', value: opts.error ?? RoutingError.NONE },
            }),
          ),
          requestId,
        },
      },
    });
  }

  /**
   * `Router::send` for one transmission of our packet: the duty cycle, then the scripted `res` and
   * the TX queue; what goes on air counts against the duty cycle and is heard by the neighbours.
   */
  #routerSend(r: Pending): number {
    const p = r.packet;
    const now = this.#clock.now();
    const region = this.#opts.region ?? RegionCode.US;
    if (dutyCycleExceeded(region, this.txAirtimeLastHourMs(), this.#opts.overrideDutyCycle)) {
      this.#notify?.(dutyCycleNotification(p.id, silentMinutes(region, this.#tx, now), 0));
      // abortSendAndNak: on channel 0, "so we don't use the failing hash again".
      this.ack(p.id, { error: RoutingError.DUTY_CYCLE_LIMIT, channel: 0 });
      return RoutingError.DUTY_CYCLE_LIMIT;
    }
    const size = this.#opts.txQueueSize ?? MAX_TX_QUEUE;
    const script = this.#opts.res;
    let res = typeof script === 'function' ? script(p) : (script ?? QueueErrno.OK);
    if (res === QueueErrno.OK && this.#occupied >= size) res = QueueErrno.UNKNOWN;
    if (res !== QueueErrno.OK) return res;
    this.#occupied++;
    this.#after(this.#opts.txTimeMs ?? 1000, () => {
      this.#occupied = Math.max(0, this.#occupied - 1);
    });
    const phy = this.#timing.phyBytes(p);
    this.#tx.add(now, now + this.#timing.airtimeMs(phy));
    // A repeat is news to nobody: the neighbours' PacketHistory has it (§2.7).
    if (!r.heard) {
      r.heard = true;
      this.#heard(p, phy);
    }
    return QueueErrno.OK;
  }

  /** The neighbours hear our packet for the first time: its answer, and the echo peer's echo. */
  #heard(p: MeshPacket, phy: number): void {
    const answer = p.wantAck ? answerOf(p, this.#neighbours, this.#opts.autoAck ?? 'none') : undefined;
    if (answer?.kind === 'ack') {
      const delay = this.#opts.ackDelayMs ?? this.#timing.realAckMs(phy, p.id);
      this.#after(delay, () => this.#answer(p, answer.from));
    } else if (answer?.kind === 'implicit') {
      const delay = this.#opts.ackDelayMs ?? this.#timing.implicitAckMs(phy);
      this.#after(delay, () => this.#answer(p, this.nodeNum));
    }
    this.#echo(p);
  }

  /** An ACK (real from `from`, implicit from us) if the packet still waits for one. */
  #answer(p: MeshPacket, from: number): void {
    if (this.#reliable.has(p.id)) this.ack(p.id, { from, channel: p.channel });
  }

  #echo(p: MeshPacket): void {
    const peer = this.#opts.echoPeer;
    if (peer === undefined || p.payloadVariant.case !== 'decoded') return;
    const data = p.payloadVariant.value;
    const portnums = peer.portnums ?? [PortNum.TEXT_MESSAGE_APP, PortNum.PRIVATE_APP];
    if (!(p.to === peer.nodeNum || p.to === BROADCAST_NUM) || !portnums.includes(data.portnum)) return;
    this.#after(peer.delayMs ?? 1500, () =>
      this.inject({
        from: peer.nodeNum,
        to: p.to === BROADCAST_NUM ? BROADCAST_NUM : this.nodeNum,
        channel: p.channel,
        hopLimit: 3,
        hopStart: 3,
        rxSnr: 6.5,
        rxRssi: -90,
        payloadVariant: { case: 'decoded', value: { portnum: data.portnum, payload: data.payload } },
      }),
    );
  }

  #after(ms: number, fn: () => void): void {
    const t = this.#clock.after(ms, () => {
      this.#timers.delete(t);
      fn();
    });
    this.#timers.add(t);
  }

  #newId(): number {
    this.#nextId = (this.#nextId + 1) >>> 0;
    return this.#nextId;
  }
}
