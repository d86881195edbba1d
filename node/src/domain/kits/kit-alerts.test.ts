/**
 * When the centre is alerted about a kit (kit-alerts.ts, battery-trend.ts; docs/kits.md §When the
 * centre is alerted): silence measured by the interval the kit itself named, a battery at its low
 * mark or whose trend or own estimate reaches the cut-off in time, and the cases that must not
 * alert (charging, on mains, a revoked kit, a kit never heard, too few readings for a trend).
 */
import { describe, expect, it } from 'vitest';
import type { HealthBody } from '../../wire/kinds/health.js';
import { batteryTrend } from './battery-trend.js';
import { type AlertPolicy, type HealthSample, kitAlerts, silentFrom } from './kit-alerts.js';

const T0 = Date.UTC(2026, 6, 13, 12, 0, 0);
const MIN = 60_000;
const HOUR = 60 * MIN;
const policy: AlertPolicy = {
  defaultIntervalMs: 15 * MIN,
  silenceIntervals: 2,
  graceMs: MIN,
  batteryLowPercent: 25,
  batteryCutoffPercent: 10,
  batteryWarnAheadMs: 2 * HOUR,
};

let seq = 100;
function sample(at: number, body: Partial<HealthBody> = {}): HealthSample {
  seq++;
  return {
    msg: `2107/${seq}`,
    at,
    createdAt: at,
    clockUntrusted: false,
    body: { intervalS: 900, power: 'battery', clock: 5, clockTrusted: true, ...body },
  };
}

describe('battery trend', () => {
  it('draws a line through the last hours and says when it reaches the cut-off', () => {
    // 60 % falling 5 % an hour: 10 % in ten hours.
    const points = [0, 1, 2, 3].map((h) => ({ at: T0 + h * HOUR, percent: 60 - 5 * h }));
    const trend = batteryTrend(points, 10);
    expect(trend?.perHour).toBeCloseTo(-5);
    expect(trend?.cutoffAt).toBe(T0 + 3 * HOUR + 7 * HOUR);
  });

  it('draws none through too few readings or too short a span, and no cut-off while rising', () => {
    expect(
      batteryTrend(
        [
          { at: T0, percent: 50 },
          { at: T0 + HOUR, percent: 40 },
        ],
        10,
      ),
    ).toBeUndefined();
    const close = [0, 1, 2, 3].map((m) => ({ at: T0 + m * MIN, percent: 50 - m }));
    expect(batteryTrend(close, 10)).toBeUndefined();
    const rising = [0, 1, 2].map((h) => ({ at: T0 + h * HOUR, percent: 40 + h }));
    expect(batteryTrend(rising, 10)).toEqual({ perHour: 1 });
  });

  it('forgets readings more than six hours before the newest', () => {
    // A fall long ago, then flat: no fall now.
    const points = [
      { at: T0, percent: 90 },
      { at: T0 + HOUR, percent: 70 },
      ...[8, 9, 10].map((h) => ({ at: T0 + h * HOUR, percent: 50 })),
    ];
    expect(batteryTrend(points, 10)?.cutoffAt).toBeUndefined();
  });
});

