/**
 * Tests for the shared-field batch (docs/wire-format.md §8.1): every frame comes back byte for
 * byte (unknown flag bits, raw entries and all), what messages share is written once, the batch
 * is shorter than the plain one for the day's traffic, the reference messages still verify after
 * the trip, and unpacking untrusted bytes throws nothing but KitError.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectKitError, mutatedBytes, onlyKitErrors } from '../../test/kit-errors.js';
import { fixtureKeyRing } from '../../test/reference-keys.js';
import { verifyFrame } from '../crypto/authenticate.js';
import { ReplayWindow } from '../crypto/replay-window.js';
import { packBatches, unpackBatch } from './batch.js';
import { referenceFrames } from './fixtures/reference-frames.js';
import { fragmentFrame } from './fragment.js';
import { decodeFrame } from './message.js';
import { packSharedFields, unpackSharedFields } from './shared-batch.js';
import { pushVarint } from './varint.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const sortedHex = (frames: readonly Uint8Array[]) => frames.map(hex).sort();

interface Env {
  b0: number;
  kind: number;
  flags: number;
  origin: number;
  seq: number;
  time: number;
  lifetime: number;
  dest: number;
}

/** A v1 message frame from raw envelope fields and body-and-trailer bytes. */
function frameOf(e: Env, rest: Uint8Array): Uint8Array {
  const out = [e.b0, e.kind];
  if (e.b0 & 1) pushVarint(out, e.flags);
  pushVarint(out, e.origin);
  pushVarint(out, e.seq);
  out.push(e.time >>> 24, (e.time >>> 16) & 0xff, (e.time >>> 8) & 0xff, e.time & 0xff);
  pushVarint(out, e.lifetime);
  pushVarint(out, e.dest);
  return Uint8Array.from([...out, ...rest]);
}

const u32 = fc.integer({ min: 0, max: 0xffff_ffff });
/** Envelopes with fields often shared and often far apart, so both spellings are drawn. */
const env: fc.Arbitrary<Env> = fc.record({
  b0: fc.integer({ min: 0x40, max: 0x6f }),
  kind: fc.oneof(fc.constantFrom(1, 3, 8), fc.nat(255)),
  flags: fc.oneof(fc.constantFrom(1, 2, 3), fc.integer({ min: 1, max: 0xffff_ffff })),
  origin: fc.oneof(fc.integer({ min: 2101, max: 2130 }), u32),
  seq: fc.oneof(fc.integer({ min: 100, max: 140 }), u32),
  time: fc.oneof(fc.integer({ min: 79_903_000, max: 79_990_000 }), u32),
  lifetime: fc.oneof(fc.constantFrom(60, 1440), fc.integer({ min: 1, max: 1 << 20 })),
  dest: fc.oneof(fc.constant(0), fc.nat(2 ** 40)),
});
const message = fc.tuple(env, fc.uint8Array({ maxLength: 40 })).map(([e, rest]) => frameOf(e, rest));
/** Entries a batch may hold that are not rebuilt: fragments and hop-tagged containers. */
const raw = fc.oneof(
  fc.uint8Array({ minLength: 7, maxLength: 30 }).map((b) => Uint8Array.from([0x01, ...b])),
  fc.uint8Array({ minLength: 5, maxLength: 30 }).map((b) => Uint8Array.from([0x03, ...b])),
);

