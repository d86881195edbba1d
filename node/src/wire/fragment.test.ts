/**
 * Tests for fragmentation and reassembly (docs/wire-format.md §Fragmentation): round trips under
 * shuffling and duplication, header checks, the memory bounds, and fuzzing of untrusted input.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectKitError, mutatedBytes } from '../../test/kit-errors.js';
import { isKitError, type KitErrorCode } from '../base/errors.js';
import {
  FRAGMENT_HEADER_BYTES,
  fragmentFrame,
  MAX_REASSEMBLED_BYTES,
  parseFragment,
  Reassembler,
  type ReassemblyResult,
} from './fragment.js';

/** Deterministic shuffle from a seed, so fast-check can shrink the order. */
function shuffle<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed >>> 0;
  for (let i = out.length - 1; i > 0; i--) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

function bytes(length: number, fill = 0): Uint8Array {
  return new Uint8Array(length).map((_, i) => (i * 31 + fill) & 0xff);
}

/** A fragment container built by hand, for forged and inconsistent input. */
function forged(digest: number[], index: number, count: number, chunk: Uint8Array): Uint8Array {
  return Uint8Array.from([0x01, ...digest, index, count, ...chunk]);
}

/** An mtu and a frame of up to 2000 bytes (most longer than the mtu), always fragmentable. */
const mtuAndFrame = fc.integer({ min: 16, max: 300 }).chain((mtu) =>
  fc.tuple(
    fc.constant(mtu),
    fc
      .integer({ min: 1, max: Math.min(2000, 255 * (mtu - FRAGMENT_HEADER_BYTES)) })
      .chain((length) => fc.uint8Array({ minLength: length, maxLength: length })),
  ),
);

describe('fragmentFrame', () => {
  it('returns a frame that fits unchanged', () => {
    const frame = bytes(100);
    const out = fragmentFrame(frame, 100);
    expect(out).toHaveLength(1);
    expect(out[0]).toBe(frame);
  });

  it('splits one byte over the mtu into a full chunk and a short last chunk', () => {
    const frame = bytes(101);
    const [first, last, ...rest] = fragmentFrame(frame, 100);
    expect(rest).toHaveLength(0);
    const digest = createHash('sha256').update(frame).digest().subarray(0, 4);
    expect(first?.subarray(0, 7)).toEqual(Uint8Array.from([0x01, ...digest, 0, 2]));
    expect(first).toHaveLength(100);
    expect(last?.subarray(0, 7)).toEqual(Uint8Array.from([0x01, ...digest, 1, 2]));
    expect(last?.subarray(7)).toEqual(frame.subarray(93));
  });

  it('keeps every fragment within the mtu, all but the last exactly full', () => {
    fc.assert(
      fc.property(mtuAndFrame, ([mtu, frame]) => {
        const out = fragmentFrame(frame, mtu);
        if (frame.length <= mtu) {
          expect(out).toEqual([frame]);
          return;
        }
        const count = Math.ceil(frame.length / (mtu - FRAGMENT_HEADER_BYTES));
        expect(out).toHaveLength(count);
        out.forEach((fragment, index) => {
          expect(fragment.length).toBeLessThanOrEqual(mtu);
          if (index < count - 1) expect(fragment.length).toBe(mtu);
          const parsed = parseFragment(fragment);
          expect([parsed.index, parsed.count]).toEqual([index, count]);
        });
      }),
    );
  });

  it('refuses a bad mtu, too many fragments and over-large frames', () => {
    expect(() => fragmentFrame(bytes(10), 15)).toThrow(RangeError);
    expect(() => fragmentFrame(bytes(10), 20.5)).toThrow(RangeError);
    expect(fragmentFrame(bytes(255 * 9), 16)).toHaveLength(255);
    expect(() => fragmentFrame(bytes(255 * 9 + 1), 16)).toThrow(RangeError);
    expect(fragmentFrame(bytes(MAX_REASSEMBLED_BYTES), 200)).toHaveLength(85);
    expect(() => fragmentFrame(bytes(MAX_REASSEMBLED_BYTES + 1), 200)).toThrow(RangeError);
  });
});

