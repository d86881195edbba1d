/**
 * The demonstration county's people and PINs (docs/demo-county.md §People and PINs;
 * docs/domain-model.md §The roster, §PINs).
 *
 * - The roster (areas and people) is every node's `roster:` section (docs/domain-model.md §The
 *   roster in the configuration): the whole county's, since it is small.
 * - Each person gets a random PIN (generatePin) on the first run. A real county shows a PIN once
 *   and keeps only its hash; a drill must show it at every start, so the demonstration keeps its
 *   PINs in clear in pins.json (mode 0600), and nowhere else. That file is the one thing here a
 *   real county would never have.
 * - At each node, the PIN of the person who signs in there is set through the roster itself
 *   (Roster.setPins): its scrypt hash goes to the node's `<data_dir>/roster.json`, and the change
 *   to the node's audit log, as an admin's would.
 */
import { join } from 'node:path';
import { KitError } from '../base/errors.js';
import type { Logger } from '../base/logger.js';
import { isNoSuchFile, readPrivateFile, writeNewPrivateFile } from '../crypto/private-file.js';
import { AUDIT_FILE_NAME, AuditLog } from '../domain/audit/audit-log.js';
import { generatePin, pinProblem } from '../domain/roster/pin.js';
import type { PinHashParams } from '../domain/roster/pin-hash.js';
import { Roster } from '../domain/roster/roster.js';
import { checkRosterConfig, type RosterConfig } from '../domain/roster/roster-config.js';
import { ROSTER_FILE_NAME } from '../domain/roster/roster-file.js';
import { DEMO_AREAS, DEMO_NODES, DEMO_PEOPLE } from './county-plan.js';
import type { DemoPaths } from './demo-paths.js';
import './demo-errors.js';

/** Roster id → PIN, in clear. */
export type CountyPins = ReadonlyMap<number, string>;

const PINS_FORMAT = 'fieldnode-demo-pins';

/** The `roster:` section of every node of the county, as it stands in a configuration file. */
export function rosterSection(): Record<string, unknown> {
  return {
    areas: Object.fromEntries(DEMO_AREAS.map((a) => [String(a.code), a.name])),
    people: DEMO_PEOPLE.map((p) => ({ id: p.id, name: p.name, roles: [...p.roles], areas: [...p.areas] })),
  };
}

/** The roster as the domain takes it, checked by the configuration's rules. */
export function countyRoster(): RosterConfig {
  const { roster, problems } = checkRosterConfig(rosterSection());
  // The plan is code: a problem here is a bug in county-plan.ts, not in anyone's input.
  if (problems.length > 0) throw new TypeError(`the demonstration roster is wrong: ${problems.join('; ')}`);
  return roster;
}

/** The county's PINs: those kept in pins.json, or new random ones written there now. */
export async function ensurePins(paths: DemoPaths): Promise<CountyPins> {
  let text: string | undefined;
  try {
    text = await readPrivateFile(paths.pins, {
      holds: 'the demonstration county’s PINs',
      ifCopied: 'start the demonstration over with --fresh',
      maxBytes: 64 * 1024,
    });
  } catch (err) {
    if (!isNoSuchFile(err)) throw err;
  }
  if (text !== undefined) return parsePins(text, paths);
  const pins = new Map(DEMO_PEOPLE.map((p) => [p.id, generatePin()]));
  const record = {
    format: PINS_FORMAT,
    note: 'A drill’s PINs, kept in clear so that every start can show them. A real county keeps only their hashes.',
    pins: Object.fromEntries(pins),
  };
  await writeNewPrivateFile(paths.pins, `${JSON.stringify(record, null, 2)}\n`);
  return pins;
}

function parsePins(text: string, paths: DemoPaths): CountyPins {
  let raw: { format?: unknown; pins?: Record<string, unknown> };
  try {
    raw = JSON.parse(text) as typeof raw;
  } catch (cause) {
    throw broken(paths, 'is not JSON', cause);
  }
  if (raw.format !== PINS_FORMAT || typeof raw.pins !== 'object' || raw.pins === null)
    throw broken(paths, 'is not the demonstration’s PIN file');
  const pins = new Map<number, string>();
  for (const person of DEMO_PEOPLE) {
    const pin = raw.pins[String(person.id)];
    if (pinProblem(pin) !== undefined) throw broken(paths, `has no PIN for person ${person.id}`);
    pins.set(person.id, pin as string);
  }
  return pins;
}

/**
 * Sets, at each node, the PIN of the person who signs in there, where the node's roster file has
 * none yet (a first run, or a roster file removed since).
 * @param pinParams the scrypt parameters; default the roster's own (tests pass cheaper ones).
 */
export async function ensureNodePins(
  paths: DemoPaths,
  pins: CountyPins,
  log: Logger,
  pinParams?: PinHashParams,
): Promise<void> {
  const config = countyRoster();
  for (const node of DEMO_NODES) {
    const dataDir = paths.nodeData(node.slug);
    const audit = await AuditLog.open({ path: join(dataDir, AUDIT_FILE_NAME), nodeId: node.id, log });
    try {
      const roster = await Roster.open({
        config,
        file: join(dataDir, ROSTER_FILE_NAME),
        audit,
        log: log.child({ node: node.id }),
        ...(pinParams === undefined ? {} : { pinParams }),
      });
      if (!roster.hasPin(node.person))
        await roster.setPins('system', new Map([[node.person, pins.get(node.person)]]));
    } finally {
      await audit.close();
    }
  }
}

function broken(paths: DemoPaths, what: string, cause?: unknown): KitError {
  return new KitError(
    'DEMO_STATE_INVALID',
    `${paths.pins} ${what}: start the demonstration over with --fresh (it removes ${paths.dir})`,
    cause === undefined ? undefined : { cause },
  );
}
