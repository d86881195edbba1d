/**
 * What the API needs to know about people (docs/api.md §Sessions, §Roles): who a roster id is, whether
 * a PIN is theirs, and where they may do what. The roster (node/src/domain/roster/roster.ts)
 * satisfies it through roster-people.ts; tests give their own.
 *
 * Roles and areas are read at every request, not copied into the session, so a person removed from
 * the roster, or given other roles, is treated so at once.
 */
import { areaContains } from '../domain/roster/area-code.js';
import type { Permission, PermissionScope } from '../domain/roster/permissions.js';

export type { Permission, PermissionScope };

/** A person as the API shows them: never a PIN or a hash. */
export interface ApiPerson {
  /** Roster id, 1–65535. */
  id: number;
  name: string;
  /** Role codes (`info-officer`, `duty-officer`…). */
  roles: readonly string[];
  /** Area codes the person answers for. */
  areas: readonly number[];
}

export interface PeopleDirectory {
  /** The person with this roster id, or undefined when there is none (any more). */
  find(id: number): ApiPerson | undefined;
  /**
   * Whether `pin` is this person's PIN: false for an unknown person or one without a PIN. Must not
   * block the event loop (the hash is computed asynchronously).
   */
  verifyPin(id: number, pin: string): Promise<boolean>;
  /** Where the person may do `permission`: everywhere, within some areas, or nowhere. */
  scope(person: ApiPerson, permission: Permission): PermissionScope;
  /** The areas the roster names, by code, with the names people call them by. */
  areaNames(): Array<{ code: number; name: string }>;
}

/** Whether `scope` allows anything at all. */
export function allowsAny(scope: PermissionScope): boolean {
  return scope.all || scope.areas.length > 0;
}

/** Whether `area` lies within `scope`; an unknown area only within an unlimited one. */
export function withinScope(scope: PermissionScope, area: number | undefined): boolean {
  if (scope.all) return true;
  return area !== undefined && scope.areas.some((a) => areaContains(a, area));
}
