/**
 * A Meshtastic radio as a fieldnode Link (kind 'meshtastic'; docs/links.md §Meshtastic (LoRa mesh),
 * §The link skeleton; docs/meshtastic.md §8): fieldnode frames travel as decoded `Data` on a private
 * portnum (default 256, PRIVATE_APP) and a channel index (default 0), through a device session
 * (device-session.ts) over a transport (radio/src/transports/). It extends the one link skeleton,
 * LinkBase, which owns the state, the log lines, start()/stop(), the send guards and the counters.
 *
 * Sending (docs/meshtastic.md §2.1, §2.5, §8.5):
 * - no `to`: a broadcast (to 0xFFFFFFFF), without want_ack unless `broadcastWantAck`;
 * - `to`: a DM to that node, with want_ack unless SendOptions.linkAck is 'none' (the core
 *   confirms it itself, and the radio's ACK would be relayed back across the mesh). Addresses are
 *   Meshtastic node ids, `!` and 8 hex digits (`!0a0b0c0d`), the form inbound frames carry in
 *   `meta.from`; `to` also takes 1–8 hex digits after `!` in any case, or the node number in
 *   decimal (node-id.ts); anything else resolves DEVICE_ERROR, retry 'never';
 * - an explicit hop limit (option, else the radio's LoRa hop_limit, else 3), want_response
 *   false; with SendOptions.reach 'heard', no more than the hops the addressee's latest packet
 *   took to reach us (for a broadcast, the farthest sender heard; heard-hops.ts, docs/store-and-
 *   forward.md §Airtime on the mesh); SendOptions.priority 0 (life safety) goes as radio priority
 *   ALERT, 1 as HIGH;
 * - frames over `mtu` (default 200, §8.5) are refused TOO_LARGE before anything is written;
 * - outcomes per send-outcome.ts; the wait for an ACK is longer than the firmware's own
 *   retransmissions for the radio's preset (retransmit-timing.ts), unless `timeouts.ackMs` is set.
 * The link never retries a frame: each send() is one packet with a fresh id.
 *
 * Receiving: packets on our portnum, addressed to us or broadcast, on our channel (or a
 * PKI-encrypted DM to us, which arrives on channel 0) become 'frame' events with `meta.from`,
 * `snr`, `rssi`, `hopsAway` and `deviceRxTime`. Radio duplicates are dropped (one filter for the
 * link's whole life, so a new connection does not let them through). A frame longer than `mtu`,
 * which the link declares as the most it receives (`maxReceiveBytes`), is refused and counted in
 * `rxOversize`: a channel carries up to 231 bytes (docs/meshtastic.md §2.4), more than a peer
 * with our mtu ever sends, so such a frame comes from some other sender.
 *
 * State: start() makes one connection attempt: it opens the transport and handshakes, and resolves
 * once the link is up or down. Down with a reason when the transport cannot be opened ('no-device',
 * 'port-error'), when the handshake fails ('no-device'), when the radio's config cannot carry our
 * frames ('config-mismatch': our channel is disabled), and later when the device reboots or goes
 * silent ('no-device') or its stream closes ('port-closed', 'read-error', 'write-error'). Links
 * report, supervisors retry (docs/links.md §The link contract): once the session or its stream has
 * ended, the link releases the transport and stays down; the supervisor calls start() again after
 * its backoff, which reopens the transport (a native-USB radio re-enumerates after a reboot;
 * meshtasticd kicks a TCP client off when another connects, docs/meshtastic.md §8.4). The one
 * retry the device protocol itself defines stays: on a stream that stays open, the session
 * handshakes again by itself after a reboot (§1.6) and the link goes up again; a start() meanwhile
 * joins that handshake instead of opening a new connection.
 *
 * Capabilities: a shared medium whose confirmation wait comes from the radio's modulation and the
 * hop limit; SendWindow (the radio's free TX queue slots, 0 when down), TimeSource (the radio's
 * own GPS time, when it reports a GPS fix with time) and SelfAddress (the radio's node number as
 * its neighbours see it in `meta.from`, which a beacon signs: docs/wire-format.md §4.6).
 */
import { show } from '../../../node/src/base/errors.js';
import type {
  FrameMeta,
  LinkCapabilities,
  LinkCounters,
  LinkDownReason,
  SelfAddress,
  SendOptions,
  SendOutcome,
  SendWindow,
  TimeSource,
} from '../../../node/src/link/link.js';
import { describeState, failed, LinkBase } from '../../../node/src/link/link-base.js';
import type { Transport } from '../transports/transport.js';
import { openFailureReason } from '../transports/transport.js';
import { AnsweredPackets, LARGEST_NAMING_PAYLOAD } from './answered-packets.js';
import { BROADCAST_NUM, MAX_NUM_CHANNELS, PortNum, Priority } from './constants.js';
import type { DeviceInfo, OwnPosition } from './device-info.js';
import { DeviceSession } from './device-session.js';
import type { ReceivedPacket, SessionCloseReason } from './device-session-types.js';
import { gpsTimeOf } from './gps-time.js';
import { HeardHops } from './heard-hops.js';
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