describe('packSharedFields / unpackSharedFields', () => {
  it('gives back every frame byte for byte, messages and raw entries alike', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof({ weight: 4, arbitrary: message }, raw), { minLength: 1, maxLength: 12 }),
        (frames) => {
          const packed = packSharedFields(frames);
          expect(packed[0]).toBe(0x04);
          expect(sortedHex(unpackSharedFields(packed))).toEqual(sortedHex(frames));
          expect(sortedHex(unpackBatch(packed))).toEqual(sortedHex(frames));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('keeps unknown flag bits and a message with none', () => {
    const e: Env = { b0: 0x59, kind: 8, flags: 0x86, origin: 5001, seq: 7, time: 1, lifetime: 60, dest: 0 };
    const frames = [frameOf(e, Uint8Array.of(1, 2)), frameOf({ ...e, b0: 0x58 }, Uint8Array.of(3))];
    expect(sortedHex(unpackSharedFields(packSharedFields(frames)))).toEqual(sortedHex(frames));
  });

  it('writes what messages share once: a position after one of the same team costs 5 bytes besides its body', () => {
    const e: Env = {
      b0: 0x59,
      kind: 8,
      flags: 2,
      origin: 5001,
      seq: 700,
      time: 79_903_200,
      lifetime: 60,
      dest: 0,
    };
    const body = new Uint8Array(17).fill(9);
    const one = packSharedFields([frameOf(e, body)]);
    const two = packSharedFields([frameOf(e, body), frameOf({ ...e, seq: 701, time: e.time + 1200 }, body)]);
    // H, seq step, time step (2 bytes), body length; the plain batch repeats 15 envelope bytes.
    expect(two.length - one.length).toBe(5 + body.length);
  });

  it('is shorter than the plain batch for the reference messages, which verify after the trip', () => {
    const refs = referenceFrames().filter((f) => ['R1', 'R3', 'R4', 'R5'].includes(f.id));
    const frames = refs.map((f) => f.frame);
    const shared = packSharedFields(frames);
    const plain = packBatches(
      frames.map((frame) => ({ frame, priority: 1 as const })),
      4000,
    ).containers[0] as Uint8Array;
    expect(shared.length).toBeLessThan(plain.length);
    const replay = new ReplayWindow();
    for (const frame of unpackBatch(shared)) {
      const decoded = decodeFrame(frame);
      const ref = refs.find((r) => hex(r.frame) === hex(frame));
      expect(ref).toBeDefined();
      expect(() =>
        verifyFrame(decoded, {
          keys: fixtureKeyRing,
          replay,
          now: decoded.envelope.createdAt,
          clockTrusted: true,
        }),
      ).not.toThrow();
    }
  });

  it('carries fragments whole, as raw entries', () => {
    const r2 = referenceFrames().find((f) => f.id === 'R2')?.frame as Uint8Array;
    const pieces = fragmentFrame(r2, 64);
    expect(sortedHex(unpackSharedFields(packSharedFields(pieces)))).toEqual(sortedHex(pieces));
  });

  it('refuses to pack nothing, an empty frame or a batch', () => {
    expect(() => packSharedFields([])).toThrow(RangeError);
    expect(() => packSharedFields([new Uint8Array(0)])).toThrow(RangeError);
    expect(() => packSharedFields([Uint8Array.of(0x02, 1, 0x40)])).toThrow(RangeError);
    expect(() => packSharedFields([Uint8Array.of(0x04, 0x80, 1, 0x40)])).toThrow(RangeError);
  });

  it.each([
    ['no entry', [0x04], 'WIRE_TRUNCATED'],
    ['a reserved bit', [0x04, 0x40 | 0x01, 0x50], 'WIRE_MALFORMED'],
    ['a first message without its b0', [0x04, 0x08, 60, 0, 0, 0], 'WIRE_MALFORMED'],
    ['flags written where b0 has none', [0x04, 0x07, 0x50, 3, 5, 60, 0, 0, 0], 'WIRE_MALFORMED'],
    ['flags announced but zero', [0x04, 0x0f, 0x51, 3, 0, 60, 0, 0, 0], 'WIRE_MALFORMED'],
    ['an origin step below zero', [0x04, 0x2b, 0x50, 3, 60, 0x01, 0, 0, 0], 'WIRE_MALFORMED'],
    ['a raw entry of length 0', [0x04, 0x80, 0], 'WIRE_MALFORMED'],
    ['a batch inside', [0x04, 0x80, 2, 0x02, 0x40], 'WIRE_MALFORMED'],
    ['a body past the end', [0x04, 0x0b, 0x50, 3, 60, 0, 0, 5, 1], 'WIRE_TRUNCATED'],
  ])('rejects %s', (_, input, code) => {
    expectKitError(() => unpackSharedFields(Uint8Array.from(input)), code);
  });

  const valid = fc
    .array(fc.oneof({ weight: 4, arbitrary: message }, raw), { minLength: 1, maxLength: 6 })
    .map(packSharedFields);

  it('throws nothing but KitError on random and mutated bytes', () => {
    const random = fc.uint8Array({ maxLength: 64 }).map((b) => Uint8Array.from([0x04, ...b]));
    fc.assert(
      fc.property(fc.oneof(random, mutatedBytes(valid)), (input) =>
        onlyKitErrors(() => {
          if (input[0] === 0x04) unpackSharedFields(input);
        }),
      ),
      { numRuns: 20_000 },
    );
  });
});
