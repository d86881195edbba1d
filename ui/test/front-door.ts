/**
 * The kit as a phone sees it, for the browser tests (docs/ui.md §Tests): one origin on 127.0.0.1
 * that serves the built UI through the daemon's own plugin (node/src/http/ui-assets.ts) and passes
 * every /api request and the event stream's upgrade to the API server, which the test may stop and
 * start again on another port while the door stays open.
 *
 * The API server's factory does not register the UI plugin yet (docs/ui.md §Building and
 * serving), so the test stands this door in front of it; the API is told the door's origin as its
 * public origin, so that its Host and Origin checks see what they would on a kit. While the API is
 * stopped, the door drops each API connection at once; switched off, it drops every connection,
 * the page's included, as a kit that lost power would.
 */
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { connect, type Socket } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { uiAssets } from '../../node/src/http/ui-assets.js';

export interface FrontDoor {
  origin: string;
  port: number;
  /** Requests to /api seen, by method and path, in order. */
  readonly apiRequests: string[];
  /** Switches the whole kit off (every connection dropped, the page's included) or on again. */
  setOffline(offline: boolean): void;
  close(): Promise<void>;
}

export interface FrontDoorOptions {
  /** The built UI. */
  uiRoot: string;
  /** The API's port now, or undefined while it is stopped. */
  apiPort: () => number | undefined;
}

export async function startFrontDoor(options: FrontDoorOptions): Promise<FrontDoor> {
  const apiRequests: string[] = [];
  const sockets = new Set<Socket>();
  let ui: FastifyInstance | undefined;
  let offline = false;
  const isApi = (url: string | undefined) => url !== undefined && (url === '/api' || url.startsWith('/api/'));

  const forward = (req: IncomingMessage, res: ServerResponse) => {
    apiRequests.push(`${req.method} ${req.url}`);
    const port = options.apiPort();
    if (port === undefined) {
      res.socket?.destroy();
      return;
    }
    const upstream = httpRequest(
      { host: '127.0.0.1', port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        answer.on('error', () => res.socket?.destroy());
      },
    );
    // The API went away mid-request: the phone sees the connection drop, not an answer.
    upstream.on('error', () => res.socket?.destroy());
    req.pipe(upstream);
  };

  const server: Server = await new Promise((resolveServer) => {
    ui = Fastify({
      logger: false,
      serverFactory: (handler) => {
        const s = createServer((req, res) => {
          if (offline) res.socket?.destroy();
          else if (isApi(req.url)) forward(req, res);
          else handler(req, res);
        });
        resolveServer(s);
        return s;
      },
    });
  });
  const app = ui as FastifyInstance;
  await app.register(uiAssets, { root: options.uiRoot });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const port = options.apiPort();
    if (offline || !isApi(req.url) || port === undefined) {
      socket.destroy();
      return;
    }
    apiRequests.push(`UPGRADE ${req.url}`);
    const upstream = connect(port, '127.0.0.1', () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2)
        lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length > 0) upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => {
      sockets.delete(upstream);
      socket.destroy();
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
    socket.on('close', () => upstream.destroy());
  });
  await app.ready();
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as { port: number }).port;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    apiRequests,
    setOffline(value: boolean) {
      offline = value;
      if (value) for (const s of sockets) s.destroy();
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((ok) => server.close(() => ok()));
      await app.close();
    },
  };
}
