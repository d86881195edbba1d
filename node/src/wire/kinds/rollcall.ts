/**
 * Shelter roll-call (安置点清点) (docs/domain.md §The policy behind it, (十五); docs/wire-format.md
 * §4.9 rollcall; docs/shelters.md §On the wire). Kind 7, MAC-tagged. Counts at one shelter at the
 * envelope's creation time, and the people checked in or out there since the last one. Fields 8–9
 * were appended after the first version: an older decoder skips them.
 *
 * People are never named on air: a check-in names a registration id (登记号), a number, or a
 * roster id (a person of the county's roster), and at most the flags of the person's age band and
 * vulnerability.
 */
import { personIndex } from '../field-codecs.js';
import {
  arrayOf,
  enumOf,
  flagsOf,
  optional,
  type RecordOf,
  record,
  required,
  text,
  uint,
} from '../schema.js';
import { NEEDS } from './report.js';

const count = uint(1_000_000);

/** A person's age band and vulnerability; the order is the bit on the wire, and of `vulnerable`. */
export const PERSON_FLAGS = ['elderly', 'child', 'disabled', 'injured', 'pregnant'] as const;
export const MOVEMENTS = ['in', 'out'] as const;
/** Largest registration id (登记号): the shelter's number × 100,000 plus a serial fits. */
export const MAX_REGISTRATION = 0xffff_ffff;
/** Most check-ins one roll-call carries; more wait for the next. */
export const MAX_CHECKINS = 32;

/** A check-in names its person by `registration`, or else by `person`; one naming neither is skipped. */
export const checkinFields = {
  registration: optional(uint(MAX_REGISTRATION)),
  movement: required(enumOf(MOVEMENTS)),
  flags: optional(flagsOf(PERSON_FLAGS)),
  /** A roster id, for someone on the roster (staff, a team member) rather than an evacuation list. */
  person: optional(personIndex),
};

export const rollcallFields = {
  /** The shelter, by its number in the county's shelter registry (docs/shelters.md). */
  shelter: required(uint(0xffff)),
  /** People in the shelter now (紧急转移安置, 实时). */
  present: required(count),
  capacity: optional(count),
  /** People expected here and not accounted for. */
  unaccounted: optional(count),
  /** Vulnerable people present. */
  vulnerable: optional(
    record({
      elderly: optional(count),
      children: optional(count),
      disabled: optional(count),
      injured: optional(count),
      pregnant: optional(count),
    }),
  ),
  needs: optional(flagsOf(NEEDS)),
  /** Who made the roll-call: a roster index of the sending kit. */
  person: optional(personIndex),
  note: optional(text(200)),
  /** People taken in since the shelter opened (紧急转移安置, 累计). */
  arrived: optional(count),
  /** The check-ins and check-outs since the last roll-call, by registration id. */
  checkins: optional(arrayOf(record(checkinFields), MAX_CHECKINS, 1)),
};

export type RollcallBody = RecordOf<typeof rollcallFields>;
export type CheckinBody = RecordOf<typeof checkinFields>;
