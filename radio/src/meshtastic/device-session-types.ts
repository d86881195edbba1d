/**
 * The device session's public types (device-session.ts): its options, events, the packets it
 * receives and what becomes of the packets it sends.
 */
import { randomInt } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type { Logger } from '../../../node/src/base/logger.js';
import type { Data, MeshPacket } from './codec.js';
import type { DeviceInfo, OwnPosition } from './device-info.js';
import type { RecentPackets } from './recent-packets.js';
import type { TrackedResult } from './send-tracker.js';

export interface DeviceSessionOptions {
  /** The byte stream to the device. The session never ends or destroys it; its owner does. */
  stream: Duplex;
  /** Time allowed for the config dump after `want_config_id`, ms. Default 30000. */
  handshakeTimeoutMs?: number;
  /** Pause between the wake bytes and `want_config_id`, ms. Default 100 (python's). */
  wakeDelayMs?: number;
  /** Heartbeat period, ms. Default 45000 (§8.4: 30–60 s). */
  heartbeatIntervalMs?: number;
  /** No frame for this long counts as silence, ms. Default 2 × heartbeatIntervalMs. */
  silenceTimeoutMs?: number;
  /** Wait for a packet's QueueStatus, ms. Default 10000 (it comes at once from a live radio). */
  queueTimeoutMs?: number;
  /** A TX window stuck at 0 with no QueueStatus opens for one packet after this long, ms. Default 10000. */
  zeroWindowProbeMs?: number;
  /** While the TX window is 0, poll with a heartbeat this often (firmware ≥ 2.7.4), ms. Default 1000. */
  queuePollMs?: number;
  /** An incomplete frame with no new bytes for this long is given up as text, ms. Default 1000. */
  partialFrameTimeoutMs?: number;
  /** Packets waiting for an answer at most; more are refused. Default 64. */
  maxPending?: number;
  /** Other nodes kept from the NodeDB dump. Default 1000. */
  maxNodes?: number;
  /** Longest device log line kept, bytes. Default 1024. */
  maxLogLineBytes?: number;
  /** The radio-duplicate filter; pass one to share it across sessions. Default: a new one of 1024. */
  recentPackets?: RecentPackets;
  /** Uniform random integer in [min, max). Default node:crypto randomInt. For tests. */
  randomInt?: (min: number, max: number) => number;
  /** Unix ms. Default Date.now. */
  now?: () => number;
  /** Device log lines go to debug, lifecycle to info/warn. Default: silent. */
  log?: Logger;
}

/** A packet the radio received and decoded (§2.7). */
export interface ReceivedPacket {
  from: number;
  /** Our node number, or 0xFFFFFFFF for a broadcast. */
  to: number;
  /** Local channel index. */
  channel: number;
  id: number;
  portnum: number;
  payload: Uint8Array;
  requestId: number;
  wantAck: boolean;
  viaMqtt: boolean;
  pkiEncrypted: boolean;
  /** The radio's receive time, Unix seconds; absent when the radio had no time (rx_time 0). */
  rxTime?: number;
  /** dB and dBm of the last hop; absent when the radio reported neither. */
  rxSnr?: number;
  rxRssi?: number;
  hopLimit: number;
  /** 0 means unknown (a sender before firmware 2.3). */
  hopStart: number;
  /** hop_start − hop_limit, when hop_start is known. */
  hopsAway?: number;
  /** Our receive time, Unix ms. */
  receivedAt: number;
}

export type SessionLossReason = 'rebooted' | 'reboot-count' | 'silence';
export type SessionCloseReason = 'port-closed' | 'read-error' | 'write-error' | 'handshake-failed' | 'closed';

export interface DeviceLogLine {
  text: string;
  /** 'serial': unframed text on the stream; 'record': a framed LogRecord. */
  source: 'serial' | 'record';
  /** LogRecord level (10 DEBUG … 50 CRITICAL), records only. */
  level?: number;
}

export interface DeviceSessionEvents {
  /** A handshake completed (the first, and each after a loss or probe). */
  ready: [DeviceInfo];
  /** The device went away for now; a new handshake follows on the same stream. */
  lost: [{ reason: SessionLossReason; detail: string }];
  /** The session is over; `error` is the stream's error, if any. Emitted once. */
  closed: [{ reason: SessionCloseReason; detail: string; error?: unknown }];
  packet: [ReceivedPacket];
  log: [DeviceLogLine];
  /** Every QueueStatus (`meshPacketId` 0 for a heartbeat answer). */
  queue: [{ res: number; free: number; maxlen: number; meshPacketId: number }];
  /** The radio reported its own position (from its NodeInfo or its own position packets). */
  position: [OwnPosition];
}

