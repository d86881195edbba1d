/**
 * A small scriptable Iridium network for the modem simulator's own tests and for running the
 * simulator alone (`fieldnode sim iridium`): it records every session, queues MT messages per IMEI
 * (FIFO, at most 50), rings as the gateway does, can fail sessions on the gateway side, and in
 * loopback mode sends every MO message back to its modem as an MT message (docs/iridium.md
 * §1.3 SBDRING, §1.4 limits, §7.4 "Gateway side").
 *
 * Ring alerts: one when an MT message is queued (none if this IMEI was rung less than 10 s ago),
 * and a second one 20 s later if that message is still queued. The full simulated RockBLOCK and
 * DirectIP networks live beside this file and implement the same IridiumNetwork boundary.
 */
import type { Clock } from '../../../node/src/link/clock.js';
import type { GatewaySessionRequest, GatewaySessionResult, IridiumNetwork } from './iridium-network.js';

export interface ScriptedNetworkOptions {
  clock: Clock;
  /** Delay of the second ring alert, ms. Default 20_000. */
  secondRingMs?: number;
  /** No new ring alert within this long of the last one, ms. Default 10_000. */
  ringHoldoffMs?: number;
  /** Most MT messages queued per IMEI. Default 50. */
  maxQueue?: number;
  /** Send every MO message back to its sender as an MT message. Default false. */
  loopback?: boolean;
  /** Told about every session that reached the gateway, with what the gateway answered. */
  onSession?: (req: GatewaySessionRequest, result: GatewaySessionResult) => void;
}

export interface DeliveredMo {
  imei: string;
  momsn: number;
  payload: Uint8Array;
  /** Simulated Unix ms of the session. */
  at: number;
}

interface QueuedMt {
  mtmsn: number;
  payload: Uint8Array;
}

export class ScriptedNetwork implements IridiumNetwork {
  /** Every session that reached the gateway, in order. */
  readonly sessions: GatewaySessionRequest[] = [];
  /** The MO messages received (sessions with a payload that the gateway accepted). */
  readonly delivered: DeliveredMo[] = [];
  readonly #clock: Clock;
  readonly #secondRingMs: number;
  readonly #holdoffMs: number;
  readonly #maxQueue: number;
  readonly #loopback: boolean;
  readonly #queues = new Map<string, QueuedMt[]>();
  readonly #mtmsn = new Map<string, number>();
  readonly #rings = new Map<string, Set<() => void>>();
  readonly #lastRing = new Map<string, number>();
  readonly #failures: number[] = [];
  readonly #onSession: ((req: GatewaySessionRequest, result: GatewaySessionResult) => void) | undefined;

  constructor(options: ScriptedNetworkOptions) {
    this.#clock = options.clock;
    this.#secondRingMs = options.secondRingMs ?? 20_000;
    this.#holdoffMs = options.ringHoldoffMs ?? 10_000;
    this.#maxQueue = options.maxQueue ?? 50;
    this.#loopback = options.loopback ?? false;
    this.#onSession = options.onSession;
  }

  /**
   * Queues an MT message for `imei` and rings. Returns its MTMSN (1–65535, wrapping to 1), or
   * undefined when the queue already holds 50. Sizes are not checked here: a message over 270 bytes
   * gets stuck at the modem side exactly as on the real network.
   */
  queueMt(imei: string, payload: Uint8Array): number | undefined {
    const queue = this.#queue(imei);
    if (queue.length >= this.#maxQueue) return undefined;
    const mtmsn = ((this.#mtmsn.get(imei) ?? 0) % 65535) + 1;
    this.#mtmsn.set(imei, mtmsn);
    const mt = { mtmsn, payload: Uint8Array.from(payload) };
    queue.push(mt);
    const last = this.#lastRing.get(imei);
    if (last === undefined || this.#clock.now() - last >= this.#holdoffMs) {
      this.#ring(imei);
      this.#clock.after(this.#secondRingMs, () => {
        if (this.#queue(imei).includes(mt)) this.#ring(imei);
      });
    }
    return mtmsn;
  }

  /** MT messages waiting for `imei`. */
  queued(imei: string): number {
    return this.#queue(imei).length;
  }

  /** The next sessions fail at the gateway with these MO statuses (e.g. 35, 15, 16). */
  failNextSessions(...statuses: number[]): this {
    this.#failures.push(...statuses);
    return this;
  }

  session(req: GatewaySessionRequest): GatewaySessionResult {
    const result = this.#session(req);
    this.#onSession?.(req, result);
    return result;
  }

  #session(req: GatewaySessionRequest): GatewaySessionResult {
    this.sessions.push({ ...req, mo: req.mo === undefined ? undefined : Uint8Array.from(req.mo) });
    const failure = this.#failures.shift();
    const queue = this.#queue(req.imei);
    if (failure !== undefined) return { moStatus: failure, mtQueued: queue.length };
    if (req.mo !== undefined && req.mo.length > 0) {
      this.delivered.push({ imei: req.imei, momsn: req.momsn, payload: Uint8Array.from(req.mo), at: req.at });
    }
    const mt = queue.shift();
    if (this.#loopback && req.mo !== undefined && req.mo.length > 0) this.queueMt(req.imei, req.mo);
    const result: GatewaySessionResult = { moStatus: 0, mtQueued: queue.length };
    if (mt !== undefined) result.mt = mt;
    return result;
  }

  attachRing(imei: string, ring: () => void): () => void {
    let set = this.#rings.get(imei);
    if (set === undefined) {
      set = new Set();
      this.#rings.set(imei, set);
    }
    set.add(ring);
    return () => {
      set.delete(ring);
    };
  }

  #queue(imei: string): QueuedMt[] {
    let q = this.#queues.get(imei);
    if (q === undefined) {
      q = [];
      this.#queues.set(imei, q);
    }
    return q;
  }

  #ring(imei: string): void {
    this.#lastRing.set(imei, this.#clock.now());
    for (const ring of [...(this.#rings.get(imei) ?? [])]) ring();
  }
}
