/**
 * The TCP API of a simulated Meshtastic device (docs/meshtastic.md §1.2, §1.10): the stream
 * API on a TCP port (4403 on meshtasticd), ONE client at a time. As in the firmware's
 * `APIServerPort::runOnce`, a new connection force-closes the previous one ("Force close previous
 * TCP connection"); the device itself closes the socket on disconnect, idle timeout (2.7.21+) and
 * reboot. Listens on 127.0.0.1 unless told otherwise.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { KitError } from '../../../node/src/base/errors.js';
import { type Logger, silentLogger } from '../../../node/src/base/logger.js';
import type { SimulatedDevice } from './simulated-device.js';

export interface MeshtasticTcpServerOptions {
  /** A device whose profile transport is 'tcp'. */
  device: SimulatedDevice;
  /** Default 4403 (meshtasticd's `APIPort`); 0 picks a free port. */
  port?: number;
  /** Default '127.0.0.1'. */
  host?: string;
  /** Default silent. */
  log?: Logger;
}

export class MeshtasticTcpServer {
  readonly #device: SimulatedDevice;
  readonly #opts: MeshtasticTcpServerOptions;
  readonly #log: Logger;
  readonly #sockets = new Set<Socket>();
  #server: Server | undefined;
  #port = 0;

  constructor(options: MeshtasticTcpServerOptions) {
    if (options.device.profile.transport !== 'tcp') {
      throw new TypeError(
        `a TCP server needs a device with transport 'tcp', not '${options.device.profile.transport}'`,
      );
    }
    this.#device = options.device;
    this.#opts = options;
    this.#log = (options.log ?? silentLogger).child({ mod: 'sim.meshtastic.tcp' });
  }

  /** The port it listens on, once `listen` has resolved. */
  get port(): number {
    return this.#port;
  }

  get host(): string {
    return this.#opts.host ?? '127.0.0.1';
  }

  async listen(): Promise<{ host: string; port: number }> {
    if (this.#server !== undefined) throw new Error('already listening');
    const server = createServer((socket) => this.#accept(socket));
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err) =>
        reject(
          new KitError('MESH_PORT', `cannot listen on ${this.host}:${this.#opts.port ?? 4403}`, {
            cause: err,
          }),
        ),
      );
      server.listen(this.#opts.port ?? 4403, this.host, () => resolve());
    });
    const addr = server.address();
    this.#port = typeof addr === 'object' && addr !== null ? addr.port : 0;
    this.#log.info({ host: this.host, port: this.#port }, 'simulated meshtastic device listening');
    return { host: this.host, port: this.#port };
  }

  /** Stops listening and closes the current connection. */
  async close(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    this.#device.detach();
    for (const s of this.#sockets) s.destroy();
    if (server === undefined) return;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  #accept(socket: Socket): void {
    socket.setNoDelay(true);
    this.#sockets.add(socket);
    socket.on('close', () => this.#sockets.delete(socket));
    socket.on('error', (err) => this.#log.debug({ err }, 'client socket error'));
    this.#log.debug({ remote: `${socket.remoteAddress}:${socket.remotePort}` }, 'API client connected');
    // The device closes the previous client itself (one ServerAPI at a time).
    this.#device.attach(socket);
  }
}
