/**
 * The stored state of a simulated Meshtastic device that its config dump reports
 * (docs/meshtastic.md §1.4): identity, channels, the LoRa, device, position, power and security
 * configs, the NodeDB of other nodes and the files in its flash. Input fields are optional and
 * documented with their defaults; `resolveDeviceSettings` turns them into one complete, checked
 * value. Admin messages change it (admin-module.ts, docs/profiles.md §The simulator).
 */
import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { Config } from '@meshtastic/protobufs';
import {
  BROADCAST_NUM,
  ChannelRole,
  MAX_NUM_CHANNELS,
  ModemPreset,
  RebroadcastMode,
  RegionCode,
} from '../../src/meshtastic/constants.js';
import type { DeviceProfile } from './firmware-profile.js';

/** §1.4 `HardwareModel` values the simulator reports. */
export const HardwareModel = { TBEAM: 4, RAK4631: 9, PORTDUINO: 37, HELTEC_V3: 43 } as const;

export interface ChannelInput {
  /** Default "" (the firmware then names the channel after the modem preset, e.g. "LongFast"). */
  name?: string;
  /** Default `[1]`: the short form of the firmware's default key (§2.1 channel PSK). */
  psk?: Uint8Array;
  /** Default: PRIMARY for index 0, SECONDARY otherwise. */
  role?: number;
}

export interface NodeInput {
  num: number;
  /** Default "Meshtastic xxxx" with the last four hex digits of `num`. */
  longName?: string;
  /** Default the last four hex digits of `num`. */
  shortName?: string;
  /** A 32-byte key makes direct messages to this node PKI-encrypted (§2.4). Default none. */
  publicKey?: Uint8Array;
  /** Unix seconds this node was last heard. Default 0. */
  lastHeard?: number;
  /** Default 0. */
  snr?: number;
  /** Default unknown (absent). */
  hopsAway?: number;
  /** Local channel index it was heard on. Default 0. */
  channel?: number;
  /** Default `HardwareModel.HELTEC_V3`. */
  hwModel?: number;
}

export interface FileInput {
  fileName: string;
  sizeBytes: number;
}

export interface DeviceSettingsInput {
  /** `MyNodeInfo.reboot_count` after the first boot; each reboot adds one. Default 1. */
  rebootCount?: number;
  /** Default "Meshtastic xxxx". */
  longName?: string;
  /** Default the last four hex digits of the node number. */
  shortName?: string;
  /** Default by transport: HELTEC_V3 (uart), RAK4631 (native-usb), PORTDUINO (meshtasticd), TBEAM (tcp). */
  hwModel?: number;
  /** `MyNodeInfo.pio_env`. Default by hardware, e.g. "heltec-v3". */
  pioEnv?: string;
  /** `DeviceConfig.role`. Default CLIENT (0). */
  role?: number;
  /** `DeviceConfig.rebroadcast_mode`. Default ALL. */
  rebroadcastMode?: number;
  /** `LoRaConfig.region`. Default CN. */
  region?: number;
  /** `LoRaConfig.modem_preset`. Default LONG_FAST. */
  modemPreset?: number;
  /** `LoRaConfig.hop_limit`, also substituted for hop_limit 0 with want_ack (§2.1). Default 3. */
  hopLimit?: number;
  /** `LoRaConfig.tx_enabled`. Default true. */
  txEnabled?: boolean;
  /** `LoRaConfig.tx_power` in dBm; 0 means the region's maximum. Default 0. */
  txPower?: number;
  /** `SecurityConfig.serial_enabled`: false makes the device ignore framed ToRadio (§1.2). Default true. */
  serialEnabled?: boolean;
  /** `SecurityConfig.debug_log_api_enabled`: logs as framed `log_record` (§1.3). Default false. */
  debugLogApiEnabled?: boolean;
  /** The device's own 32-byte public key; absent means it has no PKI keys (§2.4). Default: one derived from the node number. */
  publicKey?: Uint8Array | null;
  /** Channels by index, at most 8; missing ones are DISABLED (§1.4). Default one primary channel. */
  channels?: ChannelInput[];
  /** Other nodes in the NodeDB, sent after the module configs (§1.4 row 8). Default none. */
  nodes?: NodeInput[];
  /** Files in the flash root, one `fileInfo` each (§1.4 row 9). Default the four /prefs files. */
  files?: FileInput[];
  /** Unix seconds at simulated time 0, as if from GPS; absent means the device has no valid time. */
  rtcEpochSec?: number;
  /**
   * `Config.PositionConfig`, kept whole as a `set_config` writes it. Default: GPS enabled, a
   * position every 900 s, smart broadcast on, a GPS fix every 120 s (the firmware's defaults as
   * `installDefaultConfig` sets them [U exact values]).
   */
  position?: MessageInitShape<typeof Config.Config_PositionConfigSchema>;
  /** `Config.PowerConfig`, kept whole. Default: all zero (power saving off, no shutdown on battery). */
  power?: MessageInitShape<typeof Config.Config_PowerConfigSchema>;
}

export interface ResolvedChannel {
  index: number;
  role: number;
  name: string;
  psk: Uint8Array;
}

export interface ResolvedNode {
  num: number;
  longName: string;
  shortName: string;
  publicKey: Uint8Array;
  lastHeard: number;
  snr: number;
  hopsAway: number | undefined;
  channel: number;
  hwModel: number;
}

