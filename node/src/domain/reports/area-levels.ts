/**
 * Administrative levels of an area code (docs/domain.md §Areas and codes; docs/wire-format.md §3.4):
 * 12 digits are province 2, city 2, county 2, township 3, village 3. The wire sends 6, 9 or 12
 * digits without padding, so the number of digits says the level.
 */

export const AREA_LEVELS = ['province', 'city', 'county', 'township', 'village'] as const;
export type AreaLevel = (typeof AREA_LEVELS)[number];

const DIGITS: Readonly<Record<AreaLevel, number>> = {
  province: 2,
  city: 4,
  county: 6,
  township: 9,
  village: 12,
};

/** How many digits `code` has. */
export function areaDigits(code: number): number {
  return String(Math.trunc(Math.abs(code))).length;
}

/** The code of the `level` that holds `code`, or undefined when `code` is coarser than `level`. */
export function areaAt(code: number, level: AreaLevel): number | undefined {
  const digits = areaDigits(code);
  const want = DIGITS[level];
  if (digits < want) return undefined;
  return Math.floor(code / 10 ** (digits - want));
}