describe('kit alerts', () => {
  it('calls a kit silent after two of its own intervals and a minute, not before', () => {
    // The kit named a 5-minute interval: silent 11 minutes after its last word.
    const facts = { lastHeard: T0, samples: [sample(T0, { intervalS: 300 })], revoked: false };
    expect(silentFrom(facts, policy)).toBe(T0 + 11 * MIN);
    expect(kitAlerts(facts, T0 + 11 * MIN - 1, policy)).toEqual([]);
    expect(kitAlerts(facts, T0 + 11 * MIN, policy)).toEqual([
      { kind: 'silent', lastHeard: T0, allowedMs: 11 * MIN },
    ]);
    // Before any health message, the configured interval: 31 minutes.
    expect(silentFrom({ lastHeard: T0, samples: [], revoked: false }, policy)).toBe(T0 + 31 * MIN);
  });

  it('does not watch a kit never heard, nor a revoked one', () => {
    expect(kitAlerts({ samples: [], revoked: false }, T0 + 100 * HOUR, policy)).toEqual([]);
    const revoked = { lastHeard: T0, samples: [sample(T0, { batteryPct: 5 })], revoked: true };
    expect(kitAlerts(revoked, T0 + 100 * HOUR, policy)).toEqual([]);
  });

  it('alerts on a battery at its low mark, not when charging or on mains', () => {
    const low = { lastHeard: T0, samples: [sample(T0, { batteryPct: 25 })], revoked: false };
    expect(kitAlerts(low, T0, policy)).toEqual([{ kind: 'battery', percent: 25, low: true }]);
    const charging = { ...low, samples: [sample(T0, { batteryPct: 20, charging: true })] };
    expect(kitAlerts(charging, T0, policy)).toEqual([]);
    const mains = { ...low, samples: [sample(T0, { batteryPct: 20, power: 'mains' })] };
    expect(kitAlerts(mains, T0, policy)).toEqual([]);
    const fine = { ...low, samples: [sample(T0, { batteryPct: 26 })] };
    expect(kitAlerts(fine, T0, policy)).toEqual([]);
  });

  it('alerts before the low mark when the fall reaches the cut-off within the warning time', () => {
    // 40 % falling 15 % an hour: the cut-off in two hours.
    const samples = [0, 1, 2].map((h) => sample(T0 + h * HOUR, { batteryPct: 70 - 15 * h }));
    const found = kitAlerts({ lastHeard: T0 + 2 * HOUR, samples, revoked: false }, T0 + 2 * HOUR, policy);
    expect(found).toEqual([
      { kind: 'battery', percent: 40, low: false, cutoffAt: T0 + 4 * HOUR, perHour: -15 },
    ]);
    // The same fall slower, 5 % an hour: six hours left, no alert yet.
    const slow = [0, 1, 2].map((h) => sample(T0 + h * HOUR, { batteryPct: 50 - 5 * h }));
    expect(kitAlerts({ lastHeard: T0, samples: slow, revoked: false }, T0, policy)).toEqual([]);
  });

  it('takes the kit’s own minutes left when they say sooner', () => {
    const samples = [sample(T0, { batteryPct: 60, minutesLeft: 90 })];
    expect(kitAlerts({ lastHeard: T0, samples, revoked: false }, T0, policy)).toEqual([
      { kind: 'battery', percent: 60, low: false, cutoffAt: T0 + 90 * MIN },
    ]);
  });

  it('draws no trend across a charging spell: only the readings since it ended count', () => {
    const samples = [
      sample(T0, { batteryPct: 95 }),
      sample(T0 + HOUR, { batteryPct: 35 }),
      sample(T0 + 2 * HOUR, { batteryPct: 37, charging: true }),
      sample(T0 + 3 * HOUR, { batteryPct: 35 }),
      sample(T0 + 3.5 * HOUR, { batteryPct: 34 }),
    ];
    // A line through them all (or all but the charging one) reaches 10 % within two hours; since
    // the charge there are two readings: no line, and 34 % is above the low mark.
    expect(kitAlerts({ lastHeard: T0, samples, revoked: false }, T0, policy)).toEqual([]);
  });

  it('times readings by the kit’s clock only when it trusted it', () => {
    const untrusted = [0, 1, 2].map((h) => ({
      ...sample(T0 + h * 10 * MIN, { batteryPct: 70 - 15 * h }),
      createdAt: 0, // 1970: a kit that never had GPS
      clockUntrusted: true,
    }));
    const found = kitAlerts({ lastHeard: T0, samples: untrusted, revoked: false }, T0, policy);
    // Arrivals ten minutes apart: 90 % an hour, the cut-off within half an hour of the last.
    expect(found).toMatchObject([{ kind: 'battery', percent: 40, perHour: -90 }]);
  });
});
