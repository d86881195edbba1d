/**
 * A battery's charge from its voltage (docs/pi-kit.md §Power): INA219/INA226 UPS HATs measure volts
 * and amps but keep no fuel gauge, so the charge is read off a discharge curve, linearly between
 * its points and clamped at its ends.
 */
import type { CurvePoint } from '../config/power-section.js';

/** Percent of charge left at `volts`, rounded to a whole percent; the curve's voltages rise. */
export function percentFromVolts(curve: readonly CurvePoint[], volts: number): number {
  const first = curve[0];
  const last = curve[curve.length - 1];
  if (first === undefined || last === undefined) throw new RangeError('an empty battery curve');
  if (volts <= first.volts) return first.percent;
  if (volts >= last.volts) return last.percent;
  for (let i = 1; i < curve.length; i++) {
    const hi = curve[i] as CurvePoint;
    const lo = curve[i - 1] as CurvePoint;
    if (volts <= hi.volts) {
      const share = (volts - lo.volts) / (hi.volts - lo.volts);
      return Math.round(lo.percent + share * (hi.percent - lo.percent));
    }
  }
  return last.percent;
}
