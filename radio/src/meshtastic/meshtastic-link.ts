/**
 * A Meshtastic radio as a fieldnode Link (kind 'meshtastic'; DESIGN.md "The link contract";
 * protocols/meshtastic.md §8): fieldnode frames travel as decoded `Data` on a private portnum
 * (default 256, PRIVATE_APP) and a channel index (default 0), through a device session
 * (device-session.ts) over a transport (radio/src/transports/).
 *
 * Sending (§2.1, §2.5, §8.5):
 * - no `to`: a broadcast (to 0xFFFFFFFF), without want_ack unless `broadcastWantAck`;
 * - `to`: a DM to that node, with want_ack. Addresses are Meshtastic node ids, `!` and 8 hex
 *   digits (`!0a0b0c0d`), the form inbound frames carry in `meta.from`; `to` also takes 1–8 hex
 *   digits after `!` in any case, or the node number in decimal (node-id.ts);
 * - an explicit hop limit (option, else the radio's LoRa hop_limit, else 3), want_response
 *   false; SendOptions.priority 0 (life safety) goes as radio priority ALERT, 1 as HIGH;
 * - frames over `mtu` (default 200, §8.5) are refused TOO_LARGE before anything is written;
 * - outcomes per send-outcome.ts; the wait for an ACK is longer than the firmware's own
 *   retransmissions for the radio's preset (retransmit-timing.ts), unless `timeouts.ackMs` is set.
 * The link never retries a frame: each send() is one packet with a fresh id.
 *
 * Receiving: packets on our portnum, addressed to us or broadcast, on our channel (or a
 * PKI-encrypted DM to us, which arrives on channel 0) become 'frame' events with `meta.from`,
 * `snr`, `rssi`, `hopsAway` and `deviceRxTime`. Radio duplicates are dropped (one filter for the
 * link's whole life, so a reconnect does not let them through).
 *
 * State: 'starting', then 'up' after the handshake. 'down' with a reason when the device
 * reboots, goes silent or its stream closes ('no-device', 'port-closed', 'read-error',
 * 'write-error'), when the transport cannot be opened ('no-device', 'port-error'), or when the
 * radio's config cannot carry our frames ('config-mismatch': our channel is disabled). On an open
 * stream the session handshakes again by itself; otherwise the link reopens the transport with
 * backoff (a native-USB radio re-enumerates after a reboot; meshtasticd kicks a TCP client off
 * when another connects). That reconnect is the only retrying the link does (node/src/link/link.ts).
 *
 * Capabilities: SendWindow (the radio's free TX queue slots, 0 when down) and TimeSource (the
 * radio's own GPS time, when it reports a GPS fix with time).
 */
import { EventEmitter } from 'node:events';
import { KitError, show } from '../../../node/src/base/errors.js';
import { type Logger, silentLogger } from '../../../node/src/base/logger.js';
import { backoffMs } from '../../../node/src/core/backoff.js';
import type {
  FrameMeta,
  Link,
  LinkCapabilities,
  LinkCounters,
  LinkDownReason,
  LinkEvents,
  LinkState,
  SendOptions,
  SendOutcome,
  SendWindow,
  TimeSource,
} from '../../../node/src/link/link.js';
import type { Transport } from '../transports/transport.js';
import { openFailureReason } from '../transports/transport.js';
import { BROADCAST_NUM, MAX_NUM_CHANNELS, PortNum, Priority } from './constants.js';
import type { DeviceInfo, OwnPosition } from './device-info.js';
import { DeviceSession } from './device-session.js';
import type { ReceivedPacket, SessionCloseReason } from './device-session-types.js';
import { gpsTimeOf } from './gps-time.js';
import {
  type MeshtasticLinkOptions,
  type MeshtasticLinkTimeouts,
  sessionTimeouts,
} from './meshtastic-link-options.js';
import { formatNodeId, parseNodeId } from './node-id.js';
import { checkRadioConfig } from './radio-config-check.js';
import { RecentPackets } from './recent-packets.js';
import { defaultAckTimeoutMs, meshRoundTripMs, modulationOf, SLOWEST_PARAMS } from './retransmit-timing.js';
import { sendOutcomeOf } from './send-outcome.js';

