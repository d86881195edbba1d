import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeSysfs } from '../../test/fake-sysfs.js';
import { recordingLogger } from '../../test/recording-logger.js';
import { isKitError } from '../base/errors.js';
import { defaultConfig } from '../config/load.js';
import { DEFAULT_POWER } from '../config/power-section.js';
import type { Config } from '../config/schema.js';
import { EXIT_BATTERY_CUTOFF, EXIT_POWER_MODE, startKitPower } from './kit-power.js';
import { lowPowerConfig } from './low-power-config.js';

let sysfs: FakeSysfs;
let config: Config;
beforeEach(async () => {
  sysfs = await FakeSysfs.create();
  const base = defaultConfig();
  config = {
    ...base,
    power: {
      ...DEFAULT_POWER,
      enabled: true,
      sysfsRoot: sysfs.root,
      pollMs: 60_000,
      // These tests are about what a change does; power-policy.test.ts is about when it comes.
      modeReadings: 1,
      modeDwellMs: 0,
    },
  };
});
afterEach(async () => {
  await sysfs.remove();
});

/** A Waveshare-style HAT: an INA219 on the cell, current out of the cell negative. */
const hat = (millivolts: number, milliamps = -800) =>
  sysfs.hwmon(1, { name: 'ina219', in1_input: millivolts, curr1_input: milliamps });

describe('the kit power at the start and while running', () => {
  it('a start on a low battery builds the node in the low-power mode; a good battery leaves it alone', async () => {
    await hat(3550); // 20 %
    const stops: Array<[number, string]> = [];
    const { log } = recordingLogger();
    const low = await startKitPower(config, log, { supervised: true, stop: (c, w) => stops.push([c, w]) });
    await low.monitor?.stop();
    expect(low.power?.()).toMatchObject({ source: 'battery', batteryPercent: 20, batteryVolts: 3.55 });
    expect(low.config.routing.beaconIntervalMs).toBe(config.routing.beaconIntervalMs * 4);
    expect(low.config.kits.healthIntervalMs).toBe(config.kits.healthIntervalMs * 4);
    expect(stops).toEqual([]);

    await hat(3900); // 75 %
    const good = await startKitPower(config, log, { supervised: true, stop: () => {} });
    await good.monitor?.stop();
    expect(good.config).toBe(config);
  });

  it('readings from the tree drive the mode change and then the clean stop, with their exit codes', async () => {
    await hat(3900);
    const stops: Array<[number, string]> = [];
    const { log, lines } = recordingLogger();
    const kit = await startKitPower(config, log, { supervised: true, stop: (c, w) => stops.push([c, w]) });
    await kit.monitor?.stop();
    const monitor = kit.monitor;
    if (monitor === undefined) throw new Error('no monitor');

    await hat(3580); // 23 %: below low_percent
    await monitor.poll();
    expect(stops).toEqual([
      [EXIT_POWER_MODE, 'restarting in the low-power mode: on battery at 23%, at or below 30%'],
    ]);

    await hat(3350, -900); // 8 %
    await monitor.poll();
    expect(stops).toHaveLength(1);
    await monitor.poll();
    expect(stops[1]).toEqual([
      EXIT_BATTERY_CUTOFF,
      'battery cut-off: battery at 8%, at or below the cut-off of 8%',
    ]);
    await monitor.poll();
    expect(stops).toHaveLength(2);
    expect(lines.filter((l) => l.level === 'error').map((l) => l.msg)).toEqual([
      'battery cut-off: stopping cleanly (battery at 8%, at or below the cut-off of 8%)',
    ]);
  });

  it('run by hand (no service manager), a mode change is logged for the next start, not a restart', async () => {
    await hat(3900);
    const stops: number[] = [];
    const { log, lines } = recordingLogger();
    const kit = await startKitPower(config, log, { supervised: false, stop: (c) => stops.push(c) });
    await kit.monitor?.stop();
    await hat(3500);
    await kit.monitor?.poll();
    expect(stops).toEqual([]);
    expect(lines.map((l) => l.msg)).toContain(
      'the new power mode takes effect at the next start (no service manager restarts this daemon)',
    );
  });

  it('a sysfs_root with nothing to read refuses the start with POWER_UNREADABLE', async () => {
    const { log } = recordingLogger();
    const wrong = {
      ...config,
      power: { ...DEFAULT_POWER, enabled: true, sysfsRoot: `${sysfs.root}/nowhere` },
    };
    const err = await startKitPower(wrong, log, { supervised: true, stop: () => {} }).catch(
      (e: unknown) => e,
    );
    expect(isKitError(err, 'POWER_UNREADABLE')).toBe(true);
    expect((err as Error).message).toContain('set power.sysfs_root');
  });

  it("power not enabled: nothing is read, the configuration is the file's", async () => {
    const { log } = recordingLogger();
    const kit = await startKitPower({ ...config, power: DEFAULT_POWER }, log, {
      supervised: true,
      stop: () => {},
    });
    expect(kit).toEqual({ config: { ...config, power: DEFAULT_POWER } });
  });
});

describe('lowPowerConfig', () => {
  it('slows beacons, health and the Iridium holds (P1–P3), and nothing else', async () => {
    const base = defaultConfig();
    const sbd = {
      type: 'iridium-sbd',
      id: 'sat0',
      enabled: true,
      cost: 'satellite',
      port: '/dev/serial/by-id/usb-FTDI_RockBLOCK-if00-port0',
      ringAlerts: true,
      budget: {},
    } as const satisfies Config['links'][number];
    const slow = lowPowerConfig({ ...base, links: [sbd] }, 3);
    expect(slow.routing.beaconIntervalMs).toBe(base.routing.beaconIntervalMs * 3);
    expect(slow.kits.healthIntervalMs).toBe(base.kits.healthIntervalMs * 3);
    expect(slow.links[0]).toMatchObject({ ringAlerts: true, holdMs: [900_000, 5_400_000, 21_600_000] });
    expect(slow.routing.receiptWaitMs).toBe(base.routing.receiptWaitMs);
    expect(lowPowerConfig(base, 1)).toBe(base);
  });
});
