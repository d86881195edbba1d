/**
 * A short session with a Meshtastic radio for reading and writing its settings
 * (docs/meshtastic.md §1.2, §1.4, §1.6, §1.8; docs/profiles.md §Reading back, §Writing): the
 * handshake of handshake.ts with the whole config dump kept (radio-settings.ts), admin messages
 * written one at a time, each waiting for the QueueStatus that answers it, and the signs that the
 * radio rebooted: a `rebooted` frame, or the stream closing.
 *
 * Unlike device-session.ts it sends no heartbeat and none of our packets: it lives for the
 * seconds `fieldnode radio` needs. It never closes the stream; its owner does. Everything from the
 * device is untrusted: nothing it sends makes the session throw.
 */
import { randomInt } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { KitError } from '../../../node/src/base/errors.js';
import { type Logger, silentLogger } from '../../../node/src/base/logger.js';
import './admin-errors.js';
import { adminFrame } from './admin-frames.js';
import type { AdminMessage, FromRadio } from './codec.js';
import type { DeviceInfo } from './device-info.js';
import { HandshakeAttempt, runHandshake } from './handshake.js';
import { type RadioSettings, SettingsCollector } from './radio-settings.js';
import { StreamParser } from './stream-parser.js';

export interface ConfigSessionOptions {
  /** The byte stream to the radio; the session never ends it. */
  stream: Duplex;
  /** Time allowed for the config dump after `want_config_id`, ms. Default 15000. */
  handshakeTimeoutMs?: number;
  /** Pause between the wake bytes and `want_config_id`, ms. Default 100. */
  wakeDelayMs?: number;
  /** Wait for the QueueStatus that answers each admin message, ms. Default 5000. */
  writeTimeoutMs?: number;
  /** Uniform random integer in [min, max). Default node:crypto randomInt. */
  randomInt?: (min: number, max: number) => number;
  /** Unix ms. Default Date.now. */
  now?: () => number;
  /** Default silent. */
  log?: Logger;
}

/** What a handshake tells: the radio, and its settings as the dump gave them. */
export interface RadioSnapshot {
  info: DeviceInfo;
  settings: RadioSettings;
}

/** How the radio showed that it went down: its `rebooted` frame, or the stream closing. */
export type RebootSign = 'rebooted' | 'closed';

interface PendingWrite {
  resolve: () => void;
  reject: (err: Error) => void;
}

export class ConfigSession {
  readonly #stream: Duplex;
  readonly #o: Required<Omit<ConfigSessionOptions, 'stream' | 'log'>>;
  readonly #log: Logger;
  readonly #parser = new StreamParser();
  #attempt: HandshakeAttempt | undefined;
  #collector = new SettingsCollector();
  #attached = false;
  #closed = false;
  #sign: RebootSign | undefined;
  #signWaiters: ((sign: RebootSign) => void)[] = [];
  readonly #pending = new Map<number, PendingWrite>();
  readonly #onData = (chunk: Buffer): void => this.#data(chunk);
  readonly #onGone = (): void => this.#gone();

