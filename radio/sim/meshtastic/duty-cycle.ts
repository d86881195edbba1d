/**
 * The firmware's hard duty-cycle limit per region (docs/meshtastic.md §4.4, firmware 2.6.11
 * `Router::send`): when a region's duty cycle is under 100 % and `override_duty_cycle` is off,
 * a radio whose TX airtime over the rolling last 60 minutes is over the limit refuses to send.
 * Packets it originates are NAKed DUTY_CYCLE_LIMIT; packets it would relay are dropped silently.
 */
import { RegionCode } from '../../src/meshtastic/constants.js';

/** §4.4: the rolling window the limit is measured over. */
export const DUTY_CYCLE_WINDOW_MS = 60 * 60 * 1000;

/** §4.4, 2.6.11: regions under 100 %. Everything else, CN included (§4.5), is 100 %: not enforced. */
const LIMITED: Readonly<Record<number, number>> = {
  [RegionCode.EU_433]: 10,
  [RegionCode.EU_868]: 10,
  [RegionCode.UA_433]: 10,
  [RegionCode.UA_868]: 1,
};

/** The region's duty cycle in percent (100 = no limit). */
export function dutyCyclePercent(region: number): number {
  return LIMITED[region] ?? 100;
}

/**
 * Whether a radio that has transmitted `txMsInLastHour` must refuse the next send. The check is
 * "over" the limit, as the firmware's is, so the packet that crosses it still goes out:
 * on EU_868 the first refusal comes after more than 360 s of TX in the hour.
 */
export function dutyCycleExceeded(region: number, txMsInLastHour: number, overridden = false): boolean {
  const limit = dutyCyclePercent(region);
  if (overridden || limit >= 100) return false;
  return (100 * txMsInLastHour) / DUTY_CYCLE_WINDOW_MS > limit;
}
