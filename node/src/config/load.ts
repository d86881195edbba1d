/**
 * Loading the configuration file (docs/conventions.md §Configuration): read → parse YAML or JSON by extension → check
 * every field, collecting every problem → typed `Config` (camelCase, durations in ms, paths
 * absolute) → deep-frozen.
 *
 * - A file that cannot be read or parsed: KitError CONFIG_UNREADABLE with the cause.
 * - A file that parses but is wrong: one KitError CONFIG_INVALID listing every problem by path,
 *   with its line and column in the file (source-positions.ts) and, for a mistyped key, link or
 *   next hop, the one valid at that place it most likely meant (did-you-mean.ts).
 * - Relative paths in the file resolve against the file's own directory, so the daemon does not
 *   depend on the directory systemd starts it in. The defaults and the environment overrides
 *   resolve against the working directory, as `fieldnode keys` does.
 * - Only deployment knobs come from the environment: FIELDNODE_DATA_DIR, FIELDNODE_LOG_LEVEL and
 *   FIELDNODE_LOG_FORMAT.
 */
import { readFile } from 'node:fs/promises';
import { dirname, extname, join, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { KitError } from '../base/errors.js';
import { EMPTY_ROSTER, parseRosterSection, ROSTER_SECTION_KEYS } from '../domain/roster/roster-config.js';
import { ALARM_KEYS, parseAlarmSection } from './alarm-section.js';
import { COUNTY_KEYS, parseCountySection } from './county-section.js';
import { HTTP_KEYS, parseHttpSection } from './http-section.js';
import { parseKeys } from './keys-section.js';
import { KITS_KEYS, parseKitsSection } from './kits-section.js';
import { LOG_KEYS, parseLogSection } from './log-section.js';
import { MAP_KEYS, parseMapSection } from './map-section.js';
import { POWER_KEYS, parsePowerSection } from './power-section.js';
import { Problems, Section } from './reader.js';
import { parseRequestsSection, REQUESTS_KEYS } from './requests-section.js';
import type { Config, NodeConfig } from './schema.js';
import { CONTROL_SOCKET_STAGING_BYTES, DEFAULTS, MAX_UNIX_SOCKET_PATH_BYTES, NODE_ROLES } from './schema.js';
import { parseArea, parseLinks, parseRoutes } from './sections.js';
import { parseSheltersSection, SHELTERS_KEYS } from './shelters-section.js';
import { SourcePositions } from './source-positions.js';
import { parseTeamsSection, TEAMS_KEYS } from './teams-section.js';
import { parseWarningsSection, WARNINGS_KEYS } from './warnings-section.js';

export interface LoadConfigOptions {
  /** Where FIELDNODE_DATA_DIR and FIELDNODE_LOG_* are read. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** What the default data dir and FIELDNODE_DATA_DIR resolve against. Default `process.cwd()`. */
  cwd?: string;
  /**
   * Refuse keys published in this repository even under the test runner, as outside it (for the
   * tests of that refusal; nothing makes the refusal more lenient). Default false.
   */
  refuseTestKeys?: boolean;
}

export interface ParseConfigOptions extends LoadConfigOptions {
  /** What relative paths in the file resolve against: the file's directory. */
  baseDir: string;
  /** Names the file in the error message. Default "configuration". */
  source?: string;
  /** Where each key path stands in the file's text, for the problems to say. Default: unknown. */
  positions?: SourcePositions;
}

const U32_MAX = 0xffff_ffff;
const ROOT_KEYS = [
  'node',
  'data_dir',
  'centre_nodes',
  'keys',
  'links',
  'routes',
  'routing',
  'retry',
  'log',
  'county',
  'control',
  'deliveries',
  'store',
  'http',
  'roster',
  'map',
  'alarm',
  'warnings',
  'kits',
  'power',
  'teams',
  'shelters',
  'requests',
];

/** Reads, checks and freezes the configuration in `file` (.yaml, .yml or .json). */
export async function loadConfig(file: string, opts: LoadConfigOptions = {}): Promise<Config> {
  const path = resolve(opts.cwd ?? process.cwd(), file);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new KitError('CONFIG_UNREADABLE', `cannot read ${path}: ${(cause as Error).message}`, { cause });
  }
  const { raw, positions } = parseText(text, path);
  return parseConfig(raw, {
    ...opts,
    baseDir: dirname(path),
    source: path,
    ...(positions === undefined ? {} : { positions }),
  });
}

/**
 * The configuration used when no file is given: a standalone node (id 1, the centre of its own
 * county) with no links, its data in ./.fieldnode. Enough for `npm start` to run the daemon.
 */
export function defaultConfig(opts: LoadConfigOptions = {}): Config {
  const cwd = opts.cwd ?? process.cwd();
  return parseConfig({ node: { id: 1, role: 'centre', name: 'standalone' } }, { ...opts, baseDir: cwd });
}

