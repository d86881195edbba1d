/**
 * The push receiver's own HTTP server and its limits (docs/centre-doors.md §The push receiver;
 * docs/iridium.md §2.1, §7.5). The receiver faces the internet through the centre's TLS proxy, so
 * nothing about it is left to Node's defaults, which suit a web application rather than a door
 * that takes one small POST now and then: headers within 5 s (not 60), a whole request within
 * 10 s (not 300), a connection cap, a smaller request head, and Node's timeout checks run often
 * enough for those timeouts to mean what they say.
 *
 * Requests that never reach the receiver's handler are counted and reported through `refused`,
 * so they show on the status page and in the (rate-limited) log like the handler's own refusals:
 * - a connection over the cap is closed on arrival, unanswered (Node's `maxConnections`, 'drop');
 * - a request head too slow (408), too large (431) or not HTTP (400) gets Node's own short answer
 *   and the connection is closed ('clientError'). A peer that reset the connection is not logged.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

/** Limits of the push receiver's HTTP server; each has a default fit for Rock7's pushes. */
export interface PushServerLimits {
  /** Connections open at once; more are closed on arrival. Default 64. */
  maxConnections?: number;
  /** The request head must be complete within this of its start, ms. Default 5000. */
  headersTimeoutMs?: number;
  /** The whole request, body included, within this of its start, ms. Default 10,000; ≥ headersTimeoutMs. */
  requestTimeoutMs?: number;
  /** An idle keep-alive connection (Rock7 asks for them) is closed after this, ms. Default 5000. */
  keepAliveTimeoutMs?: number;
  /** Any connection silent this long is closed, ms; a backstop to the others. Default 30,000. */
  idleTimeoutMs?: number;
  /** Largest request head, bytes; a larger one is answered 431. Default 8192 (a push's is ~300). */
  maxHeaderBytes?: number;
}

/** A request refused before the handler saw it. */
export interface ServerRefusal {
  /** 'busy' (over the connection cap), 'timeout' (408), 'too-large-head' (431), 'bad-http' (400). */
  reason: 'busy' | 'timeout' | 'too-large-head' | 'bad-http';
  /** The HTTP status answered; absent when the connection was closed unanswered. */
  status?: number;
  remote?: string;
}

const ANSWER: Record<Exclude<ServerRefusal['reason'], 'busy'>, [number, string]> = {
  timeout: [408, 'Request Timeout'],
  'too-large-head': [431, 'Request Header Fields Too Large'],
  'bad-http': [400, 'Bad Request'],
};

/** An HTTP server for `handler` with the limits applied; `refused` hears what it turned away. */
export function createPushServer(
  handler: RequestListener,
  limits: PushServerLimits,
  refused: (refusal: ServerRefusal) => void,
): Server {
  const headersTimeout = limits.headersTimeoutMs ?? 5000;
  const server = createServer(
    {
      headersTimeout,
      requestTimeout: limits.requestTimeoutMs ?? 10_000,
      keepAliveTimeout: limits.keepAliveTimeoutMs ?? 5000,
      maxHeaderSize: limits.maxHeaderBytes ?? 8192,
      // Node checks the headers and request timeouts only this often (default every 30 s, which
      // would let a slow-loris connection live 35 s instead of 5).
      connectionsCheckingInterval: Math.max(10, Math.min(1000, Math.floor(headersTimeout / 4))),
    },
    handler,
  );
  server.maxConnections = limits.maxConnections ?? 64;
  server.setTimeout(limits.idleTimeoutMs ?? 30_000); // no 'timeout' listener: Node destroys the socket
  server.on('drop', (data) =>
    refused({ reason: 'busy', ...(data?.remoteAddress ? { remote: data.remoteAddress } : {}) }),
  );
  server.on('clientError', (err: NodeJS.ErrnoException, duplex: Duplex) => {
    const socket = duplex as Socket;
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const reason: Exclude<ServerRefusal['reason'], 'busy'> =
      err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? 'timeout'
        : err.code === 'HPE_HEADER_OVERFLOW'
          ? 'too-large-head'
          : 'bad-http';
    const [status, text] = ANSWER[reason];
    // What Node itself answers without this listener, and as Node does: write, then destroy.
    if (socket.bytesWritten === 0) {
      socket.write(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    }
    socket.destroy();
    const remote = socket.remoteAddress;
    refused({ reason, status, ...(remote ? { remote } : {}) });
  });
  return server;
}
