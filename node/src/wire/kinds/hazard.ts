/**
 * Hazard report (隐患) for the hazard ledger (docs/domain.md §The policy behind it, (六);
 * docs/wire-format.md §4.8; docs/hazards.md §On the wire). Kind 4, MAC-tagged.
 *
 * One kind carries the whole life of a hazard: the report that opens it (no `previous`) and each
 * change of its status (`previous` names the opening report, never the change before it, so any
 * node that holds any message of a hazard knows which hazard it belongs to). Fields 9–11 were
 * appended after the first version: an older decoder skips them.
 */
import { MAX_HAZARD_CODE } from '../codes/hazard-types.js';
import { areaCode, geoPoint, messageRef, personIndex } from '../field-codecs.js';
import { enumOf, optional, type RecordOf, required, text, uint } from '../schema.js';

export const HAZARD_SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export const HAZARD_STATUSES = ['reported', 'monitoring', 'mitigated', 'resolved'] as const;

/** The most photos a hazard's count may say: they stay at the kit, never on air. */
export const MAX_HAZARD_PHOTOS = 255;
/** Sector (行业领域) codes fit one CBOR byte for the first 24 (node/src/domain/hazards/hazard-sectors.ts). */
export const MAX_HAZARD_SECTOR = 255;

export const hazardFields = {
  /** Hazard type × 16 + sub-type (codes/hazard-types.ts). */
  hazard: required(uint(MAX_HAZARD_CODE)),
  severity: required(enumOf(HAZARD_SEVERITIES)),
  status: required(enumOf(HAZARD_STATUSES)),
  point: optional(geoPoint),
  /** People threatened (威胁人数). */
  peopleAtRisk: optional(uint(10_000_000)),
  householdsAtRisk: optional(uint(1_000_000)),
  /** Who reported or changed it: a roster id. */
  reporter: optional(personIndex),
  /** What was found, or, in a change, what was done. */
  description: optional(text(300)),
  /** The hazard's opening report, which this message changes. */
  previous: optional(messageRef),
  /** The area the hazard lies in, when not the reporting kit's own (docs/hazards.md §On the wire). */
  area: optional(areaCode),
  /** The sector (行业领域) whose ledger it belongs to. */
  sector: optional(uint(MAX_HAZARD_SECTOR)),
  /** How many photos of it the kit holds (the photos themselves never go on air). */
  photos: optional(uint(MAX_HAZARD_PHOTOS)),
};

export type HazardBody = RecordOf<typeof hazardFields>;
