/**
 * Properties of the power reader over any input (docs/pi-kit.md §Power): whatever a driver writes
 * into its sysfs files, reading never throws and never reports a charge outside 0–100 %, and the
 * charge read off a curve never falls as the voltage rises.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FakeSysfs } from '../../test/fake-sysfs.js';
import { DEFAULT_POWER, LI_ION_CURVE } from '../config/power-section.js';
import { percentFromVolts } from './battery-curve.js';
import { powerFromSysfs } from './power-reading.js';
import { readSysfsPower } from './sysfs-power.js';

let sysfs: FakeSysfs;
beforeAll(async () => {
  sysfs = await FakeSysfs.create();
});
afterAll(async () => {
  await sysfs.remove();
});

const attribute = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.integer({ min: -5_000_000, max: 9_000_000 }).map(String),
  fc.constantFrom('Battery', 'Mains', 'USB', 'Charging', 'Discharging', 'Full', ''),
);

it('any attribute text reads without throwing, and a charge is always 0–100 %', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.record({
        type: attribute,
        status: attribute,
        capacity: attribute,
        voltage_now: attribute,
        online: attribute,
      }),
      fc.record({
        name: fc.constantFrom('ina219', 'ina226', 'other'),
        in1_input: attribute,
        curr1_input: attribute,
      }),
      async (supply, monitor) => {
        await sysfs.supply('BAT0', supply);
        await sysfs.hwmon(0, monitor);
        const power = powerFromSysfs(await readSysfsPower(sysfs.root), DEFAULT_POWER, 0);
        if (power.batteryPercent !== undefined) {
          expect(power.batteryPercent).toBeGreaterThanOrEqual(0);
          expect(power.batteryPercent).toBeLessThanOrEqual(100);
        }
        expect(['mains', 'solar', 'battery', 'unknown']).toContain(power.source);
      },
    ),
    { numRuns: 60 },
  );
});

it('the charge off the curve never falls as the voltage rises', () => {
  fc.assert(
    fc.property(
      fc.double({ min: 0, max: 30, noNaN: true }),
      fc.double({ min: 0, max: 30, noNaN: true }),
      (a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(percentFromVolts(LI_ION_CURVE, lo)).toBeLessThanOrEqual(percentFromVolts(LI_ION_CURVE, hi));
      },
    ),
  );
});
