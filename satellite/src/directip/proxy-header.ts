/**
 * The PROXY protocol header, versions 1 (text) and 2 (binary), as a TCP proxy in front of the
 * DirectIP MO server sends it first on each connection, to say whose connection it is passing on
 * (docs/centre-doors.md §DirectIP behind a proxy; HAProxy's "The PROXY protocol", versions 1 and
 * 2). Untrusted bytes, though they come from a trusted proxy: strict parsing, every length checked
 * before it is used, and only KitError DIRECTIP_PROXY_MALFORMED thrown.
 *
 * - v1: `PROXY TCP4|TCP6 <src> <dst> <srcport> <dstport>\r\n` or `PROXY UNKNOWN…\r\n`, at most 107
 *   bytes, single spaces, ports 0..65535 without leading zeros.
 * - v2: the 12-byte signature, version 2, command LOCAL (0) or PROXY (1), address family and
 *   transport, a 16-bit length, the addresses, then TLVs, which are skipped. At most
 *   {@link MAX_V2_LENGTH} bytes after the fixed 16: no proxy needs more, and this bounds what a
 *   connection may make us buffer.
 * - LOCAL, UNKNOWN, and the UNSPEC and UNIX families carry no client address: the connection is
 *   the proxy's own (a health check), and `source` is absent.
 * - The parser says as early as it can that bytes are not a header: a prefix that matches neither
 *   signature is refused at once, not after waiting for more.
 */
import { isIP } from 'node:net';
import { KitError } from '../../../node/src/base/errors.js';
import { canonicalIp } from './ip-address.js';

/** An address and port as the proxy saw them. */
export interface ProxyEndpoint {
  /** Canonical text (ip-address.ts): dotted IPv4, RFC 5952 IPv6. */
  address: string;
  port: number;
}

export interface ProxyHeader {
  version: 1 | 2;
  /** The client the proxy is speaking for; absent when the connection is the proxy's own. */
  source?: ProxyEndpoint;
  /** The address the client connected to; present whenever `source` is. */
  destination?: ProxyEndpoint;
}

/** What the bytes so far hold: not yet a whole header, or a header and its length in bytes. */
export type ProxyHeaderRead = { complete: false } | { complete: true; header: ProxyHeader; length: number };

/** v1's longest line, CRLF included (the specification's 107). */
export const MAX_V1_LENGTH = 107;
/** The most bytes after v2's fixed 16 taken: addresses (≤ 216, UNIX) and TLVs. */
export const MAX_V2_LENGTH = 2048;

const V1_PREFIX = Buffer.from('PROXY ', 'latin1');
export const V2_SIGNATURE = Uint8Array.of(
  0x0d,
  0x0a,
  0x0d,
  0x0a,
  0x00,
  0x0d,
  0x0a,
  0x51,
  0x55,
  0x49,
  0x54,
  0x0a,
);

function malformed(detail: string): never {
  throw new KitError('DIRECTIP_PROXY_MALFORMED', `PROXY header: ${detail}`);
}

/** Whether `bytes` begins with `prefix`, or with as much of it as `bytes` holds. */
function startsLike(bytes: Uint8Array, prefix: Uint8Array): boolean {
  const n = Math.min(bytes.length, prefix.length);
  for (let i = 0; i < n; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}

/**
 * Reads the PROXY header at the start of `bytes`, the connection's first bytes so far.
 *
 * @throws KitError DIRECTIP_PROXY_MALFORMED when the bytes are not, and cannot become, a header.
 */
export function parseProxyHeader(bytes: Uint8Array): ProxyHeaderRead {
  if (bytes.length === 0) return { complete: false };
  if (startsLike(bytes, V1_PREFIX)) return parseV1(bytes);
  if (startsLike(bytes, V2_SIGNATURE)) return parseV2(bytes);
  return malformed('the connection does not start with a PROXY protocol header');
}

const PORT = /^(0|[1-9]\d{0,4})$/;

function port(text: string, what: string): number {
  const n = PORT.test(text) ? Number(text) : Number.NaN;
  if (!(n <= 65_535)) malformed(`v1 ${what} port is not 0..65535`);
  return n;
}

function parseV1(bytes: Uint8Array): ProxyHeaderRead {
  const end = Math.min(bytes.length, MAX_V1_LENGTH);
  let lf = -1;
  for (let i = 0; i < end; i++) {
    const b = bytes[i] as number;
    if (b === 0x0a) {
      lf = i;
      break;
    }
    // Printable ASCII only, and CR only right before LF.
    if (b === 0x0d ? i + 1 < bytes.length && bytes[i + 1] !== 0x0a : b < 0x20 || b > 0x7e)
      malformed('v1 line holds a byte that is not printable ASCII');
  }
  if (lf < 0) {
    if (bytes.length >= MAX_V1_LENGTH) malformed(`v1 line longer than ${MAX_V1_LENGTH} bytes`);
    return { complete: false };
  }
  if (lf === 0 || bytes[lf - 1] !== 0x0d) malformed('v1 line does not end with CRLF');
  const line = Buffer.from(bytes.buffer, bytes.byteOffset, lf - 1).toString('latin1');
  const parts = line.split(' ');
  const length = lf + 1;
  if (parts[1] === 'UNKNOWN') return { complete: true, header: { version: 1 }, length };
  if (parts[1] !== 'TCP4' && parts[1] !== 'TCP6') malformed('v1 protocol is not TCP4, TCP6 or UNKNOWN');
  if (parts.length !== 6) malformed('v1 line is not PROXY, protocol, two addresses and two ports');
  const family = parts[1] === 'TCP4' ? 4 : 6;
  const [, , src, dst, srcPort, dstPort] = parts as [string, string, string, string, string, string];
  for (const a of [src, dst]) {
    if (isIP(a) !== family || a.includes('%')) malformed(`v1 address is not an IPv${family} address`);
  }
  return {
    complete: true,
    header: {
      version: 1,
      source: { address: canonicalIp(src), port: port(srcPort, 'source') },
      destination: { address: canonicalIp(dst), port: port(dstPort, 'destination') },
    },
    length,
  };
}

/** IPv6 from 16 bytes, as text. */
function ipv6(bytes: Uint8Array, at: number): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2)
    groups.push((((bytes[at + i] as number) << 8) | (bytes[at + i + 1] as number)).toString(16));
  return canonicalIp(groups.join(':'));
}