function parseText(text: string, path: string): { raw: unknown; positions?: SourcePositions } {
  const ext = extname(path).toLowerCase();
  if (ext === '.json') {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (cause) {
      throw new KitError('CONFIG_UNREADABLE', `${path} is not valid JSON: ${(cause as Error).message}`, {
        cause,
      });
    }
    return { raw, ...positionsOf(text) };
  }
  if (ext === '.yaml' || ext === '.yml') {
    // YAML 1.2 core schema: dates stay text and duplicate keys are errors, not "last one wins".
    const lines = new LineCounter();
    const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true, lineCounter: lines });
    if (doc.errors.length > 0) {
      const list = doc.errors.map((e) => `  ${e.message.replace(/\n/g, '\n    ')}`).join('\n');
      throw new KitError('CONFIG_UNREADABLE', `${path} is not valid YAML:\n${list}`, {
        cause: doc.errors[0],
      });
    }
    try {
      return { raw: doc.toJS({ maxAliasCount: 100 }), positions: new SourcePositions(doc, lines) };
    } catch (cause) {
      throw new KitError('CONFIG_UNREADABLE', `${path}: ${(cause as Error).message}`, { cause });
    }
  }
  throw new KitError('CONFIG_UNREADABLE', `${path}: a configuration file ends in .yaml, .yml or .json`);
}

/** A JSON file's key paths, read as the YAML it also is; none if YAML reads it differently. */
function positionsOf(text: string): { positions?: SourcePositions } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { uniqueKeys: true, lineCounter: lines });
  return doc.errors.length > 0 ? {} : { positions: new SourcePositions(doc, lines) };
}

/** Checks a parsed file and builds the typed, frozen `Config`; throws CONFIG_INVALID listing every problem. */
export function parseConfig(raw: unknown, opts: ParseConfigOptions): Config {
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  const p = new Problems(opts.positions);
  const root = Section.of(p, raw ?? {}, '', ROOT_KEYS);

  const nodeSection = root.section('node', ['id', 'role', 'area', 'name', 'drill'], true);
  const node = parseNode(nodeSection);
  const role = (NODE_ROLES as readonly unknown[]).includes(nodeSection.get('role')) ? node.role : undefined;

  const fileDataDir = root.str('data_dir');
  const envDataDir = env.FIELDNODE_DATA_DIR?.trim() || undefined;
  const dataDir = envDataDir
    ? resolve(cwd, envDataDir)
    : fileDataDir === undefined
      ? resolve(cwd, DEFAULTS.dataDir)
      : resolve(opts.baseDir, fileDataDir);

  const centreNodes = parseCentreNodes(root, node, p);

  const keys = parseKeys(root, {
    baseDir: opts.baseDir,
    role,
    centreNodes,
    ...(opts.refuseTestKeys === undefined ? {} : { refuseTestKeys: opts.refuseTestKeys }),
  });

  const links = parseLinks(root).map((l) =>
    l.type === 'rockblock' && l.verifyKeyFile !== undefined
      ? { ...l, verifyKeyFile: resolve(opts.baseDir, l.verifyKeyFile) }
      : l,
  );
  const routes = parseRoutes(root, links);

  const routing = root.section('routing', ['beacon_interval_s', 'receipt_wait_s', 'latency_bound_s']);
  const bounds = routing.section('latency_bound_s', ['p0', 'p1', 'p2', 'p3']);
  const beaconIntervalMs = ms(routing.num('beacon_interval_s', 1, Infinity) ?? DEFAULTS.beaconIntervalS);
  const receiptWaitMs = ms(routing.num('receipt_wait_s', 1, Infinity) ?? DEFAULTS.receiptWaitS);
  const bound = (k: 'p0' | 'p1' | 'p2' | 'p3') => ms(bounds.num(k, 0, Infinity) ?? DEFAULTS.latencyBoundS[k]);
  const latencyBoundMs = { p0: bound('p0'), p1: bound('p1'), p2: bound('p2'), p3: bound('p3') };

  const retry = root.section('retry', ['initial_s', 'max_s', 'jitter']);
  const initialS = retry.num('initial_s', 0.001, Infinity) ?? DEFAULTS.retry.initialS;
  const maxS = retry.num('max_s', 0.001, Infinity) ?? DEFAULTS.retry.maxS;
  if (maxS < initialS) retry.problem('max_s', `must be at least initial_s (${initialS})`);
  const jitter = retry.num('jitter', 0, 1) ?? DEFAULTS.retry.jitter;

  const county = parseCountySection(root.section('county', COUNTY_KEYS));
  const log = parseLogSection(root.section('log', LOG_KEYS), env, p, county.timeZone);

  const control = root.section('control', ['socket']);
  const socketInFile = control.str('socket');
  const socket =
    socketInFile === undefined
      ? join(dataDir, DEFAULTS.controlSocketName)
      : resolve(opts.baseDir, socketInFile);
  if (Buffer.byteLength(socket) > MAX_UNIX_SOCKET_PATH_BYTES) {
    control.problem(
      'socket',
      `${socket} is ${Buffer.byteLength(socket)} bytes; a unix socket path is at most ${MAX_UNIX_SOCKET_PATH_BYTES}`,
    );
  } else if (Buffer.byteLength(dirname(socket)) + CONTROL_SOCKET_STAGING_BYTES > MAX_UNIX_SOCKET_PATH_BYTES) {
    control.problem(
      'socket',
      `the socket is made in a private directory in ${dirname(socket)} first, and that path would be over ` +
        `${MAX_UNIX_SOCKET_PATH_BYTES} bytes: use a shorter directory`,
    );
  }

  const journal = root.section('deliveries', ['journal']).str('journal');

  const retentionS =
    root.section('store', ['retention_s']).num('retention_s', 60, Infinity) ?? DEFAULTS.storeRetentionS;

  const http = root.has('http') ? parseHttpSection(root.section('http', HTTP_KEYS), opts.baseDir) : undefined;
  const roster = root.has('roster')
    ? parseRosterSection(root.section('roster', ROSTER_SECTION_KEYS))
    : EMPTY_ROSTER;
  const alarm = parseAlarmSection(root.section('alarm', ALARM_KEYS), opts.baseDir);
  const map = parseMapSection(root.section('map', MAP_KEYS), opts.baseDir);
  const warnings = parseWarningsSection(root.section('warnings', WARNINGS_KEYS));
  const kits = parseKitsSection(root.section('kits', KITS_KEYS));
  const teams = root.has('teams') ? parseTeamsSection(root.section('teams', TEAMS_KEYS)) : undefined;
  const power = root.has('power') ? parsePowerSection(root.section('power', POWER_KEYS)) : undefined;
  const requests = root.has('requests')
    ? parseRequestsSection(root.section('requests', REQUESTS_KEYS))
    : undefined;
  const shelters = root.has('shelters')
    ? parseSheltersSection(root.section('shelters', SHELTERS_KEYS))
    : undefined;

  const config: Config = {
    node,
    dataDir,
    centreNodes,
    keys,
    links,
    routes,
    routing: {
      beaconIntervalMs,
      receiptWaitMs,
      latencyBoundMs,
    },
    retry: { initialMs: ms(initialS), maxMs: ms(maxS), jitter },
    log,
    county,
    control: { socket },
    store: { retentionMs: ms(retentionS) },
    deliveries: journal === undefined ? {} : { journal: resolve(opts.baseDir, journal) },
    ...(http === undefined ? {} : { http }),
    roster,
    map,
    alarm,
    warnings,
    kits,
    ...(power === undefined ? {} : { power }),
    ...(shelters === undefined ? {} : { shelters }),
    ...(teams === undefined ? {} : { teams }),
    ...(requests === undefined ? {} : { requests }),
  };

  if (p.list.length > 0) {
    const n = p.list.length;
    const where = opts.source ?? 'configuration';
    throw new KitError(
      'CONFIG_INVALID',
      `${where}: ${n} problem${n === 1 ? '' : 's'}:\n${p.list.map((line) => `  - ${line}`).join('\n')}`,
    );
  }
  return deepFreeze(config);
}

