/**
 * The simulated Iridium DirectIP gateway (docs/iridium.md §3.1, §3.3, §7.4) on top of the
 * simulated Iridium network, for IMEIs provisioned for DirectIP.
 *
 * MO: each successful session of a provisioned IMEI becomes one MO message (header, location,
 * payload unless a mailbox check) sent to the vendor's MO server over its own TCP connection, in
 * order (FIFO per vendor). With `moConfirmation` the gateway waits for `01 0004 05 0001 01`;
 * without, a message is delivered once written and the connection closed cleanly. A failed
 * delivery is retried after 1, 5, 10, 20, 30, 60, 120, 240, 360 s, then every 360 s, for 12 h
 * (scaled by `moRetryDelaysMs` in tests), holding back the messages behind it.
 *
 * MT: a TCP server taking one MT message per connection and answering one MT confirmation:
 * −7 for a message that breaks the protocol or its flag rules, −1 an IMEI that is not 15 digits,
 * −2 an IMEI not provisioned, −11 an assigned MTMSN out of 1…65535, −3 over 270 bytes (the
 * 9602/9603 limit), −9 a ring alert for an IMEI no modem is attached for, −4 no payload where one
 * is needed, −5 a full queue; else 0 (flush or ring only) or the queue position 1–50. The
 * priority IE is accepted and otherwise ignored: the simulated queue is FIFO.
 */
import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net';
import { type Logger, silentLogger } from '../../../node/src/base/logger.js';
import type { Timer } from '../../../node/src/link/clock.js';
import {
  decodeMoConfirmation,
  encodeMo,
  locationFromDegrees,
  type MoMessage,
} from '../../src/directip/mo.js';
import {
  decodeMt,
  encodeMtConfirmation,
  MT_FLAG,
  type MtConfirmation,
  type MtMessage,
  mtFlagProblem,
} from '../../src/directip/mt.js';
import { readMessage } from '../../src/directip/read-message.js';
import { closeServer, listenOn } from '../../src/net/listen.js';
import type { MoDelivery, SimulatedIridiumNetwork } from '../iridium/simulated-network.js';

export interface DirectIpGatewayOptions {
  network: SimulatedIridiumNetwork;
  /** IMEIs provisioned for DirectIP. */
  imeis: readonly string[];
  /** The vendor's MO server; may be set later with {@link DirectIpGatewaySim.setMoTarget}. */
  moTarget?: { host: string; port: number };
  /** Wait for the vendor's MO confirmation (when provisioned). Default false. */
  moConfirmation?: boolean;
  /** Waits before each retry of a failed MO delivery, ms; the last repeats. */
  moRetryDelaysMs?: readonly number[];
  /** An MO message not delivered within this is dropped, ms. Default 12 h. */
  moLifetimeMs?: number;
  /** Connect, send and (with confirmation) answer within this, ms. Default 10,000. */
  moTimeoutMs?: number;
  /** Iridium's estimate of where a modem is. Default a point in Hunan, CEP 3 km. */
  location?: (imei: string) => { latitude: number; longitude: number; cepKm: number };
  log?: Logger;
}

export interface DirectIpGatewayCounters {
  moDelivered: number;
  moAttempts: number;
  moFailedAttempts: number;
  moPending: number;
  moDropped: number;
  mtAccepted: number;
  mtRefused: number;
}

interface PendingMo {
  bytes: Uint8Array;
  firstAt: number;
  tries: number;
}

const DEFAULT_RETRIES = [1, 5, 10, 20, 30, 60, 120, 240, 360].map((s) => s * 1000);
const ZERO_IMEI = '000000000000000';

