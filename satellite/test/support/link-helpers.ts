/**
 * Small helpers for the satellite link tests (the link contract (docs/links.md §The link contract) over the centre's
 * links, docs/iridium.md §7.5): a free TCP port to listen on, and the next frame a link hands on.
 */
import { createServer } from 'node:net';
import type { InboundFrame, Link } from '../../../node/src/link/link.js';

/** A port on `host` that was free a moment ago (bind 0, read, close). */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The next frame `link` hands on; rejects after `ms`. */
export function nextFrame(link: Link, ms = 2000): Promise<InboundFrame> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no frame at ${link.id} within ${ms} ms`)), ms);
    link.once('frame', (f) => {
      clearTimeout(timer);
      resolve(f);
    });
  });
}