/** The contract's counters, and two of the radio's own. */
export interface MeshtasticLinkCounters extends LinkCounters {
  /** Transport opens after the first: each start() that opened the transport again. */
  reconnects: number;
  /** The device went away under an open stream (a reboot, silence): down, then a new handshake. */
  deviceLosses: number;
  /** Frames for us longer than the mtu: refused, not handed on. */
  rxOversize: number;
}

/**
 * `SendOptions.priority` (the fieldnode class of the frame's most urgent message) as the radio's
 * TX-queue priority (docs/meshtastic.md §2.1; a full queue evicts lower priorities first): P0 (life
 * safety) ALERT, P1 HIGH; P2 and P3 the link's `priority` option.
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

export class MeshtasticLink
  extends LinkBase<MeshtasticLinkCounters>
  implements SendWindow, TimeSource, SelfAddress
{
  readonly kind = 'meshtastic' as const;
  readonly #transport: Transport;
  readonly #portnum: number;
  readonly #channel: number;
  readonly #hopLimit: number | undefined;
  readonly #priority: number;
  readonly #broadcastWantAck: boolean;
  readonly #t: MeshtasticLinkTimeouts;
  readonly #maxGpsAgeMs: number;
  readonly #randomInt: ((min: number, max: number) => number) | undefined;
  readonly #recent: RecentPackets;
  readonly #heardHops: HeardHops;
  /** Undefined unless `answerHeardPackets` is true. */
  readonly #answered: AnsweredPackets | undefined;
  /** The session on the open stream, from the transport's opening until the session ends. */
  #session: DeviceSession | undefined;
  /** The transport being closed after a session ended; the next opening waits for it. */
  #releasing: Promise<void> = Promise.resolve();
  #info: DeviceInfo | undefined;
  #position: OwnPosition | undefined;
  #opens = 0;
  #deviceLosses = 0;
  #rxOversize = 0;

  constructor(opts: MeshtasticLinkOptions) {
    super({ id: opts.id, mtu: intIn('mtu', opts.mtu, 1, 219, 200), name: 'meshtastic', log: opts.log });
    if (opts.transport === undefined) throw new TypeError('transport is required');
    this.#transport = opts.transport;
    this.#portnum = intIn('portnum', opts.portnum, 1, PortNum.MAX, PortNum.PRIVATE_APP);
    this.#channel = intIn('channel', opts.channel, 0, MAX_NUM_CHANNELS - 1, 0);
    this.#hopLimit = opts.hopLimit === undefined ? undefined : intIn('hopLimit', opts.hopLimit, 0, 7, 3);
    this.#priority = intIn('priority', opts.priority, 0, 127, 0);
    this.#broadcastWantAck = opts.broadcastWantAck ?? false;
    this.#t = { ...opts.timeouts };
    this.#maxGpsAgeMs = opts.maxGpsAgeMs ?? 3_600_000;
    this.#randomInt = opts.randomInt;
    this.#recent = new RecentPackets(opts.recentPackets ?? 1024);
    this.#heardHops = new HeardHops(undefined, opts.timeouts?.heardFreshMs);
    this.#answered =
      opts.answerHeardPackets === true ? new AnsweredPackets(opts.timeouts?.answerFreshMs) : undefined;
  }

  /**
   * A LoRa channel: every radio in range hears every frame. The least time a confirmation takes
   * over the mesh comes from the radio's modulation and our hop limit; `timeouts.roundTripMs`
   * overrides it.
   */
  override get capabilities(): LinkCapabilities {
    return { ...super.capabilities, confirmationWaitMs: this.#confirmationWaitMs(), sharedMedium: true };
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
   * The radio's own node number (`my_node_num`, learnt in the configuration handshake) in the form
   * inbound frames carry in `meta.from` on our neighbours' links: `!` and 8 lower-case hex digits.
   * Undefined until the first handshake; kept while down, since the radio's number does not change
   * (a different radio on the transport replaces it at its handshake).
   */
  selfAddress(): string | undefined {
    return this.#info === undefined ? undefined : formatNodeId(this.#info.nodeNum);
  }

  /** Frames the radio's TX queue takes now; 0 while down. */
  sendWindow(): number {
    return this.state.status === 'up' ? (this.#session?.freeSlots() ?? 0) : 0;
  }

  /**
   * The radio's GPS time, extrapolated from the last fix it reported for itself: only from a GPS
   * (location source internal or external, not a position set by hand), with a plausible time,
   * no older than `maxGpsAgeMs` (gps-time.ts).
   */
  async networkTime(): Promise<{ time: number; source: 'gps' } | undefined> {
    return gpsTimeOf(this.#position, this.#maxGpsAgeMs);
  }

  protected override extraCounters(): Partial<MeshtasticLinkCounters> {
    return {
      reconnects: Math.max(0, this.#opens - 1),
      deviceLosses: this.#deviceLosses,
      rxOversize: this.#rxOversize,
    };
  }

  // --- The skeleton's hooks --------------------------------------------------------------------

  /**
   * One connection attempt: opens the transport and handshakes, ending up ('ready' with a config
   * that carries our frames) or down. While the session on a stream still open is handshaking
   * again after the device went away, it waits for that handshake instead.
   */
  protected async open(signal: AbortSignal): Promise<void> {
    const current = this.#session;
    if (current !== undefined && current.state === 'handshaking') await this.#outcomeOf(current, signal);
    else await this.#connect(signal);
    if (signal.aborted) {
      // The caller gave up or stop() came: leave no half-open session behind.
      this.#session?.close();
      throw signal.reason;
    }
  }

  /** Ends the session (telling the device, and settling the sends under way) and closes the transport. */
  protected async close(): Promise<void> {
    this.#session?.close();
    await this.#releasing;
    await this.#transport.close();
  }

  protected async transmit(payload: Uint8Array, opts: SendOptions): Promise<SendOutcome> {
    let to = BROADCAST_NUM;
    if (opts.to !== undefined) {
      const n = typeof opts.to === 'string' ? parseNodeId(opts.to) : undefined;
      if (n === undefined) return failed('never', 'DEVICE_ERROR', `not a node id: ${show(opts.to)}`);
      to = n;
    }
    const session = this.#session;
    const info = session?.info;
    if (session === undefined || info === undefined) {
      return failed('later', 'LINK_DOWN', describeState(this.state));
    }
    const broadcast = to === BROADCAST_NUM;
    const priority = (opts.priority !== undefined && RADIO_PRIORITY[opts.priority]) || this.#priority;
    const params = info.lora ? modulationOf(info.lora) : SLOWEST_PARAMS;
    const wantAck = broadcast ? this.#broadcastWantAck : opts.linkAck !== 'none';
    const result = await session.send(
      {
        to,
        portnum: this.#portnum,
        payload,
        channel: this.#channel,
        hopLimit: this.#hopLimitTo(info, broadcast ? undefined : to, opts.reach, wantAck),
        wantAck,
        priority,
        requestId:
          broadcast || payload.length > LARGEST_NAMING_PAYLOAD
            ? 0
            : (this.#answered?.answerTo(to, this.now()) ?? 0),
        ackTimeoutMs: this.#t.ackMs ?? defaultAckTimeoutMs(params, payload.length),
      },
      opts.signal,
    );
    const outcome = sendOutcomeOf(result);
    this.log.debug({ link: this.id, to: broadcast ? 'broadcast' : formatNodeId(to), outcome }, 'frame sent');
    return outcome;
  }

  // --- The connection --------------------------------------------------------------------------

  /** Opens the transport and runs the session's first handshake; the session's events set the state. */
  async #connect(abort: AbortSignal): Promise<void> {
    this.#session?.close(); // not expected: a session that is neither handshaking nor gone
    await this.#releasing;
    let stream: Awaited<ReturnType<Transport['open']>>;
    try {
      stream = await this.#transport.open(abort);
      this.#opens++; // an unplugged radio's failed opens are not reconnects
    } catch (err) {
      if (!abort.aborted)
        this.goDown(openFailureReason(err), err instanceof Error ? err.message : String(err), err);
      return;
    }
    if (abort.aborted) {
      await this.#transport.close();
      return;
    }
    const session = this.#newSession(stream);
    this.#session = session;
    // A failed start closes the session, and its 'closed' event says why; so does its success.
    await session.start(abort).catch(() => {});
  }

  /** Resolves when `session` is ready again or over, or `abort` fires. */
  #outcomeOf(session: DeviceSession, abort: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        session.off('ready', done);
        session.off('closed', done);
        abort.removeEventListener('abort', done);
        resolve();
      };
      session.on('ready', done);
      session.on('closed', done);
      abort.addEventListener('abort', done, { once: true });
    });
  }

  #newSession(stream: Awaited<ReturnType<Transport['open']>>): DeviceSession {
    const session = new DeviceSession({
      stream,
      recentPackets: this.#recent,
      log: this.log,
      ...sessionTimeouts(this.#t),
      ...(this.#randomInt !== undefined && { randomInt: this.#randomInt }),
    });
    session.on('ready', (info) => this.#ready(session, info));
    session.on('lost', ({ reason, detail }) => {
      if (this.#session !== session) return;
      this.#deviceLosses++;
      this.goDown('no-device', `device ${reason}: ${detail}`);
    });
    session.on('packet', (p) => this.#inbound(session, p));
    session.on('position', (p) => {
      this.#position = p;
    });
    session.once('closed', (end) => this.#ended(session, end));
    return session;
  }

  #ready(session: DeviceSession, info: DeviceInfo): void {
    if (this.#session !== session) return;
    const prev = this.#info;
    this.#info = info;
    if (prev !== undefined && prev.nodeNum !== info.nodeNum) {
      this.log.warn(
        { link: this.id, was: prev.nodeId, now: info.nodeId },
        'a different radio is on this transport',
      );
    } else if (prev !== undefined && prev.rebootCount !== info.rebootCount) {
      this.log.info(
        { link: this.id, rebootCount: info.rebootCount },
        'the radio rebooted since the last session',
      );
    }
    const check = checkRadioConfig(info, this.#channel);
    for (const w of check.warnings) this.log.warn({ link: this.id, ...w.fields }, w.message);
    if (check.mismatch !== undefined) {
      this.goDown('config-mismatch', check.mismatch);
      session.close(); // and the transport is released: a later start() reads the config again
      return;
    }
    this.goUp({ node: info.nodeId, firmware: info.firmwareVersion });
  }

  /** The session is over: down with its reason (unless we closed it), and the transport released. */
  #ended(session: DeviceSession, end: { reason: SessionCloseReason; detail: string; error?: unknown }): void {
    if (this.#session !== session) return;
    this.#session = undefined;
    if (end.reason !== 'closed') this.goDown(CLOSE_REASONS[end.reason], end.detail, end.error);
    this.#releasing = this.#transport.close();
  }

  #inbound(session: DeviceSession, p: ReceivedPacket): void {
    const own = session.info?.nodeNum;
    if (p.hopsAway !== undefined && p.from !== own) this.#heardHops.heard(p.from, p.hopsAway, p.receivedAt);
    if (p.to === own && p.from !== own) this.#answered?.heard(p.from, p.id, p.receivedAt);
    if (p.portnum !== this.#portnum || p.payload.length === 0 || own === undefined || p.from === own) return;
    if (p.to !== BROADCAST_NUM && p.to !== own) return;
    if (p.channel !== this.#channel && !(p.pkiEncrypted && p.to === own)) return;
    if (p.payload.length > this.mtu) {
      this.#rxOversize++;
      this.log.debug(
        { link: this.id, from: formatNodeId(p.from), bytes: p.payload.length, mtu: this.mtu },
        'refusing a received frame longer than the mtu',
      );
      return;
    }
    const meta: FrameMeta = { from: formatNodeId(p.from) };
    if (p.rxSnr !== undefined) meta.snr = p.rxSnr;
    if (p.rxRssi !== undefined) meta.rssi = p.rxRssi;
    if (p.hopsAway !== undefined) meta.hopsAway = p.hopsAway;
    if (p.rxTime !== undefined) meta.deviceRxTime = p.rxTime * 1000;
    this.received(new Uint8Array(p.payload), meta, p.receivedAt);
  }

  /**
   * The hop limit of a frame to `to` (undefined: everyone) with `reach`. With want_ack the firmware
   * raises a hop limit of 0 to its configured one (docs/meshtastic.md §8.5), so a neighbour heard
   * straight is sent 1 then.
   */
  #hopLimitTo(
    info: DeviceInfo,
    to: number | undefined,
    reach: SendOptions['reach'],
    wantAck: boolean,
  ): number {
    const usual = this.#hopLimitFor(info);
    const heard = reach === 'heard' ? this.#heardHops.hopsTo(to, this.now()) : undefined;
    if (heard === undefined) return usual;
    return Math.min(usual, wantAck ? Math.max(1, heard) : heard);
  }

  #hopLimitFor(info: DeviceInfo): number {
    if (this.#hopLimit !== undefined) return this.#hopLimit;
    const configured = info.lora?.hopLimit ?? 0;
    return configured > 0 ? Math.min(configured, 7) : 3;
  }
}
