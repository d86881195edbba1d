/**
 * The superiors an unanswered call goes to (docs/warnings.md §Escalation): the people the roster
 * makes answer for the nearest area above the call's that has any, in one of the warning's roles.
 *
 * The roster has no line of command of its own; the areas are one. A village's unanswered
 * 防汛责任人 goes to the township's 防汛责任人 (the 包村干部 who then goes door to door), and a
 * township without one to the county's. Above the county there is no one to go to in a county's
 * roster: the centre's duty officer, who sees the 未叫应 list, is the last step.
 */
import type { WarningBody } from '../../wire/kinds/warning.js';
import { type AreaCode, areaLevel, parentArea } from '../roster/area-code.js';
import type { Person } from '../roster/person.js';
import { ROLES } from '../roster/roles.js';
import type { CallTarget } from './call-targets.js';

/** The superiors of a call for `area`, in roster order; [] when the county has none above it. */
export function superiorsOf(
  area: AreaCode,
  warning: Pick<WarningBody, 'roles'>,
  people: readonly Person[],
): CallTarget[] {
  const roles = new Set(warning.roles);
  for (let up = parentArea(area); up !== undefined; up = parentArea(up)) {
    const level = areaLevel(up);
    if (level === 'city' || level === 'province') break;
    const found = [...people]
      .filter((p) => p.areas.includes(up) && p.roles.some((r) => roles.has(ROLES[r].wire)))
      .sort((a, b) => a.id - b.id)
      .map((p) => ({ person: p.id, area: up, named: false }));
    if (found.length > 0) return found;
  }
  return [];
}
