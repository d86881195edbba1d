/**
 * Helpers for the tests of the centre's doors' limits over real TCP on loopback
 * (docs/centre-doors.md §The push receiver, §DirectIP): raw connections that record what the
 * server sent and when it closed them, a deadline for a promise, and a flood of connections past
 * a server's connection cap. The push receiver and the DirectIP MO server share these limits, so
 * their tests share the way of probing them.
 */
import { connect, type Socket } from 'node:net';

/** A raw TCP connection, for what a well-behaved client would not do. */
export interface RawConnection {
  socket: Socket;
  connected: Promise<void>;
  /** Resolves at the close with what the server sent and how long the connection was open, ms. */
  closed: Promise<{ got: Uint8Array; ms: number }>;
}

const sockets: Socket[] = [];

/**
 * A raw connection to `port` on `host`; {@link destroyRawConnections} destroys it if the test left
 * it open.
 * @param allowHalfOpen keep our end open when the server closes its end.
 */
export function rawConnection(port: number, host = '127.0.0.1', allowHalfOpen = false): RawConnection {
  const socket = connect({ port, host, allowHalfOpen });
  sockets.push(socket);
  const t0 = Date.now();
  const got: Buffer[] = [];
  socket.on('data', (d: Buffer) => got.push(d));
  socket.on('error', () => {}); // a reset is a way of closing here: 'close' follows it
  const connected = new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  const closed = new Promise<{ got: Uint8Array; ms: number }>((resolve) =>
    socket.once('close', () => resolve({ got: new Uint8Array(Buffer.concat(got)), ms: Date.now() - t0 })),
  );
  return { socket, connected, closed };
}

/** Destroys every raw connection still open: for afterEach, before the servers are closed. */
export function destroyRawConnections(): void {
  for (const s of sockets.splice(0)) s.destroy();
}

/** Resolves with `p`, or rejects once `ms` have passed, naming `what` did not happen. */
export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    p,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms)),
  ]);
}

/**
 * Opens `total` connections at once to a server that takes `cap` of them, waits until the others
 * have been closed, then 100 ms more, long enough for one of those taken to close too if it were
 * going to.
 * @returns every connection, those taken still open, and what each closed one was sent.
 */
export async function floodPastCap(
  port: number,
  total: number,
  cap: number,
): Promise<{ connections: RawConnection[]; answers: Uint8Array[] }> {
  const connections = Array.from({ length: total }, () => rawConnection(port));
  const answers: Uint8Array[] = [];
  for (const c of connections) void c.closed.then(({ got }) => answers.push(got));
  await within(
    (async () => {
      while (answers.length < total - cap) await new Promise((r) => setTimeout(r, 10));
    })(),
    2000,
    'the connections over the cap closed',
  );
  await new Promise((r) => setTimeout(r, 100));
  return { connections, answers };
}

/** Destroys `connections` and resolves once every one has closed. */
export async function closeAll(connections: readonly RawConnection[]): Promise<void> {
  for (const c of connections) c.socket.destroy();
  await Promise.all(connections.map((c) => c.closed));
}
