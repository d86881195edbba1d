/**
 * What a simulated Meshtastic device is: its firmware version, with the phone-API behaviour that
 * changed between releases, and how the host reaches it (docs/meshtastic.md §1.2–§1.7, §2.6,
 * §8.8 "Checklist"). Each version switch below was read in the firmware source at the tags named
 * (meshtastic/firmware, src/mesh/PhoneAPI.cpp, src/mesh/api/ServerAPI.cpp,
 * src/mesh/generated/meshtastic/admin.pb.h), not taken from release notes.
 */
import { MAX_RX_TOPHONE, MAX_RX_TOPHONE_MESHTASTICD } from '../../src/meshtastic/constants.js';

/** The tags of the two release lines the simulator speaks. */
export const FIRMWARE_2_6 = '2.6.11.60ec05e';
export const FIRMWARE_2_7 = '2.7.26.54e0d8d';

/** How the host reaches the device. */
export type DeviceTransport =
  /** USB to a UART bridge (CP210x, CH34x): the port survives a reboot, which sends `rebooted`. */
  | 'uart'
  /** Native USB (ESP32-S3 HWCDC, nRF52): the port vanishes on reboot and comes back (§1.2, §1.6). */
  | 'native-usb'
  /** The TCP API on port 4403 (meshtasticd, or a Wi-Fi board): one client at a time (§1.2). */
  | 'tcp';

export interface FirmwareFeatures {
  /** `FromRadio.moduleConfig` entries in the dump: ModuleConfigType MIN+1..MAX+1 (§1.4). */
  moduleConfigCount: number;
  /** `MyNodeInfo.nodedb_count` is filled in (from 2.7.4). */
  myInfoNodedbCount: boolean;
  /**
   * The heartbeat reply (§1.5): none before 2.7.4; in 2.7.4–2.7.5 the `heartbeatReceived` check
   * sits after `available()`, so the QueueStatus only goes out when something else is pending;
   * from 2.7.6 it is checked first and always answers.
   */
  heartbeatReply: 'none' | 'when-available' | 'always';
  /** `Heartbeat.nonce == 1` asks for a NodeInfo broadcast instead of a reply (from 2.7.23). */
  heartbeatNonce1NodeInfo: boolean;
  /** `TCP_IDLE_TIMEOUT_MS`: the TCP session closes after 15 min without a ToRadio (from 2.7.21). */
  tcpIdleTimeout: boolean;
  /** TELEMETRY joins the 10 s limit and TEXT gets a 2 s limit (2.7.0). */
  rateLimitTelemetryAndText: boolean;
  /** A rate-limited TEXT gets NAK RATE_LIMIT_EXCEEDED rather than a client notification (2.7.4). */
  textRateLimitNak: boolean;
  /** A traceroute to a node is sent with want_ack forced on (2.7.12). */
  tracerouteWantAck: boolean;
  /** `PhoneAPI::close()` forgets the rate-limit times (2.7.20). */
  closeClearsRateLimits: boolean;
}

export interface FirmwareVersion {
  /** As the device reports it in `DeviceMetadata.firmware_version`, e.g. "2.6.11.60ec05e". */
  text: string;
  major: number;
  minor: number;
  patch: number;
}

export function parseFirmwareVersion(text: string): FirmwareVersion {
  const m = /^(\d+)\.(\d+)\.(\d+)(?:\.[0-9a-f]+)?$/.exec(text);
  if (m === null) throw new RangeError(`not a firmware version: ${JSON.stringify(text)}`);
  const [major, minor, patch] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (major !== 2 || (minor !== 6 && minor !== 7)) {
    throw new RangeError(`the simulator models firmware 2.6 and 2.7, not ${text}`);
  }
  return { text, major, minor, patch };
}

const atLeast = (v: FirmwareVersion, minor: number, patch: number): boolean =>
  v.minor > minor || (v.minor === minor && v.patch >= patch);

export function firmwareFeatures(v: FirmwareVersion): FirmwareFeatures {
  // ModuleConfigType MAX: PAXCOUNTER up to 2.7.18 (13 entries), STATUSMESSAGE in 2.7.19 (14),
  // TAK from 2.7.20 (16). The entries past PAXCOUNTER have no case in getFromRadio's switch, so
  // the firmware sends them as an empty ModuleConfig.
  const moduleConfigCount = atLeast(v, 7, 20) ? 16 : atLeast(v, 7, 19) ? 14 : 13;
  return {
    moduleConfigCount,
    myInfoNodedbCount: atLeast(v, 7, 4),
    heartbeatReply: atLeast(v, 7, 6) ? 'always' : atLeast(v, 7, 4) ? 'when-available' : 'none',
    heartbeatNonce1NodeInfo: atLeast(v, 7, 23),
    tcpIdleTimeout: atLeast(v, 7, 21),
    rateLimitTelemetryAndText: atLeast(v, 7, 0),
    textRateLimitNak: atLeast(v, 7, 4),
    tracerouteWantAck: atLeast(v, 7, 12),
    closeClearsRateLimits: atLeast(v, 7, 20),
  };
}

export interface DeviceProfile {
  firmware: FirmwareVersion;
  features: FirmwareFeatures;
  transport: DeviceTransport;
  /**
   * The firmware runs as meshtasticd (portduino): no `rebooted` frame at boot (`#if
   * !ARCH_PORTDUINO`), and a to-phone queue of `MaxMessageQueue` (100).
   */
  native: boolean;
  /**
   * meshtasticd with SimRadio (`-s`): the duplicate-id filter on client packets is off (§2.1)
   * and PKI is never used (§2.4).
   */
  simRadio: boolean;
  /** `toPhoneQueue` capacity (§1.7): 32 on 2.6 hardware, 100 on meshtasticd. */
  toPhoneQueueSize: number;
}

export interface DeviceProfileInput {
  /** "2.6", "2.7" or a full tag such as "2.7.4.c1f4f79". Default "2.6". */
  firmware?: string;
  /** Default "uart". */
  transport?: DeviceTransport;
  /** Default: true when `simRadio`, else false. */
  native?: boolean;
  /** Default false. Only meaningful for meshtasticd. */
  simRadio?: boolean;
  /** Default: 100 for meshtasticd, else 32. */
  toPhoneQueueSize?: number;
}

export function deviceProfile(input: DeviceProfileInput = {}): DeviceProfile {
  const tag =
    input.firmware === '2.7' ? FIRMWARE_2_7 : input.firmware === '2.6' ? FIRMWARE_2_6 : input.firmware;
  const firmware = parseFirmwareVersion(tag ?? FIRMWARE_2_6);
  const simRadio = input.simRadio ?? false;
  const native = input.native ?? simRadio;
  const transport = input.transport ?? 'uart';
  if (native && transport !== 'tcp') throw new RangeError('meshtasticd is reached over tcp');
  const toPhoneQueueSize = input.toPhoneQueueSize ?? (native ? MAX_RX_TOPHONE_MESHTASTICD : MAX_RX_TOPHONE);
  if (!Number.isInteger(toPhoneQueueSize) || toPhoneQueueSize < 1) {
    throw new RangeError(`toPhoneQueueSize must be a positive integer, not ${toPhoneQueueSize}`);
  }
  return { firmware, features: firmwareFeatures(firmware), transport, native, simRadio, toPhoneQueueSize };
}