describe('parseFragment', () => {
  it('reads the header and gives the chunk', () => {
    const parsed = parseFragment(Uint8Array.from([0x01, 1, 2, 3, 4, 5, 9, 0xaa, 0xbb]));
    expect(parsed).toEqual({
      digest: Uint8Array.from([1, 2, 3, 4]),
      index: 5,
      count: 9,
      chunk: Uint8Array.from([0xaa, 0xbb]),
    });
  });

  it.each<[string, number[], KitErrorCode]>([
    ['no bytes', [], 'WIRE_TRUNCATED'],
    ['a short header', [0x01, 1, 2, 3, 4, 0], 'WIRE_TRUNCATED'],
    ['no chunk', [0x01, 1, 2, 3, 4, 0, 2], 'WIRE_TRUNCATED'],
    ['a batch type byte', [0x02, 1, 2, 3, 4, 0, 2, 9], 'WIRE_MALFORMED'],
    ['a message type byte', [0x41, 1, 2, 3, 4, 0, 2, 9], 'WIRE_MALFORMED'],
    ['count 1', [0x01, 1, 2, 3, 4, 0, 1, 9], 'WIRE_FIELD_INVALID'],
    ['index = count', [0x01, 1, 2, 3, 4, 2, 2, 9], 'WIRE_FIELD_INVALID'],
  ])('rejects %s', (_, input, code) => {
    expectKitError(() => parseFragment(Uint8Array.from(input)), code);
  });

  const valid = fc
    .tuple(
      fc.uint8Array({ minLength: 4, maxLength: 4 }),
      fc.integer({ min: 2, max: 255 }),
      fc.nat(),
      fc.uint8Array({ minLength: 1, maxLength: 40 }),
    )
    .map(([digest, count, index, chunk]) =>
      Uint8Array.from([0x01, ...digest, index % count, count, ...chunk]),
    );

  function parsesOrKitError(input: Uint8Array): void {
    try {
      const { digest, index, count, chunk } = parseFragment(input);
      expect(input[0]).toBe(0x01);
      expect(digest).toHaveLength(4);
      expect(index).toBeLessThan(count);
      expect(count).toBeGreaterThanOrEqual(2);
      expect(chunk.length).toBe(input.length - 7);
    } catch (err) {
      if (!isKitError(err)) throw err;
    }
  }

  it('throws nothing but KitError on random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), parsesOrKitError), { numRuns: 20_000 });
  });

  it('throws nothing but KitError on mutated fragments', () => {
    fc.assert(fc.property(mutatedBytes(valid), parsesOrKitError), { numRuns: 20_000 });
  });
});

