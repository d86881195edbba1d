import { describe, expect, it } from 'vitest';
import { constantSky, seededSky, windowSky } from './modem-sim-sky.js';

describe('sky models', () => {
  it('windows: signal inside, 0 outside, edges as the next changes', () => {
    const sky = windowSky([
      { from: 100, to: 200, signal: 2 },
      { from: 300, to: 400 },
    ]);
    expect([
      sky.signalAt(99),
      sky.signalAt(100),
      sky.signalAt(199),
      sky.signalAt(200),
      sky.signalAt(350),
    ]).toEqual([0, 2, 2, 0, 4]);
    expect([
      sky.nextChangeAfter(0),
      sky.nextChangeAfter(100),
      sky.nextChangeAfter(250),
      sky.nextChangeAfter(400),
    ]).toEqual([100, 200, 300, undefined]);
  });

  it('constant: never changes; bars are checked', () => {
    expect(constantSky(5).nextChangeAfter(0)).toBeUndefined();
    expect(() => constantSky(6)).toThrow(RangeError);
  });

  it('seeded: visible about the asked fraction of the time, the same for the same seed', () => {
    for (const fraction of [0.2, 0.5, 0.8]) {
      const sky = seededSky({ seed: 3, visibleFraction: fraction, meanCycleMs: 60_000 });
      let visible = 0;
      const steps = 20_000;
      for (let i = 0; i < steps; i++) if (sky.signalAt(i * 1_000) > 0) visible++;
      expect(visible / steps).toBeGreaterThan(fraction - 0.1);
      expect(visible / steps).toBeLessThan(fraction + 0.1);
    }
    const a = seededSky({ seed: 9, visibleFraction: 0.5 });
    const b = seededSky({ seed: 9, visibleFraction: 0.5 });
    for (let t = 0; t < 10_000_000; t += 77_777) expect(a.signalAt(t)).toBe(b.signalAt(t));
  });

  it('seeded: nextChangeAfter finds the next real change', () => {
    const sky = seededSky({ seed: 5, visibleFraction: 0.5, meanCycleMs: 10_000 });
    let t = 0;
    for (let i = 0; i < 50; i++) {
      const next = sky.nextChangeAfter(t);
      if (next === undefined) throw new Error('a seeded sky always changes');
      expect(next).toBeGreaterThan(t);
      expect(sky.signalAt(next - 1)).toBe(sky.signalAt(t));
      t = next;
    }
  });

  it('seeded: 0 and 1 are never and always', () => {
    expect(seededSky({ seed: 1, visibleFraction: 0 }).signalAt(12345)).toBe(0);
    expect(seededSky({ seed: 1, visibleFraction: 1 }).signalAt(12345)).toBeGreaterThan(0);
    expect(() => seededSky({ seed: 1, visibleFraction: 1.5 })).toThrow(RangeError);
  });
});
