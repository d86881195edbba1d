/**
 * The messages of the want_config dump (docs/meshtastic.md §1.4), built from a device's
 * settings the way `PhoneAPI::getFromRadio` fills them in (firmware v2.6.11
 * src/mesh/PhoneAPI.cpp, NodeDB.cpp, Channels.cpp, main.cpp getDeviceMetadata). Configs the
 * simulator has no fields for are sent empty, as variants of the right type.
 */
import { clone, create, type MessageInitShape } from '@bufbuild/protobuf';
import {
  type ChannelMessage,
  type ConfigMessage,
  type DeviceMetadata,
  type FromRadio,
  type ModuleConfigMessage,
  type MyNodeInfo,
  type NodeInfo,
  Schemas,
  type User,
} from '../../src/meshtastic/codec.js';
import type { DeviceSettings, ResolvedNode } from './device-settings.js';
import type { DeviceProfile } from './firmware-profile.js';

/** `myNodeInfo.min_app_version = 30200` in NodeDB.cpp (2.6.11 and 2.7.26). */
const MIN_APP_VERSION = 30200;
/** `DEVICESTATE_CUR_VER` in NodeDB.h (2.6.11 and 2.7.26). */
const DEVICE_STATE_VERSION = 24;

type FromRadioInit = NonNullable<MessageInitShape<typeof Schemas.FromRadio>['payloadVariant']>;

export const nodeId = (num: number): string => `!${(num >>> 0).toString(16).padStart(8, '0')}`;

function macFor(num: number): Uint8Array {
  return Uint8Array.of(0x48, 0xca, (num >>> 24) & 0xff, (num >>> 16) & 0xff, (num >>> 8) & 0xff, num & 0xff);
}

export function myInfo(
  nodeNum: number,
  rebootCount: number,
  profile: DeviceProfile,
  s: DeviceSettings,
): MyNodeInfo {
  const deviceId = new Uint8Array(16);
  new DataView(deviceId.buffer).setUint32(12, nodeNum >>> 0);
  return create(Schemas.MyNodeInfo, {
    myNodeNum: nodeNum >>> 0,
    rebootCount,
    minAppVersion: MIN_APP_VERSION,
    deviceId,
    pioEnv: s.pioEnv,
    // `myNodeInfo.nodedb_count = nodeDB->getNumMeshNodes()` from 2.7.4: every node, us included.
    nodedbCount: profile.features.myInfoNodedbCount ? s.nodes.length + 1 : 0,
  });
}

export function ownUser(nodeNum: number, s: DeviceSettings): User {
  return create(Schemas.User, {
    id: nodeId(nodeNum),
    longName: s.longName,
    shortName: s.shortName,
    macaddr: macFor(nodeNum),
    hwModel: s.hwModel,
    role: s.role,
    publicKey: s.publicKey,
  });
}

/** STATE_SEND_OWN_NODEINFO: `is_favorite = true`, `has_hops_away = false`. */
export function ownNodeInfo(nodeNum: number, s: DeviceSettings, nowSec: number): NodeInfo {
  return create(Schemas.NodeInfo, {
    num: nodeNum >>> 0,
    user: ownUser(nodeNum, s),
    lastHeard: nowSec,
    isFavorite: true,
  });
}

export function otherNodeInfo(n: ResolvedNode): NodeInfo {
  return create(Schemas.NodeInfo, {
    num: n.num,
    user: create(Schemas.User, {
      id: nodeId(n.num),
      longName: n.longName,
      shortName: n.shortName,
      macaddr: macFor(n.num),
      hwModel: n.hwModel,
      publicKey: n.publicKey,
    }),
    snr: n.snr,
    lastHeard: n.lastHeard,
    channel: n.channel,
    ...(n.hopsAway === undefined ? {} : { hopsAway: n.hopsAway }),
  });
}

export function metadata(profile: DeviceProfile, s: DeviceSettings): DeviceMetadata {
  const esp32 = !profile.native && profile.transport !== 'native-usb';
  return create(Schemas.DeviceMetadata, {
    firmwareVersion: profile.firmware.text,
    deviceStateVersion: DEVICE_STATE_VERSION,
    canShutdown: true,
    hasWifi: esp32,
    hasBluetooth: !profile.native,
    hasEthernet: false,
    role: s.role,
    hwModel: s.hwModel,
    hasPKC: true,
  });
}

