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

describe('ReplayWindow table', () => {
  it('classifies new, duplicate and too-old at the boundary', () => {
    const w = new ReplayWindow({ size: 64 });
    expect(w.accept(1, 1000)).toBe('new');
    expect(w.accept(1, 1000)).toBe('duplicate');
    expect(w.check(1, 1000 - 64)).toBe('new'); // the oldest sequence still in the window
    expect(w.check(1, 1000 - 65)).toBe('too-old');
    expect(w.accept(1, 1000 - 64)).toBe('new');
    expect(w.accept(1, 1000 - 64)).toBe('duplicate');
    expect(w.accept(1, 999)).toBe('new');
    expect(w.accept(1, 999)).toBe('duplicate');
    expect(w.accept(1, 0)).toBe('too-old');
  });

  it('check does not record', () => {
    const w = new ReplayWindow();
    expect(w.check(5, 10)).toBe('new');
    expect(w.check(5, 10)).toBe('new');
    expect(w.accept(5, 10)).toBe('new');
    expect(w.check(5, 10)).toBe('duplicate');
  });

  it('keeps origins apart', () => {
    const w = new ReplayWindow();
    expect(w.accept(1, 7)).toBe('new');
    expect(w.accept(2, 7)).toBe('new');
    expect(w.accept(1, 7)).toBe('duplicate');
  });

  it('moves the window forward and keeps what is still inside it', () => {
    const w = new ReplayWindow({ size: 64 });
    for (const s of [10, 12, 40]) w.accept(1, s);
    expect(w.accept(1, 73)).toBe('new'); // 10 is now 63 below the top
    expect(w.check(1, 10)).toBe('duplicate');
    expect(w.check(1, 11)).toBe('new');
    expect(w.check(1, 12)).toBe('duplicate');
    expect(w.check(1, 40)).toBe('duplicate');
    expect(w.accept(1, 75)).toBe('new'); // 10 is now 65 below: out
    expect(w.check(1, 10)).toBe('too-old');
    expect(w.check(1, 12)).toBe('duplicate');
    expect(w.check(1, 73)).toBe('duplicate');
  });

  it('carries bits across bitmap words when it shifts', () => {
    const w = new ReplayWindow({ size: 64 });
    w.accept(1, 100);
    w.accept(1, 80); // bit 19 of word 0
    expect(w.accept(1, 120)).toBe('new'); // shift by 20: now bit 39, in word 1
    expect(w.check(1, 80)).toBe('duplicate');
    expect(w.check(1, 100)).toBe('duplicate');
    expect(w.check(1, 81)).toBe('new');
  });

  it('a jump of exactly the window keeps the old top; a larger jump clears', () => {
    const w = new ReplayWindow({ size: 64 });
    w.accept(1, 100);
    w.accept(1, 99);
    expect(w.accept(1, 164)).toBe('new');
    expect(w.check(1, 100)).toBe('duplicate');
    expect(w.check(1, 99)).toBe('too-old');
    expect(w.accept(1, 1_000_000)).toBe('new');
    for (let s = 1_000_000 - 64; s < 1_000_000; s++) expect(w.check(1, s)).toBe('new');
    expect(w.check(1, 164)).toBe('too-old');
  });

  it('handles the ends of the uint32 range and refuses values outside it', () => {
    const w = new ReplayWindow();
    expect(w.accept(1, 0)).toBe('new');
    expect(w.accept(1, 0xffff_ffff)).toBe('new');
    expect(w.accept(1, 0xffff_ffff)).toBe('duplicate');
    expect(w.check(1, 0)).toBe('too-old');
    expect(() => w.check(1, 2 ** 32)).toThrow(RangeError);
    expect(() => w.check(1, -1)).toThrow(RangeError);
    expect(() => w.check(1, 1.5)).toThrow(RangeError);
    expect(() => w.check(-1, 1)).toThrow(RangeError);
  });

  it('requires a positive multiple of 32 as size', () => {
    expect(() => new ReplayWindow({ size: 0 })).toThrow(RangeError);
    expect(() => new ReplayWindow({ size: 100 })).toThrow(RangeError);
    expect(new ReplayWindow().size).toBe(1024);
  });
});

