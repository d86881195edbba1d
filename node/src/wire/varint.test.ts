import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kitErrorCode } from '../../test/kit-errors.js';
import { ByteReader, encodeVarint, varintLength } from './varint.js';

describe('varints', () => {
  it('known encodings', () => {
    expect(Buffer.from(encodeVarint(0)).toString('hex')).toBe('00');
    expect(Buffer.from(encodeVarint(127)).toString('hex')).toBe('7f');
    expect(Buffer.from(encodeVarint(128)).toString('hex')).toBe('8001');
    expect(Buffer.from(encodeVarint(2107)).toString('hex')).toBe('bb10');
    expect(Buffer.from(encodeVarint(2 ** 32 - 1)).toString('hex')).toBe('ffffffff0f');
  });

  it('round-trips every safe integer, in the length varintLength says (property)', () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), (n) => {
        const bytes = encodeVarint(n);
        expect(bytes.length).toBe(varintLength(n));
        const reader = new ByteReader(bytes);
        expect(reader.varint('n')).toBe(n);
        expect(reader.remaining).toBe(0);
      }),
    );
  });

  it('refuses a redundant zero byte, an over-long varint, a value over its bound, and truncation', () => {
    expect(kitErrorCode(() => new ByteReader(Uint8Array.of(0x80, 0x00)).varint('x'))).toBe('WIRE_MALFORMED');
    expect(kitErrorCode(() => new ByteReader(new Uint8Array(9).fill(0x80)).varint('x'))).toBe(
      'WIRE_TOO_LARGE',
    );
    expect(kitErrorCode(() => new ByteReader(Uint8Array.of(0x81, 0x01)).varint('x', 128))).toBe(
      'WIRE_TOO_LARGE',
    );
    expect(kitErrorCode(() => new ByteReader(Uint8Array.of(0x81)).varint('x'))).toBe('WIRE_TRUNCATED');
  });

  it('the reader bounds every read by the bytes left', () => {
    const reader = new ByteReader(Uint8Array.of(1, 2, 3));
    expect(kitErrorCode(() => reader.u32be('t'))).toBe('WIRE_TRUNCATED');
    expect(kitErrorCode(() => reader.take(4, 't'))).toBe('WIRE_TRUNCATED');
    expect(Array.from(reader.take(3, 't'))).toEqual([1, 2, 3]);
    expect(kitErrorCode(() => reader.u8('t'))).toBe('WIRE_TRUNCATED');
  });
});
