/**
 * The figures the shelters make (docs/shelters.md §The figures): per township or county (any area
 * level), the shelters and the people in them now and to date, named as the quick report's
 * indicators name them (node/src/wire/codes/indicators.ts): 紧急转移安置人口 (实时 and 累计) and
 * 集中安置点数量; and the people the villages' evacuation lists expect whom no shelter checked in.
 */
import { type AreaLevel, areaAt } from '../reports/area-levels.js';
import type { ExpectedPerson, ShelterView, UnaccountedPerson } from './shelter.js';

/** One row of the totals: an area at the level asked for, or the whole (`area` absent). */
export interface ShelterTotals {
  area?: number;
  /** Shelters of the registry in it. */
  shelters: number;
  /** 集中安置点数量: shelters holding anyone now. */
  shelterSites: number;
  capacity: number;
  /** 紧急转移安置人口(实时), of those in shelters: Σ present. */
  relocatedCurrent: number;
  /** 紧急转移安置人口(累计), of those in shelters: Σ taken in since each opened. */
  relocatedCumulative: number;
}

function empty(area?: number): ShelterTotals {
  return {
    ...(area === undefined ? {} : { area }),
    shelters: 0,
    shelterSites: 0,
    capacity: 0,
    relocatedCurrent: 0,
    relocatedCumulative: 0,
  };
}

function add(t: ShelterTotals, s: ShelterView): void {
  t.shelters++;
  if (s.present > 0) t.shelterSites++;
  t.capacity += s.capacity ?? 0;
  t.relocatedCurrent += s.present;
  t.relocatedCumulative += s.arrived;
}

/** The totals by area at `level`, the areas in code order, and the whole. */
export function shelterTotals(
  shelters: readonly ShelterView[],
  level: AreaLevel,
): { rows: ShelterTotals[]; total: ShelterTotals } {
  const rows = new Map<number, ShelterTotals>();
  const total = empty();
  for (const s of shelters) {
    add(total, s);
    const area = s.area === undefined ? undefined : areaAt(s.area, level);
    if (area === undefined) continue;
    const row = rows.get(area) ?? empty(area);
    rows.set(area, row);
    add(row, s);
  }
  return { rows: [...rows.values()].sort((a, b) => (a.area ?? 0) - (b.area ?? 0)), total };
}

/** The people expected (within `visible` areas) whom no shelter has checked in, by area then id. */
export function unaccounted(
  expected: readonly ExpectedPerson[],
  checkedIn: (who: { registration: number }) => boolean,
  visible: (area: number) => boolean,
): UnaccountedPerson[] {
  return expected
    .filter((p) => visible(p.area) && !checkedIn({ registration: p.registration }))
    .map((p) => ({ registration: p.registration, name: p.name, area: p.area, flags: [...(p.flags ?? [])] }))
    .sort((a, b) => a.area - b.area || a.registration - b.registration);
}
