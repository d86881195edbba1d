/**
 * Who must answer a warning, and which kit reaches them (docs/warnings.md §Who must answer).
 *
 * A warning names the roles that must answer (叫应) and the areas it covers, and may name persons
 * besides. A person must answer when they hold one of those roles for an area that lies within one
 * of the warning's areas, or when the warning names them. A township's 防汛责任人 is not called for a
 * warning to one of its villages: the village's own people are, and the township's are the
 * superiors an unanswered call escalates to (superiors.ts).
 */
import type { WarningBody } from '../../wire/kinds/warning.js';
import { type AreaCode, areaContains, areaLevel } from '../roster/area-code.js';
import type { Person, RosterId } from '../roster/person.js';
import { ROLES } from '../roster/roles.js';

/** One person a warning calls. */
export interface CallTarget {
  person: RosterId;
  /** The area the person is called for: theirs, within the warning's. */
  area: AreaCode;
  /** The warning names the person (besides or instead of their role). */
  named: boolean;
}

/** A kit and the area it serves, as the centre's key file lists it. */
export interface ServingKit {
  id: number;
  area: AreaCode;
}

/** Everyone `warning` calls, each once, in roster order. */
export function callTargets(
  warning: Pick<WarningBody, 'areas' | 'roles' | 'persons'>,
  people: readonly Person[],
): CallTarget[] {
  const roles = new Set(warning.roles);
  const named = new Set((warning.persons ?? []).map((p) => p.person));
  const targets: CallTarget[] = [];
  for (const person of [...people].sort((a, b) => a.id - b.id)) {
    const answers = person.roles.some((r) => roles.has(ROLES[r].wire));
    const covered = answers
      ? person.areas.find((a) => warning.areas.some((w) => areaContains(w, a)))
      : undefined;
    const isNamed = named.has(person.id);
    if (covered === undefined && !isNamed) continue;
    const area = covered ?? person.areas[0];
    if (area === undefined) continue;
    targets.push({ person: person.id, area, named: isNamed });
  }
  return targets;
}

/**
 * The kit that serves `area`: of the kits whose area contains it, the one closest to it (a village
 * kit before its township's gateway). Undefined when none does: the call then waits at the centre,
 * shown as not delivered, and its escalation goes by the superior.
 */
export function kitServing(area: AreaCode, kits: readonly ServingKit[]): number | undefined {
  let best: ServingKit | undefined;
  for (const kit of kits) {
    if (!areaContains(kit.area, area)) continue;
    if (best === undefined || depth(kit.area) > depth(best.area)) best = kit;
  }
  return best?.id;
}

const DEPTH = { province: 0, city: 1, county: 2, township: 3, village: 4 } as const;

function depth(area: AreaCode): number {
  return DEPTH[areaLevel(area)];
}
