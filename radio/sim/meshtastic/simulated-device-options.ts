/**
 * The options and events of a simulated Meshtastic device (simulated-device.ts): every switch of
 * the simulation in one typed object, each documented with its default (docs/meshtastic.md
 * §1.3, §1.5, §1.6, §8.8 "Checklist").
 */
import type { Logger } from '../../../node/src/base/logger.js';
import type { Clock } from '../../../node/src/link/clock.js';
import type { MeshPacket } from '../../src/meshtastic/codec.js';
import type { SerialFaultOptions } from './console-text.js';
import type { DebugTextOptions } from './device-output.js';
import type { DeviceSettingsInput } from './device-settings.js';
import type { DeviceProfile } from './firmware-profile.js';
import type { MeshSide } from './mesh-side.js';
import type { Misreport } from './misreport.js';
import type { DeviceLogLevel } from './phone-api-host.js';
import type { ToPhoneOutcome } from './to-phone-queues.js';

export interface SimulatedDeviceOptions {
  /** The routers and radio behind the phone API (mesh-router.ts, or scripted-mesh-side.ts). */
  meshSide: MeshSide;
  /** Default a `RealClock`. Every timeout, rate limit and reboot delay runs on it. */
  clock?: Clock;
  /** Default `deviceProfile()`: firmware 2.6.11 behind a USB-UART bridge. */
  profile?: DeviceProfile;
  /** Identity, channels, configs, NodeDB, files. Defaults in device-settings.ts. */
  settings?: DeviceSettingsInput;
  /** Seed of the device's randomness: packet ids and faults. Default 1. */
  seed?: number;
  /** The simulator's own log (transitions, not the device's debug text). Default silent. */
  log?: Logger;
  /** Serial only: ROM and boot lines around the `rebooted` frame at each boot (§1.6). Default false. */
  bootText?: boolean;
  /**
   * Serial only: the firmware's log lines (§1.3), as plain text (before the first frame, and
   * after it unless `debug_log_api_enabled`) or as framed `log_record`. False, the default, is a
   * device that prints nothing.
   */
  debugText?: boolean | DebugTextOptions;
  /** Serial only: text inside frames and torn frames (§1.3, firmware#10975). Default none. */
  faults?: SerialFaultOptions;
  /**
   * `SERIAL_CONNECTION_TIMEOUT` and, from 2.7.21, `TCP_IDLE_TIMEOUT_MS`: the session closes after
   * this long without a ToRadio (§1.5). Default 15 min.
   */
  idleTimeoutMs?: number;
  /** How long a reboot keeps the device down, simulated ms. Default 3000. */
  rebootDelayMs?: number;
  /**
   * Seconds from `commit_edit_settings` (or a `set_config` that needs it) to the reboot:
   * the firmware's DEFAULT_REBOOT_SECONDS (admin-module.ts). Default 7.
   */
  adminRebootSeconds?: number;
  /** Fields the config dump reports wrongly, as a read-back fault (misreport.ts). Default none. */
  misreport?: readonly Misreport[];
  /**
   * Refuse client packets locally as the firmware's router does before the radio (router-checks.ts:
   * TOO_LARGE, NO_CHANNEL, PKI_FAILED with their NAKs; hop limit and DM channel defaults). Set
   * false when the mesh side does these itself (mesh-router.ts), so its duty-cycle check keeps
   * its place before them. Default true.
   */
  routerChecks?: boolean;
}

export type HostCloseReason = 'disconnect' | 'idle-timeout' | 'replaced' | 'reboot';

export interface SimulatedDeviceEvents {
  /** Every line the firmware logs, whether or not it reaches the port. */
  log: [level: DeviceLogLevel, thread: string, message: string];
  /** The device came up; `rebootCount` is what `my_info` now reports. */
  booted: [rebootCount: number];
  /** The device went down for a reboot. */
  rebooting: [];
  /** Native USB: the port disappeared at reboot (the pty is torn down). */
  portVanished: [];
  /** Native USB: the port is back after the reboot delay. */
  portReturned: [];
  /** The device closed the host's stream (TCP), or a reboot tore it down. */
  hostClosed: [reason: HostCloseReason];
  /** The phone API went back to SEND_NOTHING ("Lost phone connection", disconnect). */
  sessionClosed: [reason: 'disconnect' | 'idle-timeout'];
  /** What the to-phone queue did with a packet from the mesh side (§1.7). */
  toPhone: [packet: MeshPacket, outcome: ToPhoneOutcome | 'dropped-down'];
}
