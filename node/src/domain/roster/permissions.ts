/**
 * What each role may do, and where (docs/domain-model.md §Roles and what they may do): the one
 * table the API checks before it acts for a signed-in person.
 *
 * A grant's scope is `own` (within the areas the person answers for, an area within one of them
 * included) or `all` (anywhere). A person holding several roles may do what any of them may.
 * Reading what is public (warnings in force, shelters) needs no permission (docs/security.md §The
 * kit's Wi-Fi) and is not listed.
 */
import { type AreaCode, areaContains } from './area-code.js';
import type { Person } from './person.js';
import type { RoleCode } from './roles.js';

export const PERMISSIONS = [
  /** File a disaster report (初报, 续报, 核报) for an area. */
  'report.file',
  /** See the reports of an area. */
  'report.view',
  /** Report a hazard (隐患) found in an area. */
  'hazard.file',
  /** See the hazards (隐患) of an area: the ledger and the hazard map. */
  'hazard.view',
  /** Verify a hazard on site, and close it (销号) once handled. */
  'hazard.verify',
  /** Answer a warning addressed to one's role (叫应). */
  'warning.answer',
  /** Issue, update or cancel a warning (later). */
  'warning.issue',
  /** See the roster: names, roles, phones. */
  'roster.view',
  /** Add, change and remove people; reset PINs. */
  'roster.manage',
  /** Read the audit log. */
  'audit.view',
  /** See the kits' health at the centre: last heard, battery, links, clock, queue, alerts. */
  'kit.view',
  /** Revoke a lost or stolen kit, and name the kit that replaces it. */
  'kit.revoke',
  /** Ask for help or supplies for an area, send an SOS, say what arrived (docs/requests.md). */
  'request.file',
  /** See the requests of an area and the centre's request board. */
  'request.view',
  /** Commit, dispatch or decline a request, and acknowledge an SOS (the centre's desk). */
  'request.answer',
  /** Count people in and out of a shelter (安置点), and check them in by registration id. */
  'shelter.record',
  /** See the shelters' figures, duplicate check-ins and the people still unaccounted for (names). */
  'shelter.view',
  /** See the rescue teams: their tasks and members' positions; take a task's steps at the team's kit. */
  'team.view',
  /** Assign a task to a rescue team (the centre). */
  'team.task',
  /** Send and read short texts (docs/texts.md). */
  'text.send',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

export type Scope = 'own' | 'all';

type Grants = Readonly<Partial<Record<Permission, Scope>>>;

const FIELD: Grants = {
  'report.view': 'own',
  'hazard.file': 'own',
  'hazard.view': 'own',
  'warning.answer': 'own',
  'request.file': 'own',
  'request.view': 'own',
  'shelter.record': 'own',
  'text.send': 'own',
};

export const GRANTS: Readonly<Record<RoleCode, Grants>> = {
  'info-officer': { ...FIELD, 'report.file': 'own', 'shelter.view': 'own' },
  'grid-member': FIELD,
  'flood-responsible': FIELD,
  'village-committee': { ...FIELD, 'roster.view': 'own', 'hazard.verify': 'own', 'shelter.view': 'own' },
  'team-leader': { ...FIELD, 'team.view': 'own' },
  // The county centre's desk: takes reports phoned in, sees everything, issues warnings.
  'duty-officer': {
    'report.file': 'all',
    'report.view': 'all',
    'warning.issue': 'all',
    'hazard.view': 'all',
    'hazard.verify': 'all',
    'roster.view': 'all',
    'audit.view': 'all',
    'kit.view': 'all',
    'kit.revoke': 'all',
    'request.view': 'all',
    'request.answer': 'all',
    'shelter.view': 'all',
    'team.view': 'all',
    'team.task': 'all',
    'text.send': 'all',
  },
  // Keeps the roster, and sees who did what; files and reads no reports by this role alone.
  admin: { 'roster.view': 'all', 'roster.manage': 'all', 'audit.view': 'all', 'kit.view': 'all' },
};

/** Where a person may do something: everywhere, or within these areas (none: nowhere). */
export type PermissionScope = { all: true } | { all: false; areas: readonly AreaCode[] };

export function scopeOf(person: Pick<Person, 'roles' | 'areas'>, permission: Permission): PermissionScope {
  let own = false;
  for (const role of person.roles) {
    const scope = GRANTS[role][permission];
    if (scope === 'all') return { all: true };
    if (scope === 'own') own = true;
  }
  return { all: false, areas: own ? person.areas : [] };
}

/** Whether the person may do `permission` in `area`. */
export function may(
  person: Pick<Person, 'roles' | 'areas'>,
  permission: Permission,
  area: AreaCode,
): boolean {
  const scope = scopeOf(person, permission);
  return scope.all || scope.areas.some((own) => areaContains(own, area));
}
