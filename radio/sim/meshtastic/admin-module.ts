/**
 * The firmware's AdminModule as the host's own radio runs it, for admin messages the host sends to
 * its radio's node number (docs/meshtastic.md §1.6, §2.3; docs/profiles.md §The simulator;
 * firmware src/modules/AdminModule.cpp and NodeDB.cpp `installRoleDefaults`, read at v2.6.11 and
 * at the development head).
 *
 * - `begin_edit_settings` opens a transaction: what follows applies at once, but nothing is saved
 *   and nothing reboots until `commit_edit_settings`, which saves and always reboots after
 *   DEFAULT_REBOOT_SECONDS.
 * - Outside a transaction, `set_config` saves and reboots unless nothing that needs a reboot
 *   changed (device: role and rebroadcast mode; power: its sleep settings); a LoRa or position
 *   config always reboots, as on 2.6 (the development head applies a LoRa config live).
 *   `set_channel` saves without a reboot.
 * - The role/rebroadcast trap: a device config whose role differs from the radio's installs the
 *   new role's defaults after the message is copied in, so ROUTER (every release) and REPEATER
 *   (2.6 to 2.7.10) end with rebroadcast_mode CORE_PORTNUMS_ONLY whatever the same message asked
 *   for. A second device config with the role unchanged keeps its rebroadcast mode.
 * - `reboot_seconds` reboots after that many seconds; a negative value cancels.
 *
 * Not simulated: the getters (the host reads the config dump), set_owner, security and module
 * configs, session passkeys (a message from the host itself, `from` 0, needs none). A reboot
 * before the commit keeps what was applied, where the firmware would lose it with its RAM.
 */
import type { AdminMessage, ConfigMessage } from '../../src/meshtastic/codec.js';
import { DeviceRole, MAX_NUM_CHANNELS, RebroadcastMode, RegionCode } from '../../src/meshtastic/constants.js';
import type { DeviceSettings } from './device-settings.js';
import type { DeviceProfile } from './firmware-profile.js';
import type { AdminHandler, DeviceLogLevel } from './phone-api-host.js';

/** `DEFAULT_REBOOT_SECONDS` of the firmware's configuration.h (5 in the older AdminModule.cpp). */
export const DEFAULT_REBOOT_SECONDS = 7;

export interface AdminModuleHost {
  readonly profile: DeviceProfile;
  readonly settings: DeviceSettings;
  log(level: DeviceLogLevel, thread: string, message: string): void;
  /** Reboot in `seconds`; negative cancels. */
  scheduleReboot(seconds: number): void;
}

export interface AdminModuleOptions {
  /** Seconds from a commit (or a set_config that needs it) to the reboot. Default 7. */
  rebootSeconds?: number;
}

/** Owns `hasOpenEditTransaction`; changes the device's settings in place. */
export class SimAdminModule implements AdminHandler {
  readonly #host: AdminModuleHost;
  readonly #rebootSeconds: number;
  #transaction = false;

  constructor(host: AdminModuleHost, options: AdminModuleOptions = {}) {
    this.#host = host;
    this.#rebootSeconds = options.rebootSeconds ?? DEFAULT_REBOOT_SECONDS;
  }

  /** Whether a begin_edit_settings is waiting for its commit. */
  get inTransaction(): boolean {
    return this.#transaction;
  }

  /** The transaction lives in RAM: a reboot ends it. */
  reset(): void {
    this.#transaction = false;
  }

