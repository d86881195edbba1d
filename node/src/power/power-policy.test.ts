import { describe, expect, it } from 'vitest';
import type { NodePower } from '../app-contract.js';
import { DEFAULT_POWER } from '../config/power-section.js';
import { PowerPolicy } from './power-policy.js';

const battery = (batteryPercent: number, extra: Partial<NodePower> = {}): NodePower => ({
  source: 'battery',
  batteryPercent,
  charging: false,
  at: 0,
  ...extra,
});

describe('the low-power mode', () => {
  it('starts at low_percent and ends only at low_exit_percent: a wobbling voltage does not flap it', () => {
    const policy = new PowerPolicy(DEFAULT_POWER); // low 30, exit 40
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
