/**
 * The configuration of a node: the typed, frozen `Config` every component is built from, its
 * enumerations and its defaults (docs/conventions.md §Configuration; docs/design.md §One program, four roles).
 *
 * The file (YAML or JSON) uses snake_case keys and durations in seconds (`beacon_interval_s`);
 * `Config` uses camelCase and milliseconds (`beaconIntervalMs`). load.ts reads and checks the file
 * against these types; example.yaml documents every field in place and is tested to validate.
 * Components receive the part they need (`config.retry`, one `LinkConfig`), never the whole.
 */

import type { IssuerPower } from '../crypto/authenticate.js';
import type { RosterConfig } from '../domain/roster/roster-config.js';
import type { TeamsConfig } from '../domain/teams/team.js';
import type { AlarmConfig } from '../domain/warnings/alarm/alarm-config.js';
import type { HttpConfig } from '../http/http-config.js';
import type { Destination, Priority } from '../wire/envelope.js';
import type { KitsConfig } from './kits-section.js';
import type { MapConfig } from './map-section.js';
import type { PowerConfig } from './power-section.js';
import type { RequestsConfig } from './requests-section.js';
import type { CentreTiming, KitTiming } from './satellite-timing.js';
import type { SheltersConfig } from './shelters-section.js';
import type { WarningsConfig } from './warnings-section.js';

export const NODE_ROLES = ['kit', 'gateway', 'team', 'centre'] as const;
export type NodeRole = (typeof NODE_ROLES)[number];

export const LINK_TYPES = ['udp', 'meshtastic', 'iridium-sbd', 'rockblock', 'directip', 'beidou'] as const;
export type LinkType = (typeof LINK_TYPES)[number];

