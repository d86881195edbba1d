/**
 * A person on the roster (docs/domain-model.md §The roster): who they are, how to reach them, the
 * roles they hold and the areas they answer for.
 *
 * A person has no PIN field, and no PIN hash: those are kept apart, by roster id, in the roster
 * file only (docs/domain-model.md §PINs), so a Person can be shown, logged or sent without one ever
 * coming along.
 */
import type { AreaCode } from './area-code.js';
import type { RoleCode } from './roles.js';

/**
 * A person's roster id: 1 to 65535, unique in the county and never reused, since the audit log
 * names people by it. It is also the person's index in a roster sent on air
 * (docs/wire-format.md §4.5), which is why it fits in 16 bits.
 */
export type RosterId = number;

export const MAX_ROSTER_ID = 0xffff;

/** The most bytes of a name: what a roster entry on the wire carries (docs/wire-format.md §4.5). */
export const MAX_NAME_BYTES = 48;

export interface Person {
  id: RosterId;
  /** As people know them; at most 48 bytes of UTF-8 (16 Chinese characters). */
  name: string;
  /** Mobile or landline, as written; optional. Never sent on air. */
  phone?: string;
  /** At least one, each once. */
  roles: readonly RoleCode[];
  /** The areas the person answers for, at least one, each named in the roster's areas. */
  areas: readonly AreaCode[];
}

export function isRosterId(value: unknown): value is RosterId {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_ROSTER_ID;
}
