/**
 * The roster as it may go on air (docs/domain-model.md §What goes on air; docs/security.md §PINs;
 * docs/wire-format.md §4.5): the only projection of the roster ever put in a message.
 *
 * Its type is the wire's own roster entry: a roster id, role numbers and a name, nothing else. It
 * has no field for a PIN, a hash or a phone number, and entries are built field by field, so
 * whatever else a person object carries at run time is left behind too.
 */
import type { ControlBody } from '../../wire/kinds/control.js';
import { type AreaCode, areaContains } from './area-code.js';
import type { Person } from './person.js';
import { ROLES } from './roles.js';

/** A roster as a control message carries it (at most 64 persons: the encoder refuses more). */
export type AirRoster = NonNullable<ControlBody['roster']>;

export type AirRosterEntry = AirRoster['persons'][number];

export function airRosterEntry(person: Person): AirRosterEntry {
  return {
    person: person.id,
    roles: [...new Set(person.roles.map((r) => ROLES[r].wire))],
    name: person.name,
  };
}

/** The people who answer for an area within `area`, by roster id, as a kit of that area gets them. */
export function airRoster(area: AreaCode, people: Iterable<Person>): AirRoster {
  const persons = [...people]
    .filter((p) => p.areas.some((a) => areaContains(area, a)))
    .sort((a, b) => a.id - b.id)
    .map(airRosterEntry);
  return { area, persons };
}
