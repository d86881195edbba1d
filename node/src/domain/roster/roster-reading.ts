/**
 * Reading areas and people with the configuration's problem-collecting reader
 * (docs/domain-model.md §The roster in the configuration; docs/conventions.md §Errors "Validation
 * returns all problems"): shared by the configuration's `roster:` section and the roster file, so
 * a person is held to the same rules wherever they come from.
 */
import { didYouMean } from '../../config/did-you-mean.js';
import { describe, type Section } from '../../config/reader.js';
import { type AreaCode, readAreaCode } from './area-code.js';
import type { NamedArea } from './area-directory.js';
import { MAX_NAME_BYTES, MAX_ROSTER_ID, type Person } from './person.js';
import { isRoleCode, ROLE_CODES, type RoleCode } from './roles.js';

export const PERSON_KEYS = ['id', 'name', 'phone', 'roles', 'areas'] as const;
/** Keys refused with their own problem, not as unknown: PINs never sit in these files. */
const PIN_KEYS = ['pin', 'pin_hash'];
const MAX_AREA_NAME = 64;
const PHONE = /^\+?[0-9][0-9 -]{4,23}$/;

/** `areas:` as code → name; problems under `areas.<code>`. */
export function readAreas(s: Section): NamedArea[] {
  const raw = s.get('areas');
  const codes = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? Object.keys(raw) : [];
  const section = s.section('areas', codes);
  const seen = new Map<AreaCode, string>();
  const areas: NamedArea[] = [];
  for (const key of codes) {
    const name = section.str(key, true, (t) =>
      [...t].length > MAX_AREA_NAME ? `at most ${MAX_AREA_NAME} characters` : undefined,
    );
    const read = readAreaCode(key);
    if (!read.ok) {
      section.problem(key, `not an area code: ${read.problem}`);
      continue;
    }
    const earlier = seen.get(read.code);
    if (earlier !== undefined) {
      section.problem(key, `the same area as ${earlier}`);
      continue;
    }
    seen.set(read.code, key);
    if (name !== undefined) areas.push({ code: read.code, name: name.trim() });
  }
  return areas;
}

/** `people:` checked against the areas named; problems under `people[i].…`. */
export function readPeople(s: Section, knownAreas: ReadonlySet<AreaCode>): Person[] {
  const firstUse = new Map<number, string>();
  const people: Person[] = [];
  for (const { value, path } of s.list('people')) {
    const p = s.item(value, path, [...PERSON_KEYS, ...PIN_KEYS], PERSON_KEYS);
    const person = readPerson(p, knownAreas);
    if (person === undefined) continue;
    const earlier = firstUse.get(person.id);
    if (earlier !== undefined) p.problem('id', `${person.id} is already the id of ${earlier}`);
    else firstUse.set(person.id, path);
    people.push(person);
  }
  return people;
}

/** One person; undefined when any field is wrong (each problem is recorded). */
export function readPerson(p: Section, knownAreas: ReadonlySet<AreaCode>): Person | undefined {
  for (const key of PIN_KEYS)
    if (p.has(key))
      p.problem(
        key,
        'PINs are never written here: an admin sets them on the node, which keeps only their hash ' +
          '(docs/domain-model.md §PINs)',
      );
  const id = p.int('id', 1, MAX_ROSTER_ID, true);
  const name = p.str('name', true, nameProblem);
  const phone = readPhone(p);
  const roles = readList(p, 'roles', 'role', (v) =>
    isRoleCode(v) ? undefined : `expected one of ${ROLE_CODES.join(', ')}, found ${describe(v)}${hint(v)}`,
  );
  const areas = readList(
    p,
    'areas',
    'area',
    (v) => {
      const read = readAreaCode(v);
      if (!read.ok) return `not an area code: ${read.problem}`;
      return knownAreas.has(read.code)
        ? undefined
        : `${read.code} is not named in the roster's areas: add it there`;
    },
    (v) => String(codeOf(v)),
  );
  if (id === undefined || name === undefined || phone === false || roles === undefined || areas === undefined)
    return undefined;
  return {
    id,
    name: name.trim(),
    ...(phone === undefined ? {} : { phone }),
    roles: roles as RoleCode[],
    areas: areas.map(codeOf),
  };
}

/** A phone number as text; false when wrong (recorded). */
function readPhone(p: Section): string | undefined | false {
  const value = p.get('phone');
  if (typeof value === 'number') {
    p.problem('phone', `write it as text, in quotes ("${value}"), so that no leading 0 or + is lost`);
    return false;
  }
  if (value === undefined) return undefined;
  const phone = p.str('phone', undefined, (t) =>
    PHONE.test(t.trim()) ? undefined : 'expected a phone number: digits, spaces and -, + first if any',
  );
  return phone === undefined ? false : phone.trim();
}

/**
 * A non-empty list of distinct items, each checked, two being the same when `same` says so;
 * undefined when any is wrong (recorded).
 */
function readList(
  p: Section,
  key: string,
  what: string,
  check: (v: unknown) => string | undefined,
  same: (v: unknown) => string = String,
): unknown[] | undefined {
  const items = p.list(key, true);
  if (!Array.isArray(p.get(key))) return undefined;
  if (items.length === 0) {
    p.problem(key, `at least one ${what}`);
    return undefined;
  }
  let ok = true;
  const seen = new Set<string>();
  items.forEach(({ value }, i) => {
    let wrong = check(value);
    if (wrong === undefined) {
      const k = same(value);
      if (seen.has(k)) wrong = `${k} is listed twice`;
      seen.add(k);
    }
    if (wrong !== undefined) {
      p.problem(`${key}[${i}]`, wrong);
      ok = false;
    }
  });
  return ok ? items.map((item) => item.value) : undefined;
}

function nameProblem(name: string): string | undefined {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused.
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'no control characters (tabs, line breaks)';
  const bytes = Buffer.byteLength(name.trim());
  return bytes > MAX_NAME_BYTES
    ? `${bytes} bytes of UTF-8; a name is at most ${MAX_NAME_BYTES} (16 Chinese characters), as a roster on air carries it`
    : undefined;
}

/** The code of an area already checked. */
function codeOf(value: unknown): AreaCode {
  const read = readAreaCode(value);
  return read.ok ? read.code : Number.NaN;
}

function hint(value: unknown): string {
  return typeof value === 'string' ? didYouMean(value, ROLE_CODES) : '';
}
