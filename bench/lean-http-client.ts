/**
 * The API benchmark's lean HTTP/1.1 client (docs/api.md §Measured): `size` kept-alive TCP
 * connections to one server, each carrying one request at a time, written as bytes made by the
 * caller, and replies read by ReplyReader (lean-http-reply.ts). A request made while every
 * connection is busy waits its turn, as node:http's Agent makes it wait.
 *
 * Why not node:http: the clients share the machine's two cores with the server they measure, and
 * node:http spends about 0.06–0.12 ms of CPU a request on its request and reply objects and
 * streams; that is CPU the server under test does not get. A load generator that costs the server
 * as little as possible is what wrk and autocannon are for; this one is ours so that the benchmark
 * needs nothing more installed. The server's side, and so what is measured, is the same with either:
 * the benchmark can still be run with node:http (`API_BENCH_CLIENT=node-http`).
 */
import { connect, type Socket } from 'node:net';
import { ReplyReader } from './lean-http-reply.js';

export type LeanReply = { status: number } | { error: string };

class LeanConnection {
  #socket: Socket | undefined;
  #reader = new ReplyReader();
  #waiting: ((reply: LeanReply) => void) | undefined;

  constructor(
    readonly host: string,
    readonly port: number,
  ) {}

  /** Sends `bytes` (a whole request) and resolves with its reply's status, or why it has none. */
  send(bytes: Buffer): Promise<LeanReply> {
    if (this.#waiting !== undefined) throw new TypeError('a lean connection carries one request at a time');
    return new Promise((resolve) => {
      this.#waiting = resolve;
      this.#open().write(bytes);
    });
  }

  close(): void {
    this.#socket?.destroy();
  }

  #open(): Socket {
    if (this.#socket !== undefined && !this.#socket.destroyed) return this.#socket;
    const socket = connect({ host: this.host, port: this.port, noDelay: true });
    this.#socket = socket;
    this.#reader = new ReplyReader();
    // Only the current socket settles a request: a socket closed before cannot end a later one's.
    const end = (reply: LeanReply) => {
      if (this.#socket !== socket) return;
      this.#socket = undefined;
      socket.destroy();
      this.#settle(reply);
    };
    socket.on('data', (bytes: Buffer) => {
      const read = this.#reader.push(bytes);
      for (const reply of read.replies) {
        // The server closes after this reply: the next request goes on a new connection, never
        // written into this one before its end arrives.
        if (reply.close && this.#socket === socket) {
          this.#socket = undefined;
          socket.destroy();
        }
        this.#settle({ status: reply.status });
      }
      if (read.error !== undefined) end({ error: read.error.code });
    });
    // A connection the server ends or that fails ends the request on it (the server's end before
    // all of a reply came is told apart); the next request opens a new one.
    const closed = () => end({ error: this.#reader.midReply ? 'BENCH_CLOSED_MID_REPLY' : 'BENCH_CLOSED' });
    socket.on('end', closed);
    socket.on('close', closed);
    socket.on('error', (err: NodeJS.ErrnoException) => end({ error: err.code ?? err.message }));
    return socket;
  }

  #settle(reply: LeanReply): void {
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.(reply);
  }
}

export class LeanPool {
  readonly #free: LeanConnection[];
  readonly #all: LeanConnection[];
  readonly #queue: Array<{ bytes: Buffer; resolve: (reply: LeanReply) => void }> = [];

  constructor(host: string, port: number, size: number) {
    this.#all = Array.from({ length: size }, () => new LeanConnection(host, port));
    this.#free = [...this.#all];
  }

  /** Sends a request on a free connection, or once one is free. */
  request(bytes: Buffer): Promise<LeanReply> {
    const connection = this.#free.pop();
    if (connection === undefined) return new Promise((resolve) => this.#queue.push({ bytes, resolve }));
    return this.#run(connection, bytes);
  }

  destroy(): void {
    for (const c of this.#all) c.close();
  }

  async #run(connection: LeanConnection, bytes: Buffer): Promise<LeanReply> {
    const reply = await connection.send(bytes);
    const next = this.#queue.shift();
    if (next === undefined) this.#free.push(connection);
    else void this.#run(connection, next.bytes).then(next.resolve);
    return reply;
  }
}

/** A request's bytes: the request line, `headers` as given, and `body` if any. */
export function requestBytes(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Buffer {
  let head = `${method} ${path} HTTP/1.1\r\n`;
  for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
  if (body !== undefined) head += `content-length: ${Buffer.byteLength(body)}\r\n`;
  return Buffer.from(`${head}\r\n${body ?? ''}`);
}
