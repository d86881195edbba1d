/**
 * The `kits:` section (kits-section.ts, docs/kits.md): its defaults, its keys in seconds, every
 * mistake at once by key, and the example file saying what the defaults are.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isKitError } from '../base/errors.js';
import { loadConfig, parseConfig } from './load.js';

const NODE = { node: { id: 1, role: 'centre' }, keys: {} };
const load = (kits: unknown) => parseConfig({ ...NODE, kits }, { baseDir: '/tmp' });

function problemsOf(kits: unknown): string {
  try {
    load(kits);
  } catch (err) {
    if (isKitError(err, 'CONFIG_INVALID')) return err.message;
    throw err;
  }
  return '';
}

describe('the kits section', () => {
  it('is the defaults when the file says nothing: 15 minutes, two intervals, 25 % and 10 %, two hours', () => {
    expect(parseConfig(NODE, { baseDir: '/tmp' }).kits).toEqual({
      healthIntervalMs: 900_000,
      silenceIntervals: 2,
      batteryLowPercent: 25,
      batteryCutoffPercent: 10,
      batteryWarnAheadMs: 7_200_000,
    });
  });

  it('takes its durations in seconds, and 0 for a kit that never sends its health', () => {
    expect(
      load({
        health_interval_s: 0,
        silence_intervals: 3,
        battery_low_percent: 30,
        battery_cutoff_percent: 5,
        battery_warn_ahead_s: 600,
      }).kits,
    ).toEqual({
      healthIntervalMs: 0,
      silenceIntervals: 3,
      batteryLowPercent: 30,
      batteryCutoffPercent: 5,
      batteryWarnAheadMs: 600_000,
    });
  });

  it('reports every mistake at once, by key', () => {
    const message = problemsOf({
      health_interval_s: 1.5,
      silence_intervals: 0,
      battery_low_percent: 5,
      battery_cutoff_percent: 20,
      interval_s: 60,
    });
    expect(message).toContain('kits.health_interval_s: expected a whole number from 0 to 86400');
    expect(message).toContain('kits.silence_intervals: expected a number from 1 to 100');
    expect(message).toContain('kits.battery_cutoff_percent: 20 is above battery_low_percent (5)');
    expect(message).toContain('kits.interval_s: unknown key');
  });

  it('is in the example file as documented', async () => {
    const example = fileURLToPath(new URL('./example.yaml', import.meta.url));
    const config = await loadConfig(example, { env: {}, cwd: '/tmp' });
    expect(config.kits).toEqual(parseConfig(NODE, { baseDir: '/tmp' }).kits);
  });
});
