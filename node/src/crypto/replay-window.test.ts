/** Tests for replay-window.ts: table cases, a model-based property, persistence. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ReplayVerdict, ReplayWindow } from './replay-window.js';

/**
 * The window semantics stated plainly: remember every accepted sequence; a sequence is too old
 * when it is more than `size` below the highest accepted one.
 */
class ModelWindow {
  readonly #seen = new Map<number, { max: number; set: Set<number> }>();
  constructor(readonly size: number) {}

  check(origin: number, seq: number): ReplayVerdict {
    const s = this.#seen.get(origin);
    if (s === undefined || seq > s.max) return 'new';
    // Past the window nothing is remembered, seen or not.
    if (s.max - seq > this.size) return 'too-old';
    return s.set.has(seq) ? 'duplicate' : 'new';
  }

  accept(origin: number, seq: number): ReplayVerdict {
    const v = this.check(origin, seq);
    if (v === 'new') {
      const s = this.#seen.get(origin) ?? { max: seq, set: new Set<number>() };
      s.set.add(seq);
      s.max = Math.max(s.max, seq);
      this.#seen.set(origin, s);
    }
    return v;
  }
}

/**
 * Rows: what the case shows, window size, sequences accepted in order (each must be 'new'), then
 * checks as "sequence verdict" pairs.
 */
const table: [string, number, number[], string][] = [
  ['first sighting, top, the boundary', 64, [1000], '1001 new, 1000 duplicate, 936 new, 935 too-old'],
  ['late arrivals inside the window', 64, [1000, 936, 999], '936 duplicate, 999 duplicate, 998 new'],
  ['small steps keep what is inside', 64, [10, 12, 40, 73], '10 duplicate, 11 new, 12 duplicate'],
  ['and drop what falls out', 64, [10, 12, 40, 73, 75], '10 too-old, 12 duplicate, 73 duplicate'],
  ['bits carry across words', 64, [100, 80, 120], '80 duplicate, 81 new, 100 duplicate'],
  ['a jump of exactly size keeps the old top', 64, [100, 99, 164], '100 duplicate, 99 too-old'],
  ['a larger jump clears', 64, [100, 1_000_000], '999936 new, 999999 new, 999935 too-old'],
  ['the uint32 ends', 1024, [0, 0xffff_ffff], '4294967295 duplicate, 4294966271 new, 0 too-old'],
];

describe('ReplayWindow table', () => {
  it.each(table)('%s', (_, size, accepted, checks) => {
    const w = new ReplayWindow({ size });
    for (const seq of accepted) expect(w.accept(1, seq)).toBe('new');
    for (const [seq, verdict] of checks.split(', ').map((c) => c.split(' '))) {
      expect(w.check(1, Number(seq))).toBe(verdict);
      expect(w.check(2, Number(seq))).toBe('new'); // origins are kept apart
    }
  });

  it('check never records; accept records only what is new', () => {
    const w = new ReplayWindow({ size: 32 });
    expect(w.check(5, 100)).toBe('new');
    expect(w.check(5, 100)).toBe('new');
    expect(w.accept(5, 100)).toBe('new');
    expect(w.accept(5, 100)).toBe('duplicate');
    expect(w.accept(5, 67)).toBe('too-old');
    expect(w.check(5, 68)).toBe('new'); // the refused 67 did not move anything
  });

  it('refuses arguments outside their ranges', () => {
    const w = new ReplayWindow();
    for (const [origin, seq] of [
      [1, 2 ** 32],
      [1, -1],
      [1, 1.5],
      [-1, 1],
    ] as const) {
      expect(() => w.check(origin, seq)).toThrow(RangeError);
    }
    expect(() => new ReplayWindow({ size: 0 })).toThrow(RangeError);
    expect(() => new ReplayWindow({ size: 100 })).toThrow(RangeError);
    expect(new ReplayWindow().size).toBe(1024);
  });
});

/**
 * Operations as each origin's sender would produce them: a cursor that mostly creeps forward
 * (so the bitmap shifts by every amount, across word boundaries), sequences drawn from just
 * below it (late and repeated deliveries, up to past the window's edge), and rare far jumps that
 * also reach the top of the uint32 range. Everything is relative to the cursor so that fast-check
 * shrinks each step on its own; absolute sequence numbers shrink in tiny coupled steps, for ever.
 */
