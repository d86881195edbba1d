/**
 * Applying and verifying a profile against the simulated radio in process (docs/profiles.md
 * §Applying, §Verifying): the report comes from the read-back after the reboot; a role change
 * writes the rebroadcast mode again after it (the trap of docs/meshtastic.md §2.3); a field the
 * radio reads back wrong is a mismatch, never success; verify writes nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { isKitError, type KitError } from '../../../node/src/base/errors.js';
import { parseMisreport } from '../../sim/meshtastic/misreport.js';
import type { SimulatedDevice } from '../../sim/meshtastic/simulated-device.js';
import {
  ChannelRole,
  DeviceRole,
  ModemPreset,
  RebroadcastMode,
  RegionCode,
} from '../meshtastic/constants.js';
import { applyProfile, verifyProfile } from './profile-apply.js';
import type { RadioConnection } from './radio-connection.js';
import {
  COUNTY_KEY,
  FAST,
  inProcessRadio,
  KIT_FIELDS,
  profileOf,
  type SimRadioOptions,
  simDevice,
} from './test/sim-radio.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function rig(
  o: SimRadioOptions = {},
  timings: Parameters<typeof inProcessRadio>[1] = {},
): {
  device: SimulatedDevice;
  radio: RadioConnection;
  adminWrites: string[];
} {
  const device = simDevice(o);
  const adminWrites: string[] = [];
  device.on('log', (_level, thread, message) => {
    if (thread === 'AdminModule') adminWrites.push(message);
  });
  device.start();
  const radio = inProcessRadio(device, timings);
  cleanups.push(
    () => device.stop(),
    () => radio.close(),
  );
  return { device, radio, adminWrites };
}

const statuses = (fields: { field: string; status: string }[]) =>
  Object.fromEntries(fields.map((f) => [f.field, f.status]));

describe('applying a profile', () => {
  it('writes what differs in one transaction, waits for the reboot, and reports from the read-back', async () => {
    const { device, radio } = rig();
    const report = await applyProfile(radio, profileOf(KIT_FIELDS));
    expect(report.ok).toBe(true);
    expect(statuses(report.fields)).toEqual({
      'lora.region': 'already',
      'lora.modem_preset': 'already',
      'lora.hop_limit': 'already',
      'device.role': 'already',
      'device.rebroadcast_mode': 'already',
      'channel.name': 'applied',
      'channel.psk': 'applied',
      'channel.role': 'already',
      'position.gps_mode': 'applied',
      'power.is_power_saving': 'already',
    });
    expect(report.writes).toMatchObject([
      {
        purpose: 'settings',
        sections: ['position', 'channel'],
        seen: 'rebooted',
        rebootCountBefore: 1,
        rebootCountAfter: 2,
      },
    ]);
    expect(device.settings.channels[0]).toMatchObject({
      name: 'fieldnode',
      psk: COUNTY_KEY,
      role: ChannelRole.PRIMARY,
    });
    expect(device.settings.position.gpsMode).toBe(0);
  });

  it('keeps what the profile does not name: the position interval and the LoRa TX power stay as they were', async () => {
    const { device, radio } = rig({
      settings: { txPower: 17, position: { positionBroadcastSecs: 3600, gpsMode: 1 } },
    });
    const report = await applyProfile(radio, profileOf({ ...KIT_FIELDS, 'lora.hop_limit': 5 }));
    expect(report.ok).toBe(true);
    expect([device.settings.hopLimit, device.settings.txPower]).toEqual([5, 17]);
    expect([device.settings.position.gpsMode, device.settings.position.positionBroadcastSecs]).toEqual([
      0, 3600,
    ]);
  });

  it('a radio that already matches is not written to and does not reboot', async () => {
    const { device, radio, adminWrites } = rig({
      settings: { channels: [{ name: 'fieldnode', psk: COUNTY_KEY }], position: { gpsMode: 0 } },
    });
    const report = await applyProfile(radio, profileOf(KIT_FIELDS));
    expect(report.ok).toBe(true);
    expect(report.writes).toEqual([]);
    expect(new Set(report.fields.map((f) => f.status))).toEqual(new Set(['already']));
    expect(adminWrites).toEqual([]);
    expect(device.rebootCount).toBe(1);
  });

  it('a role change: the role first, then everything with the rebroadcast mode again, so ROUTER keeps ALL', async () => {
    const { device, radio } = rig();
    const seenAfterFirstWrite: number[] = [];
    device.once('booted', () => seenAfterFirstWrite.push(device.settings.rebroadcastMode));
    const report = await applyProfile(radio, profileOf({ ...KIT_FIELDS, 'device.role': 'ROUTER' }));
    // The simulator reset the mode when the role changed, as the firmware does…
    expect(seenAfterFirstWrite).toEqual([RebroadcastMode.CORE_PORTNUMS_ONLY]);
    // …and the second write set it back.
    expect(statuses(report.fields)).toMatchObject({
      'device.role': 'applied',
      'device.rebroadcast_mode': 'already',
    });
    expect([device.settings.role, device.settings.rebroadcastMode]).toEqual([
      DeviceRole.ROUTER,
      RebroadcastMode.ALL,
    ]);
    expect(report.ok).toBe(true);
    expect(report.writes.map((w) => [w.purpose, w.sections])).toEqual([
      ['role-change', ['device']],
      ['settings', ['device', 'position', 'channel']],
    ]);
    // The report names what the radio changed by itself after the first write.
    expect(report.writes.map((w) => w.undone.map((u) => [u.field, u.value]))).toEqual([
      [['device.rebroadcast_mode', RebroadcastMode.CORE_PORTNUMS_ONLY]],
      [],
    ]);
    expect(device.rebootCount).toBe(3);
  });

  it('a LoRa write after which the radio did not reboot is refused, not reported as applied', async () => {
    // The radio saves at the commit and would reboot in an hour: the read-back shows the new
    // values, which it does not run yet.
    const { device, radio } = rig(
      { adminRebootSeconds: 3600, settings: { region: RegionCode.US } },
      { rebootSignMs: 300 },
    );
    const err = await applyProfile(radio, profileOf(KIT_FIELDS)).catch((e: unknown) => e);
    expect(isKitError(err, 'MESH_PROFILE_NOT_REBOOTED')).toBe(true);
    expect((err as Error).message).toContain(
      "wrote position and lora, which take effect only at a reboot, but the radio's reboot count stayed 1",
    );
    expect(device.settings.region).toBe(RegionCode.CN);
    expect(device.rebootCount).toBe(1);
  });

  it('a role change whose second write fails is half-applied, and says to run again', async () => {
    const { device, radio } = rig(
      {},
      { rebootTimeoutMs: 500, session: { ...FAST.session, writeTimeoutMs: 300 } },
    );
    const err = await applyProfile(radio, profileOf({ ...KIT_FIELDS, 'device.role': 'ROUTER' }), {
      // The radio loses power once it is back from the role's write.
      progress: (p) => {
        if (p.step === 'back' && p.index === 1) device.stop();
      },
    }).catch((e: unknown) => e);
    expect(isKitError(err, 'MESH_PROFILE_HALF_APPLIED')).toBe(true);
    expect((err as Error).message).toContain('half-applied');
    expect((err as Error).message).toContain('Run `fieldnode radio apply` again');
    expect((err as KitError).cause).toBeInstanceOf(Error);
    expect(device.settings.role).toBe(DeviceRole.ROUTER);
  });

  it('a field read back wrong is a mismatch, and the report is not ok', async () => {
    const { device, radio } = rig({ misreport: [parseMisreport('lora.hop_limit=7')] });
    const report = await applyProfile(radio, profileOf({ ...KIT_FIELDS, 'lora.hop_limit': 4 }));
    expect(report.ok).toBe(false);
    const hop = report.fields.find((f) => f.field === 'lora.hop_limit');
    expect(hop).toMatchObject({ wanted: 4, before: 7, after: 7, status: 'mismatch' });
    // The device did take the write; only its read-back is wrong, and that is what counts.
    expect(device.settings.hopLimit).toBe(4);
    expect(report.fields.filter((f) => f.status === 'mismatch').map((f) => f.field)).toEqual([
      'lora.hop_limit',
    ]);
  });

  it('region, preset and hop limit of the CN band are written as the schema numbers them', async () => {
    const { device, radio } = rig({
      settings: { region: RegionCode.US, modemPreset: ModemPreset.LONG_SLOW },
    });
    const report = await applyProfile(radio, profileOf(KIT_FIELDS));
    expect(report.ok).toBe(true);
    expect([device.settings.region, device.settings.modemPreset]).toEqual([
      RegionCode.CN,
      ModemPreset.LONG_FAST,
    ]);
    expect(statuses(report.fields)).toMatchObject({
      'lora.region': 'applied',
      'lora.modem_preset': 'applied',
    });
  });

  it('a TCP radio (meshtasticd) closes its socket to reboot: the connection is opened again', async () => {
    const { device, radio } = rig({ transport: 'tcp' });
    const report = await applyProfile(radio, profileOf(KIT_FIELDS));
    expect(report.writes.map((w) => w.seen)).toEqual(['reconnected']);
    expect(report.ok).toBe(true);
    expect(device.rebootCount).toBe(2);
  });
});

describe('verifying a profile', () => {
  it('only reads: nothing is written, and each field matches or not', async () => {
    const { device, radio, adminWrites } = rig();
    const report = await verifyProfile(radio, profileOf(KIT_FIELDS));
    expect(report.ok).toBe(false);
    expect(statuses(report.fields)).toMatchObject({
      'lora.region': 'matches',
      'channel.name': 'mismatch',
      'channel.psk': 'mismatch',
      'position.gps_mode': 'mismatch',
    });
    expect(adminWrites).toEqual([]);
    expect(device.rebootCount).toBe(1);
  });

  it('after apply, verify finds every field as the profile has it', async () => {
    const { radio } = rig();
    await applyProfile(radio, profileOf(KIT_FIELDS));
    await radio.close();
    const report = await verifyProfile(radio, profileOf(KIT_FIELDS));
    expect(report.ok).toBe(true);
  });
});
