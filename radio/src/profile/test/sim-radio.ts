/**
 * Test support: a simulated Meshtastic radio (radio/sim/meshtastic) reached in process the way a
 * host reaches a real one, through a Transport that opens a fresh byte stream each time, on the
 * wall clock with short reboot delays; and profiles written as plain objects
 * (docs/profiles.md §Tests).
 */
import { RealClock } from '../../../../node/src/link/clock.js';
import { createDuplexPair } from '../../../../node/src/link/duplex-pair.js';
import type { DeviceSettingsInput } from '../../../sim/meshtastic/device-settings.js';
import { type DeviceTransport, deviceProfile } from '../../../sim/meshtastic/firmware-profile.js';
import type { Misreport } from '../../../sim/meshtastic/misreport.js';
import { ScriptedMeshSide } from '../../../sim/meshtastic/scripted-mesh-side.js';
import { SimulatedDevice } from '../../../sim/meshtastic/simulated-device.js';
import { StreamTransport } from '../../transports/stream-transport.js';
import { type MeshtasticProfile, PROFILE_FIELDS, type ProfileValue } from '../meshtastic-profile.js';
import { RadioConnection, type RadioConnectionOptions } from '../radio-connection.js';

export const SIM_NODE = 0x0a0b0c0d;

export interface SimRadioOptions {
  transport?: DeviceTransport;
  firmware?: string;
  settings?: DeviceSettingsInput;
  misreport?: readonly Misreport[];
  /** Seconds from a commit to the reboot. Default 0.03; an hour stands for a radio that never reboots. */
  adminRebootSeconds?: number;
}

/** Timings that let a reboot take tens of milliseconds. */
export const FAST: Omit<RadioConnectionOptions, 'transport'> = {
  rebootSignMs: 3000,
  rebootTimeoutMs: 5000,
  retryMs: 20,
  session: { wakeDelayMs: 1, handshakeTimeoutMs: 2000, writeTimeoutMs: 2000 },
};

export function simDevice(o: SimRadioOptions = {}): SimulatedDevice {
  const clock = new RealClock();
  const transport = o.transport ?? 'uart';
  return new SimulatedDevice({
    meshSide: new ScriptedMeshSide({ nodeNum: SIM_NODE, clock }),
    clock,
    profile: deviceProfile({
      transport,
      ...(o.firmware === undefined ? {} : { firmware: o.firmware }),
      native: transport === 'tcp',
    }),
    rebootDelayMs: 30,
    adminRebootSeconds: o.adminRebootSeconds ?? 0.03,
    ...(o.settings === undefined ? {} : { settings: o.settings }),
    ...(o.misreport === undefined ? {} : { misreport: o.misreport }),
  });
}

/** A connection to `device` through in-process streams, one per open, as a port reopened. */
export function inProcessRadio(
  device: SimulatedDevice,
  timings: Partial<Omit<RadioConnectionOptions, 'transport'>> = {},
): RadioConnection {
  const transport = new StreamTransport(() => {
    const [deviceEnd, hostEnd] = createDuplexPair();
    device.attach(deviceEnd);
    return hostEnd;
  }, 'in-process simulator');
  return new RadioConnection({ ...FAST, ...timings, transport });
}

/** A profile from `{ 'lora.region': 'CN', … }`: enum values by name. */
export function profileOf(
  fields: Readonly<Record<string, string | number | boolean | Uint8Array>>,
  channelIndex = 0,
): MeshtasticProfile {
  return {
    channelIndex,
    settings: Object.entries(fields).map(([name, raw]) => {
      const spec = PROFILE_FIELDS.find((f) => f.name === name);
      if (spec === undefined) throw new Error(`no profile field ${name}`);
      let value: ProfileValue = raw;
      if (spec.kind === 'enum' && typeof raw === 'string') {
        const n = spec.values?.get(raw);
        if (n === undefined) throw new Error(`${name}: no value ${raw}`);
        value = n;
      }
      return { spec, value };
    }),
  };
}

/** A county key, not the public default. */
export const COUNTY_KEY = Uint8Array.from({ length: 16 }, (_, i) => 0x40 + i);

/** What a village kit's radio is set to (firmware-config/profiles/meshtastic-kit.yaml, in short). */
export const KIT_FIELDS = {
  'lora.region': 'CN',
  'lora.modem_preset': 'LONG_FAST',
  'lora.hop_limit': 3,
  'device.role': 'CLIENT',
  'device.rebroadcast_mode': 'ALL',
  'channel.name': 'fieldnode',
  'channel.psk': COUNTY_KEY,
  'position.gps_mode': 'DISABLED',
  'power.is_power_saving': false,
} as const;
