/**
 * What a simulated device's mesh side (mesh-router.ts) is configured with: the settings of the
 * firmware that shape its routing (docs/meshtastic.md §2.3, §2.5, §4.4, §5.1, §5.2), each with the
 * default a new radio has.
 */
import type { Clock } from '../../../node/src/link/clock.js';
import type { ChannelSpec } from './channel-crypto.js';
import type { RouterFirmware } from './next-hop-routing.js';
import type { FirmwareProfile } from './relay-policy.js';
import type { RfMedium } from './rf-medium.js';

export interface MeshRouterOptions {
  /** This device's node number, 1 … 0xfffffffe. */
  nodeNum: number;
  medium: RfMedium;
  clock: Clock;
  /** The run's one PRNG. */
  random: () => number;
  /** Config.DeviceConfig.Role. Defaults to CLIENT. */
  role?: number;
  /** Defaults to what the role installs (relay-policy.ts): CORE_PORTNUMS_ONLY for ROUTER. */
  rebroadcastMode?: number;
  /** Which firmware's CORE_PORTNUMS_ONLY list applies. Defaults to '2.6'. */
  firmware?: FirmwareProfile;
  /**
   * Which firmware's routers run (next-hop-routing.ts): '2.6+' routes direct messages by next hop
   * once one is learnt (§5.2), 'pre-2.6' floods everything with both next-hop bytes 0 on air.
   * Defaults to '2.6+'.
   */
  routerFirmware?: RouterFirmware;
  /** RegionCode. Defaults to US (no duty-cycle limit); UNSET disables TX (res 34). */
  region?: number;
  /** `lora.tx_enabled`. Defaults to true. */
  txEnabled?: boolean;
  /** `lora.override_duty_cycle`. Defaults to false. */
  overrideDutyCycle?: boolean;
  /** `lora.hop_limit`: for want_ack packets sent with 0, and for the ACKs we send. Defaults to 3. */
  hopLimit?: number;
  /** Channels by index. Defaults to the default primary channel alone. */
  channels?: readonly ChannelSpec[];
  /** Nodes whose public key we know, for PKI DMs; 'all' for every node. Defaults to none. */
  knownPublicKeys?: 'all' | readonly number[];
  /** Whether a module handles `portnum` (else want_response gets NAK NO_RESPONSE). Defaults to 1–255. */
  hasModuleFor?: (portnum: number) => boolean;
  /** `lora.config_ok_to_mqtt`, bit 0 of Data.bitfield. Defaults to false. */
  okToMqtt?: boolean;
  /** PacketHistory size and expiry (packet-history.ts). */
  historyCapacity?: number;
  historyExpireMs?: number;
  /**
   * The device's clock, Unix seconds, 0 when it has no valid time (`getValidTime`): what rx_time
   * is set to. Defaults to no time.
   */
  deviceTimeSec?: () => number;
}
