/**
 * Which MT endpoints the RockBLOCK MT client may post to (docs/iridium.md §2.3, §7.5;
 * docs/centre-doors.md §The MT endpoint). Every MT request carries the Rock7 portal's user name
 * and password, so it goes over https; plain http only to this machine's own loopback, where the
 * simulator (`fieldnode sim rockblock`) and the tests serve the MT API and nothing crosses a
 * network. The configuration check (node/src/config/satellite-sections.ts) says the same to the
 * operator; this is the adapter's own guard behind it.
 */
import { isIP, SocketAddress } from 'node:net';

/** Hosts that stay on this machine: 127.0.0.0/8, ::1 and `localhost`. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  if (host.toLowerCase() === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return isIP(host) === 6 && new SocketAddress({ address: host, family: 'ipv6' }).address === '::1';
}

/** What is wrong with `endpoint` as an MT endpoint, or undefined when it may be used. */
export function mtEndpointProblem(endpoint: string): string | undefined {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return 'not a URL';
  }
  if (url.username !== '' || url.password !== '') return 'the URL must not carry credentials';
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:') {
    return isLoopbackHost(url.hostname)
      ? undefined
      : `http sends the MT credentials in clear: use https (http only to a loopback host, for the simulator)`;
  }
  return `an https URL, not ${url.protocol}`;
}
