/**
 * What the `want_config_id` handshake tells the host about its radio (docs/meshtastic.md
 * §1.4): the config dump collected frame by frame into one {@link DeviceInfo}, up to the
 * `config_complete_id` that carries our nonce.
 *
 * Everything here comes from the device and is untrusted: counts are bounded, strings are kept
 * as decoded (the schema bounds their lengths), and nothing the device sends can make collection
 * throw except the one structural fault a handshake cannot survive, a dump without `my_info`.
 */
import type { ChannelMessage, ConfigMessage, FromRadio, NodeInfo, Position } from './codec.js';
import { MAX_NUM_CHANNELS } from './constants.js';
import { formatNodeId } from './node-id.js';

export interface ChannelInfo {
  /** Local channel index, 0–7. */
  index: number;
  /** `Channel.Role`: 0 DISABLED, 1 PRIMARY, 2 SECONDARY. */
  role: number;
  /** Empty for the default name of the preset. */
  name: string;
}

export interface LoraInfo {
  region: number;
  usePreset: boolean;
  modemPreset: number;
  bandwidth: number;
  spreadFactor: number;
  codingRate: number;
  hopLimit: number;
  txEnabled: boolean;
  overrideDutyCycle: boolean;
}

export interface NodeSummary {
  num: number;
  /** `!` and 8 hex digits. */
  id: string;
  longName: string;
  shortName: string;
  /** Unix seconds, 0 if never. */
  lastHeard: number;
  snr: number;
  hopsAway?: number;
  /** The node's public key is known, so a DM to it goes PKI-encrypted on channel 0 (§2.4). */
  hasPublicKey: boolean;
}

/** A position the radio reports for itself, and the GPS time that came with it. */
export interface OwnPosition {
  /** Degrees. */
  latitude?: number;
  longitude?: number;
  /** Metres above mean sea level. */
  altitude?: number;
  /** GPS time of the fix, Unix seconds; 0 when the position carried none. */
  time: number;
  /** `Position.LocSource`: 0 unset, 1 manual, 2 internal GPS, 3 external GPS. */
  locationSource: number;
  /** When the host received it, Unix ms. */
  receivedAt: number;
}

/** The radio as the handshake described it. */
export interface DeviceInfo {
  /** The nonce of the handshake this came from. */
  nonce: number;
  nodeNum: number;
  /** `!` and 8 hex digits. */
  nodeId: string;
  rebootCount: number;
  minAppVersion: number;
  pioEnv: string;
  /** `DeviceMetadata.firmware_version`, e.g. "2.6.11.60ec05e"; undefined without metadata. */
  firmwareVersion?: string;
  longName?: string;
  shortName?: string;
  /** The channels sent, by index (0–7); a channel left out of the dump is absent. */
  channels: ChannelInfo[];
  lora?: LoraInfo;
  /** `DeviceConfig.role` and `rebroadcast_mode` (§2.3: decide whether our portnum is relayed). */
  device?: { role: number; rebroadcastMode: number };
  security?: { serialEnabled: boolean; debugLogApiEnabled: boolean };
  /** The `ModuleConfig` variants sent, in order. */
  moduleConfigs: string[];
  /** Other nodes in the radio's NodeDB, at most `maxNodes` of them. */
  nodes: NodeSummary[];
  /** The own node's position from its NodeInfo, if it has one. */
  position?: OwnPosition;
  /** Unix ms when the handshake completed. */
  completedAt: number;
}

/** A firmware version "a.b.c…" at least `min`; false when it cannot be read. */
export function firmwareAtLeast(version: string | undefined, min: [number, number, number]): boolean {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(version ?? '');
  if (!m) return false;
  const v = [Number(m[1]), Number(m[2]), Number(m[3])];
  for (let i = 0; i < 3; i++) {
    if ((v[i] as number) !== min[i]) return (v[i] as number) > (min[i] as number);
  }
  return true;
}

/** A Position as the host keeps it (coordinates are 1e-7 degrees on the wire). */
export function ownPositionOf(p: Position, receivedAt: number): OwnPosition {
  const out: OwnPosition = { time: p.time, locationSource: p.locationSource, receivedAt };
  if (p.latitudeI !== undefined) out.latitude = p.latitudeI / 1e7;
  if (p.longitudeI !== undefined) out.longitude = p.longitudeI / 1e7;
  if (p.altitude !== undefined) out.altitude = p.altitude;
  return out;
}

function nodeSummary(n: NodeInfo): NodeSummary {
  const out: NodeSummary = {
    num: n.num,
    id: formatNodeId(n.num),
    longName: n.user?.longName ?? '',
    shortName: n.user?.shortName ?? '',
    lastHeard: n.lastHeard,
    snr: n.snr,
    hasPublicKey: (n.user?.publicKey.length ?? 0) === 32,
  };
  if (n.hopsAway !== undefined) out.hopsAway = n.hopsAway;
  return out;
}

function channelInfo(c: ChannelMessage): ChannelInfo | undefined {
  if (!Number.isInteger(c.index) || c.index < 0 || c.index >= MAX_NUM_CHANNELS) return undefined;
  return { index: c.index, role: c.role, name: c.settings?.name ?? '' };
}

