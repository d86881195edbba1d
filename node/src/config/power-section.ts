/**
 * The `power` section of the configuration file (docs/conventions.md §Configuration; docs/pi-kit.md
 * §Power): where the kit reads its battery (the kernel's power_supply and hwmon classes), how a
 * voltage becomes a charge when the UPS HAT reports none, when the node saves power and when it
 * stops before the battery cuts it off. Absent or `enabled: false`: no power is read.
 */
import type { Section } from './reader.js';

export const POWER_KEYS = [
  'enabled',
  'sysfs_root',
  'poll_s',
  'external',
  'hat_charge_current',
  'curve',
  'low_percent',
  'low_exit_percent',
  'low_power_factor',
  'mode_readings',
  'mode_dwell_s',
  'cutoff_percent',
  'cutoff_volts',
  'cutoff_readings',
];

/** One point of a battery's discharge curve: at this voltage the charge left is this percent. */
export interface CurvePoint {
  readonly volts: number;
  readonly percent: number;
}

export interface PowerConfig {
  /** Read the kit's power at all. Default false (a desk machine has nothing to read). */
  readonly enabled: boolean;
  /** Where sysfs is mounted; tests point it at a tree of their own. Default `/sys`. */
  readonly sysfsRoot: string;
  /** How often the power is read, ms. Default 30 s. */
  readonly pollMs: number;
  /** What powers the kit when the battery does not: shown as the power source. Default `mains`. */
  readonly external: 'mains' | 'solar';
  /** The sign of the UPS HAT's current while the battery charges (wiring decides it). Default `positive`. */
  readonly hatChargeCurrent: 'positive' | 'negative';
  /** Voltage → charge, rising voltages; used when the battery reports no capacity. Default: one Li-ion cell. */
  readonly curve: readonly CurvePoint[];
  /** On the battery at or below this charge, the node enters its low-power mode, %. Default 30. */
  readonly lowPercent: number;
  /**
   * It leaves that mode at or above this charge, or when charging, %. Default `lowPercent` + 10 (the
   * hysteresis); at least `lowPercent` + LOW_EXIT_MARGIN.
   */
  readonly lowExitPercent: number;
  /** In the low-power mode beacons and health messages come this many times less often. Default 4. */
  readonly lowPowerFactor: number;
  /** Readings in a row that must call for the other mode before it changes. Default 3. */
  readonly modeReadings: number;
  /** The least time spent in a mode before it changes again, ms: each change is a restart. Default 10 min. */
  readonly modeDwellMs: number;
  /** On the battery at or below this charge the daemon stops cleanly, %. Default 8. */
  readonly cutoffPercent: number;
  /** …or at or below this voltage, whatever the charge says. Optional. */
  readonly cutoffVolts?: number;
  /** How many readings in a row must be at the cut-off before the stop (one bad reading is not enough). Default 2. */
  readonly cutoffReadings: number;
}

/** A single Li-ion/LiPo cell at rest (the 18650 cells of common Pi UPS HATs); rough, hence configurable. */
export const LI_ION_CURVE: readonly CurvePoint[] = [
  { volts: 3.0, percent: 0 },
  { volts: 3.3, percent: 5 },
  { volts: 3.5, percent: 15 },
  { volts: 3.6, percent: 25 },
  { volts: 3.7, percent: 45 },
  { volts: 3.8, percent: 60 },
  { volts: 3.9, percent: 75 },
  { volts: 4.0, percent: 85 },
  { volts: 4.2, percent: 100 },
];

export const DEFAULT_POWER: PowerConfig = {
  enabled: false,
  sysfsRoot: '/sys',
  pollMs: 30_000,
  external: 'mains',
  hatChargeCurrent: 'positive',
  curve: LI_ION_CURVE,
  lowPercent: 30,
  lowExitPercent: 40,
  lowPowerFactor: 4,
  modeReadings: 3,
  modeDwellMs: 600_000,
  cutoffPercent: 8,
  cutoffReadings: 2,
};

