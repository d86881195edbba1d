/**
 * One spelling per IP address, so that a source address compares equal to the configuration's
 * (docs/centre-doors.md §DirectIP). A socket on a dual-stack listener reports an IPv4 peer as
 * `::ffff:192.0.2.1`, and IPv6 has many spellings of one address (`2001:DB8:0::1`, `2001:db8::1`);
 * without this, `allowed_sources: [192.0.2.1]` would refuse the very gateway it names.
 */
import { isIP, SocketAddress } from 'node:net';

/**
 * IPv4 as dotted quad, IPv4-mapped IPv6 as its IPv4, other IPv6 in RFC 5952's form (lower case,
 * the longest run of zeros as `::`); anything else (undefined, a name) as it came.
 */
export function canonicalIp(address: string): string;
export function canonicalIp(address: string | undefined): string | undefined;
export function canonicalIp(address: string | undefined): string | undefined {
  if (address === undefined || isIP(address) !== 6) return address;
  let text: string;
  try {
    text = new SocketAddress({ address, family: 'ipv6' }).address;
  } catch {
    return address.toLowerCase(); // not expected after isIP(); kept as it came, lower case
  }
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  return mapped?.[1] ?? text;
}
