/**
 * Shelter roll-call (安置点清点) (docs/domain.md §The policy behind it, (十五); docs/wire-format.md §rollcall). Kind 7,
 * MAC-tagged. Counts at one shelter at the envelope's creation time.
 */
import { personIndex } from '../field-codecs.js';
import { flagsOf, optional, type RecordOf, record, required, text, uint } from '../schema.js';
import { NEEDS } from './report.js';

const count = uint(1_000_000);

export const rollcallFields = {
  /** The shelter, by its number in the kit's area. */
  shelter: required(uint(0xffff)),
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
  person: optional(personIndex),
  note: optional(text(200)),
};

export type RollcallBody = RecordOf<typeof rollcallFields>;
