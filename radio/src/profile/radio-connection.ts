/**
 * The radio `fieldnode radio` talks to, through a transport that may have to be opened again
 * (docs/profiles.md §Waiting for the reboot; docs/meshtastic.md §1.6, §8.4): it reads the
 * radio's settings, writes admin messages, and after a commit waits for the reboot and reads the
 * settings again, however the reboot shows:
 *
 * - behind a USB-UART bridge the port stays and the radio sends `rebooted` as it boots: read
 *   again on the same stream;
 * - on native USB the port vanishes and comes back (the /dev/serial/by-id name with it), and
 *   over TCP the socket closes: open the transport again, and again, until the radio answers a
 *   handshake or `rebootTimeoutMs` is over.
 *
 * If no sign of a reboot comes within `rebootSignMs`, the settings are read again anyway; the
 * reboot count tells whether the radio rebooted.
 */
import type { Duplex } from 'node:stream';
import { KitError } from '../../../node/src/base/errors.js';
import { type Logger, silentLogger } from '../../../node/src/base/logger.js';
import '../meshtastic/admin-errors.js';
import type { AdminMessage } from '../meshtastic/codec.js';
import {
  ConfigSession,
  type ConfigSessionOptions,
  type RadioSnapshot,
  type RebootSign,
} from '../meshtastic/config-session.js';
import type { Transport } from '../transports/transport.js';

export interface RadioConnectionOptions {
  transport: Transport;
  /** After a commit: how long to wait for a sign of the reboot, ms. Default 20000 (the firmware reboots 7 s after it). */
  rebootSignMs?: number;
  /** How long the radio may take to answer again once it went down, ms. Default 60000. */
  rebootTimeoutMs?: number;
  /** Pause between attempts to reach a rebooting radio, ms. Default 500. */
  retryMs?: number;
  /** The session's own timings (handshake, wake pause, write answer). Defaults in config-session.ts. */
  session?: Omit<ConfigSessionOptions, 'stream' | 'log'>;
  /** Default silent. */
  log?: Logger;
}

/** How the radio came back after a write. */
export type RebootSeen = 'rebooted' | 'reconnected' | 'not-seen';

export class RadioConnection {
  readonly #o: RadioConnectionOptions;
  readonly #log: Logger;
  #stream: Duplex | undefined;
  #session: ConfigSession | undefined;
  #node = 0;

  constructor(options: RadioConnectionOptions) {
    this.#o = options;
    this.#log = options.log ?? silentLogger;
  }

  get description(): string {
    return this.#o.transport.description;
  }

  /** Opens the transport and reads the radio. Rejects with the transport's or the handshake's KitError. */
  async open(signal?: AbortSignal): Promise<RadioSnapshot> {
    const snapshot = await this.#connect(signal);
    this.#node = snapshot.info.nodeNum;
    return snapshot;
  }

  /** Writes admin messages to the radio's own node, in order (config-session.ts). */
  async write(messages: readonly AdminMessage[]): Promise<void> {
    const session = this.#session;
    if (session === undefined) throw new KitError('MESH_SESSION_CLOSED', 'not connected to the radio');
    await session.write(this.#node, messages);
  }

  /**
   * After a commit: waits for the radio to reboot and answer again, and reads it.
   * @throws KitError MESH_REBOOT_TIMEOUT when it went down and did not answer in time.
   */
  async afterReboot(signal?: AbortSignal): Promise<{ snapshot: RadioSnapshot; seen: RebootSeen }> {
    const session = this.#session;
    if (session === undefined) throw new KitError('MESH_SESSION_CLOSED', 'not connected to the radio');
    const sign: RebootSign | undefined = await session.rebootSign(this.#o.rebootSignMs ?? 20_000);
    this.#log.info({ sign: sign ?? 'none' }, 'after the commit');
    const deadline = Date.now() + (this.#o.rebootTimeoutMs ?? 60_000);
    if (sign !== 'closed') {
      const snapshot = await this.#readAgain(session, deadline, signal);
      if (snapshot !== undefined) return { snapshot, seen: sign === 'rebooted' ? 'rebooted' : 'not-seen' };
    }
    const snapshot = await this.#reconnect(deadline, signal);
    return { snapshot, seen: 'reconnected' };
  }

  /** Lets the radio go: the session ends and the transport closes. */
  async close(): Promise<void> {
    this.#session?.close();
    this.#session = undefined;
    this.#stream = undefined;
    await this.#o.transport.close();
  }

  async #connect(signal?: AbortSignal): Promise<RadioSnapshot> {
    this.#session?.close();
    this.#stream = await this.#o.transport.open(signal);
    const session = new ConfigSession({ ...this.#o.session, stream: this.#stream, log: this.#log });
    this.#session = session;
    return session.read();
  }

  /** A handshake on the stream that stayed open; undefined if that stream closed meanwhile. */
  async #readAgain(
    session: ConfigSession,
    deadline: number,
    signal: AbortSignal | undefined,
  ): Promise<RadioSnapshot | undefined> {
    for (;;) {
      signal?.throwIfAborted();
      try {
        return await session.read();
      } catch (err) {
        if (session.closed) return undefined;
        if (Date.now() >= deadline) throw this.#timeout(err);
        this.#log.debug({ err }, 'the radio did not answer yet; trying again');
        await new Promise((r) => setTimeout(r, this.#o.retryMs ?? 500));
      }
    }
  }

  async #reconnect(deadline: number, signal: AbortSignal | undefined): Promise<RadioSnapshot> {
    await this.close();
    for (;;) {
      signal?.throwIfAborted();
      try {
        const snapshot = await this.#connect(signal);
        this.#node = snapshot.info.nodeNum;
        return snapshot;
      } catch (err) {
        await this.close();
        if (Date.now() >= deadline) throw this.#timeout(err);
        this.#log.debug({ err }, 'the radio is not back yet; trying again');
        await new Promise((r) => setTimeout(r, this.#o.retryMs ?? 500));
      }
    }
  }

  #timeout(cause: unknown): KitError {
    const s = Math.round((this.#o.rebootTimeoutMs ?? 60_000) / 1000);
    return new KitError(
      'MESH_REBOOT_TIMEOUT',
      `the radio on ${this.description} did not answer within ${s} s of going down for its reboot: ` +
        'check that it is plugged in and powered, then run the same command again',
      { cause },
    );
  }
}
