/**
 * One session with a Meshtastic radio over one byte stream: a serial port, a TCP socket to
 * meshtasticd, or an in-process stream to a simulator (docs/meshtastic.md §1, §2, §8.2–§8.5).
 *
 * - Opening (§1.2, §1.4): 32 × 0xC3, a pause, `want_config_id` with a random nonce, then the
 *   config dump up to `config_complete_id` = that nonce → {@link DeviceInfo} and 'ready'.
 * - Heartbeat (§1.5, §8.4): `ToRadio.heartbeat` every `heartbeatIntervalMs` (default 45 s).
 * - Reboot and loss (§1.6): a `rebooted` frame, silence, or a changed `reboot_count` emit 'lost';
 *   the session then runs a new handshake on the same stream and emits 'ready' again. The stream
 *   closing or failing, or a handshake timing out, emit 'closed': the session is over; its owner
 *   (meshtastic-link.ts) goes down and lets the stream go, and a new session needs a new stream.
 * - Silence: firmware ≥ 2.7.4 answers every heartbeat with a QueueStatus, so no frame at all for
 *   `silenceTimeoutMs` (default two heartbeats) means the device is gone: 'lost', then a new
 *   handshake, which fails and closes the session if the device is really gone. Older firmware
 *   answers nothing, and a quiet mesh sends nothing, so silence proves nothing there: the session
 *   instead probes with a handshake of its own (cheap on the stream, nothing on air) while staying
 *   ready. The probe timing out closes the session; a probe that finds a changed reboot_count
 *   reports 'lost' (reason 'reboot-count') and 'ready'. A device counts as answering heartbeats
 *   once it has answered one, or when its firmware version says ≥ 2.7.4.
 * - Sending (§2.1, §2.5, §8.5): see {@link DeviceSession.send}; flow control and answer matching
 *   in send-tracker.ts.
 * - Receiving (§2.7): decoded packets become 'packet' events, radio duplicates (same from and id)
 *   dropped; the radio's own position, with its GPS time, becomes 'position'.
 *
 * Everything the device sends is untrusted: no input makes the session throw; a fault in handling
 * one frame is logged and counted, and the next frame is handled as usual.
 */
import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import { type Logger, silentLogger } from '../../../node/src/base/logger.js';
import { decodeAs, decodeRouting, type FromRadio, type MeshPacket, Schemas } from './codec.js';
import { DATA_PAYLOAD_MAX, PortNum } from './constants.js';
import { type DeviceInfo, firmwareAtLeast, type OwnPosition, ownPositionOf } from './device-info.js';
import {
  type DeviceSessionCounters,
  type DeviceSessionEvents,
  type DeviceSessionOptions,
  receivedPacketOf,
  type SessionCloseReason,
  type SessionLossReason,
  type SessionSendRequest,
  type SessionSendResult,
  type SessionSettings,
  sessionSettings,
  zeroCounters,
} from './device-session-types.js';
import { HandshakeAttempt, runHandshake } from './handshake.js';
import { RecentPackets } from './recent-packets.js';
import { abortable, SendTracker, TxWindow } from './send-tracker.js';
import { type StreamEvent, StreamParser } from './stream-parser.js';
import { disconnectFrame, heartbeatFrame, packetFrame } from './to-radio.js';

/** See the module header. Owns its timers and its view of the device; not the stream. */
export class DeviceSession extends EventEmitter<DeviceSessionEvents> {
  readonly #stream: Duplex;
  readonly #o: SessionSettings;
  readonly #log: Logger;
  readonly #recent: RecentPackets;
  readonly #parser: StreamParser;
  readonly #window: TxWindow;
  readonly #tracker = new SendTracker();
  #state: 'new' | 'handshaking' | 'ready' | 'closed' = 'new';
  #info: DeviceInfo | undefined;
  #position: OwnPosition | undefined;
  /** The handshake in progress, if any, and its current attempt. */
  #run: Promise<DeviceInfo> | undefined;
  #attempt: HandshakeAttempt | undefined;
  #heartbeatAnswered = false;
  #timer: NodeJS.Timeout | undefined;
  #lastDataAt = 0;
  #lastFrameAt = 0;
  #lastHeartbeatAt = 0;
  #lastPollAt = 0;
  readonly #counters: DeviceSessionCounters = zeroCounters();
  readonly #onData = (chunk: Buffer) => this.#data(chunk);
  readonly #onError = (err: Error) => this.#close('read-error', err.message, err);
  readonly #onEnd = () => this.#close('port-closed', 'the stream ended');

