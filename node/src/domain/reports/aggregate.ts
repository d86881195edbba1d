/**
 * The centre's totals per township and per county (docs/reports.md §Aggregation; docs/domain.md
 * §Disaster reports: figures are compiled per township and reported by the county): for each area,
 * the sum over its incidents of each incident's standing figures, those after its latest version.
 *
 * An incident counts in one area, its own (incident.ts `incidentArea`). One whose area is coarser
 * than the level asked for (a county-wide report, for township totals) or unknown goes into a total
 * whose `area` is undefined, so nothing is silently dropped. Drills are summed apart from real
 * incidents, never with them. Sums are taken in wire units, exactly.
 */

import { type AreaLevel, areaAt } from './area-levels.js';
import { figuresAfter } from './figures.js';
import { type Incident, incidentArea, isExercise } from './incident.js';
import { fromUnits, INDICATOR_NAMES, type IndicatorSet, toUnits } from './indicators.js';

export interface AreaTotals {
  /** The area's code at `level`; undefined for incidents that cannot be placed at that level. */
  readonly area: number | undefined;
  readonly level: AreaLevel;
  /** How many incidents were summed. */
  readonly incidents: number;
  /** Each indicator any of them reported, summed. */
  readonly figures: IndicatorSet;
}

export interface AggregateOptions {
  /** Sum drills instead of real incidents. Default false. */
  readonly exercise?: boolean;
}

/** Totals per area at `level`, by area code (the unplaced last). */
export function aggregate(
  incidents: readonly Incident[],
  level: AreaLevel,
  options: AggregateOptions = {},
): AreaTotals[] {
  const exercise = options.exercise ?? false;
  const groups = new Map<number | undefined, { incidents: number; units: Map<string, number> }>();
  for (const incident of incidents) {
    if (incident.versions.length === 0 || isExercise(incident) !== exercise) continue;
    const code = incidentArea(incident);
    const area = code === undefined ? undefined : areaAt(code, level);
    let g = groups.get(area);
    if (g === undefined) {
      g = { incidents: 0, units: new Map() };
      groups.set(area, g);
    }
    g.incidents++;
    const figures = figuresAfter(incident);
    for (const name of INDICATOR_NAMES) {
      const v = figures[name];
      if (v !== undefined) g.units.set(name, (g.units.get(name) ?? 0) + toUnits(name, v));
    }
  }
  const out: AreaTotals[] = [];
  for (const [area, g] of groups) {
    const figures: IndicatorSet = {};
    for (const name of INDICATOR_NAMES) {
      const units = g.units.get(name);
      if (units !== undefined) figures[name] = fromUnits(name, units);
    }
    out.push({ area, level, incidents: g.incidents, figures });
  }
  return out.sort((a, b) => (a.area ?? Number.POSITIVE_INFINITY) - (b.area ?? Number.POSITIVE_INFINITY));
}
