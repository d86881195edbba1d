/**
 * The figures of an incident after each version, and what each version changed
 * (docs/reports.md §Deltas and thresholds).
 *
 * A version need not repeat every figure: one it leaves out keeps the value last reported (it is
 * carried forward), and a figure that falls to zero is sent as 0. So a 续报 may send only what
 * changed, and a zero report (zero-report.ts) sends nothing at all.
 */
import type { Incident } from './incident.js';
import { fromUnits, INDICATOR_NAMES, type IndicatorName, type IndicatorSet, toUnits } from './indicators.js';

/** One reported figure against the figure before it. */
export interface IndicatorChange {
  readonly name: IndicatorName;
  /** The figure before this version; undefined if no version had reported it. */
  readonly before: number | undefined;
  readonly after: number;
  /** after − before (after itself when there was no figure before). */
  readonly change: number;
}

/** The figures standing after the first `count` versions (all of them by default). */
export function figuresAfter(incident: Incident, count = incident.versions.length): IndicatorSet {
  const out: IndicatorSet = {};
  for (const v of incident.versions.slice(0, count)) Object.assign(out, v.body.indicators);
  return out;
}

/** What `reported` changes against the figures `before`, one entry per figure it reports, in wire order. */
export function changesFrom(before: IndicatorSet, reported: IndicatorSet): IndicatorChange[] {
  const out: IndicatorChange[] = [];
  for (const name of INDICATOR_NAMES) {
    const after = reported[name];
    if (after === undefined) continue;
    const prior = before[name];
    const change = fromUnits(name, toUnits(name, after) - toUnits(name, prior ?? 0));
    out.push({ name, before: prior, after, change });
  }
  return out;
}

/** What version `index` (0-based) of the incident changed against the versions before it. */
export function versionChanges(incident: Incident, index: number): IndicatorChange[] {
  const v = incident.versions[index];
  if (v === undefined) throw new RangeError(`incident ${incident.id} has no version ${index + 1}`);
  return changesFrom(figuresAfter(incident, index), v.body.indicators);
}
