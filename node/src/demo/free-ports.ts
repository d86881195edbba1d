/**
 * Ports free now, for the simulators, doors and web ports of the demonstration county, whose
 * address must be written into a configuration before the node that listens there starts
 * (docs/demo-county.md §How it is wired). Each is bound and released (UDP ones held together, so
 * they differ). Another program could take one in between: the node then says so when it starts.
 */
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';

export async function freeTcpPort(host = '127.0.0.1'): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw new TypeError('a TCP server bound no port');
  return address.port;
}

export async function freeUdpPorts(n: number): Promise<number[]> {
  const sockets = Array.from({ length: n }, () => createSocket('udp4'));
  await Promise.all(sockets.map((s) => new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()))));
  const ports = sockets.map((s) => s.address().port);
  await Promise.all(sockets.map((s) => new Promise<void>((r) => s.close(() => r()))));
  return ports;
}

/** Whether a TCP port can be listened on at `host` now. */
export async function tcpPortFree(host: string, port: number): Promise<boolean> {
  const server = createServer();
  const ok = await new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, host, () => resolve(true));
  });
  if (ok) await new Promise<void>((resolve) => server.close(() => resolve()));
  return ok;
}
