/**
 * The life of a hazard (docs/hazards.md §The life of a hazard): reported (上报), verified on site
 * (核实), handled (处置: made safe), closed (销号: taken off the ledger), and the wire's names for
 * the same steps (docs/wire-format.md §4.8: `reported, monitoring, mitigated, resolved`).
 *
 * A hazard only moves forward. Its status is the furthest any accepted message gave it, so two
 * nodes that hold the same messages agree whatever order store-and-forward brought them in.
 */
import type { HAZARD_STATUSES } from '../../wire/kinds/hazard.js';

export const STATUSES = ['reported', 'verified', 'handled', 'closed'] as const;
export type HazardStatus = (typeof STATUSES)[number];
export type WireHazardStatus = (typeof HAZARD_STATUSES)[number];

const TO_WIRE: Readonly<Record<HazardStatus, WireHazardStatus>> = {
  reported: 'reported',
  // Checked on site and watched until it is made safe: the wire's `monitoring`.
  verified: 'monitoring',
  handled: 'mitigated',
  closed: 'resolved',
};

const FROM_WIRE: Readonly<Record<WireHazardStatus, HazardStatus>> = {
  reported: 'reported',
  monitoring: 'verified',
  mitigated: 'handled',
  resolved: 'closed',
};

export function wireStatus(status: HazardStatus): WireHazardStatus {
  return TO_WIRE[status];
}

export function statusOfWire(status: WireHazardStatus): HazardStatus {
  return FROM_WIRE[status];
}

/** How far along a status is: reported 0 … closed 3. */
export function statusRank(status: HazardStatus): number {
  return STATUSES.indexOf(status);
}

/** The statuses a hazard may move to from `status`: any later one (a step may be skipped). */
export function nextStatuses(status: HazardStatus): HazardStatus[] {
  return STATUSES.filter((s) => statusRank(s) > statusRank(status));
}

/**
 * The permission a change to `status` needs (node/src/domain/roster/permissions.ts): verifying and
 * closing are the 村两委's or the duty officer's (`hazard.verify`); the person who made it safe says
 * it is handled, with `hazard.file` as they reported it, or `hazard.verify`.
 */
export function permissionsFor(status: HazardStatus): ReadonlyArray<'hazard.file' | 'hazard.verify'> {
  return status === 'handled' ? ['hazard.file', 'hazard.verify'] : ['hazard.verify'];
}
