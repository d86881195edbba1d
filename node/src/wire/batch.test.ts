/**
 * Tests for batching (docs/wire-format.md §Batching): packing bounds, completeness, order and the
 * priority rule, bare single-item containers, and fuzzing of unpackBatch with untrusted bytes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectKitError, mutatedBytes } from '../../test/kit-errors.js';
import { isKitError, type KitErrorCode } from '../base/errors.js';
import { batchOverhead, packBatches, unpackBatch } from './batch.js';
import { fragmentFrame, Reassembler } from './fragment.js';
import { encodeVarint, varintLength } from './varint.js';

interface Item {
  id: number;
  frame: Uint8Array;
  priority: 0 | 1 | 2 | 3;
}

/** A message frame (b0 = 01xxxxxx) of `length` bytes. */
function message(length: number, fill = 0): Uint8Array {
  const frame = new Uint8Array(length).fill(fill);
  frame[0] = 0x40;
  return frame;
}

function item(id: number, length: number, priority: Item['priority']): Item {
  return { id, frame: message(length, id), priority };
}

/** A batch container written out by hand from its entries. */
function batchOf(entries: readonly Uint8Array[]): Uint8Array {
  const parts = entries.flatMap((entry) => [...encodeVarint(entry.length), ...entry]);
  return Uint8Array.from([0x02, ...parts]);
}

/** Entry bytes of a container built from `frames` (bare when alone). */
function containerSize(frames: readonly Uint8Array[]): number {
  const lengths = frames.map((frame) => frame.length);
  return lengths.reduce((a, b) => a + b, 0) + batchOverhead(lengths);
}

/** Message or fragment frames (b0 0x40–0x7f or 0x01) of 1–120 bytes, with priorities. */
const items = fc
  .array(
    fc.record({
      frame: fc.uint8Array({ minLength: 1, maxLength: 120 }),
      fragment: fc.boolean(),
      priority: fc.constantFrom<Item['priority']>(0, 1, 2, 3),
    }),
    { maxLength: 40 },
  )
  .map((records) =>
    records.map(({ frame, fragment, priority }, id): Item => {
      const copy = frame.slice();
      copy[0] = fragment ? 0x01 : 0x40 | ((copy[0] as number) & 0x3f);
      return { id, frame: copy, priority };
    }),
  );

const capacity = fc.integer({ min: 1, max: 340 });

describe('packBatches', () => {
  it('puts small frames together and sends a lone frame bare', () => {
    const [a, b, c] = [item(1, 20, 1), item(2, 20, 1), item(3, 20, 1)];
    const { containers, packed, leftover } = packBatches([a, b, c] as Item[], 50);
    expect(packed).toEqual([[a, b], [c]]);
    expect(containers[0]).toEqual(batchOf([a?.frame, b?.frame] as Uint8Array[]));
    expect(containers[0]).toHaveLength(1 + 21 + 21);
    expect(containers[1]).toBe(c?.frame);
    expect(leftover).toEqual([]);
  });

  it('takes P0 first, then the rest in input order, first fit', () => {
    const a = item(1, 30, 1);
    const b = item(2, 30, 0);
    const c = item(3, 10, 2);
    const d = item(4, 200, 3);
    const { packed, leftover } = packBatches([a, b, c, d], 50);
    // b opens container 0; a does not fit beside it (1 + 31 + 31 > 50); c does (1 + 31 + 11).
    expect(packed).toEqual([[b, c], [a]]);
    expect(leftover).toEqual([d]);
  });

  it('keeps a frame of exactly capacity bare, and one byte more as leftover', () => {
    const exact = item(1, 50, 0);
    const over = item(2, 51, 0);
    const { containers, leftover } = packBatches([exact, over], 50);
    expect(containers).toEqual([exact.frame]);
    expect(leftover).toEqual([over]);
  });

  it('refuses nested batches, empty frames and a bad capacity', () => {
    expect(() => packBatches([{ frame: Uint8Array.of(0x02, 1, 0x40), priority: 0 }], 50)).toThrow(RangeError);
    expect(() => packBatches([{ frame: new Uint8Array(0), priority: 0 }], 50)).toThrow(RangeError);
    expect(() => packBatches([], 0)).toThrow(RangeError);
  });

  it('holds for random items: bounds, completeness, order, round trip, bare singles', () => {
    fc.assert(
      fc.property(items, capacity, (input, cap) => {
        const { containers, packed, leftover } = packBatches(input, cap);
        expect(containers).toHaveLength(packed.length);

        // Every item exactly once, and only the items too large alone are left over.
        const placed = [...packed.flat(), ...leftover];
        expect(placed).toHaveLength(input.length);
        expect(new Set(placed)).toEqual(new Set(input));
        for (const left of leftover) expect(left.frame.length).toBeGreaterThan(cap);

        const rank = (x: Item) => x.priority * 1000 + x.id;
        packed.forEach((group, i) => {
          const container = containers[i] as Uint8Array;
          expect(group.length).toBeGreaterThan(0);
          expect(container.length).toBeLessThanOrEqual(cap);
          expect(container.length).toBe(containerSize(group.map((x) => x.frame)));
          if (group.length === 1) expect(container).toBe(group[0]?.frame);
          else expect(container[0]).toBe(0x02);
          // Entries come back in order, priority first then input order.
          expect(unpackBatch(container)).toEqual(group.map((x) => x.frame));
          expect(group.map(rank)).toEqual(group.map(rank).sort((a, b) => a - b));
        });

        // The priority rule: an item in container j did not fit in any earlier container i even
        // without the items that rank after it; so no lower item took a place it could have had.
        packed.forEach((group, j) => {
          for (const x of group) {
            for (let i = 0; i < j; i++) {
              const before = (packed[i] as Item[]).filter((y) => rank(y) < rank(x));
              expect(containerSize([...before, x].map((y) => y.frame))).toBeGreaterThan(cap);
            }
          }
        });
      }),
      { numRuns: 2000 },
    );
  });

  it('packs fragments and messages that reassemble on the other side', () => {
    const big = message(500, 9);
    const small = [item(1, 10, 0), item(2, 12, 0)];
    const fragments = fragmentFrame(big, 100).map((frame) => ({ frame, priority: 2 as const }));
    const { containers, leftover } = packBatches([...fragments, ...small], 120);
    expect(leftover).toEqual([]);
    const reassembler = new Reassembler();
    const received: Uint8Array[] = [];
    for (const entry of containers.flatMap(unpackBatch)) {
      if (entry[0] !== 0x01) received.push(entry);
      else {
        const result = reassembler.accept(entry);
        if (result.status === 'complete') received.push(result.frame);
      }
    }
    expect(received).toEqual([small[0]?.frame, small[1]?.frame, big]);
  });
});

