import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isKitError } from '../../../node/src/base/errors.js';
import { decodeSbdrbBlock, encodeSbdrbBlock, sbdChecksum, withChecksum } from './sbd-checksum.js';

const hello = new TextEncoder().encode('hello');

describe('SBD checksum (§7.6 vectors)', () => {
  it('SBDWB: "hello" is followed by 02 14', () => {
    expect(Buffer.from(withChecksum(hello)).toString('hex')).toBe('68656c6c6f0214');
  });

  it('SBDRB: the block for "hello" is 00 05 68 65 6c 6c 6f 02 14 and decodes back', () => {
    const block = encodeSbdrbBlock(hello);
    expect(Buffer.from(block).toString('hex')).toBe('000568656c6c6f0214');
    expect(Buffer.from(decodeSbdrbBlock(Buffer.from('000568656c6c6f0214', 'hex'))).toString()).toBe('hello');
  });

  it('keeps only the low 16 bits of the sum', () => {
    // 340 bytes of 0xff sum to 86700 = 0x152ac; the checksum is 0x52ac.
    expect(sbdChecksum(new Uint8Array(340).fill(0xff))).toBe(0x52ac);
  });

  it('an empty MT buffer is 00 00 00 00', () => {
    expect(decodeSbdrbBlock(new Uint8Array(4))).toEqual(new Uint8Array(0));
  });

  it('a wrong checksum is SBD_CHECKSUM, a wrong length AT_MALFORMED', () => {
    const bad = Buffer.from('000568656c6c6f0215', 'hex');
    expect(() => decodeSbdrbBlock(bad)).toThrow(expect.objectContaining({ code: 'SBD_CHECKSUM' }));
    const short = Buffer.from('000668656c6c6f0214', 'hex');
    expect(() => decodeSbdrbBlock(short)).toThrow(expect.objectContaining({ code: 'AT_MALFORMED' }));
  });

  it('property: encode → decode round-trips any payload', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (p) => {
        expect(decodeSbdrbBlock(encodeSbdrbBlock(p))).toEqual(p);
      }),
    );
  });

  it('property: any bytes either decode to a consistent payload or fail with a typed error', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
        try {
          const p = decodeSbdrbBlock(b);
          expect(encodeSbdrbBlock(p)).toEqual(b);
        } catch (err) {
          expect(isKitError(err, 'AT_MALFORMED') || isKitError(err, 'SBD_CHECKSUM')).toBe(true);
        }
      }),
    );
  });

  it('property: flipping any single bit of a block is detected', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 270 }), fc.nat(), fc.nat(7), (p, at, bit) => {
        const block = encodeSbdrbBlock(p);
        const i = at % block.length;
        block[i] = (block[i] as number) ^ (1 << bit);
        expect(() => decodeSbdrbBlock(block)).toThrow();
      }),
    );
  });
});
