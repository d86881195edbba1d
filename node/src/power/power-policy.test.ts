import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { NodePower } from '../app-contract.js';
import { DEFAULT_POWER } from '../config/power-section.js';
import { PowerPolicy } from './power-policy.js';

/** The thresholds alone: every reading may change the mode. */
const INSTANT = { ...DEFAULT_POWER, modeReadings: 1, modeDwellMs: 0 };
const MIN = 60_000;

const battery = (batteryPercent: number, extra: Partial<NodePower> = {}): NodePower => ({
  source: 'battery',
  batteryPercent,
  charging: false,
  at: 0,
  ...extra,
});

describe('the low-power mode', () => {
  it('starts at low_percent and ends only at low_exit_percent: a wobbling voltage does not flap it', () => {
    const policy = new PowerPolicy(INSTANT); // low 30, exit 40
    const modes = [50, 31, 30, 33, 29, 35, 39, 40, 36, 31].map((p) => {
      const d = policy.decide(battery(p));
      return d.modeChanged ? `${p}:${d.mode}` : d.mode;
    });
    expect(modes).toEqual([
      'normal',
      'normal',
      '30:low',
      'low',
      'low',
      'low',
      'low',
      '40:normal',
      'normal',
      'normal',
    ]);
  });

  it('ends when an external supply feeds the kit, whatever the charge', () => {
    const policy = new PowerPolicy(DEFAULT_POWER, 'low');
    const d = policy.decide({ source: 'solar', batteryPercent: 12, charging: true, at: 0 });
    expect(d).toMatchObject({ mode: 'normal', modeChanged: true, reason: 'on solar power again' });
  });

  it('a reading without a charge, or with an unknown source, changes nothing', () => {
    const policy = new PowerPolicy(DEFAULT_POWER, 'low');
    expect(policy.decide({ source: 'unknown', at: 0 })).toMatchObject({ mode: 'low', modeChanged: false });
    expect(policy.decide({ source: 'battery', at: 0 })).toMatchObject({ mode: 'low', cutoff: false });
  });
});

describe('a flapping source', () => {
  it('changes the mode only after mode_readings readings in a row and mode_dwell_s in the old mode', () => {
    const policy = new PowerPolicy(DEFAULT_POWER); // 3 readings, 10 min
    const solar = (at: number): NodePower => ({ source: 'solar', batteryPercent: 25, charging: true, at });
    const low = (at: number) => battery(25, { at });
    // The first reading sets the mode at once (the node is built in it) and starts the dwell.
    expect(policy.decide(low(0))).toMatchObject({ mode: 'low', modeChanged: true });
    // A HAT's current crossing the noise band every reading: never three in a row.
    for (let at = 30_000; at < 30 * MIN; at += 60_000) {
      expect(policy.decide(solar(at)).modeChanged).toBe(false);
      expect(policy.decide(low(at + 30_000)).modeChanged).toBe(false);
    }
    // Three in a row, but inside the dwell of a fresh mode: still no change.
    const fresh = new PowerPolicy(DEFAULT_POWER);
    fresh.decide(low(0));
    expect([1, 2, 3, 4].map((m) => fresh.decide(solar(m * MIN)).modeChanged)).toEqual([
      false,
      false,
      false,
      false,
    ]);
    // Past the dwell, with the third and more in a row: it changes, once, and says why.
    expect(fresh.decide(solar(10 * MIN))).toMatchObject({
      mode: 'normal',
      modeChanged: true,
      reason: 'on solar power again (3 readings in a row)',
    });
    expect(fresh.decide(low(10 * MIN + 30_000)).modeChanged).toBe(false);
  });

  it('property: whatever the readings, the mode never changes twice within mode_dwell_s, nor without mode_readings readings calling for it', () => {
    const reading = fc.record({
      step: fc.integer({ min: 1_000, max: 5 * MIN }),
      source: fc.constantFrom('battery' as const, 'solar' as const, 'mains' as const, 'unknown' as const),
      percent: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
      charging: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.array(reading, { minLength: 1, maxLength: 200 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 0, max: 30 * MIN }),
        (readings, modeReadings, modeDwellMs) => {
          const policy = new PowerPolicy({ ...DEFAULT_POWER, modeReadings, modeDwellMs });
          let at = 0;
          let lastChange: number | undefined;
          let sinceChange = 0;
          for (const [i, r] of readings.entries()) {
            at += r.step;
            const d = policy.decide({
              source: r.source,
              charging: r.charging,
              at,
              ...(r.percent === undefined ? {} : { batteryPercent: r.percent }),
            });
            sinceChange += 1;
            if (!d.modeChanged || i === 0) continue;
            if (lastChange !== undefined && at - lastChange < modeDwellMs) return false;
            if (sinceChange < modeReadings) return false;
            lastChange = at;
            sinceChange = 0;
          }
          return true;
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('the clean stop at the cut-off', () => {
  it('needs cutoff_readings readings in a row at or below the cut-off: one bad read is not enough', () => {
    const policy = new PowerPolicy(DEFAULT_POWER); // cut-off 8 %, two readings
    expect(policy.decide(battery(7)).cutoff).toBe(false);
    expect(policy.decide(battery(9)).cutoff).toBe(false);
    expect(policy.decide(battery(8)).cutoff).toBe(false);
    const d = policy.decide(battery(6));
    expect(d).toMatchObject({ cutoff: true, reason: 'battery at 6%, at or below the cut-off of 8%' });
  });

  it('cutoff_volts stops the kit though the charge still reads higher', () => {
    const policy = new PowerPolicy({ ...DEFAULT_POWER, cutoffVolts: 3.3, cutoffReadings: 1 });
    expect(policy.decide(battery(20, { batteryVolts: 3.31 })).cutoff).toBe(false);
    expect(policy.decide(battery(20, { batteryVolts: 3.29 }))).toMatchObject({
      cutoff: true,
      reason: 'battery at 3.29 V, at or below the cut-off of 3.3 V',
    });
  });

  it('never while charging or fed from outside', () => {
    const policy = new PowerPolicy({ ...DEFAULT_POWER, cutoffReadings: 1 });
    expect(policy.decide(battery(3, { charging: true })).cutoff).toBe(false);
    expect(policy.decide({ source: 'mains', batteryPercent: 3, at: 0 }).cutoff).toBe(false);
  });
});
