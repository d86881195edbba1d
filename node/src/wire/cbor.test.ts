import { describe, expect, it } from 'vitest';
import { kitErrorCode } from '../../test/kit-errors.js';
import { decodeSingle, encodeItems, scanItem } from './cbor.js';

const bytes = (hex: string) => Buffer.from(hex, 'hex');

describe('strict CBOR', () => {
  it('encodes integers in shortest form, including past 2^32 (cbor-x alone writes a float there)', () => {
    expect(Buffer.from(encodeItems([2 ** 32])).toString('hex')).toBe('1b0000000100000000');
    expect(Buffer.from(encodeItems([430121101201])).toString('hex')).toBe('1b0000006425372791');
    expect(decodeSingle(encodeItems([430121101201]))).toBe(430121101201);
    expect(Buffer.from(encodeItems([24, -25, 'a', [1]])).toString('hex')).toBe('181838186161' + '8101');
  });

  it('refuses floats and unsafe integers on encode (programmer errors)', () => {
    expect(() => encodeItems([1.5])).toThrow(TypeError);
    expect(() => encodeItems([2 ** 53])).toThrow(TypeError);
  });

  it('refuses non-shortest heads, indefinite lengths, reserved simple values and bad UTF-8', () => {
    expect(kitErrorCode(() => decodeSingle(bytes('1817')))).toBe('WIRE_MALFORMED'); // 23 in two bytes
    expect(kitErrorCode(() => decodeSingle(bytes('190017')))).toBe('WIRE_MALFORMED');
    expect(kitErrorCode(() => decodeSingle(bytes('9fff')))).toBe('WIRE_MALFORMED'); // indefinite array
    expect(kitErrorCode(() => decodeSingle(bytes('f0')))).toBe('WIRE_MALFORMED'); // simple 16
    expect(kitErrorCode(() => decodeSingle(bytes('62c328')))).toBe('WIRE_MALFORMED'); // invalid UTF-8
    expect(kitErrorCode(() => decodeSingle(bytes('1b0020000000000000')))).toBe('WIRE_TOO_LARGE'); // 2^53
  });

  it('bounds lengths and counts by the bytes left, and nesting by depth', () => {
    expect(kitErrorCode(() => decodeSingle(bytes('5a7fffffff00')))).toBe('WIRE_TRUNCATED'); // 2 GiB string
    expect(kitErrorCode(() => decodeSingle(bytes('9b000000010000000000')))).toBe('WIRE_TRUNCATED'); // 2^32 items
    expect(kitErrorCode(() => decodeSingle(bytes(`${'81'.repeat(10)}00`)))).toBe('WIRE_TOO_LARGE'); // depth 10
    expect(decodeSingle(bytes(`${'81'.repeat(8)}00`))).toEqual([[[[[[[[0]]]]]]]]);
  });

  it('rejects trailing bytes after a single item', () => {
    expect(kitErrorCode(() => decodeSingle(bytes('0000')))).toBe('WIRE_TRAILING');
  });

  it("skips a later version's floats, tags and maps but still checks them", () => {
    expect(scanItem(bytes('fb3ff8000000000000'), 0, 9)).toBe(9);
    expect(scanItem(bytes('c11a5f000000'), 0, 6)).toBe(6);
    expect(scanItem(bytes('a10102'), 0, 3)).toBe(3);
    expect(kitErrorCode(() => scanItem(bytes('a101'), 0, 2))).toBe('WIRE_TRUNCATED');
  });
});
