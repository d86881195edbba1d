/**
 * The `kits` section of the configuration file (docs/conventions.md §Configuration; docs/kits.md
 * §What a kit tells the centre, §When the centre is alerted): how often a kit sends its health to
 * the centre, and when the centre's kit board calls a kit silent or its battery failing. What is
 * left out keeps the defaults.
 */
import type { Section } from './reader.js';

export const KITS_KEYS = [
  'health_interval_s',
  'silence_intervals',
  'battery_low_percent',
  'battery_cutoff_percent',
  'battery_warn_ahead_s',
];

export interface KitsConfig {
  /** A kit (any node but a centre) sends its health this often, ms; 0: never. Default 15 min. */
  readonly healthIntervalMs: number;
  /** At the centre: a kit is silent once nothing came from it for this many of its intervals (and a minute). Default 2. */
  readonly silenceIntervals: number;
  /** At the centre: a kit on its battery, not charging, at or below this charge is alerted on, %. Default 25. */
  readonly batteryLowPercent: number;
  /** At the centre: the charge at which a kit's battery cuts it off, %. Default 10. */
  readonly batteryCutoffPercent: number;
  /** At the centre: a battery whose trend reaches the cut-off within this long is alerted on, ms. Default 2 h. */
  readonly batteryWarnAheadMs: number;
}

export const DEFAULT_KITS: KitsConfig = {
  healthIntervalMs: 15 * 60_000,
  silenceIntervals: 2,
  batteryLowPercent: 25,
  batteryCutoffPercent: 10,
  batteryWarnAheadMs: 2 * 3600_000,
};

export function parseKitsSection(s: Section): KitsConfig {
  const interval = s.int('health_interval_s', 0, 86_400);
  const silence = s.num('silence_intervals', 1, 100);
  const low = s.int('battery_low_percent', 0, 100);
  const cutoff = s.int('battery_cutoff_percent', 0, 100);
  const ahead = s.int('battery_warn_ahead_s', 0, 7 * 86_400);
  const lowPercent = low ?? DEFAULT_KITS.batteryLowPercent;
  const cutoffPercent = cutoff ?? DEFAULT_KITS.batteryCutoffPercent;
  if (cutoffPercent > lowPercent)
    s.problem(
      'battery_cutoff_percent',
      `${cutoffPercent} is above battery_low_percent (${lowPercent}): the alert would come after the kit went dark`,
    );
  return {
    healthIntervalMs: interval === undefined ? DEFAULT_KITS.healthIntervalMs : interval * 1000,
    silenceIntervals: silence ?? DEFAULT_KITS.silenceIntervals,
    batteryLowPercent: lowPercent,
    batteryCutoffPercent: cutoffPercent,
    batteryWarnAheadMs: ahead === undefined ? DEFAULT_KITS.batteryWarnAheadMs : ahead * 1000,
  };
}
