/**
 * The simulated Iridium ground network (docs/iridium.md §1.3, §1.4, §2.4, §3, §7.4): the
 * gateway (GSS) behind every simulated modem. It implements IridiumNetwork, the seam the modem
 * simulator calls during SBDIX, and is what the RockBLOCK cloud simulator (sim/rockblock/) and the
 * DirectIP gateway simulator (sim/directip/) sit on.
 *
 * A session that reaches it:
 * - fails with `gatewayStatus(req)` if that fault hook returns a failure code (≥ 5): nothing is
 *   recorded, billed or dequeued;
 * - otherwise succeeds: the MO message (or the empty mailbox check) is handed to the `mo` listeners
 *   (the delivery services), one MT message is dequeued FIFO and handed to the modem, and the
 *   session is billed in RockBLOCK credits (credits.ts): the MO direction max(1, ⌈bytes/50⌉), a
 *   mailbox check 1, the MT direction likewise when one was delivered.
 *
 * Ring alerts (§1.3 SBDRING): when an MT message is queued, every modem attached for its IMEI
 * hears a ring alert, and a second one `secondRingMs` (20 s) later if no session has happened
 * since; no new alert while such a cycle is open and younger than `ringSuppressMs` (10 s), i.e. a
 * second MT queued within 10 s of the first rings no more. After a session the next MT rings anew.
 * The guide says a second RA after "~20 s" (also "~13 s" elsewhere) [D]; the reset after a session
 * is our reading [U].
 */
import { EventEmitter } from 'node:events';
import { type Logger, silentLogger } from '../../../node/src/base/logger.js';
import { type Clock, systemClock, type Timer } from '../../../node/src/link/clock.js';
import { rockblockCredits } from '../../src/rockblock/credits.js';
import type { GatewaySessionRequest, GatewaySessionResult, IridiumNetwork } from './iridium-network.js';
import { type EnqueueResult, MtQueues } from './mt-queue.js';

/** What the gateway hands its delivery services for each successful session. */
export interface MoDelivery {
  imei: string;
  momsn: number;
  /** The MTMSN of the MT message delivered in the same session, 0 if none. */
  mtmsn: number;
  /** Session time, Unix ms (the modem simulator's). */
  at: number;
  /** The MO payload; undefined for a mailbox check. */
  payload: Uint8Array | undefined;
  /** Gateway session status (DirectIP MO header): 0, transfer OK. */
  sessionStatus: number;
  /** The gateway's auto ID for this session (DirectIP CDR reference). */
  cdr: number;
}

/** Per-IMEI bookkeeping. */
export interface ImeiAccount {
  sessions: number;
  failedSessions: number;
  /** The MOMSN of the last successful session, or undefined. */
  lastMomsn: number | undefined;
  moMessages: number;
  mailboxChecks: number;
  mtDelivered: number;
  moBytes: number;
  mtBytes: number;
  /** RockBLOCK credits used: MO direction (mailbox checks included) and MT direction. */
  moCredits: number;
  mtCredits: number;
  ringAlerts: number;
}

export interface SimulatedNetworkEvents {
  mo: [MoDelivery];
  /** An MT message was queued (by the RockBLOCK MT API or DirectIP). */
  'mt-queued': [{ imei: string; mtmsn: number; queued: number }];
  'mt-delivered': [{ imei: string; mtmsn: number; bytes: number }];
  ring: [string];
}

/** Options for {@link SimulatedIridiumNetwork}. */
export interface SimulatedIridiumNetworkOptions {
  /** Timers: ring alerts. Default wall time. */
  clock?: Clock;
  /**
   * Fault injection: the MO status the gateway gives this session, or undefined for success.
   * A failure code (≥ 5; e.g. 35 busy, 15 access denied, 16 locked, 10/13 timeouts) fails it.
   */
  gatewayStatus?: (req: GatewaySessionRequest) => number | undefined;
  /** MT messages per IMEI. Default 50. */
  maxQueued?: number;
  /** Largest MT message. Default 270. */
  maxMtBytes?: number;
  /** Delay of the first ring alert after an MT is queued, ms. Default 0. */
  ringDelayMs?: number;
  /** The second ring alert, ms after the first. Default 20,000. */
  secondRingMs?: number;
  /** A new MT within this of an open ring cycle does not ring again, ms. Default 10,000. */
  ringSuppressMs?: number;
  log?: Logger;
}

interface RingCycle {
  openedAt: number;
  timers: Timer[];
}

const MAX_MO_BYTES = 340;

export class SimulatedIridiumNetwork extends EventEmitter<SimulatedNetworkEvents> implements IridiumNetwork {
  readonly clock: Clock;
  readonly #queues: MtQueues;
  readonly #gatewayStatus: ((req: GatewaySessionRequest) => number | undefined) | undefined;
  readonly #ringDelayMs: number;
  readonly #secondRingMs: number;
  readonly #ringSuppressMs: number;
  readonly #log: Logger;
  readonly #rings = new Map<string, Set<() => void>>();
  readonly #cycles = new Map<string, RingCycle>();
  readonly #accounts = new Map<string, ImeiAccount>();
  #cdr = 0x70ec0000;
  #closed = false;

