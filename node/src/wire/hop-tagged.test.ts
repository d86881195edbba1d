/**
 * Tests for the hop-tagged container (docs/wire-format.md §1, §6.4): wrap and unwrap are inverse,
 * unwrap refuses what is not a container holding a message with its own codes, throws nothing but
 * KitError on untrusted bytes, and agrees with classify.ts on what is one.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectKitError, kitErrorCode, mutatedBytes, onlyKitErrors } from '../../test/kit-errors.js';
import { entryShape } from './classify.js';
import { securityFrames } from './fixtures/security-messages.js';
import {
  HOP_TAGGED_OVERHEAD,
  HOP_TAGGED_TYPE,
  MAX_HOP_TAGGED_BYTES,
  unwrapHopTagged,
  wrapHopTagged,
} from './hop-tagged.js';
import { MAX_FRAME_BYTES } from './message.js';

const tagArb = fc.uint8Array({ minLength: 4, maxLength: 4 });
/** Bytes that start like a v1 message (b0 bits 7–6 are 01). */
const messageLikeArb = fc
  .uint8Array({ minLength: 1, maxLength: 300 })
  .map((b) => Uint8Array.from(b, (x, i) => (i === 0 ? 0x40 | (x & 0x3f) : x)));

const H1 = securityFrames().find((f) => f.id === 'H1')?.frame as Uint8Array;

describe('wrapHopTagged and unwrapHopTagged', () => {
  it('are inverse on any tag and any message-like frame (property)', () => {
    fc.assert(
      fc.property(tagArb, messageLikeArb, (tag, frame) => {
        const container = wrapHopTagged(tag, frame);
        expect(container[0]).toBe(HOP_TAGGED_TYPE);
        expect(container.length).toBe(frame.length + HOP_TAGGED_OVERHEAD);
        const out = unwrapHopTagged(container);
        expect(out.tag).toEqual(tag);
        expect(out.frame).toEqual(frame);
        // Copies: the caller may keep them after reusing its receive buffer.
        container.fill(0);
        expect(out.frame).toEqual(frame);
        expect(out.tag).toEqual(tag);
      }),
      { numRuns: 2_000 },
    );
  });

  it('lays out 0x03, the tag, then the frame', () => {
    const out = wrapHopTagged(Uint8Array.of(1, 2, 3, 4), Uint8Array.of(0x54, 0x01));
    expect(Buffer.from(out).toString('hex')).toBe('03010203045401');
  });

  it('refuses a tag that is not 4 bytes: a programmer error', () => {
    expect(() => wrapHopTagged(new Uint8Array(3), Uint8Array.of(0x54))).toThrow(RangeError);
    expect(() => wrapHopTagged(new Uint8Array(8), Uint8Array.of(0x54))).toThrow(RangeError);
  });

  it('the largest container holds the largest message', () => {
    expect(MAX_HOP_TAGGED_BYTES).toBe(MAX_FRAME_BYTES + 5);
  });
});

describe('unwrapHopTagged on untrusted bytes', () => {
  it('refuses a container with no frame after the tag as truncated', () => {
    for (let n = 1; n <= HOP_TAGGED_OVERHEAD; n++) {
      expectKitError(() => unwrapHopTagged(H1.subarray(0, n)), 'WIRE_TRUNCATED');
    }
  });

  it('refuses other b0s and an inside that is not a message as malformed', () => {
    expectKitError(() => unwrapHopTagged(new Uint8Array()), 'WIRE_MALFORMED');
    expectKitError(() => unwrapHopTagged(H1.subarray(HOP_TAGGED_OVERHEAD)), 'WIRE_MALFORMED');
    const tag = [9, 9, 9, 9];
    for (const inner of [0x01, 0x02, 0x03, 0x80, 0xc0, 0x00, 0x3f]) {
      expectKitError(() => unwrapHopTagged(Uint8Array.of(0x03, ...tag, inner, 0x01)), 'WIRE_MALFORMED');
    }
  });

  it('throws nothing but KitError on random bytes (10,000 cases)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (b) => onlyKitErrors(() => unwrapHopTagged(b))),
      { numRuns: 10_000 },
    );
  });

  it('throws nothing but KitError on random and mutated containers (20,000 cases)', () => {
    const containerArb = fc.oneof(
      fc.uint8Array({ maxLength: 64 }).map((b) => Uint8Array.from([HOP_TAGGED_TYPE, ...b])),
      mutatedBytes(fc.constant(H1)),
    );
    fc.assert(
      fc.property(containerArb, (b) => onlyKitErrors(() => unwrapHopTagged(b))),
      { numRuns: 20_000 },
    );
  });

  it('agrees with entryShape: hop-tagged exactly when it unwraps (property)', () => {
    const containerArb = fc
      .uint8Array({ maxLength: 12 })
      .map((b) => Uint8Array.from([HOP_TAGGED_TYPE, ...b]));
    fc.assert(
      fc.property(containerArb, (b) => {
        const unwraps = kitErrorCode(() => unwrapHopTagged(b)) === undefined;
        const shape = entryShape(b);
        expect(shape === 'hop-tagged').toBe(unwraps);
        if (!unwraps) expect(shape).toMatchObject({ reason: 'malformed' });
      }),
      { numRuns: 5_000 },
    );
  });
});