/** `channels.getByIndex(i)`: index, role, and settings even for DISABLED channels (`fixupChannel`). */
export function channel(s: DeviceSettings, index: number): ChannelMessage {
  const c = s.channels[index];
  // Out of range: `getByIndex` logs "Invalid channel index" and returns a zeroed channel, index -1.
  if (c === undefined) return create(Schemas.Channel, { index: -1 });
  return create(Schemas.Channel, {
    index: c.index,
    role: c.role,
    settings: create(Schemas.ChannelSettings, { name: c.name, psk: c.psk }),
  });
}

/**
 * `STATE_SEND_CONFIG` for `config_state` 1..10 (`AdminMessage.ConfigType` MIN+1..MAX+1), in the
 * order device, position, power, network, display, lora, bluetooth, security, sessionkey
 * (always empty), device_ui (a no-op case: an empty variant). Position and power are sent as the
 * last `set_config` left them.
 */
export function config(s: DeviceSettings, configState: number): ConfigMessage {
  return create(Schemas.Config, { payloadVariant: configVariant(s, configState) });
}

type ConfigInit = NonNullable<MessageInitShape<typeof Schemas.Config>['payloadVariant']>;

function configVariant(s: DeviceSettings, configState: number): ConfigInit {
  switch (configState) {
    case 1:
      return {
        case: 'device',
        value: {
          role: s.role,
          serialEnabled: s.serialEnabled,
          rebroadcastMode: s.rebroadcastMode,
          nodeInfoBroadcastSecs: 10800,
        },
      };
    case 2:
      return { case: 'position', value: clone(Schemas.PositionConfig, s.position) };
    case 3:
      return { case: 'power', value: clone(Schemas.PowerConfig, s.power) };
    case 4:
      return { case: 'network', value: {} };
    case 5:
      return { case: 'display', value: {} };
    case 6:
      return {
        case: 'lora',
        value: {
          usePreset: true,
          modemPreset: s.modemPreset,
          region: s.region,
          hopLimit: s.hopLimit,
          txEnabled: s.txEnabled,
          txPower: s.txPower,
        },
      };
    case 7:
      return { case: 'bluetooth', value: {} };
    case 8:
      return {
        case: 'security',
        value: {
          publicKey: s.publicKey,
          serialEnabled: s.serialEnabled,
          debugLogApiEnabled: s.debugLogApiEnabled,
        },
      };
    case 9:
      return { case: 'sessionkey', value: {} };
    case 10:
      return { case: 'deviceUi', value: {} };
    default:
      // "Unknown config type": the firmware still sends the (empty) config.
      return { case: undefined };
  }
}

type ModuleInit = NonNullable<MessageInitShape<typeof Schemas.ModuleConfig>['payloadVariant']>;

/** In `ModuleConfig` field order, which is also `AdminMessage.ModuleConfigType` order + 1. */
const MODULE_VARIANTS: ModuleInit[] = [
  { case: 'mqtt', value: {} },
  { case: 'serial', value: {} },
  { case: 'externalNotification', value: {} },
  { case: 'storeForward', value: {} },
  { case: 'rangeTest', value: {} },
  { case: 'telemetry', value: {} },
  { case: 'cannedMessage', value: {} },
  { case: 'audio', value: {} },
  { case: 'remoteHardware', value: {} },
  { case: 'neighborInfo', value: {} },
  { case: 'ambientLighting', value: {} },
  { case: 'detectionSensor', value: {} },
  { case: 'paxcounter', value: {} },
];

/**
 * `STATE_SEND_MODULECONFIG` for `config_state` 1..N: the 13 module configs that have a case in
 * getFromRadio's switch, and past them (2.7.19+) an empty ModuleConfig ("Unknown module config
 * type" is logged, the FromRadio still goes out).
 */
export function moduleConfig(configState: number): ModuleConfigMessage {
  return create(Schemas.ModuleConfig, {
    payloadVariant: MODULE_VARIANTS[configState - 1] ?? { case: undefined },
  });
}

export const fromRadio = (v: FromRadioInit): FromRadio => create(Schemas.FromRadio, { payloadVariant: v });
