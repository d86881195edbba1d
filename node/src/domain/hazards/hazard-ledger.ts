/**
 * The 隐患 ledger's tallies (docs/hazards.md §The ledger; docs/domain.md §The policy behind it, seed
 * (六): ledgers by area, by hazard type and by sector): how many hazards each area, type or sector
 * has, by status and severity, how many are still open, and the people they threaten.
 *
 * Areas are tallied at a level of the area code (a village's hazards count in its township when
 * the level is township); a hazard that cannot be placed at the level counts under no area, so the
 * rows always add up to every hazard. Drills are tallied apart: the caller gives the drill's
 * hazards or the real ones, never both (a drill node shows its drill).
 */
import { HAZARD_SEVERITIES } from '../../wire/kinds/hazard.js';
import { type AreaLevel, areaAt } from '../reports/area-levels.js';
import type { HazardSeverity, HazardView } from './hazard.js';
import { type HazardStatus, STATUSES } from './hazard-status.js';

export type LedgerBy = 'area' | 'type' | 'sector';

export interface LedgerRow {
  /** The area code, hazard code or sector code; undefined: not placed (no area, no sector). */
  key?: number;
  total: number;
  /** Not yet closed (销号). */
  open: number;
  byStatus: Record<HazardStatus, number>;
  bySeverity: Record<HazardSeverity, number>;
  /** People threatened by the open hazards. */
  peopleAtRisk: number;
}

export function hazardLedger(
  hazards: readonly HazardView[],
  by: LedgerBy,
  o: { level?: AreaLevel } = {},
): LedgerRow[] {
  const rows = new Map<number | undefined, LedgerRow>();
  for (const h of hazards) {
    const key = keyOf(h, by, o.level ?? 'village');
    let row = rows.get(key);
    if (row === undefined) {
      row = {
        ...(key === undefined ? {} : { key }),
        total: 0,
        open: 0,
        byStatus: Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<HazardStatus, number>,
        bySeverity: Object.fromEntries(HAZARD_SEVERITIES.map((s) => [s, 0])) as Record<
          HazardSeverity,
          number
        >,
        peopleAtRisk: 0,
      };
      rows.set(key, row);
    }
    row.total++;
    row.byStatus[h.status]++;
    row.bySeverity[h.severity]++;
    if (h.status !== 'closed') {
      row.open++;
      row.peopleAtRisk += h.peopleAtRisk ?? 0;
    }
  }
  // Placed rows by code, the unplaced last.
  return [...rows.values()].sort((a, b) => (a.key ?? Infinity) - (b.key ?? Infinity));
}

function keyOf(h: HazardView, by: LedgerBy, level: AreaLevel): number | undefined {
  if (by === 'type') return h.hazard;
  if (by === 'sector') return h.sector;
  return h.area === undefined ? undefined : areaAt(h.area, level);
}
