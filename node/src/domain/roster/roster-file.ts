/**
 * The roster file, `<data_dir>/roster.json` (docs/domain-model.md §The roster file): the changes
 * made to the roster at run time (people added, changed or removed by an admin) and every PIN
 * hash, kept apart from the configuration, which holds no PINs.
 *
 *   { "format": "fieldnode-roster", "version": 1,
 *     "people": [{ "id": 17, "name": "…", "roles": ["info-officer"], "areas": [430121101201] }],
 *     "removed": [5],
 *     "pins": { "17": "$scrypt$v=1$ln=15,r=8,p=1$…$…" } }
 *
 * It is private to the daemon's user, mode 0600, like a key file: reading refuses one that others
 * may read (KEYS_INSECURE, with the chmod that fixes it), and writing replaces it in one step
 * (replace-private-file.ts). A file that breaks the rules is ROSTER_INVALID listing every problem.
 */
import { KitError } from '../../base/errors.js';
import { Problems, Section } from '../../config/reader.js';
import { isNoSuchFile, readPrivateFile } from '../../crypto/private-file.js';
import type { AreaCode } from './area-code.js';
import { MAX_ROSTER_ID, type Person, type RosterId } from './person.js';
import { pinHashProblem } from './pin-hash.js';
import { replacePrivateFile } from './replace-private-file.js';
import './roster-errors.js';
import { readPeople } from './roster-reading.js';

export const ROSTER_FILE_NAME = 'roster.json';
const FORMAT = 'fieldnode-roster';
const VERSION = 1;
/** Far more than a county's roster: a larger file is refused unread. */
const MAX_BYTES = 4 * 2 ** 20;

export interface RosterChanges {
  /** People added or changed at run time; each replaces a configured person of the same id. */
  people: readonly Person[];
  /** Configured people removed at run time. */
  removed: readonly RosterId[];
  /** The PIN hash of each person who has a PIN. */
  pins: ReadonlyMap<RosterId, string>;
}

export const NO_CHANGES: RosterChanges = { people: [], removed: [], pins: new Map() };

/**
 * The changes in `file`; none when there is no file yet.
 * @param knownAreas the roster's areas: a person's areas must be among them.
 * @throws KitError KEYS_INSECURE or KEYS_UNREADABLE (node/src/crypto/private-file.ts);
 *   ROSTER_INVALID listing every problem.
 */
export async function readRosterFile(
  file: string,
  knownAreas: ReadonlySet<AreaCode>,
): Promise<RosterChanges> {
  let text: string;
  try {
    text = await readPrivateFile(file, {
      holds: 'the PIN hashes of the roster',
      ifCopied: 'reset every PIN',
      maxBytes: MAX_BYTES,
    });
  } catch (err) {
    if (isNoSuchFile(err)) return NO_CHANGES;
    throw err;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    throw new KitError(
      'ROSTER_INVALID',
      `${file} is not valid JSON (${(cause as Error).message}): restore it from a backup, or move it aside ` +
        'and make the changes and PINs again',
      { cause },
    );
  }
  return parseRosterFile(raw, knownAreas, file);
}

/** Checks the parsed file. @throws KitError ROSTER_INVALID listing every problem. */
export function parseRosterFile(
  raw: unknown,
  knownAreas: ReadonlySet<AreaCode>,
  source: string,
): RosterChanges {
  const problems = new Problems();
  const s = Section.of(problems, raw, '', ['format', 'version', 'people', 'removed', 'pins'], true);
  s.oneOf('format', [FORMAT], true);
  const version = s.int('version', 1, Number.MAX_SAFE_INTEGER, true);
  if (version !== undefined && version > VERSION) {
    s.problem('version', `version ${version} was written by a newer fieldnode; this one reads ${VERSION}`);
  }
  const people = readPeople(s, knownAreas);
  const removed: RosterId[] = [];
  const changed = new Set(people.map((p) => p.id));
  for (const { value, path } of s.list('removed')) {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_ROSTER_ID)
      problems.add(path, `expected a roster id from 1 to ${MAX_ROSTER_ID}, found ${JSON.stringify(value)}`);
    else if (changed.has(value)) problems.add(path, `${value} is also among the people: removed or not?`);
    else removed.push(value);
  }
  const pins = new Map<RosterId, string>();
  for (const { name, value, path } of s.entries('pins')) {
    const id = Number(name);
    if (!/^[1-9][0-9]{0,4}$/.test(name) || id > MAX_ROSTER_ID)
      problems.add(path, `${JSON.stringify(name)} is not a roster id`);
    const wrong = pinHashProblem(value);
    if (wrong !== undefined) problems.add(path, wrong);
    else pins.set(id, value as string);
  }
  if (problems.list.length > 0) {
    const n = problems.list.length;
    throw new KitError(
      'ROSTER_INVALID',
      `${source}: ${n} problem${n === 1 ? '' : 's'}:\n${problems.list.map((l) => `  - ${l}`).join('\n')}`,
    );
  }
  return { people, removed, pins };
}

/** Replaces `file` with `changes`, mode 0600, in one step. @throws the file system's error. */
export async function writeRosterFile(file: string, changes: RosterChanges): Promise<void> {
  const record = {
    format: FORMAT,
    version: VERSION,
    people: [...changes.people].sort((a, b) => a.id - b.id),
    removed: [...changes.removed].sort((a, b) => a - b),
    pins: Object.fromEntries([...changes.pins].sort(([a], [b]) => a - b)),
  };
  await replacePrivateFile(file, `${JSON.stringify(record, null, 2)}\n`);
}
