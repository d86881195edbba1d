/**
 * Position of a person or kit, e.g. a rescue team member (docs/wire-format.md §position). Kind 8,
 * MAC-tagged. Speed and heading come from the GPS fix.
 */
import { geoPoint, personIndex } from '../field-codecs.js';
import { int, optional, type RecordOf, required, scaled, uint } from '../schema.js';

export const positionFields = {
  point: required(geoPoint),
  /** Ground speed, m/s with one decimal (sent in dm/s). */
  speedMps: optional(scaled(10, 500)),
  /** Course over ground, whole degrees from true north. */
  headingDeg: optional(uint(359)),
  /** Who: roster index at the kit (a team member). */
  person: optional(personIndex),
  /** Altitude above mean sea level, metres. */
  altitudeM: optional(int(-500, 9000)),
  /** Horizontal accuracy, metres. */
  accuracyM: optional(uint(100_000)),
  /** Age of the fix when the message was made, seconds. */
  fixAgeS: optional(uint(86_400)),
  /** Battery of the reporting device, percent. */
  batteryPct: optional(uint(100)),
};

export type PositionBody = RecordOf<typeof positionFields>;
