/**
 * Who may read which warning, and who may see the 叫应 board (docs/api.md §Warnings, §Roles). The
 * warning routes, the event hub and the warnings service share these rules, so that a warning a
 * person cannot read by GET never reaches their event stream either.
 *
 * - **Reading warnings**: at the centre `warning.issue` or `report.view`, at a kit
 *   `warning.answer` or `report.view` (node/src/domain/roster/permissions.ts); where either is
 *   held, the scopes are joined. A warning is within a scope when one of its areas meets one of the
 *   scope's: lies within it or contains it. A township's officer sees the county's warning that
 *   covers the township, and the warnings to each of its villages. A warning by circle alone names
 *   no area; anyone who may read warnings at all reads it, as anyone may read it on the public list.
 * - **The 叫应 board** (the calls of a warning, the 未叫应 list, the record): `warning.issue` or
 *   `report.view`, held everywhere. It names people of the whole county, so an area's officer does
 *   not see it (the roster grants `warning.issue` only everywhere, to the duty officer).
 */
import { areaContains } from '../domain/roster/area-code.js';
import type { ApiPerson, PeopleDirectory, Permission, PermissionScope } from './people-directory.js';
import type { WarningsService, WarningView } from './warnings-service.js';

/** The permissions that let a person read the warnings held at a node of `role`. */
export function readPermissions(role: WarningsService['role']): readonly [Permission, Permission] {
  return role === 'centre' ? ['warning.issue', 'report.view'] : ['warning.answer', 'report.view'];
}

/** Where `person` may read warnings at a node of `role`: the join of the read permissions' scopes. */
export function warningReadScope(
  people: PeopleDirectory,
  person: ApiPerson,
  role: WarningsService['role'],
): PermissionScope {
  return joinScopes(readPermissions(role).map((p) => people.scope(person, p)));
}

/** Everywhere any of them is; else every area any of them has. */
export function joinScopes(scopes: readonly PermissionScope[]): PermissionScope {
  const areas: number[] = [];
  for (const s of scopes) {
    if (s.all) return { all: true };
    for (const a of s.areas) if (!areas.includes(a)) areas.push(a);
  }
  return { all: false, areas };
}

/** Whether a warning to these areas is within `scope` (the module comment says when). */
export function warningWithinScope(scope: PermissionScope, warning: Pick<WarningView, 'areas'>): boolean {
  if (scope.all) return true;
  if (scope.areas.length === 0) return false;
  if (warning.areas.length === 0) return true;
  return warning.areas.some((w) => scope.areas.some((s) => areaContains(s, w) || areaContains(w, s)));
}

/** Whether `person` may see the 叫应 board: its calls, the 未叫应 list and the record. */
export function seesCallBoard(people: PeopleDirectory, person: ApiPerson): boolean {
  return people.scope(person, 'warning.issue').all || people.scope(person, 'report.view').all;
}
