/**
 * Tests for proxy-header.ts (docs/centre-doors.md §DirectIP behind a proxy): the examples of
 * HAProxy's specification, v1 and v2 parsed to their addresses, LOCAL and UNKNOWN without one,
 * every malformation refused, early refusal of bytes that cannot become a header; and, as
 * properties, arbitrary bytes throw nothing but DIRECTIP_PROXY_MALFORMED, headers round-trip
 * through their encoders, and every strict prefix of a header is merely incomplete.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isKitError } from '../../../node/src/base/errors.js';
import { canonicalIp } from './ip-address.js';
import {
  encodeProxyV1,
  encodeProxyV2,
  MAX_V1_LENGTH,
  MAX_V2_LENGTH,
  type ProxyEndpoint,
  parseProxyHeader,
  V2_SIGNATURE,
} from './proxy-header.js';

const latin1 = (s: string) => Uint8Array.from(Buffer.from(s, 'latin1'));
const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s/g, ''), 'hex'));
const SIG = Buffer.from(V2_SIGNATURE).toString('hex');

function refused(bytes: Uint8Array): string {
  try {
    parseProxyHeader(bytes);
  } catch (err) {
    if (isKitError(err, 'DIRECTIP_PROXY_MALFORMED')) return err.message;
    throw err;
  }
  throw new Error('not refused');
}

describe('parseProxyHeader: v1', () => {
  it('reads TCP4 and TCP6 lines, the message bytes after them untouched', () => {
    const bytes = latin1('PROXY TCP4 192.0.2.1 198.51.100.7 56324 10800\r\n\x01\x00\x38');
    expect(parseProxyHeader(bytes)).toEqual({
      complete: true,
      header: {
        version: 1,
        source: { address: '192.0.2.1', port: 56324 },
        destination: { address: '198.51.100.7', port: 10800 },
      },
      length: 47,
    });
    expect(parseProxyHeader(latin1('PROXY TCP6 2001:DB8:0:0::1 ::1 65535 0\r\n'))).toMatchObject({
      complete: true,
      header: { source: { address: '2001:db8::1', port: 65535 }, destination: { address: '::1', port: 0 } },
    });
    expect(parseProxyHeader(latin1('PROXY TCP6 ::ffff:192.0.2.1 ::1 1 2\r\n'))).toMatchObject({
      header: { source: { address: '192.0.2.1' } },
    });
  });

  it('reads UNKNOWN, with or without the rest of the line, as no client address', () => {
    for (const line of ['PROXY UNKNOWN\r\n', 'PROXY UNKNOWN ffff::1 ffff::2 1 2\r\n']) {
      expect(parseProxyHeader(latin1(line))).toEqual({
        complete: true,
        header: { version: 1 },
        length: line.length,
      });
    }
  });

  it('waits for the rest of a line, up to 107 bytes', () => {
    for (const part of [
      'P',
      'PROXY',
      'PROXY ',
      'PROXY TCP4 192.0.2.1 ',
      'PROXY TCP4 192.0.2.1 198.51.100.7 1 2\r',
    ]) {
      expect(parseProxyHeader(latin1(part))).toEqual({ complete: false });
    }
    expect(refused(latin1(`PROXY UNKNOWN ${'x'.repeat(MAX_V1_LENGTH)}`))).toMatch(/longer than 107/);
    const longest = `PROXY UNKNOWN ${'x'.repeat(MAX_V1_LENGTH - 16)}\r\n`;
    expect(longest.length).toBe(MAX_V1_LENGTH);
    expect(parseProxyHeader(latin1(longest))).toMatchObject({ complete: true, length: MAX_V1_LENGTH });
  });

  it('refuses every malformed line', () => {
    const bad = [
      'PROXY TCP4 192.0.2.1 198.51.100.7 1 2\n', // LF without CR
      'PROXY TCP4 192.0.2.1 198.51.100.7 1 2\rX\n', // CR not before LF
      'PROXY TCP5 192.0.2.1 198.51.100.7 1 2\r\n',
      'PROXY TCP4 192.0.2.1  198.51.100.7 1 2\r\n', // two spaces
      'PROXY TCP4 192.0.2.1 198.51.100.7 1\r\n',
      'PROXY TCP4 192.0.2.1 198.51.100.7 1 2 3\r\n',
      'PROXY TCP4 2001:db8::1 198.51.100.7 1 2\r\n', // family mismatch
      'PROXY TCP6 192.0.2.1 ::1 1 2\r\n',
      'PROXY TCP6 fe80::1%eth0 ::1 1 2\r\n', // zone id
      'PROXY TCP4 192.0.2.01 198.51.100.7 1 2\r\n',
      'PROXY TCP4 gateway.example 198.51.100.7 1 2\r\n',
      'PROXY TCP4 192.0.2.1 198.51.100.7 65536 2\r\n',
      'PROXY TCP4 192.0.2.1 198.51.100.7 01 2\r\n',
      'PROXY TCP4 192.0.2.1 198.51.100.7 -1 2\r\n',
      'PROXY TCP4 192.0.2.1 198.51.100.7 1 2\x00\r\n',
      'PROXY tcp4 192.0.2.1 198.51.100.7 1 2\r\n',
      'PROXY\r\n',
    ];
    for (const line of bad)
      expect(() => parseProxyHeader(latin1(line)), JSON.stringify(line)).toThrow(/PROXY header/);
  });

  it('refuses at once bytes that cannot begin a header: a DirectIP message without one', () => {
    expect(refused(hex('01 0038 01 001c'))).toMatch(/does not start with a PROXY protocol header/);
    expect(refused(latin1('PROXX'))).toMatch(/does not start/);
    expect(refused(latin1('GET / HTTP/1.1\r\n'))).toMatch(/does not start/);
    expect(parseProxyHeader(new Uint8Array())).toEqual({ complete: false });
  });
});

describe('parseProxyHeader: v2', () => {
  it('reads PROXY over TCP/IPv4, skipping TLVs, the message bytes after it untouched', () => {
    const header = hex(`${SIG} 21 11 0012 c0000201 c6336407 dc04 2a30 03 0003 abcdef 01 0038`);
    expect(parseProxyHeader(header)).toEqual({
      complete: true,
      header: {
        version: 2,
        source: { address: '192.0.2.1', port: 56324 },
        destination: { address: '198.51.100.7', port: 10800 },
      },
      length: 16 + 18,
    });
  });

  it('reads PROXY over TCP/IPv6', () => {
    const header = hex(
      `${SIG} 21 21 0024 20010db8000000000000000000000001 00000000000000000000ffffc0000201 0001 0002`,
    );
    expect(parseProxyHeader(header)).toMatchObject({
      complete: true,
      header: { source: { address: '2001:db8::1', port: 1 }, destination: { address: '192.0.2.1', port: 2 } },
      length: 52,
    });
  });

  it('reads LOCAL (a health check), UNSPEC and UNIX as no client address', () => {
    expect(parseProxyHeader(hex(`${SIG} 20 00 0000`))).toEqual({
      complete: true,
      header: { version: 2 },
      length: 16,
    });
    expect(parseProxyHeader(hex(`${SIG} 20 11 000c ${'00'.repeat(12)}`))).toEqual({
      complete: true,
      header: { version: 2 },
      length: 28,
    });
    expect(parseProxyHeader(hex(`${SIG} 21 00 0000`))).toMatchObject({ header: { version: 2 } });
    expect(parseProxyHeader(hex(`${SIG} 21 31 00d8 ${'00'.repeat(216)}`))).toEqual({
      complete: true,
      header: { version: 2 },
      length: 232,
    });
  });

  it('refuses every malformed header', () => {
    const bad: Array<[string, RegExp]> = [
      [`${SIG} 11 11 000c ${'00'.repeat(12)}`, /version 1, not 2/],
      [`${SIG} 22 11 000c ${'00'.repeat(12)}`, /command 2/],
      [`${SIG} 21 41 000c ${'00'.repeat(12)}`, /family/],
      [`${SIG} 21 13 000c ${'00'.repeat(12)}`, /family/],
      [`${SIG} 21 11 000b ${'00'.repeat(11)}`, /too short/],
      [`${SIG} 21 21 000c ${'00'.repeat(12)}`, /too short/],
      [`${SIG} 21 12 000c ${'00'.repeat(12)}`, /not STREAM/],
      [`${SIG} 21 10 000c ${'00'.repeat(12)}`, /not STREAM/],
      [`${SIG} 21 11 ${(MAX_V2_LENGTH + 1).toString(16).padStart(4, '0')}`, /over 2048/],
      ['0d0a0d0a000d0a515549540b', /does not start/],
    ];
    for (const [h, why] of bad) expect(refused(hex(h)), h).toMatch(why);
  });

  it('waits for the whole header and its TLVs', () => {
    const header = hex(`${SIG} 21 11 0012 c0000201 c6336407 dc04 2a30 03 0003 abcdef`);
    for (let n = 0; n < header.length; n++)
      expect(parseProxyHeader(header.subarray(0, n))).toEqual({ complete: false });
  });
});

const ipv4 = fc.ipV4();
const ipv6 = fc.ipV6();
const port = fc.integer({ min: 0, max: 65_535 });
const endpoints = fc
  .oneof(fc.tuple(ipv4, ipv4, port, port), fc.tuple(ipv6, ipv6, port, port))
  .map(([a, b, p, q]): [ProxyEndpoint, ProxyEndpoint] => [
    { address: a, port: p },
    { address: b, port: q },
  ]);

function encoded(version: 1 | 2, pair: [ProxyEndpoint, ProxyEndpoint] | null, tlvs: Uint8Array): Uint8Array {
  if (version === 1) return pair ? encodeProxyV1(...pair) : encodeProxyV1();
  return pair ? encodeProxyV2(pair[0], pair[1], tlvs) : encodeProxyV2(undefined, undefined, tlvs);
}

describe('parseProxyHeader: properties', () => {
  it('throws nothing but DIRECTIP_PROXY_MALFORMED for arbitrary bytes, and never reads past them', () => {
    const starts = fc.constantFrom(
      new Uint8Array(),
      latin1('PROXY '),
      latin1('PROXY TCP4 '),
      latin1('PROXY TCP6 '),
      V2_SIGNATURE,
      Uint8Array.of(...V2_SIGNATURE, 0x21, 0x11),
      Uint8Array.of(...V2_SIGNATURE, 0x21, 0x11, 0x00), // lengths 0..255: short address blocks
      Uint8Array.of(...V2_SIGNATURE, 0x21, 0x21, 0x00),
      Uint8Array.of(...V2_SIGNATURE, 0x21, 0x31, 0x00),
    );
    fc.assert(
      fc.property(starts, fc.uint8Array({ maxLength: 300 }), (start, tail) => {
        const bytes = Uint8Array.of(...start, ...tail);
        try {
          const read = parseProxyHeader(bytes);
          if (read.complete) {
            expect(read.length).toBeLessThanOrEqual(bytes.length);
            expect(parseProxyHeader(bytes.subarray(0, read.length))).toEqual(read);
          }
        } catch (err) {
          if (!isKitError(err, 'DIRECTIP_PROXY_MALFORMED')) throw err;
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('round-trips v1 and v2 headers, with TLVs and with the message bytes that follow', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(1 as const, 2 as const),
        fc.option(endpoints, { nil: null }),
        fc.uint8Array({ maxLength: 64 }),
        fc.uint8Array({ maxLength: 64 }),
        (version, pair, tlvs, after) => {
          const header = encoded(version, pair, tlvs);
          const read = parseProxyHeader(Uint8Array.of(...header, ...after));
          expect(read).toEqual({
            complete: true,
            length: header.length,
            header: {
              version,
              ...(pair
                ? {
                    source: { address: canonicalIp(pair[0].address), port: pair[0].port },
                    destination: { address: canonicalIp(pair[1].address), port: pair[1].port },
                  }
                : {}),
            },
          });
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('reads every strict prefix of a header as incomplete, never as an error', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(1 as const, 2 as const),
        fc.option(endpoints, { nil: null }),
        fc.uint8Array({ maxLength: 32 }),
        fc.nat(),
        (version, pair, tlvs, cut) => {
          const header = encoded(version, pair, tlvs);
          expect(parseProxyHeader(header.subarray(0, cut % header.length))).toEqual({ complete: false });
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('refuses any single changed byte of a v2 fixed part, or reads it as another valid header', () => {
    const header = encodeProxyV2({ address: '192.0.2.1', port: 1 }, { address: '192.0.2.2', port: 2 });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 15 }), fc.integer({ min: 1, max: 255 }), (at, delta) => {
        const changed = Uint8Array.from(header);
        changed[at] = ((changed[at] as number) + delta) & 0xff;
        try {
          const read = parseProxyHeader(changed);
          // Only the version/command, family or length bytes can change into something valid.
          expect(at).toBeGreaterThanOrEqual(12);
          if (read.complete) expect(read.length).toBeLessThanOrEqual(changed.length);
        } catch (err) {
          if (!isKitError(err, 'DIRECTIP_PROXY_MALFORMED')) throw err;
        }
      }),
    );
  });
});