/**
 * The least gap between entering and leaving the low-power mode, in points of charge: a cell's
 * voltage sags a few points under the radio's transmit load and recovers at rest, and a gap
 * smaller than that sag would switch the mode (a restart) on every transmission.
 */
export const LOW_EXIT_MARGIN = 5;
/** The gap when `low_exit_percent` is not given. */
const LOW_EXIT_DEFAULT_GAP = 10;

export function parsePowerSection(s: Section): PowerConfig {
  const d = DEFAULT_POWER;
  const enabled = s.bool('enabled') ?? d.enabled;
  const sysfsRoot =
    s.str('sysfs_root', undefined, (t) => (t.startsWith('/') ? undefined : 'expected an absolute path')) ??
    d.sysfsRoot;
  const pollS = s.num('poll_s', 1, 3600);
  const low = s.num('low_percent', 0, 100) ?? d.lowPercent;
  const lowExit = s.num('low_exit_percent', 0, 100) ?? Math.min(100, low + LOW_EXIT_DEFAULT_GAP);
  const dwellS = s.num('mode_dwell_s', 0, 86_400);
  const cutoff = s.num('cutoff_percent', 0, 100) ?? d.cutoffPercent;
  const cutoffVolts = s.num('cutoff_volts', 0, 60);
  if (lowExit < low + LOW_EXIT_MARGIN)
    s.problem(
      s.has('low_exit_percent') ? 'low_exit_percent' : 'low_percent',
      `low_exit_percent ${lowExit} is less than ${LOW_EXIT_MARGIN} points above low_percent (${low}): ` +
        `the mode would flap, each change a restart; make low_exit_percent at least ${low + LOW_EXIT_MARGIN}`,
    );
  if (cutoff > low)
    s.problem(
      'cutoff_percent',
      `${cutoff} is above low_percent (${low}): the kit would stop before saving power`,
    );
  return {
    enabled,
    sysfsRoot,
    pollMs: pollS === undefined ? d.pollMs : Math.round(pollS * 1000),
    external: s.oneOf('external', ['mains', 'solar'] as const) ?? d.external,
    hatChargeCurrent: s.oneOf('hat_charge_current', ['positive', 'negative'] as const) ?? d.hatChargeCurrent,
    curve: parseCurve(s) ?? d.curve,
    lowPercent: low,
    lowExitPercent: lowExit,
    lowPowerFactor: s.num('low_power_factor', 1, 100) ?? d.lowPowerFactor,
    modeReadings: s.int('mode_readings', 1, 100) ?? d.modeReadings,
    modeDwellMs: dwellS === undefined ? d.modeDwellMs : Math.round(dwellS * 1000),
    cutoffPercent: cutoff,
    ...(cutoffVolts === undefined ? {} : { cutoffVolts }),
    cutoffReadings: s.int('cutoff_readings', 1, 100) ?? d.cutoffReadings,
  };
}

/** `curve: [[3.0, 0], [3.7, 45], [4.2, 100]]`: at least two points, voltages and charges both rising. */
function parseCurve(s: Section): CurvePoint[] | undefined {
  if (!s.has('curve')) return undefined;
  const items = s.list('curve');
  const points: CurvePoint[] = [];
  for (const { value, path } of items) {
    if (
      !Array.isArray(value) ||
      value.length !== 2 ||
      !value.every((n) => typeof n === 'number' && Number.isFinite(n)) ||
      value[1] < 0 ||
      value[1] > 100
    ) {
      s.problem('curve', `${path}: expected [volts, percent] with percent 0..100`);
      return undefined;
    }
    points.push({ volts: value[0], percent: value[1] });
  }
  const rising = points.every((p, i) => {
    const before = points[i - 1];
    return before === undefined || (p.volts > before.volts && p.percent >= before.percent);
  });
  if (points.length < 2 || !rising) {
    s.problem(
      'curve',
      'expected at least two [volts, percent] points, voltages rising and charges not falling',
    );
    return undefined;
  }
  return points;
}