  handle(m: AdminMessage): void {
    const h = this.#host;
    const v = m.payloadVariant;
    switch (v.case) {
      case 'beginEditSettings':
        h.log('INFO', 'AdminModule', 'Begin transaction for editing settings');
        this.#transaction = true;
        return;
      case 'commitEditSettings':
        h.log('INFO', 'AdminModule', 'Commit transaction for edited settings');
        this.#transaction = false;
        this.#save(true);
        return;
      case 'setConfig':
        this.#setConfig(v.value);
        return;
      case 'setChannel': {
        const c = v.value;
        if (!Number.isInteger(c.index) || c.index < 0 || c.index >= MAX_NUM_CHANNELS) {
          h.log('WARN', 'AdminModule', `Client set channel ${c.index}: bad index`);
          return;
        }
        h.log('DEBUG', 'AdminModule', `Client set channel ${c.index}`);
        h.settings.channels[c.index] = {
          index: c.index,
          role: c.role,
          name: c.settings?.name ?? '',
          psk: Uint8Array.from(c.settings?.psk ?? []),
        };
        this.#save(false);
        return;
      }
      case 'rebootSeconds':
        h.log('INFO', 'AdminModule', `Reboot in ${v.value} seconds`);
        h.scheduleReboot(v.value);
        return;
      default:
        h.log('DEBUG', 'AdminModule', `Admin message ${String(v.case)} is not simulated`);
    }
  }

  #setConfig(c: ConfigMessage): void {
    const h = this.#host;
    const s = h.settings;
    const v = c.payloadVariant;
    let requiresReboot = true;
    switch (v.case) {
      case 'device': {
        h.log('INFO', 'AdminModule', 'Set config: Device');
        const d = v.value;
        const existingRole = s.role;
        if (existingRole === d.role && s.rebroadcastMode === d.rebroadcastMode) requiresReboot = false;
        s.role = d.role;
        s.rebroadcastMode = d.rebroadcastMode;
        // DeviceConfig.serial_enabled is deprecated: the serial API follows security.serial_enabled.
        // The trap: role defaults are installed after the message was copied in.
        if (existingRole !== d.role) this.#installRoleDefaults(d.role);
        break;
      }
      case 'lora': {
        h.log('INFO', 'AdminModule', 'Set config: LoRa');
        const l = v.value;
        const wasUnset = s.region === RegionCode.UNSET;
        s.region = l.region;
        if (l.usePreset) s.modemPreset = l.modemPreset;
        s.hopLimit = Math.min(l.hopLimit, 7);
        s.txPower = l.txPower;
        // "new region is valid and we're coming from an unset region, so enable tx"
        s.txEnabled = wasUnset && l.region !== RegionCode.UNSET ? true : l.txEnabled;
        break;
      }
      case 'position':
        h.log('INFO', 'AdminModule', 'Set config: Position');
        s.position = v.value;
        break;
      case 'power': {
        h.log('INFO', 'AdminModule', 'Set config: Power');
        const before = s.power;
        const p = v.value;
        if (
          before.isPowerSaving === p.isPowerSaving &&
          before.lsSecs === p.lsSecs &&
          before.minWakeSecs === p.minWakeSecs &&
          before.onBatteryShutdownAfterSecs === p.onBatteryShutdownAfterSecs &&
          before.sdsSecs === p.sdsSecs &&
          before.waitBluetoothSecs === p.waitBluetoothSecs
        )
          requiresReboot = false;
        s.power = p;
        break;
      }
      default:
        h.log('DEBUG', 'AdminModule', `Set config ${String(v.case)} is not simulated`);
        return;
    }
    this.#save(requiresReboot);
  }

  /** NodeDB::installRoleDefaults: only what touches relaying is simulated. */
  #installRoleDefaults(role: number): void {
    const f = this.#host.profile.firmware;
    const repeaterToo = f.minor === 6 || (f.minor === 7 && f.patch <= 10);
    if (role === DeviceRole.ROUTER || (role === DeviceRole.REPEATER && repeaterToo)) {
      this.#host.settings.rebroadcastMode = RebroadcastMode.CORE_PORTNUMS_ONLY;
    }
  }

  /** AdminModule::saveChanges: saved now or at the commit; a reboot only outside a transaction. */
  #save(shouldReboot: boolean): void {
    const h = this.#host;
    if (this.#transaction) {
      h.log('INFO', 'AdminModule', 'Delay save of changes to disk until the open transaction is committed');
      return;
    }
    h.log('INFO', 'AdminModule', 'Save changes to disk');
    if (shouldReboot) {
      h.log('INFO', 'AdminModule', `Reboot in ${this.#rebootSeconds} seconds`);
      h.scheduleReboot(this.#rebootSeconds);
    }
  }
}
