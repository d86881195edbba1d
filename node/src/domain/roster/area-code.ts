/**
 * Area codes (docs/domain-model.md §Areas; docs/domain.md §Areas and codes; docs/wire-format.md
 * §3.4): China's administrative division codes, read, checked and compared.
 *
 * The full statistical code has 12 digits: province 2, city 2, county 2 (GB/T 2260), township 3,
 * village 3 (GB/T 10114). fieldnode keeps an area in the wire's short form, as the configuration's
 * `node.area` does: a number of 6 digits (a GB/T 2260 division: province, city or county), 9 (a
 * township) or 12 (a village), the trailing zero groups of the full form dropped. Both forms are
 * read; the short form is what comes out, so a code from the roster compares equal to the same
 * area in a message or in `node.area`.
 */

/** An area in the short form: 6, 9 or 12 digits. */
export type AreaCode = number;

export type AreaLevel = 'province' | 'city' | 'county' | 'township' | 'village';

/**
 * The first two digits of every province-level division of GB/T 2260 (the 34 of the national
 * standard: 31 provinces, autonomous regions and municipalities, Taiwan, Hong Kong and Macao).
 */
const PROVINCES = new Set([
  11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61,
  62, 63, 64, 65, 71, 81, 82,
]);

/** How many leading digits of the full 12-digit code name an area of each level. */
const PREFIX: Readonly<Record<AreaLevel, number>> = {
  province: 2,
  city: 4,
  county: 6,
  township: 9,
  village: 12,
};

export type AreaCodeReading = { ok: true; code: AreaCode } | { ok: false; problem: string };

/**
 * Reads an area code given as a number or as text, in the short form (6, 9 or 12 digits) or the
 * full one (12 digits, trailing groups zero), and says exactly what is wrong when it is not one.
 */
export function readAreaCode(value: unknown): AreaCodeReading {
  let digits: string;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0) return bad('not a whole number');
    digits = String(value);
  } else if (typeof value === 'string') {
    digits = value.trim();
    if (!/^[0-9]+$/.test(digits)) return bad('only digits');
  } else {
    return bad('expected a 6, 9 or 12 digit number');
  }
  if (digits.length !== 6 && digits.length !== 9 && digits.length !== 12)
    return bad(`${digits.length} digits; an area code has 6 (county), 9 (township) or 12 (village)`);
  const province = Number(digits.slice(0, 2));
  if (!PROVINCES.has(province)) return bad(`${digits.slice(0, 2)} is not a province of GB/T 2260`);
  const city = digits.slice(2, 4);
  const county = digits.slice(4, 6);
  if (city === '00' && county !== '00') return bad(`county ${county} under no city (digits 3–4 are 00)`);
  const township = digits.slice(6, 9);
  const village = digits.slice(9, 12);
  if (digits.length === 9 && township === '000') return bad('township 000: write the 6-digit code');
  if (digits.length === 12 && township === '000' && village !== '000')
    return bad(`village ${village} under township 000`);
  // The full form's zero groups are dropped: 430121101000 is the township 430121101.
  const short =
    township === '000' || township === ''
      ? digits.slice(0, 6)
      : village === '000'
        ? digits.slice(0, 9)
        : digits;
  return { ok: true, code: Number(short) };
}

/** The code of an area given in either form. @throws RangeError when it is not one. */
export function areaCode(value: number | string): AreaCode {
  const read = readAreaCode(value);
  if (!read.ok) throw new RangeError(`${String(value)} is not an area code: ${read.problem}`);
  return read.code;
}

/** The level an area code names. */
export function areaLevel(code: AreaCode): AreaLevel {
  const digits = String(code);
  if (digits.length === 12) return 'village';
  if (digits.length === 9) return 'township';
  if (digits.endsWith('0000')) return 'province';
  return digits.endsWith('00') ? 'city' : 'county';
}

/** The 12-digit statistical form: 430121101 → "430121101000". */
export function fullAreaCode(code: AreaCode): string {
  return String(code).padEnd(12, '0');
}

/**
 * The area one level up, by the code alone: village → township → the 6-digit division holding it
 * (a county, or a city with no counties such as 东莞 441900) → city → province → none.
 */
export function parentArea(code: AreaCode): AreaCode | undefined {
  const digits = String(code);
  switch (areaLevel(code)) {
    case 'village':
      return Number(digits.slice(0, 9));
    case 'township':
      return Number(digits.slice(0, 6));
    case 'county':
      return Number(`${digits.slice(0, 4)}00`);
    case 'city':
      return Number(`${digits.slice(0, 2)}0000`);
    case 'province':
      return undefined;
  }
}

/** Whether `inner` lies within `outer`; every area lies within itself. */
export function areaContains(outer: AreaCode, inner: AreaCode): boolean {
  const prefix = fullAreaCode(outer).slice(0, PREFIX[areaLevel(outer)]);
  return fullAreaCode(inner).startsWith(prefix);
}

/** Whether `child` is directly below `parent`. */
export function isChildArea(child: AreaCode, parent: AreaCode): boolean {
  return parentArea(child) === parent;
}

function bad(problem: string): AreaCodeReading {
  return { ok: false, problem };
}