const rawOp = fc.record({
  accept: fc.boolean(),
  origin: fc.integer({ min: 0, max: 2 }),
  advance: fc.oneof(
    { weight: 12, arbitrary: fc.integer({ min: 0, max: 40 }) },
    { weight: 2, arbitrary: fc.integer({ min: 0, max: 200 }) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 0xffff_ffff }) },
  ),
  back: fc.integer({ min: 0, max: 140 }),
});
type Op = { accept: boolean; origin: number; seq: number };

function toOps(raw: (typeof rawOp extends fc.Arbitrary<infer T> ? T : never)[]): Op[] {
  const cursor = [0, 0, 0];
  return raw.map(({ accept, origin, advance, back }) => {
    const c = Math.min((cursor[origin] as number) + advance, 0xffff_ffff);
    cursor[origin] = c;
    return { accept, origin, seq: Math.max(0, c - back) };
  });
}
const ops = fc.array(rawOp, { minLength: 1, maxLength: 300, size: 'max' }).map(toOps);

type Checker = { check(origin: number, seq: number): ReplayVerdict };

/**
 * Compares two windows on every sequence from just past the window's edge up to the highest seen,
 * for each origin; returns the first difference as text.
 */
function sweepDiff(a: Checker, b: Checker, list: Op[], size: number): string | undefined {
  for (let origin = 0; origin <= 2; origin++) {
    const top = Math.max(0, ...list.filter((o) => o.origin === origin).map((o) => o.seq));
    for (let seq = Math.max(0, top - size - 2); seq <= top; seq++) {
      const [x, y] = [a.check(origin, seq), b.check(origin, seq)];
      if (x !== y) return `check(${origin}, ${seq}): ${x} vs ${y}`;
    }
  }
  return undefined;
}

/** Applies the same operations to both; returns the first differing verdict as text. */
function opsDiff(a: Checker & { accept: Checker['check'] }, b: typeof a, list: Op[]): string | undefined {
  for (const [i, o] of list.entries()) {
    const x = o.accept ? a.accept(o.origin, o.seq) : a.check(o.origin, o.seq);
    const y = o.accept ? b.accept(o.origin, o.seq) : b.check(o.origin, o.seq);
    if (x !== y) return `op ${i} ${o.accept ? 'accept' : 'check'}(${o.origin}, ${o.seq}): ${x} vs ${y}`;
  }
  return undefined;
}

describe('ReplayWindow property', () => {
  it('agrees with the set-based model on every operation and on the whole window after', () => {
    fc.assert(
      fc.property(fc.constantFrom(32, 64, 96), ops, (size, list) => {
        const [w, m] = [new ReplayWindow({ size }), new ModelWindow(size)];
        expect(opsDiff(w, m, list) ?? sweepDiff(w, m, list, size)).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });

  it('survives toJSON/fromJSON (through a JSON string) with the same behaviour', () => {
    fc.assert(
      fc.property(ops, ops, (before, after) => {
        const w = new ReplayWindow({ size: 64 });
        for (const o of before) w.accept(o.origin, o.seq);
        const restored = ReplayWindow.fromJSON(JSON.parse(JSON.stringify(w)));
        expect(restored.size).toBe(64);
        expect(sweepDiff(restored, w, before, 64) ?? opsDiff(restored, w, after)).toBeUndefined();
      }),
      { numRuns: 100 },
    );
  });
});

describe('ReplayWindow.fromJSON', () => {
  const valid = () => {
    const w = new ReplayWindow({ size: 32 });
    w.accept(4, 9);
    return JSON.parse(JSON.stringify(w.toJSON()));
  };

  it('accepts its own output', () => {
    expect(ReplayWindow.fromJSON(valid()).check(4, 9)).toBe('duplicate');
  });

  it('rejects junk with TypeError', () => {
    const origins = (...list: unknown[]) => ({ ...valid(), origins: list });
    const cases: unknown[] = [
      null,
      42,
      [],
      { ...valid(), version: 2 },
      { ...valid(), size: 33 },
      { ...valid(), origins: {} },
      origins(null),
      origins({ origin: -1, top: 0, bits: [0] }),
      origins({ origin: 1, top: 2 ** 32, bits: [0] }),
      origins({ origin: 1, top: 0, bits: [0, 0] }),
      origins({ origin: 1, top: 0, bits: [1.5] }),
      origins({ origin: 1, top: 0, bits: ['0'] }),
      origins({ origin: 1, top: 0, bits: [0] }, { origin: 1, top: 5, bits: [0] }),
    ];
    for (const c of cases) expect(() => ReplayWindow.fromJSON(c)).toThrow(TypeError);
  });
});
