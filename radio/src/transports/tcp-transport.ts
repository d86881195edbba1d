/**
 * TCP to meshtasticd, or to a radio's WiFi API, on port 4403, as a Transport of the Meshtastic
 * link (docs/meshtastic.md §1.2, §1.10, §8.4; docs/links.md §Meshtastic (LoRa mesh)). The framing
 * is the serial one.
 *
 * meshtasticd serves one API client at a time: a new connection force-closes the previous one
 * ("Force close previous TCP connection", ServerAPI.cpp). Being kicked off by the Android app or
 * another client is normal; the link sees the socket close and goes down, and the supervisor's
 * next start() of the link opens a new connection (which in turn pushes the other client off). No idle
 * timeout is set on the socket: the session's heartbeat and silence rule decide liveness.
 */
import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { KitError } from '../../../node/src/base/errors.js';
import type { Transport } from './transport.js';

export interface TcpTransportOptions {
  host: string;
  /** Default 4403 (`General: APIPort`). */
  port?: number;
  /** Give up a connection attempt after this long, ms. Default 10000. */
  connectTimeoutMs?: number;
  /** TCP keepalive probes start after this much idle time, ms. Default 30000. */
  keepAliveMs?: number;
}

export class TcpTransport implements Transport {
  readonly description: string;
  readonly #host: string;
  readonly #port: number;
  readonly #connectTimeoutMs: number;
  readonly #keepAliveMs: number;
  #socket: Socket | undefined;

  constructor(opts: TcpTransportOptions) {
    if (typeof opts.host !== 'string' || opts.host === '')
      throw new TypeError('host must be a host name or address');
    const port = opts.port ?? 4403;
    if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new RangeError(`port must be 1..65535`);
    this.#host = opts.host;
    this.#port = port;
    this.#connectTimeoutMs = opts.connectTimeoutMs ?? 10_000;
    this.#keepAliveMs = opts.keepAliveMs ?? 30_000;
    this.description = `tcp ${opts.host.includes(':') ? `[${opts.host}]` : opts.host}:${port}`;
  }

  async open(signal?: AbortSignal): Promise<Duplex> {
    signal?.throwIfAborted();
    await this.close();
    const socket = new Socket();
    try {
      await new Promise<void>((resolve, reject) => {
        const fail = (err: unknown) => {
          cleanup();
          socket.destroy();
          reject(err);
        };
        const onError = (err: Error) => fail(err);
        const onAbort = () => fail(signal?.reason);
        const timer = setTimeout(
          () =>
            fail(
              Object.assign(new Error(`no connection within ${this.#connectTimeoutMs} ms`), {
                code: 'ETIMEDOUT',
              }),
            ),
          this.#connectTimeoutMs,
        );
        const cleanup = () => {
          clearTimeout(timer);
          socket.off('error', onError);
          signal?.removeEventListener('abort', onAbort);
        };
        socket.once('error', onError);
        signal?.addEventListener('abort', onAbort, { once: true });
        socket.connect({ host: this.#host, port: this.#port }, () => {
          cleanup();
          resolve();
        });
      });
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      const why = err instanceof Error ? err.message : String(err);
      throw new KitError('MESH_PORT', `cannot connect to ${this.description}: ${why}`, { cause: err });
    }
    socket.setNoDelay(true);
    socket.setKeepAlive(true, this.#keepAliveMs);
    this.#socket = socket;
    return socket;
  }

  async close(): Promise<void> {
    const socket = this.#socket;
    this.#socket = undefined;
    if (socket === undefined || socket.destroyed) return;
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.on('error', () => {});
      socket.destroy();
    });
  }
}
