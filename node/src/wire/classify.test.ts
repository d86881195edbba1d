/**
 * Tests for classify.ts (docs/wire-format.md §1, §2, §7, §8): fieldnode frames of every framing
 * pass; other traffic a link may carry does not, including text that looks like a v1 envelope; the
 * pieces the core classifies with agree with the whole check.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KitError } from '../base/errors.js';
import { packBatches } from './batch.js';
import { entryShape, malformedVerdict, payloadVerdict, whyNotFieldnode } from './classify.js';
import { referenceFrames } from './fixtures/reference-frames.js';
import { securityFrames } from './fixtures/security-messages.js';
import { fragmentFrame } from './fragment.js';
import { HOP_TAGGED_OVERHEAD, MAX_HOP_TAGGED_BYTES, wrapHopTagged } from './hop-tagged.js';

const frames = referenceFrames().map((r) => r.frame);
const H1 = securityFrames().find((f) => f.id === 'H1')?.frame as Uint8Array;
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

  it('names empty, too large, later-version, reserved-container and truncated payloads', () => {
    expect(whyNotFieldnode(new Uint8Array())).toBe('empty');
    expect(whyNotFieldnode(new Uint8Array(MAX_HOP_TAGGED_BYTES + 1).fill(0x50))).toBe('too-large');
    expect(whyNotFieldnode(Uint8Array.of(0x80, 1, 2, 3))).toBe('unsupported-version');
    expect(whyNotFieldnode(Uint8Array.of(0x05, 1, 2, 3))).toBe('reserved-container');
    // 0x04 is the shared-field batch (docs/wire-format.md §8.1): these bytes do not parse as one.
    expect(whyNotFieldnode(Uint8Array.of(0x04, 1, 2, 3))).toBe('malformed');
    const frame = frames[0] as Uint8Array;
    expect(whyNotFieldnode(frame.subarray(0, frame.length - 1))).toBe('malformed');
    expect(whyNotFieldnode(Uint8Array.of(0x02))).toBe('malformed');
    expect(whyNotFieldnode(Uint8Array.of(0x02, 3, 0x80, 1, 2))).toBe('unsupported-version');
    expect(whyNotFieldnode(Uint8Array.of(0x01, 1, 2, 3, 4, 0, 1))).toBe('malformed'); // no chunk
  });

  it('passes hop-tagged containers: bare, in a batch, and cut into fragments', () => {
    expect(whyNotFieldnode(H1)).toBeUndefined();
    const tagged = frames.map((frame) => wrapHopTagged(Uint8Array.of(1, 2, 3, 4), frame));
    const { containers } = packBatches(
      tagged.map((frame) => ({ frame, priority: 1 as const })),
      340,
    );
    expect(containers.some((c) => c[0] === 0x02)).toBe(true);
    for (const c of containers) expect(whyNotFieldnode(c)).toBeUndefined();
    for (const fragment of fragmentFrame(H1, 20)) expect(whyNotFieldnode(fragment)).toBeUndefined();
  });

  it('refuses a hop-tagged container that is truncated or holds no message as malformed', () => {
    for (let n = 1; n <= HOP_TAGGED_OVERHEAD; n++)
      expect(whyNotFieldnode(H1.subarray(0, n))).toBe('malformed');
    expect(whyNotFieldnode(H1.subarray(0, H1.length - 1))).toBe('malformed'); // the message is cut
    const [fragment] = fragmentFrame(frames[1] as Uint8Array, 40);
    expect(whyNotFieldnode(wrapHopTagged(Uint8Array.of(1, 2, 3, 4), fragment as Uint8Array))).toBe(
      'malformed',
    );
    expect(whyNotFieldnode(wrapHopTagged(Uint8Array.of(1, 2, 3, 4), H1))).toBe('malformed');
    expect(whyNotFieldnode(Uint8Array.of(0x03, 1, 2, 3, 4, 0x80, 0))).toBe('malformed');
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

describe('the pieces the core classifies with', () => {
  it('payloadVerdict names only empty and too-large payloads', () => {
    expect(payloadVerdict(new Uint8Array())).toMatchObject({ reason: 'empty' });
    expect(payloadVerdict(new Uint8Array(MAX_HOP_TAGGED_BYTES + 1))).toMatchObject({ reason: 'too-large' });
    // The largest message fits in its container, and the container fits on a link.
    expect(payloadVerdict(new Uint8Array(MAX_HOP_TAGGED_BYTES))).toBeUndefined();
    expect(payloadVerdict(text('hello'))).toBeUndefined();
  });

  it('entryShape reads the first byte only', () => {
    expect(entryShape(frames[0] as Uint8Array)).toBe('message');
    expect(entryShape(Uint8Array.of(0x01))).toBe('fragment');
    expect(entryShape(Uint8Array.of(0xc0))).toMatchObject({ reason: 'unsupported-version' });
    expect(entryShape(Uint8Array.of(0x3f))).toMatchObject({ reason: 'reserved-container' });
    expect(entryShape(Uint8Array.of(0x02))).toMatchObject({ reason: 'malformed' });
    expect(entryShape(H1)).toBe('hop-tagged');
    expect(entryShape(Uint8Array.of(0x03, 1, 2, 3, 4))).toMatchObject({ reason: 'malformed' });
    expect(entryShape(Uint8Array.of(0x03, 1, 2, 3, 4, 0x01))).toMatchObject({ reason: 'malformed' });
    expect(entryShape(Uint8Array.of(0x04))).toMatchObject({ reason: 'reserved-container' });
    expect(entryShape(new Uint8Array())).toMatchObject({ reason: 'malformed' });
  });

  it('malformedVerdict takes the parsers’ shape errors and nothing else', () => {
    expect(malformedVerdict(new KitError('WIRE_TRUNCATED', 'short'))).toEqual({
      reason: 'malformed',
      detail: 'short',
    });
    expect(malformedVerdict(new KitError('WIRE_FIELD_INVALID', 'x'))).toMatchObject({ reason: 'malformed' });
    expect(malformedVerdict(new KitError('WIRE_UNSUPPORTED_VERSION', 'kind 99'))).toBeUndefined();
    expect(malformedVerdict(new KitError('AUTH_TAG_INVALID', 'tag'))).toBeUndefined();
    expect(malformedVerdict(new KitError('FRAG_DIGEST_MISMATCH', 'digest'))).toBeUndefined();
    expect(malformedVerdict(new Error('a bug'))).toBeUndefined();
  });
});
