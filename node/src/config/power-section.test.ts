import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isKitError } from '../base/errors.js';
import { loadConfig, parseConfig } from './load.js';
import { DEFAULT_POWER, LOW_EXIT_MARGIN } from './power-section.js';

const base = { node: { id: 2107, role: 'kit' } };
const parse = (power: unknown) => parseConfig({ ...base, power }, { baseDir: '/tmp' });

describe('the power section', () => {
  it('absent: no power is read; present: the defaults fill what is left out', () => {
    expect(parseConfig(base, { baseDir: '/tmp' }).power).toBeUndefined();
    expect(
      parse({
        enabled: true,
        poll_s: 10,
        external: 'solar',
        curve: [
          [3.2, 0],
          [4.1, 100],
        ],
      }).power,
    ).toEqual({
      ...DEFAULT_POWER,
      enabled: true,
      pollMs: 10_000,
      external: 'solar',
      curve: [
        { volts: 3.2, percent: 0 },
        { volts: 4.1, percent: 100 },
      ],
    });
  });

  it('refuses thresholds that would flap or stop the kit before it saves power, and a bad curve', () => {
    const err = (() => {
      try {
        parse({
          low_percent: 30,
          low_exit_percent: 25,
          cutoff_percent: 35,
          curve: [
            [4.2, 100],
            [3.0, 0],
          ],
          sysfs_root: 'sys',
        });
      } catch (e) {
        return e;
      }
    })();
    expect(isKitError(err, 'CONFIG_INVALID')).toBe(true);
    const text = (err as Error).message;
    expect(text).toContain('power.low_exit_percent');
    expect(text).toContain('power.cutoff_percent');
    expect(text).toContain('power.curve');
    expect(text).toContain('power.sysfs_root');
  });

  it('leaves the low-power mode at least LOW_EXIT_MARGIN points above where it enters it: 10 by default', () => {
    // low_percent 45 used to leave at max(45, 40) = 45: no gap, a restart at every sag.
    expect(parse({ low_percent: 45 }).power).toMatchObject({ lowPercent: 45, lowExitPercent: 55 });
    expect(parse({ low_percent: 20 }).power).toMatchObject({ lowPercent: 20, lowExitPercent: 30 });
    const refused = (power: unknown) => {
      try {
        parse(power);
        return '';
      } catch (e) {
        expect(isKitError(e, 'CONFIG_INVALID')).toBe(true);
        return (e as Error).message;
      }
    };
    expect(refused({ low_percent: 30, low_exit_percent: 30 })).toContain('power.low_exit_percent');
    expect(refused({ low_percent: 30, low_exit_percent: 30 + LOW_EXIT_MARGIN - 1 })).toContain(
      `make low_exit_percent at least ${30 + LOW_EXIT_MARGIN}`,
    );
    expect(refused({ low_percent: 30, low_exit_percent: 30 + LOW_EXIT_MARGIN })).toBe('');
    // No room above it for the default gap's margin: the entry point itself is what to change.
    expect(refused({ low_percent: 97, cutoff_percent: 8 })).toContain('power.low_percent');
  });

  it('a mode changes only after mode_readings readings and mode_dwell_s in the old one', () => {
    expect(parse({}).power).toMatchObject({ modeReadings: 3, modeDwellMs: 600_000 });
    expect(parse({ mode_readings: 5, mode_dwell_s: 1800 }).power).toMatchObject({
      modeReadings: 5,
      modeDwellMs: 1_800_000,
    });
    expect(() => parse({ mode_readings: 0 })).toThrow(/power\.mode_readings/);
  });

  it('the example configuration carries the section and loads', async () => {
    const example = fileURLToPath(new URL('./example.yaml', import.meta.url));
    const config = await loadConfig(example, { env: {} });
    expect(config.power).toEqual(DEFAULT_POWER);
  });
});
