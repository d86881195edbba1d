/**
 * Hazard report (隐患) for the hazard ledger (docs/domain.md §The policy behind it, (六); docs/wire-format.md §hazard).
 * Kind 4, MAC-tagged.
 */
import { MAX_HAZARD_CODE } from '../codes/hazard-types.js';
import { geoPoint, messageRef, personIndex } from '../field-codecs.js';
import { enumOf, optional, type RecordOf, required, text, uint } from '../schema.js';

export const HAZARD_SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export const HAZARD_STATUSES = ['reported', 'monitoring', 'mitigated', 'resolved'] as const;

export const hazardFields = {
  /** Hazard type × 16 + sub-type (codes/hazard-types.ts). */
  hazard: required(uint(MAX_HAZARD_CODE)),
  severity: required(enumOf(HAZARD_SEVERITIES)),
  status: required(enumOf(HAZARD_STATUSES)),
  point: optional(geoPoint),
  /** People threatened (威胁人数). */
  peopleAtRisk: optional(uint(10_000_000)),
  householdsAtRisk: optional(uint(1_000_000)),
  reporter: optional(personIndex),
  description: optional(text(300)),
  /** The earlier hazard report this one updates. */
  previous: optional(messageRef),
};

export type HazardBody = RecordOf<typeof hazardFields>;
