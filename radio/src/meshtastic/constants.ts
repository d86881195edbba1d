/**
 * Numbers of the Meshtastic stream API and schema that fieldnode's adapter and simulator share
 * (docs/meshtastic.md §1.1, §1.4, §1.8, §2.1–§2.5, §4.1, §4.5). Enum values are those of the
 * official schema at firmware v2.6.11; the typings in meshtastic-protobufs.d.ts keep them as
 * plain numbers.
 */

/** §1.1: the stream frame header and its largest payload (`MAX_TO_FROM_RADIO_SIZE`). */
export const START1 = 0x94;
export const START2 = 0xc3;
export const HEADER_LEN = 4;
export const MAX_FRAME_PAYLOAD = 512;

/** §1.2: the wake-up preamble the reference client writes before `want_config_id`. */
export const WAKE_BYTES = 32;

/** §1.4: nonces with a special meaning to the firmware; a client picks neither. */
export const NONCE_ONLY_CONFIG = 69420;
export const NONCE_ONLY_NODES = 69421;

/** §1.4: counts in the config dump of firmware 2.6. */
export const MAX_NUM_CHANNELS = 8;

/** §2.1: `MeshPacket.to` for a broadcast on the channel. */
export const BROADCAST_NUM = 0xffffffff;

/** §2.2, §2.4: `Data.payload` is capped at 233 bytes by nanopb; above that a ToRadio is dropped. */
export const DATA_PAYLOAD_MAX = 233;
/** §2.4: the LoRa PHY maximum and the unencrypted Meshtastic header. */
export const MAX_LORA_PAYLOAD_LEN = 255;
export const MESH_HEADER_LEN = 16;
/** §2.4: PKI encryption overhead for direct messages. */
export const PKC_OVERHEAD = 12;

/** §1.8: the LoRa TX queue of the firmware. */
export const MAX_TX_QUEUE = 16;
/** §1.7: the to-phone queue of firmware 2.6.11 and of meshtasticd. */
export const MAX_RX_TOPHONE = 32;
export const MAX_RX_TOPHONE_MESHTASTICD = 100;

/** §2.1: ids of recent client packets the firmware ignores a repeat of. */
export const RECENT_CLIENT_IDS = 20;

/** §1.5: the serial (and, from 2.7.21, TCP) session times out after this long without a ToRadio. */
export const SESSION_IDLE_TIMEOUT_MS = 15 * 60 * 1000;

/** §2.3 PortNum values fieldnode meets. */
export const PortNum = {
  UNKNOWN_APP: 0,
  TEXT_MESSAGE_APP: 1,
  POSITION_APP: 3,
  NODEINFO_APP: 4,
  ROUTING_APP: 5,
  ADMIN_APP: 6,
  SIMULATOR_APP: 69,
  PRIVATE_APP: 256,
  ATAK_FORWARDER: 257,
  MAX: 511,
} as const;

/** §2.5 `Routing.Error`. */
export const RoutingError = {
  NONE: 0,
  NO_ROUTE: 1,
  GOT_NAK: 2,
  TIMEOUT: 3,
  NO_INTERFACE: 4,
  MAX_RETRANSMIT: 5,
  NO_CHANNEL: 6,
  TOO_LARGE: 7,
  NO_RESPONSE: 8,
  DUTY_CYCLE_LIMIT: 9,
  BAD_REQUEST: 32,
  NOT_AUTHORIZED: 33,
  PKI_FAILED: 34,
  PKI_UNKNOWN_PUBKEY: 35,
  ADMIN_BAD_SESSION_KEY: 36,
  ADMIN_PUBLIC_KEY_UNAUTHORIZED: 37,
  RATE_LIMIT_EXCEEDED: 38,
  PKI_SEND_FAIL_PUBLIC_KEY: 39,
} as const;

/** The name of a `Routing.Error` value, for logs and outcome details. */
export function routingErrorName(code: number): string {
  for (const [name, value] of Object.entries(RoutingError)) if (value === code) return name;
  return `ERROR_${code}`;
}

/** §1.8 `QueueStatus.res`: the firmware's ErrorCode for queuing a client packet. */
export const QueueErrno = {
  OK: 0,
  UNKNOWN: 32,
  NO_INTERFACES: 33,
  DISABLED: 34,
  SHOULD_RELEASE: 35,
} as const;

/** §2.1 `MeshPacket.Priority`. */
export const Priority = {
  UNSET: 0,
  MIN: 1,
  BACKGROUND: 10,
  DEFAULT: 64,
  RELIABLE: 70,
  RESPONSE: 80,
  HIGH: 100,
  ALERT: 110,
  ACK: 120,
  MAX: 127,
} as const;

/** §1.3 `LogRecord.Level`. */
export const LogLevel = {
  UNSET: 0,
  TRACE: 5,
  DEBUG: 10,
  INFO: 20,
  WARNING: 30,
  ERROR: 40,
  CRITICAL: 50,
} as const;

/** §1.4 `Channel.Role`. */
export const ChannelRole = { DISABLED: 0, PRIMARY: 1, SECONDARY: 2 } as const;

/** §4.1 `Config.LoRaConfig.ModemPreset`. */
export const ModemPreset = {
  LONG_FAST: 0,
  LONG_SLOW: 1,
  VERY_LONG_SLOW: 2,
  MEDIUM_SLOW: 3,
  MEDIUM_FAST: 4,
  SHORT_SLOW: 5,
  SHORT_FAST: 6,
  LONG_MODERATE: 7,
  SHORT_TURBO: 8,
  LONG_TURBO: 9,
} as const;

/** §4.5 and the region table: `Config.LoRaConfig.RegionCode` values fieldnode names. */
export const RegionCode = {
  UNSET: 0,
  US: 1,
  EU_433: 2,
  EU_868: 3,
  CN: 4,
  JP: 5,
  ANZ: 6,
  KR: 7,
  TW: 8,
  RU: 9,
  IN: 10,
  NZ_865: 11,
  TH: 12,
  LORA_24: 13,
  UA_433: 14,
  UA_868: 15,
} as const;

/** §2.3 `Config.DeviceConfig.Role` and `RebroadcastMode` values that decide relaying. */
export const DeviceRole = {
  CLIENT: 0,
  CLIENT_MUTE: 1,
  ROUTER: 2,
  ROUTER_CLIENT: 3,
  REPEATER: 4,
  TRACKER: 5,
  SENSOR: 6,
  TAK: 7,
  CLIENT_HIDDEN: 8,
  LOST_AND_FOUND: 9,
  TAK_TRACKER: 10,
  ROUTER_LATE: 11,
} as const;

export const RebroadcastMode = {
  ALL: 0,
  ALL_SKIP_DECODING: 1,
  LOCAL_ONLY: 2,
  KNOWN_ONLY: 3,
  NONE: 4,
  CORE_PORTNUMS_ONLY: 5,
} as const;