describe('batchOverhead', () => {
  it('is 0 alone, then the type byte and a varint per entry', () => {
    expect(batchOverhead([])).toBe(0);
    expect(batchOverhead([300])).toBe(0);
    expect(batchOverhead([10, 127])).toBe(3);
    expect(batchOverhead([10, 128, 300])).toBe(1 + 1 + 2 + 2);
  });
});

describe('unpackBatch', () => {
  it('returns a non-batch frame untouched', () => {
    for (const frame of [message(5), Uint8Array.of(0x01, 1, 2), Uint8Array.of(0x03), Uint8Array.of(0xc0)]) {
      const out = unpackBatch(frame);
      expect(out).toHaveLength(1);
      expect(out[0]).toBe(frame);
    }
  });

  it('takes hop-tagged containers as entries, beside messages and fragments', () => {
    const tagged = Uint8Array.from([0x03, 1, 2, 3, 4, ...message(20, 5)]);
    const fragment = Uint8Array.of(0x01, 9, 9, 9, 9, 0, 2, 7);
    const { containers } = packBatches(
      [tagged, message(10, 6), fragment].map((frame, id) => ({ id, frame, priority: 1 as const })),
      340,
    );
    expect(containers).toHaveLength(1);
    expect(unpackBatch(containers[0] as Uint8Array)).toEqual([tagged, message(10, 6), fragment]);
  });

  it('returns the entries as views into the container', () => {
    const container = batchOf([message(3, 1), message(130, 2)]);
    const entries = unpackBatch(container);
    expect(entries).toEqual([message(3, 1), message(130, 2)]);
    expect(entries[1]?.buffer).toBe(container.buffer);
    expect(entries[1]?.byteOffset).toBe(1 + 1 + 3 + 2);
  });

  it.each<[string, number[], KitErrorCode]>([
    ['no bytes', [], 'WIRE_TRUNCATED'],
    ['a batch with no entries', [0x02], 'WIRE_TRUNCATED'],
    ['an entry past the end', [0x02, 3, 0x40, 0x41], 'WIRE_TRUNCATED'],
    ['a length cut short', [0x02, 1, 0x40, 0x80], 'WIRE_TRUNCATED'],
    ['a zero-length entry', [0x02, 1, 0x40, 0], 'WIRE_MALFORMED'],
    ['a non-canonical length', [0x02, 0x81, 0x00, 0x40], 'WIRE_MALFORMED'],
    ['a batch inside a batch', [0x02, 3, 0x02, 1, 0x40], 'WIRE_MALFORMED'],
    [
      'a 9-byte length varint',
      [0x02, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01],
      'WIRE_TOO_LARGE',
    ],
  ])('rejects %s', (_, input, code) => {
    expectKitError(() => unpackBatch(Uint8Array.from(input)), code);
  });

  /** Either a valid unpack whose entries re-encode to the same bytes, or a KitError. */
  function unpacksOrKitError(input: Uint8Array): void {
    let entries: Uint8Array[];
    try {
      entries = unpackBatch(input);
    } catch (err) {
      if (!isKitError(err)) throw err;
      return;
    }
    if (input[0] === 0x04) return; // a shared-field batch: shared-batch.test.ts
    if (input[0] !== 0x02) {
      expect(entries).toEqual([input]);
      return;
    }
    for (const entry of entries) {
      expect(entry.length).toBeGreaterThan(0);
      expect(entry[0]).not.toBe(0x02);
    }
    expect(batchOf(entries)).toEqual(input);
  }

  const validBatch = fc
    .array(fc.uint8Array({ minLength: 1, maxLength: 140 }), { minLength: 1, maxLength: 5 })
    .map((frames) =>
      batchOf(frames.map((f) => Uint8Array.from([0x40 | ((f[0] as number) & 0x3f), ...f.subarray(1)]))),
    );

  it('throws nothing but KitError on random bytes', () => {
    // Half of them behind a batch type byte, so the entry parser sees random bytes too.
    const random = fc.oneof(
      fc.uint8Array({ maxLength: 64 }),
      fc.uint8Array({ maxLength: 64 }).map((b) => Uint8Array.from([0x02, ...b])),
    );
    fc.assert(fc.property(random, unpacksOrKitError), { numRuns: 20_000 });
  });

  it('throws nothing but KitError on mutated batches', () => {
    fc.assert(fc.property(mutatedBytes(validBatch), unpacksOrKitError), { numRuns: 20_000 });
  });

  it('agrees with varintLength on where entries start', () => {
    const frames = [message(127), message(128), message(1)];
    const container = batchOf(frames);
    expect(container).toHaveLength(1 + frames.reduce((n, f) => n + varintLength(f.length) + f.length, 0));
    expect(unpackBatch(container)).toEqual(frames);
  });
});