function parseV2(bytes: Uint8Array): ProxyHeaderRead {
  if (bytes.length < 16) return { complete: false };
  const versionCommand = bytes[12] as number;
  if (versionCommand >> 4 !== 2) malformed(`v2 version ${versionCommand >> 4}, not 2`);
  const command = versionCommand & 0x0f;
  if (command > 1) malformed(`v2 command ${command} is neither LOCAL nor PROXY`);
  const familyTransport = bytes[13] as number;
  const family = familyTransport >> 4;
  const transport = familyTransport & 0x0f;
  if (family > 3 || transport > 2) malformed(`v2 family/transport byte 0x${familyTransport.toString(16)}`);
  const rest = ((bytes[14] as number) << 8) | (bytes[15] as number);
  if (rest > MAX_V2_LENGTH) malformed(`v2 length ${rest} is over ${MAX_V2_LENGTH}`);
  const length = 16 + rest;
  if (bytes.length < length) return { complete: false };
  // LOCAL: the proxy's own connection; its address block, if any, is to be ignored.
  if (command === 0) return { complete: true, header: { version: 2 }, length };
  const need = family === 1 ? 12 : family === 2 ? 36 : family === 3 ? 216 : 0;
  if (rest < need) malformed(`v2 length ${rest} is too short for its addresses (${need})`);
  if (family === 0 || family === 3) return { complete: true, header: { version: 2 }, length };
  // A client address over a TCP connection: anything but STREAM is nonsense here.
  if (transport !== 1) malformed('v2 transport is not STREAM for an IP family');
  const v = new DataView(bytes.buffer, bytes.byteOffset, length);
  const [source, destination] =
    family === 1
      ? [`${bytes.subarray(16, 20).join('.')}`, `${bytes.subarray(20, 24).join('.')}`]
      : [ipv6(bytes, 16), ipv6(bytes, 32)];
  const ports = 16 + need - 4;
  return {
    complete: true,
    header: {
      version: 2,
      source: { address: source, port: v.getUint16(ports) },
      destination: { address: destination, port: v.getUint16(ports + 2) },
    },
    length,
  };
}

/** A v1 header for the two endpoints (same family), or `PROXY UNKNOWN` without; for tests and tools. */
export function encodeProxyV1(source?: ProxyEndpoint, destination?: ProxyEndpoint): Uint8Array {
  if (source === undefined || destination === undefined) return Buffer.from('PROXY UNKNOWN\r\n', 'latin1');
  const family = isIP(source.address) === 4 ? 'TCP4' : 'TCP6';
  return Buffer.from(
    `PROXY ${family} ${source.address} ${destination.address} ${source.port} ${destination.port}\r\n`,
    'latin1',
  );
}

/** A v2 header: PROXY with the two endpoints (same family), or LOCAL without; for tests and tools. */
export function encodeProxyV2(
  source?: ProxyEndpoint,
  destination?: ProxyEndpoint,
  tlvs: Uint8Array = new Uint8Array(),
): Uint8Array {
  const local = source === undefined || destination === undefined;
  const family = local ? 0 : isIP(source.address) === 4 ? 1 : 2;
  const addressBytes = family === 1 ? 12 : family === 2 ? 36 : 0;
  const out = new Uint8Array(16 + addressBytes + tlvs.length);
  const v = new DataView(out.buffer);
  out.set(V2_SIGNATURE, 0);
  out[12] = 0x20 | (local ? 0 : 1);
  out[13] = local ? 0 : (family << 4) | 1;
  v.setUint16(14, addressBytes + tlvs.length);
  if (!local) {
    const write = (address: string, at: number) => {
      if (family === 1) out.set(address.split('.').map(Number), at);
      else out.set(ipv6Bytes(address), at);
    };
    const size = family === 1 ? 4 : 16;
    write(source.address, 16);
    write(destination.address, 16 + size);
    v.setUint16(16 + 2 * size, source.port);
    v.setUint16(18 + 2 * size, destination.port);
  }
  out.set(tlvs, 16 + addressBytes);
  return out;
}

/** The 16 bytes of an IPv6 address in text (with `::` and an embedded IPv4 tail allowed). */
function ipv6Bytes(address: string): Uint8Array {
  let text = address;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)?.[1];
  if (v4 !== undefined) {
    const [a, b, c, d] = v4.split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, -v4.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::') as [string, string | undefined];
  const h = head === '' ? [] : head.split(':');
  const t = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    const n = Number.parseInt(g, 16);
    out[2 * i] = n >> 8;
    out[2 * i + 1] = n & 0xff;
  });
  return out;
}
