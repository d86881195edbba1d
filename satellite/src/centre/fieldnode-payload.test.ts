/**
 * Tests for fieldnode-payload.ts (docs/wire-format.md §1, §7, §8): fieldnode frames of every
 * framing pass; other traffic a RockBLOCK account may carry does not, including text that looks
 * like a v1 envelope.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { packBatches } from '../../../node/src/wire/batch.js';
import { referenceFrames } from '../../../node/src/wire/fixtures/reference-frames.js';
import { fragmentFrame } from '../../../node/src/wire/fragment.js';
import { whyNotFieldnode } from './fieldnode-payload.js';

const frames = referenceFrames().map((r) => r.frame);
const text = (s: string) => new TextEncoder().encode(s);

describe('whyNotFieldnode', () => {
  it('passes every reference message, its fragments, and batches of them', () => {
    for (const frame of frames) expect(whyNotFieldnode(frame)).toBeUndefined();
    const long = frames.reduce((a, b) => (a.length >= b.length ? a : b));
    for (const fragment of fragmentFrame(long, 40)) expect(whyNotFieldnode(fragment)).toBeUndefined();
    const { containers } = packBatches(
      frames.map((frame, i) => ({ frame, priority: (i % 4) as 0 | 1 | 2 | 3 })),
      340,
    );
    expect(containers.some((c) => c[0] === 0x02)).toBe(true);
    for (const c of containers) expect(whyNotFieldnode(c)).toBeUndefined();
  });

  it('refuses text, including text whose first bytes parse as a v1 envelope', () => {
    expect(whyNotFieldnode(text('There are 10 types of people who understand binary'))).toBe('malformed');
    expect(whyNotFieldnode(text('hello'))).toBe('malformed');
    expect(whyNotFieldnode(text('(R) 11:28:34 / 63 52.374374,8 38.429081'))).toBe('reserved-container');
  });

  it('names empty, later-version, reserved-container and truncated payloads', () => {
    expect(whyNotFieldnode(new Uint8Array())).toBe('empty');
    expect(whyNotFieldnode(Uint8Array.of(0x80, 1, 2, 3))).toBe('unsupported-version');
    expect(whyNotFieldnode(Uint8Array.of(0x03, 1, 2, 3))).toBe('reserved-container');
    const frame = frames[0] as Uint8Array;
    expect(whyNotFieldnode(frame.subarray(0, frame.length - 1))).toBe('malformed');
    expect(whyNotFieldnode(Uint8Array.of(0x02))).toBe('malformed');
    expect(whyNotFieldnode(Uint8Array.of(0x02, 3, 0x80, 1, 2))).toBe('unsupported-version');
    expect(whyNotFieldnode(Uint8Array.of(0x01, 1, 2, 3, 4, 0, 1))).toBe('malformed'); // no chunk
  });

  it('never throws, whatever the bytes (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        const why = whyNotFieldnode(bytes);
        expect(why === undefined || typeof why === 'string').toBe(true);
      }),
      { numRuns: 10_000 },
    );
  });
});
