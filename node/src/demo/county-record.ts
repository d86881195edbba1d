/**
 * county.json, the demonstration county's own record (docs/demo-county.md §State): what the county
 * is (its nodes, their configurations and web ports) and when it was made. It is written first on
 * a first run, so it marks the folder as the demonstration's own: `--fresh` removes only a folder
 * that has it. It holds no secret.
 */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { isKitError, KitError } from '../base/errors.js';
import { DEMO_NODES } from './county-plan.js';
import type { DemoPaths } from './demo-paths.js';
import './demo-errors.js';

const FORMAT = 'fieldnode-demo-county';
/** The plan's version: a county made by another one is not resumed but started over. */
export const COUNTY_VERSION = 1;

/** The first web port: the centre's; the other nodes follow (docs/demo-county.md §Who is in it). */
export const WEB_PORT_BASE = 8100;

export interface CountyRecord {
  format: typeof FORMAT;
  version: number;
  /** When the county was made, ISO 8601. */
  createdAt: string;
  nodes: Array<{
    id: number;
    role: string;
    name: string;
    area: number;
    /** Its configuration, relative to the folder. */
    config: string;
    /** The port of its web UI and API (the `http.listen.port` it gets). */
    webPort: number;
  }>;
}

export function webPortOf(webOffset: number): number {
  return WEB_PORT_BASE + webOffset;
}

/**
 * The county recorded in `paths`, or undefined for a folder that has none yet.
 * @throws KitError DEMO_STATE_INVALID for a record of another format or version.
 */
export async function readCountyRecord(paths: DemoPaths): Promise<CountyRecord | undefined> {
  let text: string;
  try {
    text = await readFile(paths.county, 'utf8');
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ENOENT') return undefined;
    throw new KitError('DEMO_STATE_INVALID', `cannot read ${paths.county}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  let record: Partial<CountyRecord>;
  try {
    record = JSON.parse(text) as Partial<CountyRecord>;
  } catch (cause) {
    throw invalid(paths, 'is not JSON', cause);
  }
  if (record.format !== FORMAT) throw invalid(paths, 'is not a demonstration county record');
  if (record.version !== COUNTY_VERSION)
    throw invalid(paths, `was made by another version of fieldnode (county version ${record.version})`);
  return record as CountyRecord;
}

/** Makes the folder and writes the record of a new county. */
export async function writeCountyRecord(paths: DemoPaths): Promise<CountyRecord> {
  await mkdir(paths.dir, { recursive: true, mode: 0o700 });
  const record: CountyRecord = {
    format: FORMAT,
    version: COUNTY_VERSION,
    createdAt: new Date().toISOString(),
    nodes: DEMO_NODES.map((n) => ({
      id: n.id,
      role: n.role,
      name: n.name,
      area: n.area,
      config: relative(paths.dir, paths.nodeConfig(n.slug)),
      webPort: webPortOf(n.webOffset),
    })),
  };
  await writeFile(paths.county, `${JSON.stringify(record, null, 2)}\n`);
  return record;
}

/**
 * `--fresh`: removes the county's folder and everything in it. Only a folder that is a
 * demonstration county (its county.json reads as one), is empty, or does not exist is touched:
 * `--dir ~ --fresh` removes nothing.
 * @returns whether anything was removed.
 * @throws KitError DEMO_DIR_FOREIGN for any other folder.
 */
export async function removeCounty(paths: DemoPaths): Promise<boolean> {
  let entries: string[];
  try {
    entries = await readdir(paths.dir);
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ENOENT') return false;
    throw foreign(paths, (err as Error).message, err);
  }
  if (entries.length === 0) {
    await rm(paths.dir, { recursive: true, force: true });
    return true;
  }
  try {
    if ((await readCountyRecord(paths)) === undefined) throw foreign(paths, 'it has no county.json');
  } catch (err) {
    // Another version's county is still the demonstration's own folder.
    if (!isKitError(err, 'DEMO_STATE_INVALID') || !/another version/.test(err.message)) {
      throw isKitError(err, 'DEMO_DIR_FOREIGN') ? err : foreign(paths, (err as Error).message, err);
    }
  }
  await rm(paths.dir, { recursive: true, force: true });
  return true;
}

function invalid(paths: DemoPaths, what: string, cause?: unknown): KitError {
  return new KitError(
    'DEMO_STATE_INVALID',
    `${paths.county} ${what}: start the demonstration over with --fresh (it removes ${paths.dir})`,
    cause === undefined ? undefined : { cause },
  );
}

function foreign(paths: DemoPaths, why: string, cause?: unknown): KitError {
  return new KitError(
    'DEMO_DIR_FOREIGN',
    `${paths.dir} is not a demonstration county's folder (${why}), so --fresh removes nothing there: ` +
      'give --dir a folder of its own',
    cause === undefined ? undefined : { cause },
  );
}
