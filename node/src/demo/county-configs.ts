/**
 * The configuration of each node of the demonstration county (docs/demo-county.md §How it is
 * wired), written as an ordinary configuration file (docs/conventions.md §Configuration), read back
 * by the daemon's own loader and handed to createNode: each node is configured exactly as a real
 * one would be, and a newcomer can read how.
 *
 * - Kits and the rescue team: their radio (`mesh0`) and one route to the centre, through the
 *   gateway's radio.
 * - The gateway: its radio, and its uplink to the centre: its Iridium modem (`sat0`), or, without
 *   socat, a UDP line on 127.0.0.1 (`wan0`) standing in for it; a route to each node behind it.
 * - The centre: its RockBLOCK door (`rockblock0`: the push receiver and the MT API client) or the
 *   UDP line, and a route to every node through the gateway; the deliveries journal.
 * - Every node lists every other's identity key, area and role (`keys.nodes`), as the centre's
 *   enrolment records them, so beacons and custody signals are trusted.
 * - Every node serves its web UI and API (`http:`) on its own port, and holds the county's roster
 *   (`roster:`); the PIN hashes are in its data directory (county-roster.ts).
 * - Every node is a drill (`node.drill`, docs/demo-county.md §Safe defaults): each report it files
 *   carries the exercise flag, and its web UI and status say 演练 DRILL.
 *
 * The files are written again at every start, since the simulators' ports are new each time; the
 * keys and data they name stay.
 */
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { stringify } from 'yaml';
import { CONTROL_SOCKET_STAGING_BYTES, MAX_UNIX_SOCKET_PATH_BYTES } from '../config/schema.js';
import { type CountyIdentities, DEMO_ISSUER } from './county-keys.js';
import type { CountyMesh } from './county-mesh.js';
import {
  CENTRE,
  DEMO_MAP_POINTS,
  DEMO_NODES,
  DEMO_OUTLINES,
  type DemoNodePlan,
  GATEWAY,
  GATEWAY_IMEI,
  meshNodes,
  planOf,
  TEAM,
} from './county-plan.js';
import { rosterSection } from './county-roster.js';
import type { CountySatellite } from './county-satellite.js';
import type { DemoPaths } from './demo-paths.js';

/** The gateway's way to the centre. */
export type CountyUplink =
  | { kind: 'satellite'; satellite: CountySatellite; pushPort: number }
  | { kind: 'udp'; centrePort: number; gatewayPort: number };

/** The waits the county shortens (docs/demo-county.md §Timings). */
export interface CountyTimings {
  /** The gateway's `hold_s` for P1, P2 and P3: how long messages wait to share a session, s. */
  satelliteHoldS: readonly [number, number, number];
  /** How long the centre holds receipts going back over the satellite, ms, P0–P3. */
  receiptHoldMs: readonly [number, number, number, number];
  /** How long a satellite session that reaches the gateway takes, ms. Default the simulator's. */
  sessionMs?: readonly [number, number];
  /** The centre's `warnings.answer_within_s`: a delivered warning's wait for its person, s. */
  answerWithinS: number;
  /**
   * Every node's `routing.receipt_wait_s`: how long a message in custody elsewhere waits for the
   * destination's word before it is sent again, s. Default the configuration's (10 minutes).
   */
  receiptWaitS?: number;
}

/** The demonstration's: a report reaches the centre, and its receipt the kit, within a minute. */
export const DEMO_TIMINGS: CountyTimings = {
  satelliteHoldS: [5, 30, 120],
  receiptHoldMs: [2000, 5000, 30_000, 30_000],
  // Two minutes, not the policy's five: a newcomer sees the re-alarm and the 未叫应 while watching.
  answerWithinS: 120,
};

/** Where each node's web UI and API listen (docs/demo-county.md §Safe defaults). */
export interface CountyWeb {
  /** 127.0.0.1, or 0.0.0.0 with --lan. */
  host: string;
  /** Each node's port, by node id. */
  ports: ReadonlyMap<number, number>;
  /** With --lan: the machine's addresses phones reach it at. */
  lanAddresses: readonly string[];
}

