/**
 * A MeshSide (mesh-side.ts) driven by a script instead of an RF medium: what a simulated device
 * uses in tests of its phone API and, when no medium is given, in the standalone simulator
 * (docs/meshtastic.md §8.8). It answers `sendToMesh` with a QueueStatus result from a 16-slot
 * TX queue (§1.8), records what it was given, lets a test inject packets for the phone, and can
 * answer want_ack packets with an implicit or real ACK (§2.5) and run an echo peer that sends
 * payloads back, so a client sees traffic.
 */
import { clone, type MessageInitShape } from '@bufbuild/protobuf';
import { type Clock, RealClock, type Timer } from '../../../node/src/link/clock.js';
import { create, encodeRouting, type MeshPacket, Schemas } from '../../src/meshtastic/codec.js';
import {
  BROADCAST_NUM,
  MAX_TX_QUEUE,
  PortNum,
  Priority,
  QueueErrno,
  RoutingError,
} from '../../src/meshtastic/constants.js';
import type { MeshSide, QueueResult } from './mesh-side.js';

export interface EchoPeerOptions {
  /** The peer's node number; put it in the device's NodeDB too, so clients see it. */
  nodeNum: number;
  /** Delay before the echo arrives, simulated ms. Default 1500. */
  delayMs?: number;
  /** Portnums it echoes. Default TEXT_MESSAGE_APP and PRIVATE_APP. */
  portnums?: number[];
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
  /**
   * Answer want_ack packets: 'implicit' is a Routing NONE from our own node (a neighbour relayed
   * it), 'real' is one from the destination for a DM (implicit for a broadcast). Default 'none'.
   */
  autoAck?: 'none' | 'implicit' | 'real';
  /** Delay before an automatic ACK, simulated ms. Default 500. */
  ackDelayMs?: number;
  /** A peer that sends DMs and broadcasts of its portnums back to us. Default none. */
  echoPeer?: EchoPeerOptions;
}

export type PacketInit = MessageInitShape<typeof Schemas.MeshPacket>;

export class ScriptedMeshSide implements MeshSide {
  readonly nodeNum: number;
  /** Copies of every packet given to `sendToMesh`, in order. */
  readonly sent: MeshPacket[] = [];
  #resets = 0;
  #occupied = 0;
  #listener: ((p: MeshPacket) => void) | undefined;
  #nextId = 0x5000;
  readonly #timers = new Set<Timer>();
  readonly #clock: Clock;
  readonly #opts: ScriptedMeshSideOptions;

  constructor(options: ScriptedMeshSideOptions) {
    this.nodeNum = options.nodeNum >>> 0;
    this.#opts = options;
    this.#clock = options.clock ?? new RealClock();
  }

  /** How many times the device rebooted. */
  get resets(): number {
    return this.#resets;
  }

  sendToMesh(packet: MeshPacket): QueueResult {
    const p = clone(Schemas.MeshPacket, packet);
    this.sent.push(p);
    const size = this.#opts.txQueueSize ?? MAX_TX_QUEUE;
    const script = this.#opts.res;
    let res = typeof script === 'function' ? script(p) : (script ?? QueueErrno.OK);
    if (res === QueueErrno.OK && this.#occupied >= size) res = QueueErrno.UNKNOWN;
    if (res === QueueErrno.OK) {
      this.#occupied++;
      this.#after(this.#opts.txTimeMs ?? 1000, () => {
        this.#occupied = Math.max(0, this.#occupied - 1);
      });
      this.#react(p);
    }
    return { ...this.queueStatus(), res };
  }

  queueStatus(): QueueResult {
    const size = this.#opts.txQueueSize ?? MAX_TX_QUEUE;
    return { res: QueueErrno.OK, free: Math.max(0, size - this.#occupied), maxlen: size };
  }

  onToPhone(listener: (packet: MeshPacket) => void): void {
    this.#listener = listener;
  }

  reset(): void {
    this.#resets++;
    this.#occupied = 0;
    for (const t of this.#timers) t.cancel();
    this.#timers.clear();
  }

  /** A packet heard from the mesh, for the phone. Defaults: to us, decoded, a fresh id. */
  inject(init: PacketInit): MeshPacket {
    const p = create(Schemas.MeshPacket, { to: this.nodeNum, id: this.#newId(), ...init });
    this.#listener?.(p);
    return p;
  }

  /** A Routing packet for `requestId`: an ACK (error 0) or NAK, from `from` (default our node). */
  ack(requestId: number, opts: { from?: number; error?: number; channel?: number } = {}): MeshPacket {
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

  #react(p: MeshPacket): void {
    const peer = this.#opts.echoPeer;
    const auto = this.#opts.autoAck ?? 'none';
    const toPeer = peer !== undefined && p.to === peer.nodeNum;
    if (p.wantAck && (auto !== 'none' || toPeer)) {
      const from = (auto === 'real' || toPeer) && p.to !== BROADCAST_NUM ? p.to : this.nodeNum;
      this.#after(this.#opts.ackDelayMs ?? 500, () => this.ack(p.id, { from, channel: p.channel }));
    }
    if (peer === undefined || p.payloadVariant.case !== 'decoded') return;
    const data = p.payloadVariant.value;
    const portnums = peer.portnums ?? [PortNum.TEXT_MESSAGE_APP, PortNum.PRIVATE_APP];
    if (!(toPeer || p.to === BROADCAST_NUM) || !portnums.includes(data.portnum)) return;
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