/**
 * Collects one handshake's dump. Feed every FromRadio with {@link add}; it answers true once the
 * `config_complete_id` with our nonce has come. A `config_complete_id` with another nonce (the
 * answer to an earlier request) is ignored.
 */
export class ConfigCollector {
  readonly nonce: number;
  readonly #maxNodes: number;
  readonly #now: () => number;
  #myInfo: { nodeNum: number; rebootCount: number; minAppVersion: number; pioEnv: string } | undefined;
  #firmwareVersion: string | undefined;
  #own: NodeInfo | undefined;
  readonly #channels = new Map<number, ChannelInfo>();
  #lora: LoraInfo | undefined;
  #device: DeviceInfo['device'];
  #security: DeviceInfo['security'];
  readonly #modules: string[] = [];
  readonly #nodes = new Map<number, NodeSummary>();
  /** Other nodes beyond `maxNodes`, not kept. */
  droppedNodes = 0;
  /** `config_complete_id`s with a nonce that is not ours. */
  foreignCompletes = 0;

  constructor(nonce: number, opts: { maxNodes?: number; now?: () => number } = {}) {
    this.nonce = nonce;
    this.#maxNodes = opts.maxNodes ?? 1000;
    this.#now = opts.now ?? Date.now;
  }

  get hasMyInfo(): boolean {
    return this.#myInfo !== undefined;
  }

  /** Takes one frame of the dump; true when the dump is complete. */
  add(msg: FromRadio): boolean {
    const v = msg.payloadVariant;
    switch (v.case) {
      case 'myInfo':
        this.#myInfo = {
          nodeNum: v.value.myNodeNum,
          rebootCount: v.value.rebootCount,
          minAppVersion: v.value.minAppVersion,
          pioEnv: v.value.pioEnv,
        };
        this.#nodes.delete(v.value.myNodeNum);
        return false;
      case 'metadata':
        this.#firmwareVersion = v.value.firmwareVersion;
        return false;
      case 'nodeInfo':
        this.#addNode(v.value);
        return false;
      case 'channel': {
        const c = channelInfo(v.value);
        if (c) this.#channels.set(c.index, c);
        return false;
      }
      case 'config':
        this.#addConfig(v.value);
        return false;
      case 'moduleConfig':
        if (v.value.payloadVariant.case !== undefined && this.#modules.length < 64) {
          this.#modules.push(v.value.payloadVariant.case);
        }
        return false;
      case 'configCompleteId':
        if (v.value === this.nonce) return true;
        this.foreignCompletes++;
        return false;
      default:
        return false;
    }
  }

  /** The collected info; undefined if the dump had no `my_info` (no usable handshake). */
  result(): DeviceInfo | undefined {
    const my = this.#myInfo;
    if (my === undefined) return undefined;
    const info: DeviceInfo = {
      nonce: this.nonce,
      nodeNum: my.nodeNum,
      nodeId: formatNodeId(my.nodeNum),
      rebootCount: my.rebootCount,
      minAppVersion: my.minAppVersion,
      pioEnv: my.pioEnv,
      channels: [...this.#channels.values()].sort((a, b) => a.index - b.index),
      moduleConfigs: [...this.#modules],
      nodes: [...this.#nodes.values()].filter((n) => n.num !== my.nodeNum),
      completedAt: this.#now(),
    };
    if (this.#firmwareVersion !== undefined) info.firmwareVersion = this.#firmwareVersion;
    if (this.#lora) info.lora = this.#lora;
    if (this.#device) info.device = this.#device;
    if (this.#security) info.security = this.#security;
    const own = this.#own?.num === my.nodeNum ? this.#own : undefined;
    if (own?.user) {
      info.longName = own.user.longName;
      info.shortName = own.user.shortName;
    }
    if (own?.position) info.position = ownPositionOf(own.position, info.completedAt);
    return info;
  }

  #addNode(n: NodeInfo): void {
    // §1.4: the own node comes first, right after my_info and deviceuiConfig.
    if (this.#own === undefined && (this.#myInfo === undefined || n.num === this.#myInfo.nodeNum)) {
      this.#own = n;
      return;
    }
    if (n.num === this.#myInfo?.nodeNum) {
      this.#own = n;
      return;
    }
    if (this.#nodes.has(n.num) || this.#nodes.size < this.#maxNodes) this.#nodes.set(n.num, nodeSummary(n));
    else this.droppedNodes++;
  }

  #addConfig(c: ConfigMessage): void {
    const v = c.payloadVariant;
    if (v.case === 'lora') {
      const l = v.value;
      this.#lora = {
        region: l.region,
        usePreset: l.usePreset,
        modemPreset: l.modemPreset,
        bandwidth: l.bandwidth,
        spreadFactor: l.spreadFactor,
        codingRate: l.codingRate,
        hopLimit: l.hopLimit,
        txEnabled: l.txEnabled,
        overrideDutyCycle: l.overrideDutyCycle,
      };
    } else if (v.case === 'device') {
      this.#device = { role: v.value.role, rebroadcastMode: v.value.rebroadcastMode };
    } else if (v.case === 'security') {
      this.#security = {
        serialEnabled: v.value.serialEnabled,
        debugLogApiEnabled: v.value.debugLogApiEnabled,
      };
    }
  }
}
