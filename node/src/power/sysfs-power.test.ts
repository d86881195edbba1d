import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeSysfs } from '../../test/fake-sysfs.js';
import { DEFAULT_POWER, LI_ION_CURVE } from '../config/power-section.js';
import { percentFromVolts } from './battery-curve.js';
import { powerFromSysfs } from './power-reading.js';
import { readSysfsPower } from './sysfs-power.js';

let sysfs: FakeSysfs;
beforeEach(async () => {
  sysfs = await FakeSysfs.create();
});
afterEach(async () => {
  await sysfs.remove();
});

const read = async () => powerFromSysfs(await readSysfsPower(sysfs.root), DEFAULT_POWER, 1000);

describe('the power_supply class', () => {
  it('reads a fuel-gauged battery in its units (µV → V) and the mains supply beside it', async () => {
    await sysfs.supply('BAT0', {
      type: 'Battery',
      status: 'Discharging',
      capacity: 57,
      voltage_now: 3812000,
    });
    await sysfs.supply('AC', { type: 'Mains', online: 0 });
    const raw = await readSysfsPower(sysfs.root);
    expect(raw.unreadable).toBe(false);
    expect(raw.supplies).toEqual([
      { name: 'AC', type: 'Mains', online: false },
      { name: 'BAT0', type: 'Battery', status: 'Discharging', capacity: 57, volts: 3.812 },
    ]);
    expect(await read()).toEqual({
      source: 'battery',
      batteryPercent: 57,
      batteryVolts: 3.812,
      charging: false,
      at: 1000,
    });
  });

  it('an online mains supply is the source, and the battery charging on it is shown', async () => {
    await sysfs.supply('BAT0', { type: 'Battery', status: 'Charging', capacity: 20 });
    await sysfs.supply('AC', { type: 'Mains', online: 1 });
    expect(await read()).toMatchObject({ source: 'mains', batteryPercent: 20, charging: true });
  });

  it('a full battery on its charger is fed from outside, though not charging', async () => {
    await sysfs.supply('BAT0', { type: 'Battery', status: 'Full', capacity: 100 });
    expect(await read()).toMatchObject({ source: 'mains', charging: false });
  });

  it('a capacity out of range or garbled is left out, not believed', async () => {
    await sysfs.supply('BAT0', { type: 'Battery', status: 'Discharging', capacity: 140, voltage_now: 'x' });
    expect(await read()).toEqual({ source: 'battery', charging: false, at: 1000 });
  });
});

describe('an INA219/INA226 UPS HAT through hwmon', () => {
  it('reads in1_input (mV), curr1_input (mA) and power1_input (µW), ignoring other hwmon devices', async () => {
    await sysfs.hwmon(0, { name: 'cpu_thermal', temp1_input: 48000 });
    await sysfs.hwmon(1, {
      name: 'ina219',
      in0_input: 12,
      in1_input: 3700,
      curr1_input: -850,
      power1_input: 3145000,
    });
    const raw = await readSysfsPower(sysfs.root);
    expect(raw.monitors).toEqual([{ name: 'ina219', volts: 3.7, amps: -0.85, watts: 3.145 }]);
    // No fuel gauge: the charge comes off the curve; current flowing out: on the battery.
    expect(await read()).toEqual({
      source: 'battery',
      batteryPercent: 45,
      batteryVolts: 3.7,
      charging: false,
      at: 1000,
    });
  });

  it('current flowing in is charging: the external supply (solar, as configured) feeds the kit', async () => {
    await sysfs.hwmon(2, { name: 'ina226', in1_input: 4050, curr1_input: 600 });
    const power = powerFromSysfs(
      await readSysfsPower(sysfs.root),
      { ...DEFAULT_POWER, external: 'solar' },
      5,
    );
    expect(power).toMatchObject({ source: 'solar', charging: true, batteryPercent: 89 });
  });

  it('the sign of the HAT current follows its wiring (hat_charge_current)', async () => {
    await sysfs.hwmon(1, { name: 'ina219', in1_input: 3600, curr1_input: 600 });
    const raw = await readSysfsPower(sysfs.root);
    expect(powerFromSysfs(raw, { ...DEFAULT_POWER, hatChargeCurrent: 'negative' }, 0)).toMatchObject({
      source: 'battery',
      charging: false,
    });
  });
});

it('a root that is no sysfs is unreadable; a sysfs without a battery is power unknown', async () => {
  const empty = await mkdtemp(join(tmpdir(), 'fieldnode-not-sysfs-'));
  try {
    expect((await readSysfsPower(empty)).unreadable).toBe(true);
  } finally {
    await rm(empty, { recursive: true, force: true });
  }
  expect(await read()).toEqual({ source: 'unknown', at: 1000 });
});

describe('the discharge curve', () => {
  it('interpolates between points and clamps at the ends', () => {
    expect(percentFromVolts(LI_ION_CURVE, 2.5)).toBe(0);
    expect(percentFromVolts(LI_ION_CURVE, 3.65)).toBe(35);
    expect(percentFromVolts(LI_ION_CURVE, 4.2)).toBe(100);
    expect(percentFromVolts(LI_ION_CURVE, 4.35)).toBe(100);
  });
});