export interface DeviceSettings {
  rebootCount: number;
  longName: string;
  shortName: string;
  hwModel: number;
  pioEnv: string;
  role: number;
  rebroadcastMode: number;
  region: number;
  modemPreset: number;
  hopLimit: number;
  txEnabled: boolean;
  txPower: number;
  serialEnabled: boolean;
  debugLogApiEnabled: boolean;
  publicKey: Uint8Array;
  channels: ResolvedChannel[];
  nodes: ResolvedNode[];
  files: FileInput[];
  rtcEpochSec: number | undefined;
  position: Config.PositionConfig;
  power: Config.PowerConfig;
}

const DEFAULT_FILES: FileInput[] = [
  { fileName: '/prefs/channels.proto', sizeBytes: 58 },
  { fileName: '/prefs/config.proto', sizeBytes: 187 },
  { fileName: '/prefs/db.proto', sizeBytes: 1410 },
  { fileName: '/prefs/module.proto', sizeBytes: 102 },
];

/** GpsMode ENABLED; the intervals of `installDefaultConfig` (firmware NodeDB.cpp). */
const DEFAULT_POSITION = {
  gpsMode: 1,
  positionBroadcastSecs: 900,
  positionBroadcastSmartEnabled: true,
  gpsUpdateInterval: 120,
};

const suffix = (num: number): string => (num >>> 0).toString(16).padStart(8, '0').slice(-4);

/** A deterministic stand-in for the key pair the firmware generates at first boot. */
function derivedKey(num: number): Uint8Array {
  const key = new Uint8Array(32);
  for (let i = 0; i < 32; i++) key[i] = ((num >>> ((i % 4) * 8)) + i * 37) & 0xff;
  return key;
}

function hardwareDefaults(profile: DeviceProfile): { hwModel: number; pioEnv: string } {
  if (profile.native) return { hwModel: HardwareModel.PORTDUINO, pioEnv: 'native' };
  if (profile.transport === 'native-usb') return { hwModel: HardwareModel.RAK4631, pioEnv: 'rak4631' };
  if (profile.transport === 'tcp') return { hwModel: HardwareModel.TBEAM, pioEnv: 'tbeam' };
  return { hwModel: HardwareModel.HELTEC_V3, pioEnv: 'heltec-v3' };
}

function checkUint(name: string, value: number, max: number): number {
  if (!Number.isInteger(value) || value < 0 || value > max)
    throw new RangeError(`${name} must be an integer 0..${max}, not ${value}`);
  return value;
}

export function resolveDeviceSettings(
  nodeNum: number,
  profile: DeviceProfile,
  input: DeviceSettingsInput = {},
): DeviceSettings {
  const hw = hardwareDefaults(profile);
  const channelsIn = input.channels ?? [{}];
  if (channelsIn.length > MAX_NUM_CHANNELS) throw new RangeError(`at most ${MAX_NUM_CHANNELS} channels`);
  const channels: ResolvedChannel[] = [];
  for (let index = 0; index < MAX_NUM_CHANNELS; index++) {
    const c = channelsIn[index];
    channels.push(
      c === undefined
        ? { index, role: ChannelRole.DISABLED, name: '', psk: new Uint8Array() }
        : {
            index,
            role: c.role ?? (index === 0 ? ChannelRole.PRIMARY : ChannelRole.SECONDARY),
            name: c.name ?? '',
            psk: c.psk ?? Uint8Array.of(1),
          },
    );
  }
  const nodes = (input.nodes ?? []).map((n): ResolvedNode => {
    if (n.num === nodeNum || n.num === 0 || n.num === BROADCAST_NUM)
      throw new RangeError(`bad NodeDB entry ${n.num}`);
    return {
      num: n.num >>> 0,
      longName: n.longName ?? `Meshtastic ${suffix(n.num)}`,
      shortName: n.shortName ?? suffix(n.num),
      publicKey: n.publicKey ?? new Uint8Array(),
      lastHeard: n.lastHeard ?? 0,
      snr: n.snr ?? 0,
      hopsAway: n.hopsAway,
      channel: n.channel ?? 0,
      hwModel: n.hwModel ?? HardwareModel.HELTEC_V3,
    };
  });
  return {
    rebootCount: checkUint('rebootCount', input.rebootCount ?? 1, 0xffffffff),
    longName: input.longName ?? `Meshtastic ${suffix(nodeNum)}`,
    shortName: input.shortName ?? suffix(nodeNum),
    hwModel: input.hwModel ?? hw.hwModel,
    pioEnv: input.pioEnv ?? hw.pioEnv,
    role: input.role ?? 0,
    rebroadcastMode: input.rebroadcastMode ?? RebroadcastMode.ALL,
    region: input.region ?? RegionCode.CN,
    modemPreset: input.modemPreset ?? ModemPreset.LONG_FAST,
    hopLimit: checkUint('hopLimit', input.hopLimit ?? 3, 7),
    txEnabled: input.txEnabled ?? true,
    txPower: input.txPower ?? 0,
    serialEnabled: input.serialEnabled ?? true,
    debugLogApiEnabled: input.debugLogApiEnabled ?? false,
    publicKey: input.publicKey === null ? new Uint8Array() : (input.publicKey ?? derivedKey(nodeNum)),
    channels,
    nodes,
    files: input.files ?? DEFAULT_FILES,
    rtcEpochSec: input.rtcEpochSec,
    position: create(Config.Config_PositionConfigSchema, input.position ?? DEFAULT_POSITION),
    power: create(Config.Config_PowerConfigSchema, input.power ?? {}),
  };
}