function parseNode(s: Section): NodeConfig {
  // Placeholders (0, 'kit') stand in only where a problem was recorded, and then nothing is returned.
  const id = s.int('id', 1, U32_MAX, true) ?? 0;
  const role = s.oneOf('role', NODE_ROLES, true) ?? 'kit';
  const area = parseArea(s);
  const name = s.str('name');
  const drill = s.bool('drill') ?? false;
  return {
    id,
    role,
    ...(area === undefined ? {} : { area }),
    ...(name === undefined ? {} : { name }),
    drill,
  };
}

function parseCentreNodes(root: Section, node: NodeConfig, p: Problems): number[] {
  if (!root.has('centre_nodes')) {
    checkCentreRole(root, node, DEFAULTS.centreNodes);
    return [...DEFAULTS.centreNodes];
  }
  const ids: number[] = [];
  const items = root.list('centre_nodes');
  if (Array.isArray(root.get('centre_nodes')) && items.length === 0)
    root.problem('centre_nodes', 'at least one node id');
  for (const { value, path } of items) {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > U32_MAX) {
      p.add(path, `expected a node id from 1 to ${U32_MAX}, found ${JSON.stringify(value)}`);
    } else if (ids.includes(value)) {
      p.add(path, `${value} is listed twice`);
    } else {
      ids.push(value);
    }
  }
  checkCentreRole(root, node, ids);
  return ids;
}

/** A centre must know it is one, and a kit must not think it is: the MAC key choice depends on it. */
function checkCentreRole(root: Section, node: NodeConfig, centres: readonly number[]): void {
  if (node.id === 0) return;
  const listed = centres.includes(node.id);
  if (node.role === 'centre' && !listed) {
    root.problem(
      'centre_nodes',
      `node.id ${node.id} has role centre but is not in centre_nodes [${centres.join(', ')}]`,
    );
  } else if (node.role !== 'centre' && listed) {
    root.problem('centre_nodes', `lists node.id ${node.id}, whose role is ${node.role}, not centre`);
  }
}

/** Seconds in the file to milliseconds in Config. */
function ms(seconds: number): number {
  return Math.round(seconds * 1000);
}

/** Freezes plain objects and arrays all the way down. Typed arrays (keys) cannot be frozen. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !ArrayBuffer.isView(value) && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