export interface CountyWiring {
  paths: DemoPaths;
  web: CountyWeb;
  identities: CountyIdentities;
  /** The county issuer's public key, base64 (county-keys.ts). */
  issuerPublicKey: string;
  mesh: CountyMesh;
  uplink: CountyUplink;
  timings: CountyTimings;
}

const PUSH_PATH = '/rockblock/push';
/** Each node's recorded alarm, in its data directory (docs/warnings.md §Sounders, "recorded"). */
export const ALARM_EVENTS_FILE = 'alarm-events.jsonl';

/** Writes every node's configuration file; returns each one's path by node id. */
export async function writeNodeConfigs(w: CountyWiring): Promise<Map<number, string>> {
  const files = new Map<number, string>();
  for (const node of DEMO_NODES) {
    const file = w.paths.nodeConfig(node.slug);
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    const head =
      `# Node ${node.id} of the demonstration county: ${node.name}. Written by \`fieldnode demo\` at\n` +
      '# every start (docs/demo-county.md): edits here are lost. See node/src/config/example.yaml\n' +
      '# for every setting.\n';
    const socket = controlSocketOf(w.paths, node);
    if (socket !== undefined) await mkdir(dirname(socket), { recursive: true, mode: 0o700 });
    await writeFile(file, head + stringify(nodeConfig(node, w), { lineWidth: 0 }));
    files.set(node.id, file);
  }
  return files;
}

/** One node's configuration, as its file says it. */
export function nodeConfig(node: DemoNodePlan, w: CountyWiring): Record<string, unknown> {
  const base = w.paths.nodeConfig(node.slug);
  const rel = (path: string) => relative(dirname(base), path);
  const dataDir = w.paths.nodeData(node.slug);
  const socket = controlSocketOf(w.paths, node);
  const links = node.role === 'centre' ? centreLinks(w) : [meshLink(node, w), ...gatewayUplink(node, w)];
  return {
    // Every node is a drill: its reports go as exercises, and its UI and status say so.
    node: { id: node.id, role: node.role, area: node.area, name: node.name, drill: true },
    data_dir: rel(dataDir),
    centre_nodes: [CENTRE],
    keys: {
      ...(node.role === 'centre'
        ? { master_secret_file: rel(w.paths.masterSecret) }
        : { kit_key_file: rel(w.paths.kitKey(node.id)) }),
      ...(node.id === GATEWAY ? { relay_keys_file: rel(w.paths.relayKeys(GATEWAY)) } : {}),
      ...(node.role === 'centre' ? { issuer_key_file: rel(w.paths.issuerKey) } : {}),
      issuers: [
        {
          id: DEMO_ISSUER.id,
          public_key: w.issuerPublicKey,
          powers: ['warning', 'control'],
          name: DEMO_ISSUER.name,
        },
      ],
      nodes: DEMO_NODES.filter((n) => n.id !== node.id).map((n) => ({
        id: n.id,
        public_key: w.identities.get(n.id),
        area: n.area,
        role: n.role,
      })),
    },
    links,
    routes: routesOf(node, w),
    // Beacons go out on every link that is up, the billed satellite too (2 credits each at the
    // gateway, an MT message at the centre): once an hour there, not every 5 minutes. Routes are
    // configured; the kits' beacons stay at the default.
    ...routingSection(node, w),
    ...(socket === undefined ? {} : { control: { socket } }),
    http: httpSection(node, w.web),
    roster: rosterSection(),
    map: mapSection(),
    shelters: sheltersSection(node.role === 'centre'),
    // The county's rescue team, the same at every node (docs/teams.md §The roster of a team).
    teams: { list: [{ kit: TEAM, name: planOf(TEAM).name, leader: planOf(TEAM).person }] },
    ...(node.role === 'centre' ? { deliveries: { journal: rel(join(dataDir, 'deliveries.jsonl')) } } : {}),
    // No loudspeaker on a laptop: every alarm is recorded where the guide and the tests read it.
    alarm: { sounders: [{ type: 'recorded', file: rel(join(dataDir, ALARM_EVENTS_FILE)) }] },
    ...(node.role === 'centre' ? { warnings: { answer_within_s: w.timings.answerWithinS } } : {}),
  };
}