export class DirectIpGatewaySim {
  readonly network: SimulatedIridiumNetwork;
  readonly #imeis: Set<string>;
  readonly #opts: DirectIpGatewayOptions;
  readonly #log: Logger;
  readonly #queue: PendingMo[] = [];
  readonly #onMo: (mo: MoDelivery) => void;
  readonly #sockets = new Set<Socket>();
  #target: { host: string; port: number } | undefined;
  #busy = false;
  #timer: Timer | undefined;
  #server: Server | undefined;
  #autoId = 0x0000e000;
  #closed = false;
  readonly #counters = {
    moDelivered: 0,
    moAttempts: 0,
    moFailedAttempts: 0,
    moDropped: 0,
    mtAccepted: 0,
    mtRefused: 0,
  };

  constructor(opts: DirectIpGatewayOptions) {
    this.network = opts.network;
    this.#imeis = new Set(opts.imeis);
    this.#opts = opts;
    this.#target = opts.moTarget;
    this.#log = opts.log ?? silentLogger;
    this.#onMo = (mo) => this.#moSession(mo);
    this.network.on('mo', this.#onMo);
  }

  /** Points MO delivery at the vendor's server and tries what is waiting. */
  setMoTarget(target: { host: string; port: number } | undefined): void {
    this.#target = target;
    if (target && !this.#busy) {
      this.#timer?.cancel();
      this.#timer = undefined;
      void this.#pump();
    }
  }

  /** Serves MT DirectIP; resolves with the bound address. */
  async listenMt(port = 0, host = '127.0.0.1'): Promise<AddressInfo> {
    const server = createServer((socket) => this.#mtConnection(socket));
    const address = await listenOn(server, port, host);
    this.#server = server;
    return address;
  }

  counters(): Readonly<DirectIpGatewayCounters> {
    return { ...this.#counters, moPending: this.#queue.length };
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.network.off('mo', this.#onMo);
    this.#timer?.cancel();
    for (const s of this.#sockets) s.destroy();
    const server = this.#server;
    this.#server = undefined;
    if (server) await closeServer(server);
  }

  #moSession(mo: MoDelivery): void {
    if (!this.#imeis.has(mo.imei) || this.#closed) return;
    const where = this.#opts.location?.(mo.imei) ?? { latitude: 28.1942, longitude: 112.9823, cepKm: 3 };
    const message: MoMessage = {
      header: {
        cdrReference: mo.cdr,
        imei: mo.imei,
        sessionStatus: mo.sessionStatus,
        momsn: mo.momsn,
        mtmsn: mo.mtmsn,
        sessionTime: Math.floor(mo.at / 1000),
      },
      location: locationFromDegrees(where.latitude, where.longitude, where.cepKm),
    };
    if (mo.payload) message.payload = mo.payload;
    this.#queue.push({ bytes: encodeMo(message), firstAt: this.network.clock.now(), tries: 0 });
    if (!this.#busy && !this.#timer) void this.#pump();
  }

  /** Delivers the queue head by head; on a failure waits, holding the rest back (FIFO). */
  async #pump(): Promise<void> {
    if (this.#busy || this.#closed) return;
    this.#busy = true;
    try {
      for (;;) {
        const head = this.#queue[0];
        const target = this.#target;
        if (!head || !target || this.#closed) return;
        head.tries++;
        this.#counters.moAttempts++;
        const problem = await this.#deliver(head.bytes, target);
        if (this.#closed) return;
        if (problem === undefined) {
          this.#counters.moDelivered++;
          this.#queue.shift();
          continue;
        }
        this.#counters.moFailedAttempts++;
        const delays = this.#opts.moRetryDelaysMs ?? DEFAULT_RETRIES;
        const delay = delays[Math.min(head.tries - 1, delays.length - 1)] ?? 360_000;
        if (this.network.clock.now() - head.firstAt + delay > (this.#opts.moLifetimeMs ?? 12 * 3_600_000)) {
          this.#counters.moDropped++;
          this.#queue.shift();
          this.#log.warn({ tries: head.tries }, 'directip sim: MO message dropped after its lifetime');
          continue;
        }
        this.#log.debug({ problem, delay }, 'directip sim: MO delivery failed; will retry');
        this.#timer = this.network.clock.after(delay, () => {
          this.#timer = undefined;
          void this.#pump();
        });
        return;
      }
    } finally {
      this.#busy = false;
    }
  }

  /** One MO connection; undefined when delivered, else what went wrong. */
  #deliver(bytes: Uint8Array, target: { host: string; port: number }): Promise<string | undefined> {
    return new Promise((resolve) => {
      const socket = connect(target);
      this.#sockets.add(socket);
      let settled = false;
      const settle = (problem: string | undefined) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.#sockets.delete(socket);
        socket.destroy();
        resolve(problem);
      };
      const timer = setTimeout(() => settle('no answer in time'), this.#opts.moTimeoutMs ?? 10_000);
      socket.once('error', (err: Error & { code?: string }) => settle(err.code ?? err.message));
      socket.once('connect', () => {
        if (this.#opts.moConfirmation) {
          socket.write(bytes);
          readMessage(socket, this.#opts.moTimeoutMs ?? 10_000).then(
            ({ message }) => {
              try {
                settle(decodeMoConfirmation(message) ? undefined : 'the vendor confirmed failure');
              } catch (err) {
                settle((err as Error).message);
              }
            },
            (err: Error) => settle(err.message),
          );
        } else {
          socket.end(bytes);
          socket.once('close', (hadError) => settle(hadError ? 'connection reset' : undefined));
        }
      });
    });
  }

  #mtConnection(socket: Socket): void {
    this.#sockets.add(socket);
    socket.on('error', () => {});
    socket.once('close', () => this.#sockets.delete(socket));
    readMessage(socket, 10_000).then(
      ({ message, extra }) => {
        let mt: MtMessage | undefined;
        try {
          mt = decodeMt(message);
        } catch {
          mt = undefined;
        }
        const confirmation = mt === undefined || extra > 0 ? this.#refuse(undefined, -7) : this.#mt(mt);
        socket.end(encodeMtConfirmation(confirmation));
      },
      () => {
        // Too few bytes, a wrong revision or a stall: the gateway drops the message.
        socket.end(encodeMtConfirmation(this.#refuse(undefined, -7)));
      },
    );
  }

  #refuse(mt: MtMessage | undefined, status: number): MtConfirmation {
    this.#counters.mtRefused++;
    this.#log.debug({ imei: mt?.header.imei, status }, 'directip sim: MT refused');
    return {
      clientMessageId: mt?.header.clientMessageId ?? 0,
      imei: mt?.header.imei ?? ZERO_IMEI,
      autoIdReference: 0,
      status,
    };
  }

  #mt(mt: MtMessage): MtConfirmation {
    const { header, payload } = mt;
    const flags = header.flags;
    if (mtFlagProblem(flags, payload !== undefined)) return this.#refuse(mt, -7);
    if (!/^\d{15}$/.test(header.imei)) return this.#refuse(mt, -1);
    if (!this.#imeis.has(header.imei)) return this.#refuse(mt, -2);
    const assign = (flags & MT_FLAG.assignMtmsn) !== 0;
    if (assign && (header.clientMessageId < 1 || header.clientMessageId > 65_535))
      return this.#refuse(mt, -11);
    if (payload && payload.length > this.network.maxMtBytes) return this.#refuse(mt, -3);
    const flush = (flags & MT_FLAG.flushQueue) !== 0;
    const ring = (flags & MT_FLAG.sendRingAlert) !== 0;
    if (ring && !this.network.attached(header.imei)) return this.#refuse(mt, -9);
    if (!payload && !flush && !ring) return this.#refuse(mt, -4);
    let status = 0;
    if (payload) {
      const queued = this.network.queueMt(header.imei, payload, {
        flush,
        ...(assign ? { mtmsn: header.clientMessageId } : {}),
      });
      if (!queued.ok) return this.#refuse(mt, queued.reason === 'queue-full' ? -5 : -3);
      status = queued.position;
    } else {
      if (flush) this.network.flushMt(header.imei);
      if (ring) this.network.ringAlert(header.imei);
    }
    this.#counters.mtAccepted++;
    this.#autoId = (this.#autoId + 1) >>> 0;
    return {
      clientMessageId: header.clientMessageId,
      imei: header.imei,
      autoIdReference: this.#autoId,
      status,
    };
  }
}