/**
 * Operations as each origin's sender would produce them: a cursor that mostly creeps forward
 * (so the bitmap shifts by every amount, across word boundaries), sequences drawn from just
 * below it (late and repeated deliveries, up to past the window's edge), and rare far jumps.
 */
const rawOp = fc.record({
  accept: fc.boolean(),
  origin: fc.integer({ min: 0, max: 2 }),
  advance: fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min: 0, max: 40 }) },
    fc.integer({ min: 0, max: 200 }),
  ),
  back: fc.integer({ min: 0, max: 140 }),
  far: fc.option(fc.integer({ min: 0, max: 0xffff_ffff }), { freq: 40 }),
});
type Op = { accept: boolean; origin: number; seq: number };

function toOps(raw: (typeof rawOp extends fc.Arbitrary<infer T> ? T : never)[]): Op[] {
  const cursor = [0, 0, 0];
  return raw.map(({ accept, origin, advance, back, far }) => {
    const c = far ?? Math.min((cursor[origin] as number) + advance, 0xffff_ffff);
    cursor[origin] = c;
    return { accept, origin, seq: Math.max(0, c - back) };
  });
}
const ops = fc.array(rawOp, { minLength: 1, maxLength: 300, size: 'max' }).map(toOps);

/** Every sequence from just past the window's edge up to the highest seen, for each origin. */
function sweep(w: { check(o: number, s: number): ReplayVerdict }, list: Op[], size: number): ReplayVerdict[] {
  const out: ReplayVerdict[] = [];
  for (let origin = 0; origin <= 2; origin++) {
    const top = Math.max(0, ...list.filter((o) => o.origin === origin).map((o) => o.seq));
    for (let seq = Math.max(0, top - size - 2); seq <= top; seq++) out.push(w.check(origin, seq));
  }
  return out;
}

describe('ReplayWindow property', () => {
  it('agrees with the set-based model on every operation and on the whole window after', () => {
    fc.assert(
      fc.property(fc.constantFrom(32, 64, 96), ops, (size, list) => {
        const w = new ReplayWindow({ size });
        const m = new ModelWindow(size);
        for (const o of list) {
          if (o.accept) expect(w.accept(o.origin, o.seq)).toBe(m.accept(o.origin, o.seq));
          else expect(w.check(o.origin, o.seq)).toBe(m.check(o.origin, o.seq));
        }
        expect(sweep(w, list, size)).toEqual(sweep(m, list, size));
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
        expect(sweep(restored, before, 64)).toEqual(sweep(w, before, 64));
        for (const o of after) expect(restored.accept(o.origin, o.seq)).toBe(w.accept(o.origin, o.seq));
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
    const cases: unknown[] = [
      null,
      42,
      [],
      { ...valid(), version: 2 },
      { ...valid(), size: 33 },
      { ...valid(), origins: {} },
      { ...valid(), origins: [null] },
      { ...valid(), origins: [{ origin: -1, top: 0, bits: [0] }] },
      { ...valid(), origins: [{ origin: 1, top: 2 ** 32, bits: [0] }] },
      { ...valid(), origins: [{ origin: 1, top: 0, bits: [0, 0] }] },
      { ...valid(), origins: [{ origin: 1, top: 0, bits: [1.5] }] },
      { ...valid(), origins: [{ origin: 1, top: 0, bits: ['0'] }] },
      {
        ...valid(),
        origins: [
          { origin: 1, top: 0, bits: [0] },
          { origin: 1, top: 5, bits: [0] },
        ],
      },
    ];
    for (const c of cases) expect(() => ReplayWindow.fromJSON(c)).toThrow(TypeError);
  });
});