/** What a link costs to use; the router prefers cheaper classes (docs/design.md §Links are scarce). */
export const LINK_COSTS = ['ip', 'mesh', 'satellite'] as const;
export type LinkCost = (typeof LINK_COSTS)[number];

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** How log lines are written: `auto` is pretty on a terminal, JSON otherwise (node/src/log.ts). */
export const LOG_FORMATS = ['auto', 'pretty', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export const ISSUER_POWERS = ['warning', 'control'] as const satisfies readonly IssuerPower[];

/** The cost class a link has when the file does not say. */
export const DEFAULT_LINK_COST: Readonly<Record<LinkType, LinkCost>> = {
  udp: 'ip',
  meshtastic: 'mesh',
  'iridium-sbd': 'satellite',
  rockblock: 'satellite',
  directip: 'satellite',
  beidou: 'satellite',
};

/** meshtasticd's TCP API port (docs/meshtastic.md §1: "default port 4403"). */
export const MESHTASTIC_TCP_PORT = 4403;

/** Defaults, in file units (seconds), so example.yaml and this table read the same. */
export const DEFAULTS = {
  dataDir: '.fieldnode',
  centreNodes: [1],
  beaconIntervalS: 300,
  /** How long an origin waits for the end-to-end receipt once its message is in custody. */
  receiptWaitS: 600,
  /** How long a message of each priority may wait for a cheaper path before the satellite is used. */
  latencyBoundS: { p0: 300, p1: 1800, p2: 7200, p3: 86400 },
  retry: { initialS: 5, maxS: 600, jitter: 0.2 },
  logLevel: 'info',
  logFormat: 'auto',
  /** The county's time zone, for the times of pretty log lines (a Pi's image says Europe/London). */
  logTimeZone: 'Asia/Shanghai',
  controlSocketName: 'control.sock',
  /** How long a final message is kept in the store after it ended: a day. */
  storeRetentionS: 86400,
  udpBindHost: '0.0.0.0',
} as const;

/** Longest path of a unix socket on Linux: sun_path is 108 bytes with the terminating NUL. */
export const MAX_UNIX_SOCKET_PATH_BYTES = 107;

/**
 * The control socket is bound in a private directory beside its path, `<dir>/.cXXXXXX/s`, before
 * it is linked into place (node/src/daemon/control-socket.ts): that path is the directory's and
 * this many bytes more.
 */
export const CONTROL_SOCKET_STAGING_BYTES = 11;

export interface NodeConfig {
  /** This node's id, 1..2^32−1; the origin of every message it creates. Required. */
  readonly id: number;
  /** Required. */
  readonly role: NodeRole;
  /** GB/T 2260 area code of the place (6 county, 9 township or 12 digit village). Optional. */
  readonly area?: number;
  /** A name for people ("青龙村应急点"). Optional. */
  readonly name?: string;
  /**
   * A drill node (演练): every report it files goes on the wire as an exercise, whatever the form
   * says, and its status and web UI say it is a drill (docs/ui.md §Drill mode). The demonstration
   * county sets it on every node. Default false.
   */
  readonly drill: boolean;
}

export interface IssuerConfig {
  /** Issuer id as it appears in signed warnings and control messages, 0..65535. */
  readonly id: number;
  /** The issuer's Ed25519 public key, 32 raw bytes (base64 in the file). */
  readonly publicKey: Uint8Array;
  /** What the key may sign. */
  readonly powers: readonly IssuerPower[];
  readonly name?: string;
  /** Unix seconds after which the key signs nothing valid (as `IssuerKey.validUntil`). */
  readonly validUntil?: number;
}

export interface NodeKeyConfig {
  readonly id: number;
  readonly publicKey: Uint8Array;
  /**
   * GB/T 2260 area code of the node's place (6, 9 or 12 digits), as `node.area`: at the centre,
   * which kits a message to an area reaches. Optional.
   */
  readonly area?: number;
  /** The node's role, as `node.role`: at the centre, which nodes are kits. Optional. */
  readonly role?: NodeRole;
}

/** The key files of a node (docs/keys.md §The keys each role holds). */
export interface KeysConfig {
  /**
   * Centre only: absolute path of the master secret file (`fieldnode keys new-master`), from which
   * the centre derives every kit's key and relay key. Optional; without it no kit message verifies.
   */
  readonly masterSecretFile?: string;
  /**
   * Not on a centre: absolute path of this node's kit key file (`fieldnode keys kit` at the
   * centre). Optional until the node is enrolled; without it the node cannot tag its messages.
   */
  readonly kitKeyFile?: string;
  /**
   * Not on a centre, meant for gateways: absolute path of the relay keys file of the kits the
   * centre assigned (`fieldnode keys relay`), to check their hop tags. Optional.
   */
  readonly relayKeysFile?: string;
  /**
   * Where warnings are issued (the centre): absolute path of the issuer key file
   * (`fieldnode keys new-issuer`), the key this node signs warnings and control messages with, as
   * one of `issuers`. Optional; without it this node issues nothing.
   */
  readonly issuerKeyFile?: string;
  /** Issuer keys provisioned by the centre. Default: none. */
  readonly issuers: readonly IssuerConfig[];
  /** Identity public keys of other nodes (neighbours sign beacons and custody signals with them). */
  readonly nodes: readonly NodeKeyConfig[];
  /**
   * A gateway's kits that run a version older than receipt tags (docs/wire-format.md §6.5;
   * docs/keys.md §Upgrading a county): its custody and vouched receipts to them are signed, which
   * they can check, instead of tagged, which they refuse. Default: none (every kit takes tags).
   */
  readonly untaggedKits?: readonly number[];
}

interface LinkConfigBase {
  /** Unique, `[a-z0-9-]+`, e.g. "mesh0"; names the link in logs, routes and the UI. */
  readonly id: string;
  /** A disabled link is not loaded at all (no native code). Default true. */
  readonly enabled: boolean;
  /** Default by type: udp → ip, meshtastic → mesh, iridium-sbd → satellite. */
  readonly cost: LinkCost;
  /** Overrides the adapter's frame size limit, bytes. Default: the adapter's own. */
  readonly mtu?: number;
}

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

export interface UdpPeerConfig extends HostPort {
  /** The peer's name in the file (the key of its entry under `peers`). */
  readonly name: string;
  /** The node id behind this address, when known. */
  readonly node?: number;
}

export interface UdpLinkConfig extends LinkConfigBase {
  readonly type: 'udp';
  /** Local address; host defaults to 0.0.0.0. */
  readonly bind: HostPort;
  readonly peers: readonly UdpPeerConfig[];
}

export interface MeshtasticLinkConfig extends LinkConfigBase {
  readonly type: 'meshtastic';
  /** A radio on USB serial, or meshtasticd over TCP (port 4403 unless `tcp_port` says). */
  readonly transport:
    | { readonly kind: 'serial'; readonly path: string }
    | ({ readonly kind: 'tcp' } & HostPort);
  /** Our private portnum, 256..511 but 257. Default 256 (PRIVATE_APP). */
  readonly portnum?: number;
  /** The radio's channel index our frames go on, 0..7. Default 0. */
  readonly channel?: number;
  /** Hop limit of our packets, 1..7. Default: the radio's own LoRa hop_limit. */
  readonly hopLimit?: number;
  /** Mesh node number (as written in the file) → fieldnode node id, for custody signals. */
  readonly neighbours: Readonly<Record<string, number>>;
}

export interface IridiumSbdLinkConfig extends LinkConfigBase {
  readonly type: 'iridium-sbd';
  /** Serial device of the modem; prefer /dev/serial/by-id/… (docs/conventions.md §Configuration). */
  readonly port: string;
  /** Ask the modem for ring alerts (AT+SBDMTA=1): MT messages come at once, at 40–50 mA idle. */
  readonly ringAlerts: boolean;
  /** How long P1, P2 and P3 frames may wait to share a session, ms (P0 never waits). */
  readonly holdMs?: readonly [number, number, number];
  /** Credits allowed in any 24 hours and per incident. Default: no limit. */
  readonly budget: { readonly perDay?: number; readonly perIncident?: number };
  /** The node id behind the satellite: the centre, by default the first of centre_nodes. */
  readonly peerNode?: number;
  /** Receipt holds, reply grace, confirmation wait, mailbox silence, shared batches (satellite-timing.ts). */
  readonly timing?: KitTiming;
}

/**
 * The county centre's Iridium ingress through the RockBLOCK web services (docs/iridium.md §2):
 * pushes from Rock7 in, the MT API out. Credentials come from FIELDNODE_ROCKBLOCK_USERNAME and
 * FIELDNODE_ROCKBLOCK_PASSWORD, never from this file.
 */
export interface RockblockLinkConfig extends LinkConfigBase {
  readonly type: 'rockblock';
  /** Where the push receiver listens (behind the centre's TLS proxy). */
  readonly listen: HostPort;
  /** The URL path pushes arrive on. Default the receiver's own. */
  readonly path?: string;
  /** The MT endpoint. Default Rock7's. */
  readonly mtEndpoint?: string;
  /** A PEM public key to verify pushes with instead of Rock7's: for a simulator only. */
  readonly verifyKeyFile?: string;
  /** IMEI → the node id of the kit behind it. */
  readonly imeis: Readonly<Record<string, number>>;
  /** Receipt holds and confirmation wait (satellite-timing.ts). */
  readonly timing?: CentreTiming;
}

/** The centre's Iridium ingress through DirectIP (docs/iridium.md §3). */
export interface DirectIpLinkConfig extends LinkConfigBase {
  readonly type: 'directip';
  /** Where the MO server listens. */
  readonly listen: HostPort;
  /** The gateway's MT DirectIP address. */
  readonly mtGateway: HostPort;
  /** Answer each MO message with an MO confirmation (when provisioned). Default false. */
  readonly confirm: boolean;
  /** The gateway's addresses: MO messages from anywhere else are refused (DirectIP has no auth). */
  readonly allowedSources: readonly string[];
  /**
   * Every connection starts with a PROXY protocol header (v1 or v2) from a trusted proxy, whose
   * source address is then the one checked against allowedSources (docs/centre-doors.md). Default
   * false.
   */
  readonly proxyProtocol: boolean;
  /** With proxyProtocol: the proxies' addresses; connections from anywhere else are refused. */
  readonly trustedProxies: readonly string[];
  /** IMEI → the node id of the kit behind it. */
  readonly imeis: Readonly<Record<string, number>>;
  /** Receipt holds and confirmation wait (satellite-timing.ts). */
  readonly timing?: CentreTiming;
}

/**
 * A BeiDou short-message module, at a kit or at the centre (docs/beidou.md §Configuration). What the
 * card allows (its message size and interval) is read from the module at every start.
 */
export interface BeidouLinkConfig extends LinkConfigBase {
  readonly type: 'beidou';
  /** Serial device of the module; prefer /dev/serial/by-id/… (docs/conventions.md §Configuration). */
  readonly port: string;
  /** The module's serial speed. Default 115200. */
  readonly baud: number;
  /**
   * Which text protocol the module speaks: `auto` asks it, `bd3` (BeiDou-3 regional), `bd21`
   * (BeiDou-2 2.1). Default auto.
   */
  readonly protocol: 'auto' | 'bd3' | 'bd21';
  /** A kit: the centre's card, where frames without a next hop go. */
  readonly centreCard?: string;
  /** A kit: the node id behind centre_card. Default the first of centre_nodes. */
  readonly peerNode?: number;
  /** The centre: the kits' cards → the node id behind each. Default none. */
  readonly cards: Readonly<Record<string, number>>;
  /**
   * The centre: send what goes to many kits once, to the card's broadcast (通播) address, where it
   * has one. Default true.
   */
  readonly broadcast: boolean;
  /** Bits one message holds, instead of the level's table (docs/beidou.md §Message size). Optional. */
  readonly messageBits?: number;
  /**
   * `after-interval`: the first send after a start waits one interval; `at-once`: it goes, and a
   * refusal says how long is left. Default after-interval.
   */
  readonly firstSend: 'after-interval' | 'at-once';
  /**
   * How a BeiDou-2 module's result counts the time left: `mmss` or `seconds` (docs/beidou.md §Send
   * results). Default mmss.
   */
  readonly resultTime: 'mmss' | 'seconds';
  /**
   * The signal level at or above which a beam counts as locked, by protocol (docs/beidou.md
   * §Beams): a `$BDPWI` reading in dB-Hz on BeiDou-3 (default 40), a `$BDBSI` power 1–4 on
   * BeiDou-2 (default 2). Optional: the defaults.
   */
  readonly beamThreshold?: { readonly bd3?: number; readonly bd21?: number };
  /** How long with no beam locked before the link goes down ('no-service'), ms. Default 30_000. */
  readonly beamLossMs: number;
  /**
   * The least time a confirmation from beyond the link takes (its `confirmationWaitMs`), ms: the
   * store sends a message again no sooner. Default ten of the card's spacings, at least 2 min.
   */
  readonly confirmationWaitMs?: number;
}

export type LinkConfig =
  | UdpLinkConfig
  | MeshtasticLinkConfig
  | IridiumSbdLinkConfig
  | RockblockLinkConfig
  | DirectIpLinkConfig
  | BeidouLinkConfig;

export interface RouteConfig {
  /** Which messages the route is for, by destination (wire envelope `dest`). */
  readonly dest: Destination;
  /** The link id to send them on; it exists in `links`. */
  readonly via: string;
  /**
   * The next hop's address on that link, one the link declares: a udp peer's name, a mesh
   * neighbour's node number (`!` and 8 lower-case hex digits, however the file wrote it), an
   * enrolled IMEI; never on iridium-sbd. Broadcast (or every peer) when absent.
   */
  readonly nextHop?: string;
  /** Preference among routes to the same destination; lower is preferred. */
  readonly cost?: number;
  /**
   * The priorities the route carries (0 life safety … 3 bulk); absent: all. With two bearers of
   * one cost class, e.g. a free BeiDou card for P2/P3 and Iridium for P0/P1.
   */
  readonly priorities?: readonly Priority[];
}

export interface RoutingConfig {
  /** How often a node announces itself to its neighbours, ms. Default 300 s. */
  readonly beaconIntervalMs: number;
  /**
   * How long a message made here waits for its end-to-end receipt once a neighbour has custody
   * before it asks that neighbour again (by sending it again), ms. Default 600 s.
   */
  readonly receiptWaitMs: number;
  /** How long a message of each priority may wait for a cheaper path before the satellite, ms. */
  readonly latencyBoundMs: {
    readonly p0: number;
    readonly p1: number;
    readonly p2: number;
    readonly p3: number;
  };
}

export interface RetryConfig {
  /** First retry delay, ms. Default 5 s. */
  readonly initialMs: number;
  /** Longest retry delay, ms. Default 600 s. */
  readonly maxMs: number;
  /** Random spread of each delay, 0..1 (0.2 = ±20 %). Default 0.2. */
  readonly jitter: number;
}

export interface LogConfig {
  /** Default info; FIELDNODE_LOG_LEVEL overrides the file. */
  readonly level: LogLevel;
  /**
   * pretty (for people), json (one object per line, for journald), or auto: pretty when standard
   * output is a terminal, else JSON. Default auto; FIELDNODE_LOG_FORMAT overrides the file.
   */
  readonly format: LogFormat;
  /** IANA time zone of the times in pretty lines: the county's, not the system's. Default Asia/Shanghai. */
  readonly timeZone: string;
}

/**
 * The county the node serves (docs/reports.md §County time, §Deadlines): the zone of its clock and
 * the report rules it sets for itself; every other rule is the national one.
 */
export interface CountyConfig {
  /** IANA time zone of the county's clock: every deadline and every time shown to people. Default Asia/Shanghai. */
  readonly timeZone: string;
  /** When the daily 续报 is due, on the county clock. Default 09:00. */
  readonly updateDueAt: { readonly hour: number; readonly minute: number };
  /** How long after a natural disaster began its 初报 is due, ms. Default 2 h. */
  readonly initialWithinMs: number;
}

export interface ControlConfig {
  /** Absolute path of the control socket. Default <data_dir>/control.sock. */
  readonly socket: string;
}

/** What the node records about the messages it delivers (docs/store-and-forward.md §Crashes and the deliveries journal). */
export interface DeliveriesConfig {
  /**
   * Absolute path of the deliveries journal: every message delivered to this node, one JSON line
   * each, appended and synced (node/src/store/deliveries-journal.ts). Default: none kept.
   */
  readonly journal?: string;
}

/** The message store (docs/store-and-forward.md §Pruning). */
export interface StoreConfig {
  /**
   * How long a final message (delivered, received, handed on, expired, failed) is kept after it
   * ended before it is pruned, ms. Its dedup tombstone stays longer, by its own rule. Default a day.
   */
  readonly retentionMs: number;
}

export interface Config {
  readonly node: NodeConfig;
  /** Absolute. Default ./.fieldnode; FIELDNODE_DATA_DIR overrides the file. */
  readonly dataDir: string;
  /** Node ids of the county centre. Default [1]. */
  readonly centreNodes: readonly number[];
  readonly keys: KeysConfig;
  readonly links: readonly LinkConfig[];
  readonly routes: readonly RouteConfig[];
  readonly routing: RoutingConfig;
  readonly retry: RetryConfig;
  readonly log: LogConfig;
  /** The county's time zone and its own report rules (docs/reports.md §County time). */
  readonly county: CountyConfig;
  readonly control: ControlConfig;
  readonly store: StoreConfig;
  readonly deliveries: DeliveriesConfig;
  /**
   * Where the API and web UI listen (docs/api.md §Configuration). Absent without an `http:`
   * section: the node then serves no one (a relay, a test rig).
   */
  readonly http?: HttpConfig;
  /** The people of this node's areas and their areas' names (docs/domain-model.md §The roster). */
  readonly roster: RosterConfig;
  /** The area outlines, points and tiles the map is drawn from (docs/map.md). */
  readonly map: MapConfig;
  /** How the kit sounds a warning, and with what (docs/warnings.md §The alarm at the kit). */
  readonly alarm: AlarmConfig;
  /** Escalation, answer bundling and the CAP sender (docs/warnings.md §Escalation). */
  readonly warnings: WarningsConfig;
  /** Kit health: how often a kit tells the centre, and when the centre is alerted (docs/kits.md). */
  readonly kits: KitsConfig;
  /** The shelter registry, and at the centre the evacuation lists (docs/shelters.md §The registry). Optional. */
  readonly shelters?: SheltersConfig;
  /** The kit's battery: where it is read, the low-power mode, the clean stop (docs/pi-kit.md §Power). Optional. */
  readonly power?: PowerConfig;
  /** The rescue teams and their position cadence (docs/teams.md). Optional: none. */
  readonly teams?: TeamsConfig;
  /** Requests and SOS: how often an unacknowledged SOS sounds again (docs/requests.md §SOS). Optional. */
  readonly requests?: RequestsConfig;
}