  constructor(opts: ConfigSessionOptions) {
    this.#stream = opts.stream;
    this.#log = opts.log ?? silentLogger;
    this.#o = {
      handshakeTimeoutMs: opts.handshakeTimeoutMs ?? 15_000,
      wakeDelayMs: opts.wakeDelayMs ?? 100,
      writeTimeoutMs: opts.writeTimeoutMs ?? 5000,
      randomInt: opts.randomInt ?? randomInt,
      now: opts.now ?? Date.now,
    };
  }

  /** The stream closed or failed: nothing more can be read or written on it. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Handshakes and returns the radio and its settings. Rejects with KitError MESH_HANDSHAKE (no
   * complete dump in time, or reboots in a row) or MESH_SESSION_CLOSED (the stream ended).
   */
  async read(): Promise<RadioSnapshot> {
    this.#attach();
    if (this.#closed) throw new KitError('MESH_SESSION_CLOSED', 'the stream to the radio is closed');
    try {
      const info = await runHandshake(
        () => {
          this.#collector = new SettingsCollector();
          this.#attempt = new HandshakeAttempt({
            wakeDelayMs: this.#o.wakeDelayMs,
            handshakeTimeoutMs: this.#o.handshakeTimeoutMs,
            maxNodes: 0,
            randomInt: this.#o.randomInt,
            now: this.#o.now,
            write: (b) => this.#write(b),
            log: this.#log,
          });
          if (this.#closed) this.#attempt.end('closed');
          return this.#attempt;
        },
        { handshakeTimeoutMs: this.#o.handshakeTimeoutMs, log: this.#log },
      );
      return { info, settings: this.#collector.result() };
    } finally {
      this.#attempt?.end('closed');
      this.#attempt = undefined;
    }
  }

  /**
   * Writes `messages` to node `node` (the radio's own), one at a time, each once its predecessor
   * is answered. Forgets any reboot sign seen before. Rejects with MESH_ADMIN_TIMEOUT,
   * MESH_ADMIN_REFUSED (a QueueStatus error) or MESH_SESSION_CLOSED.
   */
  async write(node: number, messages: readonly AdminMessage[]): Promise<void> {
    this.#attach();
    this.#sign = undefined;
    for (const message of messages) {
      if (this.#closed) throw new KitError('MESH_SESSION_CLOSED', 'the stream to the radio closed');
      let id = 0;
      while (id === 0 || this.#pending.has(id)) id = this.#o.randomInt(1, 2 ** 32);
      const what = message.payloadVariant.case ?? 'empty';
      const answered = new Promise<void>((resolve, reject) => this.#pending.set(id, { resolve, reject }));
      this.#log.debug({ id, admin: what }, 'admin message to the radio');
      this.#write(adminFrame(node, id, message));
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new KitError(
                'MESH_ADMIN_TIMEOUT',
                `the radio did not take the admin message ${what} within ${this.#o.writeTimeoutMs} ms`,
              ),
            ),
          this.#o.writeTimeoutMs,
        );
      });
      try {
        await Promise.race([answered, timeout]);
      } finally {
        clearTimeout(timer);
        this.#pending.delete(id);
      }
    }
  }

  /**
   * The first sign of a reboot since the last write began: at once if one was seen, else the
   * next within `timeoutMs`; undefined if none came.
   */
  rebootSign(timeoutMs: number): Promise<RebootSign | undefined> {
    this.#attach();
    if (this.#sign !== undefined) return Promise.resolve(this.#sign);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#signWaiters = this.#signWaiters.filter((w) => w !== waiter);
        resolve(undefined);
      }, timeoutMs);
      const waiter = (sign: RebootSign): void => {
        clearTimeout(timer);
        resolve(sign);
      };
      this.#signWaiters.push(waiter);
    });
  }

  /** Stops listening to the stream (which stays open for its owner); pending writes fail. */
  close(): void {
    this.#detach();
    this.#fail(new KitError('MESH_SESSION_CLOSED', 'the session was closed'));
    this.#attempt?.end('closed');
  }

  #attach(): void {
    if (this.#attached) return;
    this.#attached = true;
    const s = this.#stream;
    s.on('data', this.#onData);
    s.on('end', this.#onGone);
    s.on('close', this.#onGone);
    s.on('error', this.#onGone);
    if (s.destroyed || !s.readable) this.#gone();
  }

  #detach(): void {
    if (!this.#attached) return;
    const s = this.#stream;
    s.off('data', this.#onData);
    s.off('end', this.#onGone);
    s.off('close', this.#onGone);
    // An error after we let go must not crash the process.
    s.off('error', this.#onGone);
    s.on('error', () => {});
  }

  #data(chunk: Buffer): void {
    for (const e of this.#parser.push(chunk)) {
      if (e.type === 'log') this.#log.debug({ device: e.text }, 'device log');
      else this.#frame(e.message);
    }
  }

  #frame(msg: FromRadio): void {
    const attempt = this.#attempt;
    if (attempt !== undefined) {
      this.#collector.add(msg);
      attempt.take(msg);
    }
    const v = msg.payloadVariant;
    if (v.case === 'rebooted' && v.value) {
      this.#log.info('the radio rebooted');
      this.#signal('rebooted');
      attempt?.end('rebooted');
    } else if (v.case === 'queueStatus') {
      const pending = this.#pending.get(v.value.meshPacketId);
      if (pending === undefined) return;
      if (v.value.res === 0) pending.resolve();
      else
        pending.reject(
          new KitError(
            'MESH_ADMIN_REFUSED',
            `the radio refused an admin message (QueueStatus res ${v.value.res})`,
          ),
        );
    }
  }

  #gone(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#signal('closed');
    this.#attempt?.end('closed');
    this.#fail(new KitError('MESH_SESSION_CLOSED', 'the stream to the radio closed'));
  }

  #signal(sign: RebootSign): void {
    this.#sign ??= sign;
    const waiters = this.#signWaiters;
    this.#signWaiters = [];
    for (const w of waiters) w(sign);
  }

  #fail(err: Error): void {
    for (const p of this.#pending.values()) p.reject(err);
    this.#pending.clear();
  }

  #write(bytes: Uint8Array): void {
    const s = this.#stream;
    if (this.#closed || s.destroyed || !s.writable) return;
    s.write(Buffer.from(bytes), (err) => {
      if (err) this.#gone();
    });
  }
}
