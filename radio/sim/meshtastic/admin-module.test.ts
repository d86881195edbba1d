/**
 * The simulated AdminModule (admin-module.ts; docs/profiles.md §The simulator): a config write
 * reboots the device, a transaction saves and reboots once at its commit, and the role/rebroadcast
 * trap of docs/meshtastic.md §2.3 is there: a role change in the same write as a rebroadcast mode
 * loses the mode, a second write keeps it. The dump reports what was written, unless told to
 * misreport a field.
 */
import { describe, expect, it } from 'vitest';
import {
  adminFrame,
  beginEditSettings,
  commitEditSettings,
  setChannel,
  setConfig,
} from '../../src/meshtastic/admin-frames.js';
import { type AdminMessage, create, type FromRadio, Schemas } from '../../src/meshtastic/codec.js';
import { ChannelRole, DeviceRole, RebroadcastMode } from '../../src/meshtastic/constants.js';
import { parseMisreport } from './misreport.js';
import { type Fixture, type FixtureOptions, makeFixture, NODE } from './sim-device-fixture.js';

let nextId = 100;

/** Writes the messages and lets the device take them before any time passes. */
async function admin(f: Fixture, ...messages: AdminMessage[]): Promise<void> {
  for (const m of messages) f.host.write(adminFrame(NODE, nextId++, m));
  await f.advance(0);
}

const device = (role: number, rebroadcastMode: number) =>
  setConfig(create(Schemas.Config, { payloadVariant: { case: 'device', value: { role, rebroadcastMode } } }));

async function ready(opts: FixtureOptions = {}): Promise<Fixture> {
  const f = await makeFixture({
    ...opts,
    device: { rebootDelayMs: 1000, adminRebootSeconds: 7, ...opts.device },
  });
  await f.host.handshake();
  f.host.clear();
  return f;
}

function dumpDevice(frames: FromRadio[]) {
  for (const m of frames) {
    const v = m.payloadVariant;
    if (v.case === 'config' && v.value.payloadVariant.case === 'device') return v.value.payloadVariant.value;
  }
  return undefined;
}

describe('the simulated AdminModule', () => {
  it('a device config outside a transaction saves and reboots DEFAULT_REBOOT_SECONDS later', async () => {
    const f = await ready();
    await admin(f, device(DeviceRole.CLIENT_MUTE, RebroadcastMode.ALL));
    expect(f.device.settings.role).toBe(DeviceRole.CLIENT_MUTE);
    await f.advance(6999);
    expect(f.device.isUp).toBe(true);
    await f.advance(1);
    expect(f.device.isUp).toBe(false);
    await f.advance(1000);
    expect(f.device.rebootCount).toBe(2);
    // Behind a UART bridge the port stays, and the booting device says `rebooted`.
    expect(f.host.cases()).toContain('rebooted');
  });

  it('a transaction: nothing reboots until the commit, then one reboot', async () => {
    const f = await ready();
    await admin(
      f,
      beginEditSettings(),
      device(DeviceRole.CLIENT_MUTE, RebroadcastMode.LOCAL_ONLY),
      setConfig(
        create(Schemas.Config, {
          payloadVariant: { case: 'lora', value: { region: 4, hopLimit: 5, usePreset: true } },
        }),
      ),
    );
    await f.advance(30_000);
    expect([f.device.isUp, f.device.rebootCount]).toEqual([true, 1]);
    await admin(f, commitEditSettings());
    await f.advance(7000 + 1000);
    expect(f.device.rebootCount).toBe(2);
    expect([f.device.settings.role, f.device.settings.rebroadcastMode, f.device.settings.hopLimit]).toEqual([
      DeviceRole.CLIENT_MUTE,
      RebroadcastMode.LOCAL_ONLY,
      5,
    ]);
  });

  it('the trap: ROUTER and ALL in one write read back CORE_PORTNUMS_ONLY; a second write keeps ALL', async () => {
    const f = await ready();
    await admin(f, beginEditSettings(), device(DeviceRole.ROUTER, RebroadcastMode.ALL), commitEditSettings());
    await f.advance(8000);
    const first = await f.host.handshake(0x1111);
    expect(dumpDevice(first)).toMatchObject({
      role: DeviceRole.ROUTER,
      rebroadcastMode: RebroadcastMode.CORE_PORTNUMS_ONLY,
    });

    f.host.clear();
    await admin(f, beginEditSettings(), device(DeviceRole.ROUTER, RebroadcastMode.ALL), commitEditSettings());
    await f.advance(8000);
    const second = await f.host.handshake(0x2222);
    expect(dumpDevice(second)).toMatchObject({
      role: DeviceRole.ROUTER,
      rebroadcastMode: RebroadcastMode.ALL,
    });
  });

  it('REPEATER gets CORE_PORTNUMS_ONLY on 2.6 and up to 2.7.10, not after', async () => {
    for (const [firmware, mode] of [
      ['2.6', RebroadcastMode.CORE_PORTNUMS_ONLY],
      ['2.7.10.aaaaaaa', RebroadcastMode.CORE_PORTNUMS_ONLY],
      ['2.7.11.aaaaaaa', RebroadcastMode.ALL],
    ] as const) {
      const f = await ready({ profile: { firmware } });
      await admin(f, device(DeviceRole.REPEATER, RebroadcastMode.ALL));
      expect([firmware, f.device.settings.rebroadcastMode]).toEqual([firmware, mode]);
    }
  });

  it('set_channel saves the channel without a reboot', async () => {
    const f = await ready();
    const psk = new Uint8Array(16).fill(7);
    await admin(
      f,
      setChannel(
        create(Schemas.Channel, {
          index: 1,
          role: ChannelRole.SECONDARY,
          settings: { name: 'fieldnode', psk },
        }),
      ),
    );
    await f.advance(60_000);
    expect(f.device.rebootCount).toBe(1);
    expect(f.device.settings.channels[1]).toEqual({
      index: 1,
      role: ChannelRole.SECONDARY,
      name: 'fieldnode',
      psk,
    });
  });

  it('a misreported field: the dump says the test’s value, the device keeps the written one', async () => {
    const f = await ready({ device: { misreport: [parseMisreport('lora.hop_limit=7')] } });
    const frames = await f.host.handshake(0x3333);
    const lora = frames
      .map((m) => m.payloadVariant)
      .find((v) => v.case === 'config' && v.value.payloadVariant.case === 'lora');
    expect(
      lora?.case === 'config' &&
        lora.value.payloadVariant.case === 'lora' &&
        lora.value.payloadVariant.value.hopLimit,
    ).toBe(7);
    expect(f.device.settings.hopLimit).toBe(3);
  });

  it('misreport specs are checked against the schema', () => {
    expect(parseMisreport('device.rebroadcast_mode=CORE_PORTNUMS_ONLY')).toMatchObject({
      localName: 'rebroadcastMode',
      value: 5,
    });
    expect(parseMisreport('channel.psk=AQ==').value).toEqual(Uint8Array.of(1));
    expect(() => parseMisreport('lora.hop_limt=3')).toThrow(/no field hop_limt/);
    expect(() => parseMisreport('radio.x=1')).toThrow(/unknown section/);
    expect(() => parseMisreport('power.is_power_saving=yes')).toThrow(/true or false/);
  });
});
