/**
 * A TCP listener on 127.0.0.1 that counts who connects (docs/cap.md §9 Tests): the XML attacks point
 * their entities at it, so a parser that fetched would be seen. To know that everything started
 * before a point in time has arrived, the trap connects to itself and waits for that connection
 * (with a timeout) instead of sleeping: loopback connections are accepted in the order they open.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

const CONTROL = 'CONTROL\n';

export class LoopbackTrap {
  readonly port: number;
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  #connections = 0;
  #controls = 0;
  #onControl: (() => void) | undefined;

  private constructor(server: Server, port: number) {
    this.#server = server;
    this.port = port;
    server.on('connection', (socket) => {
      this.#connections++;
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
      socket.on('error', () => {});
      socket.once('data', (chunk) => {
        if (chunk.toString('latin1').startsWith(CONTROL)) {
          this.#controls++;
          this.#onControl?.();
        }
        socket.end();
      });
    });
  }

  static async open(): Promise<LoopbackTrap> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no TCP port');
    return new LoopbackTrap(server, address.port);
  }

  /** Connections other than the trap's own, counted once everything opened before this call has arrived. */
  async strangers(timeoutMs = 2000): Promise<number> {
    const arrived = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the trap’s own connection never arrived')), timeoutMs);
      this.#onControl = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    const control = connect(this.port, '127.0.0.1', () => control.write(CONTROL));
    control.on('error', () => {});
    try {
      await arrived;
    } finally {
      this.#onControl = undefined;
      control.destroy();
    }
    return this.#connections - this.#controls;
  }

  async close(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
