/**
 * The `shelters` section of the configuration file (docs/conventions.md §Configuration;
 * docs/shelters.md §The registry): the county's shelters (安置点), the same list at the centre and
 * at every kit, and, at the centre only, the villages' evacuation lists (转移名单) the roll-calls
 * are checked against. A name of a person is kept here and never goes on air.
 */
import { readAreaCode } from '../domain/roster/area-code.js';
import type { ExpectedPerson, PersonFlag, ShelterSite } from '../domain/shelters/shelter.js';
import { PERSON_FLAGS } from '../wire/kinds/rollcall.js';
import { positionOf } from './map-section.js';
import type { Section } from './reader.js';

export const SHELTERS_KEYS = ['sites', 'expected'];

export interface SheltersConfig {
  readonly sites: readonly ShelterSite[];
  readonly expected: readonly ExpectedPerson[];
}

export const EMPTY_SHELTERS: SheltersConfig = { sites: [], expected: [] };

const MAX_SITES = 2000;
const MAX_EXPECTED = 200_000;
const MAX_NAME_BYTES = 48;

export function parseSheltersSection(s: Section): SheltersConfig {
  const sites: ShelterSite[] = [];
  const seen = new Set<number>();
  const items = s.list('sites');
  if (items.length > MAX_SITES) s.problem('sites', `${items.length} shelters; at most ${MAX_SITES}`);
  for (const { value, path } of items.slice(0, MAX_SITES)) {
    const item = s.item(value, path, ['number', 'name', 'area', 'at', 'capacity']);
    const number = item.int('number', 1, 0xffff, true);
    const name = item.str('name', true, nameCheck);
    const area = areaOf(item);
    const capacity = item.int('capacity', 0, 1_000_000, true);
    const at = item.has('at') ? positionOf(item, 'at', item.get('at')) : undefined;
    if (number !== undefined && seen.has(number))
      item.problem('number', `shelter ${number} is listed twice: each shelter needs its own number`);
    if (number === undefined || name === undefined || area === undefined || capacity === undefined) continue;
    seen.add(number);
    sites.push({
      number,
      name,
      area,
      capacity,
      ...(at === undefined ? {} : { point: { lon: at[0], lat: at[1] } }),
    });
  }
  const expected: ExpectedPerson[] = [];
  const ids = new Set<number>();
  const people = s.list('expected');
  if (people.length > MAX_EXPECTED) s.problem('expected', `${people.length} people; at most ${MAX_EXPECTED}`);
  for (const { value, path } of people.slice(0, MAX_EXPECTED)) {
    const item = s.item(value, path, ['registration', 'name', 'area', 'flags']);
    const registration = item.int('registration', 0, 0xffff_ffff, true);
    const name = item.str('name', true, nameCheck);
    const area = areaOf(item);
    const flags = flagsOf(item);
    if (registration !== undefined && ids.has(registration))
      item.problem('registration', `registration ${registration} is listed twice`);
    if (registration === undefined || name === undefined || area === undefined) continue;
    ids.add(registration);
    expected.push({ registration, name, area, ...(flags.length === 0 ? {} : { flags }) });
  }
  return { sites, expected };
}

function nameCheck(v: string): string | undefined {
  return Buffer.byteLength(v) > MAX_NAME_BYTES
    ? `at most ${MAX_NAME_BYTES} bytes (16 Chinese characters)`
    : undefined;
}

function areaOf(item: Section): number | undefined {
  if (!item.has('area')) {
    item.problem('area', 'required: the area code it belongs to');
    return undefined;
  }
  const read = readAreaCode(item.get('area'));
  if (read.ok) return read.code;
  item.problem('area', `not an area code: ${read.problem}`);
  return undefined;
}

function flagsOf(item: Section): PersonFlag[] {
  if (!item.has('flags')) return [];
  const raw = item.get('flags');
  const known = PERSON_FLAGS as readonly string[];
  if (!Array.isArray(raw) || raw.some((f) => typeof f !== 'string' || !known.includes(f))) {
    item.problem('flags', `expected a list of ${PERSON_FLAGS.join(', ')}`);
    return [];
  }
  return raw as PersonFlag[];
}
