/**
 * What the reports domain needs to know about each indicator of the quick-report form beyond its
 * wire row (node/src/wire/codes/indicators.ts): whether it counts the whole disaster to date or the
 * situation now, its label, and exact arithmetic in wire units (docs/reports.md §Indicators).
 *
 * Figures are kept in the form's units (persons, hectares, km, 万元) as the wire codec decodes them;
 * sums and differences are taken in wire units (integers: tenths of a hectare…) so that 0.1 + 0.2
 * stays 0.3.
 */
import {
  INDICATORS,
  type IndicatorDef,
  type IndicatorName,
  type IndicatorSet,
} from '../../wire/codes/indicators.js';

export type { IndicatorName, IndicatorSet };

/** Every indicator, in wire order. */
export const INDICATOR_NAMES: readonly IndicatorName[] = INDICATORS.map((d) => d.name);

/**
 * `cumulative`: the disaster process to date (it can only grow, unless corrected); `current`: the
 * situation at the time of the report (people in shelters now), which falls as people go home.
 */
export type IndicatorNature = 'cumulative' | 'current';

/**
 * The figures of the situation now. The form itself marks 紧急转移安置 and 需紧急生活救助 as 实时
 * (current) beside 累计 (cumulative); the split of those sheltered into 集中/分散, the number of
 * shelters open and the drought relief figures describe the present too. Everything else counts
 * losses to date.
 */
const CURRENT: ReadonlySet<IndicatorName> = new Set<IndicatorName>([
  'relocatedCurrent',
  'relocatedCentralised',
  'relocatedDispersed',
  'shelterSites',
  'needReliefCurrent',
  'droughtRelief',
  'drinkingWaterDifficulty',
]);

const byName = new Map<IndicatorName, IndicatorDef>(INDICATORS.map((d) => [d.name, d]));
const zhCount = new Map<string, number>();
for (const d of INDICATORS) zhCount.set(d.zh, (zhCount.get(d.zh) ?? 0) + 1);

export function isIndicatorName(name: string): name is IndicatorName {
  return byName.has(name as IndicatorName);
}

export function indicatorDef(name: IndicatorName): IndicatorDef {
  const def = byName.get(name);
  if (def === undefined) throw new TypeError(`unknown indicator ${name}`);
  return def;
}

export function natureOf(name: IndicatorName): IndicatorNature {
  return CURRENT.has(name) ? 'current' : 'cumulative';
}

/** The short Chinese label: 受灾人口; with the unit where two rows share a name: 倒塌房屋(间). */
export function indicatorLabel(name: IndicatorName): string {
  const d = indicatorDef(name);
  return (zhCount.get(d.zh) ?? 0) > 1 ? `${d.zh}(${d.unit})` : d.zh;
}

/** The column header of an export: the label with its unit, 受灾人口(人), 倒塌房屋(间). */
export function indicatorHeader(name: IndicatorName): string {
  const d = indicatorDef(name);
  return `${d.zh}(${d.unit})`;
}

/** A figure in wire units (an integer), rounded to the indicator's step. */
export function toUnits(name: IndicatorName, value: number): number {
  return Math.round(value * indicatorDef(name).scale);
}

export function fromUnits(name: IndicatorName, units: number): number {
  return units / indicatorDef(name).scale;
}
