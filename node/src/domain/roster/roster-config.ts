/**
 * The roster section of the node's configuration (docs/domain-model.md §The roster in the
 * configuration; docs/conventions.md §Configuration): its typed form, and the check that reads it
 * with the configuration's own reader, so every problem is reported at once under its path
 * (`roster.people[2].roles[0]: expected one of …`), with a line and column when load.ts passes the
 * file's positions.
 *
 *   roster:
 *     areas:                    # code (6, 9 or 12 digits) → name
 *       "430121": 长沙县
 *     people:
 *       - id: 1                 # 1–65535, never reused
 *         name: 张伟             # ≤ 48 bytes
 *         phone: "13800000000"  # optional
 *         roles: [info-officer]
 *         areas: [430121101201]
 *
 * PINs are never in the configuration: a `pin` or `pin_hash` key is refused with a problem that
 * says where PINs are set instead.
 */
import { Problems, Section } from '../../config/reader.js';
import type { AreaCode } from './area-code.js';
import type { NamedArea } from './area-directory.js';
import type { Person } from './person.js';
import { readAreas, readPeople } from './roster-reading.js';

/** The keys of `roster:`. */
export const ROSTER_SECTION_KEYS = ['areas', 'people'] as const;

export interface RosterConfig {
  /** Every area the roster names, with its name. */
  areas: readonly NamedArea[];
  /** The people configured; the roster file's changes apply on top (roster.ts). */
  people: readonly Person[];
}

export const EMPTY_ROSTER: RosterConfig = { areas: [], people: [] };

/**
 * Reads `roster:` from a section made by the configuration's reader:
 * `parseRosterSection(root.section('roster', ROSTER_SECTION_KEYS))`. Problems go to the reader.
 */
export function parseRosterSection(s: Section): RosterConfig {
  const areas = readAreas(s);
  const known = new Set<AreaCode>(areas.map((a) => a.code));
  return { areas, people: readPeople(s, known) };
}

export interface RosterCheck {
  /** The roster read; meaningful only when `problems` is empty. */
  roster: RosterConfig;
  /** Every problem, `path: what is wrong`. */
  problems: string[];
}

/** Checks a parsed `roster:` value on its own, paths starting at `path`. Never throws. */
export function checkRosterConfig(raw: unknown, path = 'roster'): RosterCheck {
  const problems = new Problems();
  const roster = parseRosterSection(Section.of(problems, raw ?? {}, path, ROSTER_SECTION_KEYS));
  return { roster, problems: problems.list };
}
