/**
 * Listening and closing for the satellite side's TCP and HTTP servers: the DirectIP MO server and
 * the gateway simulator's MT server (docs/iridium.md §3.1), the RockBLOCK push receiver and
 * the cloud simulator's MT API (§2.1, §2.3).
 */
import type { AddressInfo, Server } from 'node:net';

/**
 * Listens on `host:port` (port 0 picks one); resolves with the bound address.
 *
 * @throws the bind error (EADDRINUSE, EACCES, …).
 */
export async function listenOn(server: Server, port: number, host: string): Promise<AddressInfo> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server.address() as AddressInfo;
}

/**
 * Stops listening; resolves once the server has closed. An HTTP server's connections are closed
 * too (keep-alive ones would hold it open); a TCP server's owner ends its own sockets.
 */
export function closeServer(server: Server & { closeAllConnections?(): void }): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections?.();
  });
}

/** The address a server is bound to, or undefined when there is none or it is not listening. */
export function boundAddress(server: Server | undefined): AddressInfo | undefined {
  return (server?.address() as AddressInfo | null | undefined) ?? undefined;
}
