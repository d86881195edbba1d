/**
 * Which packets a node relays, by role and `rebroadcast_mode` (docs/meshtastic.md §2.3
 * "Relay filtering that affects custom portnums", §5.1 "Rebroadcast rule", "Cancel on duplicate").
 * Pure rules; mesh-router.ts applies them.
 */
import { DeviceRole, PortNum, RebroadcastMode } from '../../src/meshtastic/constants.js';

/**
 * Which firmware's CORE_PORTNUMS_ONLY list applies: '2.6' is the blacklist of v2.6.x–v2.7.0,
 * '2.7.5' the whitelist of v2.7.5 and later (§2.3).
 */
export type FirmwareProfile = '2.6' | '2.7.5';

/** §2.3, v2.6.x–v2.7.0: CORE_PORTNUMS_ONLY skips these (portnums 258–511 pass). */
const BLACKLIST_2_6: ReadonlySet<number> = new Set([
  PortNum.PRIVATE_APP,
  PortNum.ATAK_FORWARDER,
  72, // ATAK_PLUGIN
  33, // IP_TUNNEL_APP
  9, // AUDIO_APP
  10, // DETECTION_SENSOR_APP
  66, // RANGE_TEST_APP
  34, // PAXCOUNTER_APP
  2, // REMOTE_HARDWARE_APP
]);

/** §2.3, v2.7.5+: CORE_PORTNUMS_ONLY keeps only these; every custom portnum is dropped. */
const WHITELIST_2_7_5: ReadonlySet<number> = new Set([
  PortNum.TEXT_MESSAGE_APP,
  7, // TEXT_MESSAGE_COMPRESSED_APP
  PortNum.POSITION_APP,
  PortNum.NODEINFO_APP,
  PortNum.ROUTING_APP,
  67, // TELEMETRY_APP
  PortNum.ADMIN_APP,
  11, // ALERT_APP
  12, // KEY_VERIFICATION_APP
  8, // WAYPOINT_APP
  65, // STORE_FORWARD_APP
  70, // TRACEROUTE_APP
  35, // STORE_FORWARD_PLUSPLUS_APP
]);

/** Whether a CORE_PORTNUMS_ONLY node ignores (neither handles nor relays) a packet on `portnum`. */
export function corePortnumsOnlyDrops(portnum: number, profile: FirmwareProfile): boolean {
  return profile === '2.6' ? BLACKLIST_2_6.has(portnum) : !WHITELIST_2_7_5.has(portnum);
}

/**
 * §2.3 `NodeDB::installRoleDefaults`: the rebroadcast mode a role change installs. ROUTER gets
 * CORE_PORTNUMS_ONLY on every version, REPEATER on 2.6 (through 2.7.10; the 2.7.5 profile stands
 * for the later releases here).
 */
export function roleDefaultRebroadcastMode(role: number, profile: FirmwareProfile): number {
  if (role === DeviceRole.ROUTER) return RebroadcastMode.CORE_PORTNUMS_ONLY;
  if (role === DeviceRole.REPEATER && profile === '2.6') return RebroadcastMode.CORE_PORTNUMS_ONLY;
  return RebroadcastMode.ALL;
}

/** §5.1: ROUTER, REPEATER and ROUTER_LATE keep their own relay when they hear someone else's. */
export function cancelsOnDuplicate(role: number): boolean {
  return role !== DeviceRole.ROUTER && role !== DeviceRole.REPEATER && role !== DeviceRole.ROUTER_LATE;
}

export interface RelayFacts {
  role: number;
  mode: number;
  profile: FirmwareProfile;
  /** The node could decrypt and decode the packet. */
  decoded: boolean;
  /** Its portnum, when decoded. */
  portnum: number | undefined;
  /** The sender is a node this one has heard from before (KNOWN_ONLY's "in the NodeDB"). */
  senderKnown: boolean;
}

/**
 * §2.3 and §5.1: whether role and rebroadcast mode let a node relay this packet (the hop limit,
 * to/from-self, id and duplicate checks are the router's).
 * - CLIENT_MUTE and NONE relay nothing.
 * - LOCAL_ONLY relays only what it can decrypt; KNOWN_ONLY also only from known senders.
 * - CORE_PORTNUMS_ONLY drops listed portnums. A packet it cannot decode has no portnum to judge
 *   and is relayed [U: the document does not say].
 * - ALL and ALL_SKIP_DECODING relay everything.
 */
export function mayRelay(f: RelayFacts): boolean {
  if (f.role === DeviceRole.CLIENT_MUTE || f.mode === RebroadcastMode.NONE) return false;
  if (f.mode === RebroadcastMode.LOCAL_ONLY) return f.decoded;
  if (f.mode === RebroadcastMode.KNOWN_ONLY) return f.decoded && f.senderKnown;
  if (f.mode === RebroadcastMode.CORE_PORTNUMS_ONLY && f.portnum !== undefined) {
    return !corePortnumsOnlyDrops(f.portnum, f.profile);
  }
  return true;
}
