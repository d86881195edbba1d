/**
 * What the report form offers, in the order a 灾害信息员 needs it (docs/ui.md §Reports; docs/domain.md
 * §Disaster reports, §Indicators): the hazards of the county's usual disasters first, the figures
 * asked for first in every 初报 (people affected, dead, missing, injured, moved, houses, loss)
 * before the rest of the quick-report form, and how finely each figure may be typed.
 *
 * The tables themselves are the wire codec's (node/src/wire/codes/), so the form offers exactly
 * what the wire carries.
 */
import { HAZARD_TYPES, type HazardTypeDef, hazardByCode } from '../../../node/src/wire/codes/hazard-types.js';
import { INDICATORS, type IndicatorName } from '../../../node/src/wire/codes/indicators.js';
import { CUTS, NEEDS } from '../../../node/src/wire/kinds/report.js';

export type { IndicatorName };
export { CUTS, NEEDS };
export type Cut = (typeof CUTS)[number];
export type Need = (typeof NEEDS)[number];

/** The hazards on the form's first screen: a county's floods, slides and storms. */
export const COMMON_HAZARDS: readonly string[] = [
  'flashFlood',
  'riverFlood',
  'waterlogging',
  'landslide',
  'debrisFlow',
  'collapse',
  'typhoon',
  'windHail',
  'earthquake',
  'drought',
  'forestFire',
  'snow',
];

export function hazardNamed(name: string): HazardTypeDef {
  const h = HAZARD_TYPES.find((x) => x.name === name);
  if (h === undefined) throw new TypeError(`unknown hazard ${name}`);
  return h;
}

/** Every hazard, for the "other hazard" list. */
export const ALL_HAZARDS: readonly HazardTypeDef[] = HAZARD_TYPES;

/** The hazard's catalogue key, or undefined for a code this version does not know. */
export function hazardKey(code: number): `hazard.${string}` | undefined {
  const h = hazardByCode(code);
  return h === undefined ? undefined : `hazard.${h.name}`;
}

/** Asked first in every 初报, in this order; the rest of the form folds away. */
export const COMMON_INDICATORS: readonly IndicatorName[] = [
  'affected',
  'dead',
  'missing',
  'injured',
  'evacuatedToSafety',
  'relocatedCumulative',
  'collapsedHouseholds',
  'severelyDamagedHouseholds',
  'directLossWanYuan',
];

const common = new Set<string>(COMMON_INDICATORS);

/** The rest, in the form's own order. */
export const MORE_INDICATORS: readonly IndicatorName[] = INDICATORS.map((d) => d.name).filter(
  (n) => !common.has(n),
);

const defs = new Map(INDICATORS.map((d) => [d.name as string, d]));

/** The indicator's unit as the form writes it (人, 户, 公顷…). */
export function unitOf(name: IndicatorName): string {
  return defs.get(name)?.unit ?? '';
}

/** How finely it may be typed: 1, or 0.1 for hectares, km and 万元. */
export function stepOf(name: IndicatorName): number {
  return 1 / (defs.get(name)?.scale ?? 1);
}