/** Hourly beacons where they are billed, and the receipt wait the timings set. */
function routingSection(node: DemoNodePlan, w: CountyWiring): { routing?: Record<string, number> } {
  const routing: Record<string, number> = {
    ...(billed(node, w) ? { beacon_interval_s: 3600 } : {}),
    ...(w.timings.receiptWaitS === undefined ? {} : { receipt_wait_s: w.timings.receiptWaitS }),
  };
  return Object.keys(routing).length === 0 ? {} : { routing };
}

/**
 * The web UI and API: on loopback, or with --lan on every address, naming the origins phones on
 * the network open (required off loopback: docs/api.md §Configuration). A machine with no network
 * address yet gets its loopback origin there, which only the machine itself can use.
 */
function httpSection(node: DemoNodePlan, web: CountyWeb): Record<string, unknown> {
  const port = web.ports.get(node.id);
  if (port === undefined) throw new RangeError(`node ${node.id} has no web port`);
  if (web.host === '127.0.0.1') return { listen: { host: web.host, port } };
  const hosts = web.lanAddresses.length > 0 ? web.lanAddresses : ['127.0.0.1'];
  return { listen: { host: web.host, port }, public_origins: hosts.map((h) => `http://${h}:${port}`) };
}

/** The node has a satellite link, whose every frame is billed. */
function billed(node: DemoNodePlan, w: CountyWiring): boolean {
  return w.uplink.kind === 'satellite' && (node.id === GATEWAY || node.role === 'centre');
}

function meshLink(node: DemoNodePlan, w: CountyWiring): Record<string, unknown> {
  return {
    id: 'mesh0',
    type: 'meshtastic',
    ...w.mesh.address(node.id),
    hop_limit: 3,
    neighbours: Object.fromEntries(
      meshNodes()
        .filter((n) => n.id !== node.id)
        .map((n) => [w.mesh.radioId(n.id), n.id]),
    ),
  };
}

function gatewayUplink(node: DemoNodePlan, w: CountyWiring): Record<string, unknown>[] {
  if (node.id !== GATEWAY) return [];
  const u = w.uplink;
  if (u.kind === 'udp')
    return [
      {
        id: 'wan0',
        type: 'udp',
        bind: { host: '127.0.0.1', port: u.gatewayPort },
        peers: { centre: { host: '127.0.0.1', port: u.centrePort, node: CENTRE } },
      },
    ];
  const [p1, p2, p3] = w.timings.satelliteHoldS;
  return [
    {
      id: 'sat0',
      type: 'iridium-sbd',
      port: u.satellite.modemPath,
      ring_alerts: true,
      hold_s: { p1, p2, p3 },
      budget: { per_day: 200, per_incident: 1000 },
    },
  ];
}

function centreLinks(w: CountyWiring): Record<string, unknown>[] {
  const u = w.uplink;
  if (u.kind === 'udp')
    return [
      {
        id: 'wan0',
        type: 'udp',
        bind: { host: '127.0.0.1', port: u.centrePort },
        peers: { gateway: { host: '127.0.0.1', port: u.gatewayPort, node: GATEWAY } },
      },
    ];
  return [
    {
      id: 'rockblock0',
      type: 'rockblock',
      listen: { host: '127.0.0.1', port: u.pushPort },
      path: PUSH_PATH,
      mt_endpoint: u.satellite.mtEndpoint,
      verify_key_file: relative(dirname(w.paths.nodeConfig('centre-1')), u.satellite.verifyKeyFile),
      imeis: { [GATEWAY_IMEI]: GATEWAY },
    },
  ];
}

