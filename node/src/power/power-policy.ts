/**
 * When the kit saves power and when it stops (docs/pi-kit.md §Power): the low-power mode starts at
 * `low_percent` on the battery and ends at `low_exit_percent` or when an external supply feeds the
 * kit, the gap between them keeping the mode from flapping on a voltage that wobbles under load. The
 * clean stop comes at `cutoff_percent` (or `cutoff_volts`) on the battery, after `cutoff_readings`
 * such readings in a row, so that one bad read does not take the kit off the air. A reading
 * without a charge changes nothing.
 *
 * Each change of mode is a restart of the daemon, so a change needs `mode_readings` readings in a
 * row that call for it and `mode_dwell_s` spent in the mode it leaves: an external source that
 * flaps (a UPS HAT's current crossing the noise band under clouded solar) changes the mode at most
 * once per dwell. The first reading, taken before the node is built, sets the mode at once and
 * starts the dwell: the restart that followed a change is the change itself. The cut-off waits for
 * neither: it has its own count.
 */
import type { NodePower } from '../app-contract.js';
import type { PowerConfig } from '../config/power-section.js';

export type PowerMode = 'normal' | 'low';

export interface PowerDecision {
  readonly mode: PowerMode;
  /** The mode changed with this reading. */
  readonly modeChanged: boolean;
  /** Stop now, cleanly: the battery is at its cut-off. */
  readonly cutoff: boolean;
  /** Why, for the log. */
  readonly reason?: string;
}

type Thresholds = Pick<
  PowerConfig,
  | 'lowPercent'
  | 'lowExitPercent'
  | 'cutoffPercent'
  | 'cutoffVolts'
  | 'cutoffReadings'
  | 'modeReadings'
  | 'modeDwellMs'
>;

export class PowerPolicy {
  private current: PowerMode;
  private atCutoff = 0;
  /** When the current mode began (the reading's `at`); undefined before the first reading. */
  private since: number | undefined;
  /** Readings in a row calling for the other mode. */
  private calling = 0;

  constructor(
    private readonly t: Thresholds,
    initial: PowerMode = 'normal',
  ) {
    this.current = initial;
  }

  get mode(): PowerMode {
    return this.current;
  }

  decide(power: NodePower): PowerDecision {
    const onBattery = power.source === 'battery' && power.charging !== true;
    const percent = power.batteryPercent;
    const before = this.current;
    let reason: string | undefined;
    let wanted: PowerMode = this.current;
    let why: string | undefined;

    const lowVolts =
      this.t.cutoffVolts !== undefined &&
      power.batteryVolts !== undefined &&
      power.batteryVolts <= this.t.cutoffVolts;
    const lowCharge = percent !== undefined && percent <= this.t.cutoffPercent;
    if (onBattery && (lowVolts || lowCharge)) this.atCutoff += 1;
    else this.atCutoff = 0;
    const cutoff = this.atCutoff >= this.t.cutoffReadings;
    if (cutoff)
      reason = lowVolts
        ? `battery at ${power.batteryVolts} V, at or below the cut-off of ${this.t.cutoffVolts} V`
        : `battery at ${percent}%, at or below the cut-off of ${this.t.cutoffPercent}%`;

    if (this.current === 'normal' && onBattery && percent !== undefined && percent <= this.t.lowPercent) {
      wanted = 'low';
      why = `on battery at ${percent}%, at or below ${this.t.lowPercent}%`;
    } else if (this.current === 'low' && !onBattery && power.source !== 'unknown') {
      wanted = 'normal';
      why = `on ${power.source} power again`;
    } else if (this.current === 'low' && percent !== undefined && percent >= this.t.lowExitPercent) {
      wanted = 'normal';
      why = `battery at ${percent}%, at or above ${this.t.lowExitPercent}%`;
    }
    this.calling = wanted === this.current ? 0 : this.calling + 1;
    const first = this.since === undefined;
    const dwelt = first || power.at - (this.since ?? power.at) >= this.t.modeDwellMs;
    if (wanted !== this.current && (first || (this.calling >= this.t.modeReadings && dwelt))) {
      this.current = wanted;
      this.calling = 0;
      this.since = power.at;
      const readings = first || this.t.modeReadings < 2 ? '' : ` (${this.t.modeReadings} readings in a row)`;
      reason ??= `${why}${readings}`;
    }
    this.since ??= power.at;
    return {
      mode: this.current,
      modeChanged: this.current !== before,
      cutoff,
      ...(reason === undefined ? {} : { reason }),
    };
  }
}
