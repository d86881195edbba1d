/**
 * The seam between a simulated device's phone API (device-phone-api.ts, client-send-path.ts) and
 * the rest of the device (simulated-device.ts): what the firmware's PhoneAPI reaches through
 * globals, MeshService, NodeDB, the router, `millis()` and the log (docs/meshtastic.md §1.4,
 * §1.7, §1.8).
 */
import type { AdminMessage } from '../../src/meshtastic/codec.js';
import type { DeviceSettings } from './device-settings.js';
import type { DeviceProfile } from './firmware-profile.js';
import type { MeshSide } from './mesh-side.js';
import type { Misreport } from './misreport.js';
import type { ToPhoneQueues } from './to-phone-queues.js';

export type DeviceLogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

/** The device's AdminModule as the phone API reaches it (admin-module.ts). */
export interface AdminHandler {
  handle(message: AdminMessage): void;
}

/** What a phone API needs from its device: the firmware's MeshService, NodeDB, router, clock and log. */
export interface PhoneApiHost {
  readonly profile: DeviceProfile;
  readonly settings: DeviceSettings;
  readonly meshSide: MeshSide;
  readonly queues: ToPhoneQueues;
  /**
   * Run router-checks.ts (DM channel, hop-limit default, TOO_LARGE, PKI_FAILED, NO_CHANNEL) here;
   * false leaves them to a mesh side that has them itself.
   */
  readonly routerChecks: boolean;
  rebootCount(): number;
  /** Simulated milliseconds since boot (`millis()`). */
  nowMs(): number;
  /** `getValidTime(RTCQualityFromNet)`: Unix seconds, or 0 without a valid time. */
  deviceTimeSec(): number;
  /** `generatePacketId()`. */
  nextPacketId(): number;
  log(level: DeviceLogLevel, thread: string, message: string): void;
  /** `AdminModule`: reboot in `seconds`; a negative value cancels. */
  scheduleReboot(seconds: number): void;
  /** The device's AdminModule, for admin messages to our own number (admin-module.ts). */
  readonly admin: AdminHandler;
  /** Fields the config dump reports wrongly (misreport.ts); none on a sound device. */
  readonly misreports: readonly Misreport[];
  /** Something is ready for `getFromRadio` (the firmware's `fromNum` observers). */
  wake(): void;
}
