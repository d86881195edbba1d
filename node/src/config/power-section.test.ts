import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isKitError } from '../base/errors.js';
import { loadConfig, parseConfig } from './load.js';
import { DEFAULT_POWER } from './power-section.js';

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

  it('the example configuration carries the section and loads', async () => {
    const example = fileURLToPath(new URL('./example.yaml', import.meta.url));
    const config = await loadConfig(example, { env: {} });
    expect(config.power).toEqual(DEFAULT_POWER);
  });
});
