import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isAreaCode } from '../../wire/field-codecs.js';
import {
  areaCode,
  areaContains,
  areaLevel,
  fullAreaCode,
  isChildArea,
  parentArea,
  readAreaCode,
} from './area-code.js';

const COUNTY = 430121;
const TOWNSHIP = 430121101;
const VILLAGE = 430121101201;

describe('readAreaCode', () => {
  it('reads the short form and the full 12-digit form, as numbers or text, to the short form', () => {
    for (const [given, code] of [
      [VILLAGE, VILLAGE],
      ['430121101201', VILLAGE],
      [TOWNSHIP, TOWNSHIP],
      ['430121101000', TOWNSHIP],
      [430121101000, TOWNSHIP],
      [COUNTY, COUNTY],
      ['430121000000', COUNTY],
      ['430100', 430100],
      ['430000000000', 430000],
      [' 430121 ', COUNTY],
    ] as const) {
      expect(readAreaCode(given), String(given)).toEqual({ ok: true, code });
    }
  });

  it('says what is wrong with what is not an area code', () => {
    const problem = (v: unknown) => {
      const r = readAreaCode(v);
      return r.ok ? 'ok' : r.problem;
    };
    expect(problem(43012)).toBe('5 digits; an area code has 6 (county), 9 (township) or 12 (village)');
    expect(problem('43012110120x')).toBe('only digits');
    expect(problem(4301.21)).toBe('not a whole number');
    expect(problem(-430121)).toBe('not a whole number');
    expect(problem(null)).toBe('expected a 6, 9 or 12 digit number');
    expect(problem('990121')).toBe('99 is not a province of GB/T 2260');
    expect(problem('430021')).toBe('county 21 under no city (digits 3–4 are 00)');
    expect(problem('430121000')).toBe('township 000: write the 6-digit code');
    expect(problem('430121000201')).toBe('village 201 under township 000');
  });

  it('gives only codes the wire takes, and the same code from both forms (property)', () => {
    const code = fc
      .tuple(
        fc.constantFrom(11, 43, 44, 65, 82),
        fc.integer({ min: 1, max: 99 }),
        fc.integer({ min: 1, max: 99 }),
        fc.integer({ min: 0, max: 999 }),
        fc.integer({ min: 0, max: 999 }),
      )
      .map(([p, c, k, t, v]) => {
        const six = `${p}${pad(c, 2)}${pad(k, 2)}`;
        if (t === 0) return six;
        return v === 0 ? `${six}${pad(t, 3)}` : `${six}${pad(t, 3)}${pad(v, 3)}`;
      });
    fc.assert(
      fc.property(code, (text) => {
        const read = readAreaCode(text);
        expect(read).toEqual({ ok: true, code: Number(text) });
        expect(isAreaCode(Number(text))).toBe(true);
        expect(readAreaCode(fullAreaCode(Number(text)))).toEqual(read);
      }),
    );
  });

  it('never throws, whatever it is given (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.double(), fc.integer(), fc.anything()), (v) => {
        const r = readAreaCode(v);
        if (r.ok) expect(isAreaCode(r.code)).toBe(true);
      }),
    );
  });
});

describe('levels and the tree', () => {
  it('names the level by the code', () => {
    expect([430000, 430100, COUNTY, TOWNSHIP, VILLAGE].map(areaLevel)).toEqual([
      'province',
      'city',
      'county',
      'township',
      'village',
    ]);
  });

  it('goes up one level at a time, to the province', () => {
    const chain: number[] = [];
    for (let a: number | undefined = VILLAGE; a !== undefined; a = parentArea(a)) chain.push(a);
    expect(chain).toEqual([VILLAGE, TOWNSHIP, COUNTY, 430100, 430000]);
    // A township directly under a city with no counties (东莞): its parent is the city.
    expect(parentArea(441900003)).toBe(441900);
    expect(isChildArea(VILLAGE, TOWNSHIP)).toBe(true);
    expect(isChildArea(VILLAGE, COUNTY)).toBe(false);
  });

  it('contains what lies within, itself included, and nothing beside it', () => {
    expect(areaContains(COUNTY, VILLAGE)).toBe(true);
    expect(areaContains(TOWNSHIP, VILLAGE)).toBe(true);
    expect(areaContains(VILLAGE, VILLAGE)).toBe(true);
    expect(areaContains(430000, VILLAGE)).toBe(true);
    expect(areaContains(430100, COUNTY)).toBe(true);
    expect(areaContains(VILLAGE, TOWNSHIP)).toBe(false);
    expect(areaContains(430121101202, VILLAGE)).toBe(false);
    expect(areaContains(430122, VILLAGE)).toBe(false);
    // 43012 is a prefix of both; a text prefix test would say the county holds 430122's village.
    expect(areaContains(COUNTY, 430122101201)).toBe(false);
    // A city holds its counties: its code's 6 digits are not a prefix of theirs.
    expect(areaContains(441900, 441900003)).toBe(true);
  });

  it('agrees with the parent chain (property)', () => {
    const village = fc
      .tuple(
        fc.integer({ min: 1, max: 99 }),
        fc.integer({ min: 1, max: 99 }),
        fc.integer({ min: 1, max: 999 }),
      )
      .map(([k, t, v]) => Number(`4301${pad(k, 2)}${pad(t, 3)}${pad(v, 3)}`));
    fc.assert(
      fc.property(village, village, (a, b) => {
        const ancestors = new Set<number>();
        for (let x: number | undefined = a; x !== undefined; x = parentArea(x)) ancestors.add(x);
        for (let x: number | undefined = b; x !== undefined; x = parentArea(x))
          expect(areaContains(x, a)).toBe(ancestors.has(x));
      }),
    );
  });

  it('refuses to make a code of what is not one', () => {
    expect(areaCode('430121101000')).toBe(TOWNSHIP);
    expect(() => areaCode('12')).toThrow(RangeError);
  });
});

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}