describe('Reassembler', () => {
  it('reassembles shuffled and duplicated fragments of random frames and mtus', () => {
    fc.assert(
      fc.property(
        mtuAndFrame,
        fc.array(fc.nat(), { maxLength: 20 }),
        fc.integer(),
        ([mtu, frame], duplicates, seed) => {
          const fragments = fragmentFrame(frame, mtu);
          fc.pre(fragments.length > 1);
          const n = fragments.length;
          const deliveries = shuffle(
            [...fragments.keys(), ...duplicates.map((d) => d % n)].map((index) => ({ index })),
            seed,
          );
          // Model: a partial completes when every index has been seen; a fragment arriving after
          // completion starts a new partial.
          const reassembler = new Reassembler();
          let seen = new Set<number>();
          let completions = 0;
          for (const { index } of deliveries) {
            const result = reassembler.accept(fragments[index] as Uint8Array, 'peer');
            if (seen.has(index)) {
              expect(result).toEqual({ status: 'duplicate' });
              continue;
            }
            seen.add(index);
            if (seen.size === n) {
              expect(result.status).toBe('complete');
              expect((result as { frame: Uint8Array }).frame).toEqual(frame);
              completions++;
              seen = new Set();
            } else {
              expect(result).toEqual({ status: 'pending', have: seen.size, count: n });
            }
          }
          expect(completions).toBeGreaterThanOrEqual(1);
          expect(reassembler.pendingCount).toBe(seen.size === 0 ? 0 : 1);
        },
      ),
    );
  });

  it.each([
    ['in order', false],
    ['last first', true],
  ])('reassembles the largest allowed frame, %s', (_, reverse) => {
    const frame = bytes(MAX_REASSEMBLED_BYTES, 7);
    // 85 fragments: 84 chunks of 193 bytes and one of 177, though 85 × 193 is over the bound.
    const fragments = fragmentFrame(frame, 200);
    if (reverse) fragments.reverse();
    const reassembler = new Reassembler();
    let last: ReassemblyResult | undefined;
    for (const fragment of fragments) last = reassembler.accept(fragment);
    expect(last).toEqual({ status: 'complete', frame });
  });

  it('rebuilds a hop-tagged container whole, tag and all (docs/wire-format.md §7)', () => {
    const container = Uint8Array.from([0x03, 0xde, 0xad, 0xbe, 0xef, 0x54, ...bytes(300, 4)]);
    const fragments = fragmentFrame(container, 64);
    expect(fragments.length).toBeGreaterThan(1);
    const reassembler = new Reassembler();
    let last: ReassemblyResult | undefined;
    for (const fragment of fragments.reverse()) last = reassembler.accept(fragment);
    expect(last).toEqual({ status: 'complete', frame: container });
  });

  it('cuts and rebuilds the largest message in its hop-tagged container', () => {
    const container = bytes(MAX_REASSEMBLED_BYTES, 5);
    container[0] = 0x03;
    const reassembler = new Reassembler();
    let last: ReassemblyResult | undefined;
    for (const fragment of fragmentFrame(container, 237)) last = reassembler.accept(fragment);
    expect(last).toEqual({ status: 'complete', frame: container });
  });

  it('copies what it keeps, so the caller may reuse its receive buffer', () => {
    const frame = bytes(250, 3);
    const [first, ...rest] = fragmentFrame(frame, 100);
    const buffer = (first as Uint8Array).slice();
    const reassembler = new Reassembler();
    reassembler.accept(buffer);
    buffer.fill(0xee, 7);
    let last: ReassemblyResult | undefined;
    for (const fragment of rest) last = reassembler.accept(fragment);
    expect(last).toEqual({ status: 'complete', frame });
  });

  it('keeps the chunks of different sources apart', () => {
    const fragments = fragmentFrame(bytes(300), 107);
    const reassembler = new Reassembler();
    for (const fragment of fragments.slice(0, -1)) reassembler.accept(fragment, 'a');
    expect(reassembler.accept(fragments.at(-1) as Uint8Array, 'b').status).toBe('pending');
    expect(reassembler.pendingCount).toBe(2);
    expect(reassembler.accept(fragments.at(-1) as Uint8Array, 'a').status).toBe('complete');
  });

  it('rejects a corrupted chunk with FRAG_DIGEST_MISMATCH and drops the partial', () => {
    const frame = bytes(250);
    const fragments = fragmentFrame(frame, 100);
    const corrupt = (fragments[1] as Uint8Array).slice();
    corrupt[20] = (corrupt[20] as number) ^ 0x01;
    const reassembler = new Reassembler();
    reassembler.accept(fragments[0] as Uint8Array);
    reassembler.accept(corrupt);
    expectKitError(() => reassembler.accept(fragments[2] as Uint8Array), 'FRAG_DIGEST_MISMATCH');
    expect(reassembler.pendingCount).toBe(0);
    // The genuine fragments, sent again, still get through.
    const results = fragments.map((fragment) => reassembler.accept(fragment));
    expect(results.at(-1)).toEqual({ status: 'complete', frame });
  });

  it('rejects an inconsistent count with FRAG_INVALID and keeps the genuine partial', () => {
    const frame = bytes(250);
    const fragments = fragmentFrame(frame, 100);
    const reassembler = new Reassembler();
    reassembler.accept(fragments[0] as Uint8Array);
    const wrongCount = (fragments[1] as Uint8Array).slice();
    wrongCount[6] = 4;
    expectKitError(() => reassembler.accept(wrongCount), 'FRAG_INVALID');
    reassembler.accept(fragments[1] as Uint8Array);
    expect(reassembler.accept(fragments[2] as Uint8Array)).toEqual({ status: 'complete', frame });
  });

  it('rejects chunk sizes that disagree with FRAG_INVALID', () => {
    const d = [9, 9, 9, 9];
    const reassembler = new Reassembler();
    reassembler.accept(forged(d, 0, 3, bytes(20)));
    expectKitError(() => reassembler.accept(forged(d, 1, 3, bytes(19))), 'FRAG_INVALID');
    expectKitError(() => reassembler.accept(forged(d, 2, 3, bytes(21))), 'FRAG_INVALID');
    // The last chunk first, then a middle chunk shorter than it.
    const other = new Reassembler();
    other.accept(forged(d, 2, 3, bytes(10)));
    expectKitError(() => other.accept(forged(d, 0, 3, bytes(9))), 'FRAG_INVALID');
    expect(other.pendingCount).toBe(1);
  });

  it('refuses to hold a message over MAX_REASSEMBLED_BYTES (FRAG_LIMIT), storing nothing', () => {
    const reassembler = new Reassembler();
    // 254 × 65 + 1 = 16511: over the bound whatever the last chunk is.
    expectKitError(() => reassembler.accept(forged([1, 1, 1, 1], 0, 255, bytes(65))), 'FRAG_LIMIT');
    // Only the last chunk seen: every other chunk is at least as long, so 255 × 65 = 16575.
    expectKitError(() => reassembler.accept(forged([2, 2, 2, 2], 254, 255, bytes(65))), 'FRAG_LIMIT');
    expect(reassembler.pendingCount).toBe(0);
    // 127 × 129 + 1 = 16384: may still fit, so it is held …
    reassembler.accept(forged([3, 3, 3, 3], 0, 128, bytes(129)));
    // … until a 7-byte last chunk makes it 16390, one over the largest hop-tagged container.
    expect(MAX_REASSEMBLED_BYTES).toBe(16_389);
    expectKitError(() => reassembler.accept(forged([3, 3, 3, 3], 127, 128, bytes(7))), 'FRAG_LIMIT');
    expect(reassembler.accept(forged([3, 3, 3, 3], 127, 128, bytes(6)))).toEqual({
      status: 'pending',
      have: 2,
      count: 128,
    });
    expect(reassembler.pendingCount).toBe(1);
  });

  it('holds at most maxPending partials, evicting the oldest', () => {
    const frames = [1, 2, 3, 4].map((fill) => bytes(200, fill));
    const fragments = frames.map((frame) => fragmentFrame(frame, 100));
    const reassembler = new Reassembler({ maxPending: 3 });
    for (const f of fragments) reassembler.accept(f[0] as Uint8Array);
    expect(reassembler.pendingCount).toBe(3);
    for (const f of fragments.slice(1)) {
      for (const fragment of f.slice(1)) reassembler.accept(fragment);
    }
    expect(reassembler.pendingCount).toBe(0);
    // The first message was evicted: its remaining fragments start over instead of completing.
    const rest = fragments[0]?.slice(1) ?? [];
    expect(rest.map((fragment) => reassembler.accept(fragment).status)).not.toContain('complete');
  });

  it('never exceeds maxPending under a flood of forged fragments, throwing only KitError', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 40 }), { maxLength: 200 }),
        fc.array(
          fc.record({
            d: fc.nat(40),
            index: fc.nat(4),
            count: fc.integer({ min: 2, max: 5 }),
            len: fc.integer({ min: 1, max: 30 }),
          }),
          { maxLength: 200 },
        ),
        (junk, headers) => {
          const reassembler = new Reassembler({ maxPending: 4 });
          const inputs = [
            ...junk,
            ...headers.map(({ d, index, count, len }) =>
              forged([d, 0, 0, 0], index % count, count, bytes(len, d)),
            ),
          ];
          for (const input of inputs) {
            try {
              reassembler.accept(input, String(input.length % 3));
            } catch (err) {
              if (!isKitError(err)) throw err;
            }
            expect(reassembler.pendingCount).toBeLessThanOrEqual(4);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('drops partials older than maxAgeMs, on expire() and on each accept', () => {
    let now = 1_000;
    const reassembler = new Reassembler({ maxAgeMs: 60_000, now: () => now });
    const a = fragmentFrame(bytes(200, 1), 100);
    const b = fragmentFrame(bytes(200, 2), 100);
    reassembler.accept(a[0] as Uint8Array);
    now += 60_000;
    expect(reassembler.expire()).toBe(0); // exactly maxAgeMs old is not yet older
    reassembler.accept(b[0] as Uint8Array);
    now += 1;
    expect(reassembler.expire()).toBe(1);
    expect(reassembler.pendingCount).toBe(1);
    now += 60_000;
    // The accept itself expires b before taking the next fragment of a.
    expect(reassembler.accept(a[1] as Uint8Array)).toEqual({ status: 'pending', have: 1, count: 3 });
    expect(reassembler.pendingCount).toBe(1);
  });

  it('rejects bad options', () => {
    expect(() => new Reassembler({ maxPending: 0 })).toThrow(RangeError);
    expect(() => new Reassembler({ maxAgeMs: 0 })).toThrow(RangeError);
  });
});