  constructor(opts: SimulatedIridiumNetworkOptions = {}) {
    super();
    this.clock = opts.clock ?? systemClock;
    this.#queues = new MtQueues({
      ...(opts.maxQueued !== undefined ? { maxQueued: opts.maxQueued } : {}),
      ...(opts.maxMtBytes !== undefined ? { maxBytes: opts.maxMtBytes } : {}),
    });
    this.#gatewayStatus = opts.gatewayStatus;
    this.#ringDelayMs = opts.ringDelayMs ?? 0;
    this.#secondRingMs = opts.secondRingMs ?? 20_000;
    this.#ringSuppressMs = opts.ringSuppressMs ?? 10_000;
    this.#log = opts.log ?? silentLogger;
  }

  /** The largest MT message the queues take. */
  get maxMtBytes(): number {
    return this.#queues.maxBytes;
  }

  session(req: GatewaySessionRequest): GatewaySessionResult {
    if (req.mo !== undefined && (req.mo.length < 1 || req.mo.length > MAX_MO_BYTES)) {
      throw new RangeError(`an MO message is 1..${MAX_MO_BYTES} bytes, got ${req.mo.length}`);
    }
    const account = this.account(req.imei);
    const forced = this.#gatewayStatus?.(req);
    if (forced !== undefined && forced >= 5) {
      account.failedSessions++;
      this.#log.debug({ imei: req.imei, moStatus: forced }, 'gateway: session failed (injected)');
      return { moStatus: forced, mtQueued: this.#queues.size(req.imei) };
    }
    this.#closeCycle(req.imei); // the modem has been in touch: the next MT rings anew
    account.sessions++;
    account.lastMomsn = req.momsn;
    const moBytes = req.mo?.length ?? 0;
    if (req.mo === undefined) account.mailboxChecks++;
    else account.moMessages++;
    account.moBytes += moBytes;
    account.moCredits += rockblockCredits(moBytes);

    const mt = this.#queues.dequeue(req.imei);
    if (mt) {
      account.mtDelivered++;
      account.mtBytes += mt.payload.length;
      account.mtCredits += rockblockCredits(mt.payload.length);
      this.emit('mt-delivered', { imei: req.imei, mtmsn: mt.mtmsn, bytes: mt.payload.length });
    }
    this.#cdr = (this.#cdr + 1) >>> 0;
    this.emit('mo', {
      imei: req.imei,
      momsn: req.momsn,
      mtmsn: mt?.mtmsn ?? 0,
      at: req.at,
      payload: req.mo === undefined ? undefined : Uint8Array.from(req.mo),
      sessionStatus: 0,
      cdr: this.#cdr,
    });
    const result: GatewaySessionResult = { moStatus: forced ?? 0, mtQueued: this.#queues.size(req.imei) };
    if (mt) result.mt = { mtmsn: mt.mtmsn, payload: mt.payload };
    return result;
  }

  attachRing(imei: string, ring: () => void): () => void {
    let set = this.#rings.get(imei);
    if (!set) {
      set = new Set();
      this.#rings.set(imei, set);
    }
    set.add(ring);
    return () => void this.#rings.get(imei)?.delete(ring);
  }

  /**
   * Queues an MT message for `imei` (a copy), and rings. `flush` deletes what was queued first;
   * `mtmsn` is the client's own (DirectIP Assign MTMSN).
   */
  queueMt(imei: string, payload: Uint8Array, opts: { flush?: boolean; mtmsn?: number } = {}): EnqueueResult {
    if (opts.flush) this.flushMt(imei);
    const result = this.#queues.enqueue(imei, payload, opts.mtmsn);
    if (!result.ok) return result;
    this.emit('mt-queued', { imei, mtmsn: result.mtmsn, queued: result.position });
    this.#ringFor(imei);
    return result;
  }

  /** Deletes every MT message queued for `imei`; returns how many. */
  flushMt(imei: string): number {
    return this.#queues.flush(imei);
  }

  /** Sends a ring alert without a message (DirectIP "Send Ring Alert – no MTM"), by the usual rules. */
  ringAlert(imei: string): void {
    this.#ringFor(imei);
  }

  /** MT messages waiting for `imei`. */
  queued(imei: string): number {
    return this.#queues.size(imei);
  }

  /** Whether any modem is attached for `imei` (DirectIP's "IMEI not attached"). */
  attached(imei: string): boolean {
    return (this.#rings.get(imei)?.size ?? 0) > 0;
  }

  /** The bookkeeping for `imei` (created empty on first use). */
  account(imei: string): ImeiAccount {
    let a = this.#accounts.get(imei);
    if (!a) {
      a = {
        sessions: 0,
        failedSessions: 0,
        lastMomsn: undefined,
        moMessages: 0,
        mailboxChecks: 0,
        mtDelivered: 0,
        moBytes: 0,
        mtBytes: 0,
        moCredits: 0,
        mtCredits: 0,
        ringAlerts: 0,
      };
      this.#accounts.set(imei, a);
    }
    return a;
  }

  /** Cancels every pending ring alert; nothing rings afterwards. */
  close(): void {
    this.#closed = true;
    for (const imei of [...this.#cycles.keys()]) this.#closeCycle(imei);
  }

  #ringFor(imei: string): void {
    if (this.#closed) return;
    const open = this.#cycles.get(imei);
    if (open && this.clock.now() - open.openedAt < this.#ringSuppressMs) return;
    this.#closeCycle(imei);
    const cycle: RingCycle = { openedAt: this.clock.now(), timers: [] };
    this.#cycles.set(imei, cycle);
    cycle.timers.push(this.clock.after(this.#ringDelayMs, () => this.#ring(imei)));
    cycle.timers.push(
      this.clock.after(this.#ringDelayMs + this.#secondRingMs, () => {
        if (this.#queues.size(imei) > 0) this.#ring(imei);
      }),
    );
  }

  #ring(imei: string): void {
    this.account(imei).ringAlerts++;
    this.emit('ring', imei);
    for (const ring of [...(this.#rings.get(imei) ?? [])]) ring();
  }

  #closeCycle(imei: string): void {
    const cycle = this.#cycles.get(imei);
    if (!cycle) return;
    for (const t of cycle.timers) t.cancel();
    this.#cycles.delete(imei);
  }
}
