/**
 * When a figure's change from one version to the next needs a written reason
 * (docs/reports.md §Deltas and thresholds; docs/domain.md §Disaster reports: a sharp rise or fall
 * must be explained).
 *
 * A change needs one when it is larger than the indicator's `absolute` threshold **and** its
 * relative size |after − before| / max(before, after) is larger than `relative`. Both, because each
 * alone misfires: from 2 to 4 injured is +100 % and nothing to explain, from 10,000 to 10,150
 * affected is 150 people and 1.5 %. The relative measure is symmetric: doubling and halving both
 * measure 0.5, a rise from zero and a fall to zero both 1. Besides, with `anyFall` every fall needs
 * a reason: a to-date (cumulative) total can only fall when an earlier figure was wrong.
 *
 * A figure reported for the first time (none before it) needs no reason.
 */
import type { IndicatorChange } from './figures.js';
import { INDICATOR_NAMES, type IndicatorName, natureOf } from './indicators.js';

export interface ChangeThreshold {
  /** A change of at most this much (in the indicator's unit) never needs a reason. */
  readonly absolute: number;
  /** A change of at most this share of the larger figure (0–1) never needs a reason. */
  readonly relative: number;
  /** Every fall needs a reason, whatever its size. */
  readonly anyFall: boolean;
}

/** Doubling or halving: more than that needs a reason (with the absolute threshold). */
const HALF = 0.5;

/**
 * The defaults, in each indicator's unit. A kit reports one village: hundreds to a few thousand
 * people, tens of houses, some hundred hectares of fields. Below these amounts a change is the
 * ordinary revision of a first estimate; above them, and at least a doubling or halving, someone at
 * the centre will ask why, so the report answers first. Deaths and missing persons are named one by
 * one in the ledgers (台账), and a damaged reservoir threatens everyone below it: every change of
 * those needs its reason.
 */
const ABSOLUTE: Readonly<Record<IndicatorName, number>> = {
  affected: 100,
  dead: 0,
  missing: 0,
  injured: 10,
  seriouslyInjured: 10,
  evacuatedToSafety: 100,
  relocatedCumulative: 100,
  relocatedCurrent: 100,
  collapsedRooms: 20,
  collapsedHouseholds: 10,
  severelyDamagedRooms: 20,
  severelyDamagedHouseholds: 10,
  relocatedCentralised: 100,
  relocatedDispersed: 100,
  shelterSites: 2,
  needReliefCumulative: 100,
  needReliefCurrent: 100,
  needTransitionalRelief: 100,
  droughtRelief: 100,
  drinkingWaterDifficulty: 100,
  moderatelyDamagedRooms: 20,
  moderatelyDamagedHouseholds: 10,
  cropsAffectedHa: 50,
  cropsDamagedHa: 50,
  cropsLostHa: 50,
  livestockDead: 50,
  roadsDamagedKm: 5,
  telecomLinesDamagedKm: 5,
  baseStationsDamaged: 2,
  powerLinesDamagedKm: 5,
  reservoirsDamaged: 0,
  dikesDamagedKm: 1,
  schoolsDamaged: 1,
  hospitalsDamaged: 1,
  directLossWanYuan: 100,
};

const EVERY_CHANGE = new Set<IndicatorName>(['dead', 'missing', 'reservoirsDamaged']);

export const DEFAULT_THRESHOLDS: Readonly<Record<IndicatorName, ChangeThreshold>> = Object.freeze(
  Object.fromEntries(
    INDICATOR_NAMES.map((name) => [
      name,
      Object.freeze({
        absolute: ABSOLUTE[name],
        relative: EVERY_CHANGE.has(name) ? 0 : HALF,
        anyFall: natureOf(name) === 'cumulative',
      }),
    ]),
  ) as Record<IndicatorName, ChangeThreshold>,
);

export function needsExplanation(change: IndicatorChange, threshold: ChangeThreshold): boolean {
  const { before, after, change: delta } = change;
  if (before === undefined || delta === 0) return false;
  if (delta < 0 && threshold.anyFall) return true;
  const size = Math.abs(delta);
  return size > threshold.absolute && size / Math.max(before, after) > threshold.relative;
}

/** The changes among `changes` that need a written reason. */
export function changesNeedingExplanation(
  changes: readonly IndicatorChange[],
  thresholds: Readonly<Record<IndicatorName, ChangeThreshold>>,
): IndicatorChange[] {
  return changes.filter((c) => needsExplanation(c, thresholds[c.name]));
}