/** One packet to send. Validated by the caller (the link); the session refuses only what the radio would drop. */
export interface SessionSendRequest {
  /** Node number, or BROADCAST_NUM. */
  to: number;
  portnum: number;
  payload: Uint8Array;
  channel: number;
  hopLimit: number;
  wantAck: boolean;
  /** `MeshPacket.Priority`; default 0 (the firmware's choice). */
  priority?: number;
  /** `Data.request_id`: the packet this one answers, 0 or absent for none (docs/meshtastic.md §5.2). */
  requestId?: number;
  /** Wait for the Routing answer after the QueueStatus (want_ack only), ms. */
  ackTimeoutMs: number;
}

export type SessionSendResult =
  | TrackedResult
  | {
      kind: 'refused';
      reason: 'too-large' | 'not-ready' | 'window-full' | 'too-many-pending';
      detail: string;
    };

export interface DeviceSessionCounters {
  frames: number;
  packets: number;
  duplicates: number;
  /** Packets the radio could not decrypt (`encrypted`), not passed on. */
  encrypted: number;
  logLines: number;
  /** Candidate frames the parser rejected (garbage, torn frames). */
  rejectedFrames: number;
  /** Faults while handling a frame: logged, and the session went on. */
  handlerErrors: number;
  packetsSent: number;
  heartbeats: number;
}

/** A decoded MeshPacket as a {@link ReceivedPacket}; radio metadata the radio left 0 is left out. */
export function receivedPacketOf(p: MeshPacket, d: Data, receivedAt: number): ReceivedPacket {
  const rx: ReceivedPacket = {
    from: p.from,
    to: p.to,
    channel: p.channel,
    id: p.id,
    portnum: d.portnum,
    payload: d.payload,
    requestId: d.requestId,
    wantAck: p.wantAck,
    viaMqtt: p.viaMqtt,
    pkiEncrypted: p.pkiEncrypted,
    hopLimit: p.hopLimit,
    hopStart: p.hopStart,
    receivedAt,
  };
  if (p.rxTime !== 0) rx.rxTime = p.rxTime;
  if (p.rxRssi !== 0 || p.rxSnr !== 0) {
    rx.rxSnr = p.rxSnr;
    rx.rxRssi = p.rxRssi;
  }
  if (p.hopStart > 0 && p.hopStart >= p.hopLimit) rx.hopsAway = p.hopStart - p.hopLimit;
  return rx;
}

export function zeroCounters(): DeviceSessionCounters {
  return {
    frames: 0,
    packets: 0,
    duplicates: 0,
    encrypted: 0,
    logLines: 0,
    rejectedFrames: 0,
    handlerErrors: 0,
    packetsSent: 0,
    heartbeats: 0,
  };
}

/** The options with their defaults, checked. */
export type SessionSettings = Required<Omit<DeviceSessionOptions, 'stream' | 'recentPackets' | 'log'>>;

export function sessionSettings(opts: DeviceSessionOptions): SessionSettings {
  const heartbeat = opts.heartbeatIntervalMs ?? 45_000;
  const s: SessionSettings = {
    handshakeTimeoutMs: opts.handshakeTimeoutMs ?? 30_000,
    wakeDelayMs: opts.wakeDelayMs ?? 100,
    heartbeatIntervalMs: heartbeat,
    silenceTimeoutMs: opts.silenceTimeoutMs ?? 2 * heartbeat,
    queueTimeoutMs: opts.queueTimeoutMs ?? 10_000,
    zeroWindowProbeMs: opts.zeroWindowProbeMs ?? 10_000,
    queuePollMs: opts.queuePollMs ?? 1000,
    partialFrameTimeoutMs: opts.partialFrameTimeoutMs ?? 1000,
    maxPending: opts.maxPending ?? 64,
    maxNodes: opts.maxNodes ?? 1000,
    maxLogLineBytes: opts.maxLogLineBytes ?? 1024,
    randomInt: opts.randomInt ?? randomInt,
    now: opts.now ?? Date.now,
  };
  for (const [k, v] of Object.entries(s)) {
    if (typeof v === 'number' && !(Number.isFinite(v) && v >= 0)) throw new RangeError(`${k} must be ≥ 0`);
  }
  if (!(heartbeat > 0)) throw new RangeError('heartbeatIntervalMs must be > 0');
  return s;
}