  constructor(opts: DeviceSessionOptions) {
    super();
    this.#o = sessionSettings(opts);
    this.#stream = opts.stream;
    this.#log = opts.log ?? silentLogger;
    this.#recent = opts.recentPackets ?? new RecentPackets(1024);
    this.#parser = new StreamParser({ maxLineBytes: this.#o.maxLogLineBytes });
    this.#window = new TxWindow({
      queueTimeoutMs: this.#o.queueTimeoutMs,
      zeroWindowProbeMs: this.#o.zeroWindowProbeMs,
      now: this.#o.now,
    });
  }

  get state(): 'new' | 'handshaking' | 'ready' | 'closed' {
    return this.#state;
  }

  /** The latest handshake's view of the radio. */
  get info(): DeviceInfo | undefined {
    return this.#info;
  }

  /** The radio's latest report of its own position. */
  get position(): OwnPosition | undefined {
    return this.#position;
  }

  counters(): Readonly<DeviceSessionCounters> {
    return { ...this.#counters, rejectedFrames: this.#parser.counters().rejected };
  }

  /** Packets that may be handed to the radio now (0 unless ready). */
  freeSlots(): number {
    if (this.#state !== 'ready') return 0;
    return Math.max(0, Math.min(this.#window.free(), this.#o.maxPending - this.#tracker.size));
  }

  /**
   * Attaches to the stream and runs the first handshake. Rejects with KitError MESH_HANDSHAKE
   * (timeout, or a dump without my_info) or MESH_SESSION_CLOSED (the stream ended), after
   * closing the session. `signal` aborting closes the session too.
   */
  async start(signal?: AbortSignal): Promise<DeviceInfo> {
    if (this.#state !== 'new') throw new Error('a DeviceSession starts once');
    signal?.throwIfAborted();
    this.#state = 'handshaking';
    const s = this.#stream;
    s.on('data', this.#onData);
    s.on('error', this.#onError);
    s.on('end', this.#onEnd);
    s.on('close', this.#onEnd);
    const onAbort = () => this.#close('closed', 'start aborted');
    signal?.addEventListener('abort', onAbort, { once: true });
    const now = this.#o.now();
    this.#lastDataAt = this.#lastFrameAt = this.#lastHeartbeatAt = now;
    const tick = Math.max(
      5,
      Math.min(1000, this.#o.heartbeatIntervalMs / 4, this.#o.partialFrameTimeoutMs / 2),
    );
    this.#timer = setInterval(() => this.#tick(), tick);
    this.#timer.unref?.();
    if (s.destroyed || !s.readable) this.#close('port-closed', 'the stream was already closed');
    try {
      this.#run = this.#handshake();
      return await this.#run;
    } catch (err) {
      this.#close('handshake-failed', err instanceof Error ? err.message : String(err));
      throw err;
    } finally {
      this.#run = undefined;
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /**
   * Hands one packet to the radio and resolves with what became of it; never rejects for
   * anything the device does. Refused before writing: a payload over 233 bytes (the firmware
   * would drop it silently, §2.4), a session not ready, a TX window of 0 (never write while the
   * radio's queue is full, §8.5), too many packets waiting. Each packet gets a fresh random
   * non-zero id. `signal` stops the wait (rejecting with its reason), not the radio.
   */
  async send(req: SessionSendRequest, signal?: AbortSignal): Promise<SessionSendResult> {
    signal?.throwIfAborted();
    if (req.payload.length > DATA_PAYLOAD_MAX) {
      return {
        kind: 'refused',
        reason: 'too-large',
        detail: `${req.payload.length} > ${DATA_PAYLOAD_MAX} bytes`,
      };
    }
    const info = this.#info;
    if (this.#state !== 'ready' || info === undefined) {
      return { kind: 'refused', reason: 'not-ready', detail: `session ${this.#state}` };
    }
    if (this.#tracker.size >= this.#o.maxPending) {
      return { kind: 'refused', reason: 'too-many-pending', detail: `${this.#tracker.size} packets waiting` };
    }
    if (this.#window.free() === 0) {
      this.#poll();
      return { kind: 'refused', reason: 'window-full', detail: 'the radio reports its TX queue full' };
    }
    let id = 0;
    while (id === 0 || this.#tracker.has(id)) id = this.#o.randomInt(1, 2 ** 32);
    const frame = packetFrame({
      id,
      to: req.to,
      channel: req.channel,
      portnum: req.portnum,
      payload: req.payload,
      hopLimit: req.hopLimit,
      wantAck: req.wantAck,
      priority: req.priority ?? 0,
      requestId: req.requestId ?? 0,
    });
    const result = this.#tracker.track({
      id,
      to: req.to,
      wantAck: req.wantAck,
      queueTimeoutMs: this.#o.queueTimeoutMs,
      ackTimeoutMs: req.ackTimeoutMs,
    });
    this.#window.wrote(id);
    this.#counters.packetsSent++;
    this.#log.debug({ id, to: req.to, bytes: req.payload.length, wantAck: req.wantAck }, 'packet to radio');
    this.#write(frame);
    return signal === undefined ? result : abortable(result, signal, () => this.#tracker.forget(id));
  }

  /**
   * Ends the session: tells the device (`ToRadio.disconnect`, so it keeps packets for the host
   * queued instead of writing them to a port nobody reads, §1.7), settles every packet waiting
   * with `lost`, and emits 'closed'. Idempotent. The stream stays open for its owner to close.
   */
  close(): void {
    if (this.#state === 'closed') return;
    if (this.#info !== undefined) this.#write(disconnectFrame());
    this.#close('closed', 'closed by its owner');
  }

  // --- Handshake -------------------------------------------------------------------------------

  /** Runs handshake attempts until one completes (handshake.ts), then takes its result. */
  async #handshake(): Promise<DeviceInfo> {
    try {
      const info = await runHandshake(
        () => {
          this.#attempt = new HandshakeAttempt({ ...this.#o, write: (b) => this.#write(b), log: this.#log });
          if (this.#state === 'closed') this.#attempt.end('closed');
          return this.#attempt;
        },
        { handshakeTimeoutMs: this.#o.handshakeTimeoutMs, log: this.#log },
      );
      this.#complete(info);
      return info;
    } finally {
      this.#attempt = undefined;
    }
  }

  #complete(info: DeviceInfo): void {
    const prev = this.#info;
    const probe = this.#state === 'ready';
    this.#info = info;
    this.#tracker.ownNode = info.nodeNum;
    if (firmwareAtLeast(info.firmwareVersion, [2, 7, 4])) this.#heartbeatAnswered = true;
    const changed =
      prev !== undefined && (prev.nodeNum !== info.nodeNum || prev.rebootCount !== info.rebootCount);
    if (probe && changed) {
      this.#lose('reboot-count', `reboot_count ${prev.rebootCount} → ${info.rebootCount}`, false);
    }
    this.#state = 'ready';
    this.#lastFrameAt = this.#o.now();
    if (info.position) this.#setPosition(info.position);
    const { nodeId: node, firmwareVersion: firmware, rebootCount } = info;
    this.#log.info({ node, firmware, rebootCount, nodes: info.nodes.length }, 'device session ready');
    this.emit('ready', info);
    this.#heartbeat(); // learns the TX queue's free slots, and whether heartbeats are answered
  }

  /** Reports a loss and, unless a handshake is already running, starts one. */
  #lose(reason: SessionLossReason, detail: string, rehandshake = true): void {
    if (this.#state !== 'ready') return;
    this.#state = 'handshaking';
    this.#tracker.failAll(`device ${reason}`);
    this.#window.reset();
    this.#log.warn({ reason, detail }, 'device lost; handshaking again');
    this.emit('lost', { reason, detail });
    if (rehandshake) this.#rehandshake();
  }

  /** A handshake while the stream stays open; its failure closes the session. */
  #rehandshake(): void {
    if (this.#run !== undefined || this.#state === 'closed') return;
    this.#run = this.#handshake();
    this.#run
      .catch((err: unknown) =>
        this.#close('handshake-failed', err instanceof Error ? err.message : String(err)),
      )
      .finally(() => {
        this.#run = undefined;
      });
  }

  // --- Input -----------------------------------------------------------------------------------

  #data(chunk: Buffer): void {
    this.#lastDataAt = this.#o.now();
    let events: StreamEvent[];
    try {
      events = this.#parser.push(chunk);
    } catch (err) {
      this.#fault(err, 'parser');
      return;
    }
    this.#handle(events);
  }

  #handle(events: StreamEvent[]): void {
    for (const e of events) {
      if (this.#state === 'closed') return;
      try {
        if (e.type === 'log') {
          this.#counters.logLines++;
          this.#log.debug({ device: e.text }, 'device log');
          this.emit('log', { text: e.text, source: 'serial' });
        } else {
          this.#frame(e.message);
        }
      } catch (err) {
        this.#fault(err, e.type);
      }
    }
  }

  #frame(msg: FromRadio): void {
    this.#counters.frames++;
    this.#lastFrameAt = this.#o.now();
    this.#attempt?.take(msg);
    const v = msg.payloadVariant;
    switch (v.case) {
      case 'rebooted':
        if (v.value !== true) return;
        if (this.#state === 'ready') this.#lose('rebooted', 'the device sent rebooted');
        this.#attempt?.end('rebooted');
        return;
      case 'queueStatus': {
        const q = v.value;
        if (q.meshPacketId === 0) this.#heartbeatAnswered = true;
        this.#window.report(q);
        this.#tracker.onQueueStatus(q);
        this.emit('queue', { res: q.res, free: q.free, maxlen: q.maxlen, meshPacketId: q.meshPacketId });
        return;
      }
      case 'packet':
        this.#packet(v.value);
        return;
      case 'logRecord':
        this.#counters.logLines++;
        this.#log.debug({ device: v.value.message, level: v.value.level }, 'device log');
        this.emit('log', { text: v.value.message, source: 'record', level: v.value.level });
        return;
      case 'clientNotification':
        this.#log.warn({ device: v.value.message }, 'device notification');
        this.emit('log', { text: v.value.message, source: 'record', level: v.value.level });
        return;
      default:
        return;
    }
  }

  #packet(p: MeshPacket): void {
    if (p.payloadVariant.case !== 'decoded') {
      this.#counters.encrypted++;
      return;
    }
    if (p.id !== 0 && this.#recent.check(p.from, p.id)) {
      this.#counters.duplicates++;
      return;
    }
    this.#counters.packets++;
    const d = p.payloadVariant.value;
    const own = this.#info?.nodeNum;
    if (d.portnum === PortNum.ROUTING_APP && d.requestId !== 0) {
      this.#tracker.onRouting(p.from, d.requestId, decodeRouting(d.payload));
    } else if (d.portnum === PortNum.POSITION_APP && own !== undefined && p.from === own) {
      const pos = decodeAs(Schemas.Position, d.payload, 'Position');
      this.#setPosition(ownPositionOf(pos, this.#o.now()));
    }
    this.emit('packet', receivedPacketOf(p, d, this.#o.now()));
  }

  #setPosition(pos: OwnPosition): void {
    this.#position = pos;
    this.emit('position', pos);
  }

  #fault(err: unknown, where: string): void {
    this.#counters.handlerErrors++;
    this.#log.warn({ err, where }, 'fault handling device input; going on with the next frame');
  }

  // --- Timers and output -----------------------------------------------------------------------

  #tick(): void {
    try {
      const now = this.#o.now();
      if (this.#parser.pendingBytes > 0 && now - this.#lastDataAt >= this.#o.partialFrameTimeoutMs) {
        this.#handle(this.#parser.flush());
      }
      if (this.#state !== 'ready') return;
      if (now - this.#lastHeartbeatAt >= this.#o.heartbeatIntervalMs) this.#heartbeat();
      if (this.#tracker.size > 0 && this.#window.free() === 0) this.#poll();
      if (now - this.#lastFrameAt < this.#o.silenceTimeoutMs || this.#run !== undefined) return;
      const detail = `no frame for ${now - this.#lastFrameAt} ms`;
      if (this.#heartbeatAnswered) {
        this.#lose('silence', detail);
      } else {
        this.#log.debug({ detail }, 'quiet device that does not answer heartbeats; probing with a handshake');
        this.#lastFrameAt = now;
        this.#rehandshake();
      }
    } catch (err) {
      this.#fault(err, 'timer');
    }
  }

  #heartbeat(): void {
    this.#lastHeartbeatAt = this.#lastPollAt = this.#o.now();
    this.#counters.heartbeats++;
    this.#write(heartbeatFrame());
  }

  /** A heartbeat to learn the TX queue's free slots, at most every queuePollMs. */
  #poll(): void {
    if (this.#heartbeatAnswered && this.#o.now() - this.#lastPollAt >= this.#o.queuePollMs) this.#heartbeat();
  }

  #write(bytes: Uint8Array): void {
    const s = this.#stream;
    if (this.#state === 'closed' || s.destroyed || !s.writable) return;
    s.write(Buffer.from(bytes), (err) => {
      if (err) this.#close('write-error', err.message, err);
    });
  }

  #close(reason: SessionCloseReason, detail: string, error?: unknown): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    clearInterval(this.#timer);
    const s = this.#stream;
    s.off('data', this.#onData);
    s.off('end', this.#onEnd);
    s.off('close', this.#onEnd);
    // Keep an error listener: an error after we let go must not crash the process.
    s.off('error', this.#onError);
    s.on('error', () => {});
    this.#attempt?.end('closed');
    this.#tracker.failAll(`session ${reason}`);
    for (const e of this.#parser.flush())
      if (e.type === 'log') this.emit('log', { text: e.text, source: 'serial' });
    const level = reason === 'closed' ? 'info' : 'warn';
    this.#log[level]({ reason, detail, err: error }, 'device session closed');
    this.emit('closed', error === undefined ? { reason, detail } : { reason, detail, error });
  }
}
