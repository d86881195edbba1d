/**
 * The PeopleDirectory (people-directory.ts) over the roster (docs/api.md §Sessions, §Roles;
 * docs/domain-model.md §The roster, §Roles and what they may do): people by roster id, PINs checked
 * by the roster (asynchronously hashed), scopes from its permission table.
 */

import type { NamedArea } from '../domain/roster/area-directory.js';
import { type Permission, type PermissionScope, scopeOf } from '../domain/roster/permissions.js';
import type { Person } from '../domain/roster/person.js';
import { isRoleCode } from '../domain/roster/roles.js';
import type { ApiPerson, PeopleDirectory } from './people-directory.js';

/** The part of the roster this needs (node/src/domain/roster/roster.ts). */
export interface RosterLike {
  get(id: number): Person | undefined;
  checkPin(id: number, pin: string): Promise<boolean>;
  /** The roster's named areas (roster.areas); none when absent. */
  readonly areas?: { list(): NamedArea[] };
}

export function rosterPeople(roster: RosterLike): PeopleDirectory {
  return {
    find(id) {
      const p = roster.get(id);
      return p === undefined
        ? undefined
        : { id: p.id, name: p.name, roles: [...p.roles], areas: [...p.areas] };
    },
    verifyPin: (id, pin) => roster.checkPin(id, pin),
    scope(person: ApiPerson, permission: Permission): PermissionScope {
      return scopeOf({ roles: person.roles.filter(isRoleCode), areas: person.areas }, permission);
    },
    areaNames: () => roster.areas?.list() ?? [],
  };
}