export type { MeshtasticLinkOptions, MeshtasticLinkTimeouts } from './meshtastic-link-options.js';

/**
 * `SendOptions.priority` (the fieldnode class of the frame's most urgent message) as the radio's
 * TX-queue priority (§2.1; a full queue evicts lower priorities first): P0 (life safety) ALERT,
 * P1 HIGH; P2 and P3 the link's `priority` option.
 */
const RADIO_PRIORITY: Readonly<Record<number, number>> = { 0: Priority.ALERT, 1: Priority.HIGH };

const CLOSE_REASONS: Record<Exclude<SessionCloseReason, 'closed'>, LinkDownReason> = {
  'port-closed': 'port-closed',
  'read-error': 'read-error',
  'write-error': 'write-error',
  'handshake-failed': 'no-device',
};

function intIn(name: string, v: number | undefined, min: number, max: number, dflt: number): number {
  const n = v ?? dflt;
  if (!Number.isInteger(n) || n < min || n > max)
    throw new RangeError(`${name} must be an integer ${min}..${max}, got ${show(v)}`);
  return n;
}

const stateKey = (s: LinkState): string => (s.status === 'down' ? `down/${s.reason}` : s.status);

export class MeshtasticLink extends EventEmitter<LinkEvents> implements Link, SendWindow, TimeSource {
  readonly id: string;
  readonly kind = 'meshtastic' as const;
  readonly mtu: number;
  readonly #transport: Transport;
  readonly #portnum: number;
  readonly #channel: number;
  readonly #hopLimit: number | undefined;
  readonly #priority: number;
  readonly #broadcastWantAck: boolean;
  readonly #t: MeshtasticLinkTimeouts;
  readonly #maxGpsAgeMs: number;
  readonly #log: Logger;
  readonly #randomInt: ((min: number, max: number) => number) | undefined;
  readonly #recent: RecentPackets;
  readonly #abort = new AbortController();
  #state: LinkState = { status: 'down', reason: 'stopped', since: Date.now() };
  #loop: Promise<void> | undefined;
  #stopping: Promise<void> | undefined;
  #session: DeviceSession | undefined;
  #info: DeviceInfo | undefined;
  #position: OwnPosition | undefined;
  #mismatch = false;
  /** The current connection has been up at least once. */
  #wasUp = false;
  #wake: (() => void) | undefined;
  #attemptWaiters: (() => void)[] = [];
  readonly #counters = {
    txFrames: 0,
    rxFrames: 0,
    txBytes: 0,
    rxBytes: 0,
    errors: 0,
    reconnects: 0,
    deviceLosses: 0,
  };

  constructor(opts: MeshtasticLinkOptions) {
    super();
    if (typeof opts.id !== 'string' || opts.id === '') throw new TypeError('id must be a non-empty string');
    if (opts.transport === undefined) throw new TypeError('transport is required');
    this.id = opts.id;
    this.#transport = opts.transport;
    this.mtu = intIn('mtu', opts.mtu, 1, 219, 200);
    this.#portnum = intIn('portnum', opts.portnum, 1, PortNum.MAX, PortNum.PRIVATE_APP);
    this.#channel = intIn('channel', opts.channel, 0, MAX_NUM_CHANNELS - 1, 0);
    this.#hopLimit = opts.hopLimit === undefined ? undefined : intIn('hopLimit', opts.hopLimit, 0, 7, 3);
    this.#priority = intIn('priority', opts.priority, 0, 127, 0);
    this.#broadcastWantAck = opts.broadcastWantAck ?? false;
    this.#t = { ...opts.timeouts };
    this.#maxGpsAgeMs = opts.maxGpsAgeMs ?? 3_600_000;
    this.#log = opts.log ?? silentLogger;
    this.#randomInt = opts.randomInt;
    this.#recent = new RecentPackets(opts.recentPackets ?? 1024);
  }

  get state(): LinkState {
    return this.#state;
  }

  /**
   * A LoRa channel: every radio in range hears every frame. The least time a confirmation takes
   * over the mesh comes from the radio's modulation and our hop limit; `timeouts.roundTripMs`
   * overrides it.
   */
  get capabilities(): LinkCapabilities {
    return {
      maxSendBytes: this.mtu,
      maxReceiveBytes: this.mtu,
      minSendIntervalMs: 0,
      confirmationWaitMs: this.#confirmationWaitMs(),
      sharedMedium: true,
    };
  }

  #confirmationWaitMs(): number {
    if (this.#t.roundTripMs !== undefined) return this.#t.roundTripMs;
    const info = this.device;
    const params = info?.lora ? modulationOf(info.lora) : SLOWEST_PARAMS;
    return meshRoundTripMs(params, info ? this.#hopLimitFor(info) : (this.#hopLimit ?? 3));
  }

  /** The radio as its latest handshake described it. */
  get device(): DeviceInfo | undefined {
    return this.#info;
  }

  /**
   * Opens the transport, handshakes and goes up; resolves when that first attempt has ended, up
   * or down (a failure is a state, not an exception: the link keeps reconnecting with backoff
   * until stop()). Called again while down, it cuts the backoff short and waits for the attempt.
   */
  async start(signal?: AbortSignal): Promise<void> {
    if (this.#stopping) throw new KitError('LINK_CLOSED', `link ${this.id} was stopped`);
    signal?.throwIfAborted();
    if (this.#state.status === 'up') return;
    const ended = new Promise<void>((resolve) => this.#attemptWaiters.push(resolve));
    if (this.#loop === undefined) {
      this.#setState({ status: 'starting' });
      this.#loop = this.#run();
    } else {
      this.#wake?.();
    }
    if (signal === undefined) return ended;
    await new Promise<void>((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      void ended.then(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      });
    });
  }

  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      this.#abort.abort(new KitError('LINK_CLOSED', `link ${this.id} stopped`));
      this.#wake?.();
      this.#session?.close();
      await this.#loop;
      await this.#transport.close();
      this.#releaseWaiters();
      this.#setState({ status: 'down', reason: 'stopped', since: Date.now() });
    })();
    return this.#stopping;
  }

  async send(frame: Uint8Array, opts: SendOptions = {}): Promise<SendOutcome> {
    if (!(frame instanceof Uint8Array)) throw new TypeError('frame must be a Uint8Array');
    if (this.#stopping) throw new KitError('LINK_CLOSED', `send on stopped link ${this.id}`);
    opts.signal?.throwIfAborted();
    if (frame.length > this.mtu) {
      return { ok: false, retry: 'never', code: 'TOO_LARGE', detail: `${frame.length} > ${this.mtu} bytes` };
    }
    let to = BROADCAST_NUM;
    if (opts.to !== undefined) {
      const n = typeof opts.to === 'string' ? parseNodeId(opts.to) : undefined;
      if (n === undefined) {
        return { ok: false, retry: 'never', code: 'DEVICE_ERROR', detail: `not a node id: ${show(opts.to)}` };
      }
      to = n;
    }
    const payload = frame.slice(); // the caller may change its array once send() returns
    const session = this.#session;
    const info = session?.info;
    if (this.#state.status !== 'up' || session === undefined || info === undefined) {
      return { ok: false, retry: 'later', code: 'LINK_DOWN', detail: describe(this.#state) };
    }
    const broadcast = to === BROADCAST_NUM;
    const priority = (opts.priority !== undefined && RADIO_PRIORITY[opts.priority]) || this.#priority;
    const params = info.lora ? modulationOf(info.lora) : SLOWEST_PARAMS;
    const result = await session.send(
      {
        to,
        portnum: this.#portnum,
        payload,
        channel: this.#channel,
        hopLimit: this.#hopLimitFor(info),
        wantAck: !broadcast || this.#broadcastWantAck,
        priority,
        ackTimeoutMs: this.#t.ackMs ?? defaultAckTimeoutMs(params, payload.length),
      },
      opts.signal,
    );
    const outcome = sendOutcomeOf(result);
    if (outcome.ok) {
      this.#counters.txFrames++;
      this.#counters.txBytes += payload.length;
    } else if (outcome.code !== 'LINK_DOWN' && outcome.code !== 'BUSY') {
      this.#counters.errors++;
    }
    this.#log.debug({ link: this.id, to: broadcast ? 'broadcast' : formatNodeId(to), outcome }, 'frame sent');
    return outcome;
  }

  /** Frames the radio's TX queue takes now; 0 while down. */
  sendWindow(): number {
    return this.#state.status === 'up' ? (this.#session?.freeSlots() ?? 0) : 0;
  }

  /**
   * The radio's GPS time, extrapolated from the last fix it reported for itself: only from a GPS
   * (location source internal or external, not a position set by hand), with a plausible time,
   * no older than `maxGpsAgeMs` (gps-time.ts).
   */
  async networkTime(): Promise<{ time: number; source: 'gps' } | undefined> {
    return gpsTimeOf(this.#position, this.#maxGpsAgeMs);
  }

  counters(): Readonly<LinkCounters & { reconnects: number; deviceLosses: number }> {
    return { ...this.#counters };
  }

  // --- The connection loop ---------------------------------------------------------------------

  async #run(): Promise<void> {
    let failures = 0;
    while (!this.#abort.signal.aborted) {
      let wasUp = false;
      try {
        wasUp = await this.#connectOnce();
      } catch (err) {
        this.#log.error({ err, link: this.id }, 'unexpected fault in the meshtastic link; reconnecting');
      }
      this.#releaseWaiters();
      if (this.#abort.signal.aborted) break;
      failures = wasUp ? 0 : failures + 1;
      this.#counters.reconnects++;
      const delay = backoffMs(Math.max(0, failures - 1), {
        initialMs: this.#t.reconnectInitialMs ?? 1000,
        maxMs: this.#t.reconnectMaxMs ?? 60_000,
        jitter: 0.2,
      });
      await this.#sleep(this.#mismatch ? Math.max(delay, this.#t.reconnectMaxMs ?? 60_000) : delay);
    }
  }

  /** One transport connection: open, handshake, run until closed. True if it was up. */
  async #connectOnce(): Promise<boolean> {
    const signal = this.#abort.signal;
    this.#mismatch = false;
    let stream: Awaited<ReturnType<Transport['open']>>;
    try {
      stream = await this.#transport.open(signal);
    } catch (err) {
      if (!signal.aborted)
        this.#down(openFailureReason(err), err instanceof Error ? err.message : String(err), err);
      return false;
    }
    const session = this.#newSession(stream);
    const closed = new Promise<{ reason: SessionCloseReason; detail: string; error?: unknown }>((resolve) =>
      session.once('closed', resolve),
    );
    this.#session = session;
    this.#wasUp = false;
    try {
      await session.start(signal).catch(() => session.close()); // a failed start closes the session
      const end = await closed; // why it closed: its stream, a failed handshake, or us
      if (!signal.aborted && end.reason !== 'closed') {
        this.#down(CLOSE_REASONS[end.reason], end.detail, end.error);
      }
    } finally {
      this.#session = undefined;
      session.close();
      await this.#transport.close();
    }
    return this.#wasUp;
  }

  #newSession(stream: Awaited<ReturnType<Transport['open']>>): DeviceSession {
    const session = new DeviceSession({
      stream,
      recentPackets: this.#recent,
      log: this.#log,
      ...sessionTimeouts(this.#t),
      ...(this.#randomInt !== undefined && { randomInt: this.#randomInt }),
    });
    session.on('ready', (info) => this.#ready(session, info));
    session.on('lost', ({ reason, detail }) => {
      this.#counters.deviceLosses++;
      this.#down('no-device', `device ${reason}: ${detail}`);
    });
    session.on('packet', (p) => this.#inbound(session, p));
    session.on('position', (p) => {
      this.#position = p;
    });
    return session;
  }

  #ready(session: DeviceSession, info: DeviceInfo): void {
    const prev = this.#info;
    this.#info = info;
    if (prev !== undefined && prev.nodeNum !== info.nodeNum) {
      this.#log.warn(
        { link: this.id, was: prev.nodeId, now: info.nodeId },
        'a different radio is on this transport',
      );
    } else if (prev !== undefined && prev.rebootCount !== info.rebootCount) {
      this.#log.info(
        { link: this.id, rebootCount: info.rebootCount },
        'the radio rebooted since the last session',
      );
    }
    const check = checkRadioConfig(info, this.#channel);
    for (const w of check.warnings) this.#log.warn({ link: this.id, ...w.fields }, w.message);
    if (check.mismatch !== undefined) {
      this.#mismatch = true;
      this.#down('config-mismatch', check.mismatch);
      session.close();
      return;
    }
    this.#wasUp = true;
    this.#setState({ status: 'up', since: Date.now() });
    this.#log.info(
      { link: this.id, node: info.nodeId, firmware: info.firmwareVersion },
      'meshtastic link up',
    );
  }

  #inbound(session: DeviceSession, p: ReceivedPacket): void {
    const own = session.info?.nodeNum;
    if (p.portnum !== this.#portnum || p.payload.length === 0 || own === undefined || p.from === own) return;
    if (p.to !== BROADCAST_NUM && p.to !== own) return;
    if (p.channel !== this.#channel && !(p.pkiEncrypted && p.to === own)) return;
    const meta: FrameMeta = { from: formatNodeId(p.from) };
    if (p.rxSnr !== undefined) meta.snr = p.rxSnr;
    if (p.rxRssi !== undefined) meta.rssi = p.rxRssi;
    if (p.hopsAway !== undefined) meta.hopsAway = p.hopsAway;
    if (p.rxTime !== undefined) meta.deviceRxTime = p.rxTime * 1000;
    const bytes = new Uint8Array(p.payload);
    this.#counters.rxFrames++;
    this.#counters.rxBytes += bytes.length;
    this.emit('frame', { link: this.id, bytes, receivedAt: p.receivedAt, meta });
  }

  // --- State -----------------------------------------------------------------------------------

  #down(reason: LinkDownReason, detail: string, err?: unknown): void {
    if (this.#stopping) return;
    if (stateKey(this.#state) !== `down/${reason}`) {
      this.#log.warn({ link: this.id, reason, detail, err }, 'meshtastic link down');
    }
    this.#setState({ status: 'down', reason, detail, since: Date.now() });
  }

  /** Emits only on a change of status (or of reason, when down); up or down ends a start() wait. */
  #setState(next: LinkState): void {
    if (stateKey(next) === stateKey(this.#state)) return;
    this.#state = next;
    this.emit('state', next);
    if (next.status !== 'starting') this.#releaseWaiters();
  }

  #releaseWaiters(): void {
    const waiters = this.#attemptWaiters;
    this.#attemptWaiters = [];
    for (const w of waiters) w();
  }

  #hopLimitFor(info: DeviceInfo): number {
    if (this.#hopLimit !== undefined) return this.#hopLimit;
    const configured = info.lora?.hopLimit ?? 0;
    return configured > 0 ? Math.min(configured, 7) : 3;
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      timer.unref?.();
      this.#wake = done;
    });
  }
}

function describe(s: LinkState): string {
  return s.status === 'down'
    ? `link down: ${s.reason}${s.detail ? ` (${s.detail})` : ''}`
    : `link ${s.status}`;
}