/** The county's outlines and places, the same at every node (docs/map.md §Configuring it). */
function mapSection(): Record<string, unknown> {
  return {
    areas: Object.fromEntries(
      DEMO_OUTLINES.map((a) => [String(a.code), { outline: a.ring.map((p) => [...p]) }]),
    ),
    points: DEMO_MAP_POINTS.map((p) => ({ ...p, at: [...p.at] })),
  };
}

/**
 * The county's shelters, numbered as the map lists them, the same at every node; the villages'
 * evacuation lists (made-up names) at the centre only (docs/shelters.md §The registry).
 */
function sheltersSection(centre: boolean): Record<string, unknown> {
  const sites = DEMO_MAP_POINTS.filter((p) => p.kind === 'shelter').map((p, i) => ({
    number: i + 1,
    name: p.name,
    area: p.area,
    at: [...p.at],
    capacity: [120, 60, 80][i] ?? 50,
  }));
  const expected = [
    { registration: 1201, name: '王大伯', area: 439901101201, flags: ['elderly'] },
    { registration: 1202, name: '刘阿婆', area: 439901101201, flags: ['elderly', 'disabled'] },
    { registration: 1203, name: '陈小明', area: 439901101201, flags: ['child'] },
    { registration: 2201, name: '赵大姐', area: 439901101202 },
    { registration: 3201, name: '孙老汉', area: 439901101203, flags: ['elderly'] },
  ];
  return { sites, ...(centre ? { expected } : {}) };
}

/** The push receiver's URL, for the simulated RockBLOCK cloud. */
export function pushUrl(pushPort: number): string {
  return `http://127.0.0.1:${pushPort}${PUSH_PATH}`;
}

function routesOf(node: DemoNodePlan, w: CountyWiring): Record<string, unknown>[] {
  const behindGateway = meshNodes().filter((n) => n.id !== GATEWAY);
  if (node.role === 'centre') {
    const via = w.uplink.kind === 'udp' ? 'wan0' : 'rockblock0';
    const hop = w.uplink.kind === 'udp' ? 'gateway' : GATEWAY_IMEI;
    return [
      ...meshNodes().map((n) => ({ dest: `node:${n.id}`, via, next_hop: hop })),
      { dest: 'all', via, next_hop: hop },
    ];
  }
  if (node.id === GATEWAY)
    return [
      w.uplink.kind === 'udp'
        ? { dest: 'centre', via: 'wan0', next_hop: 'centre' }
        : { dest: 'centre', via: 'sat0' },
      ...behindGateway.map((n) => ({ dest: `node:${n.id}`, via: 'mesh0', next_hop: w.mesh.radioId(n.id) })),
      { dest: 'all', via: 'mesh0' },
    ];
  return [{ dest: 'centre', via: 'mesh0', next_hop: w.mesh.radioId(GATEWAY) }];
}

/**
 * Where the control socket goes (`fieldnode status --config nodes/<slug>.yaml`): in the data
 * directory (the default, undefined here), unless the folder's path is so deep that a unix socket
 * could not be bound there; then in a private folder under the system's temporary directory, named
 * by the county folder's path so that two counties never share one.
 */
export function controlSocketOf(paths: DemoPaths, node: DemoNodePlan): string | undefined {
  const dataDir = paths.nodeData(node.slug);
  const fits =
    Buffer.byteLength(dataDir) + CONTROL_SOCKET_STAGING_BYTES <= MAX_UNIX_SOCKET_PATH_BYTES &&
    Buffer.byteLength(join(dataDir, 'control.sock')) <= MAX_UNIX_SOCKET_PATH_BYTES;
  if (fits) return undefined;
  const tag = createHash('sha256').update(paths.dir).digest('hex').slice(0, 12);
  return join(tmpdir(), `fieldnode-demo-${tag}`, `${node.slug}.sock`);
}
