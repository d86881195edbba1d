/**
 * The firmware's hard duty-cycle limit per region (docs/meshtastic.md §4.4, firmware 2.6.11
 * `Router::send`): when a region's duty cycle is under 100 % and `override_duty_cycle` is off,
 * a radio whose TX airtime over the rolling last 60 minutes is over the limit refuses to send.
 * Every refused send raises a ClientNotification saying how many minutes to wait; packets the
 * radio originates are NAKed DUTY_CYCLE_LIMIT, packets it would relay are dropped.
 */
import { create, Schemas } from '../../src/meshtastic/codec.js';
import { LogLevel, RegionCode } from '../../src/meshtastic/constants.js';
import type { AirtimeWindow } from './airtime-window.js';

/** §4.4: the rolling window the limit is measured over. */
export const DUTY_CYCLE_WINDOW_MS = 60 * 60 * 1000;

const MINUTE_MS = 60_000;

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

/**
 * `AirTime::getSilentMinutes`: how many whole minutes the radio must stay silent before its TX
 * airtime over the last hour is under the region's limit again, 0 to 60. The firmware takes
 * per-minute buckets off its total one at a time and answers 0 when one minute is enough; this
 * takes minutes off the exact record (`tx`, airtime-window.ts) the same way [U: the firmware
 * walks its buckets by array index, which is not always their age].
 */
export function silentMinutes(region: number, tx: AirtimeWindow, now: number): number {
  const limit = dutyCyclePercent(region);
  for (let m = 1; m <= 60; m++) {
    const at = now + m * MINUTE_MS;
    // Airtime after `now` (a transmission still on air) is not in the firmware's buckets yet.
    const busy = tx.busyMs(at, DUTY_CYCLE_WINDOW_MS) - tx.busyMs(at, at - now);
    if ((100 * busy) / DUTY_CYCLE_WINDOW_MS < limit) return m - 1;
  }
  return 60;
}

/**
 * The ClientNotification `Router::send` raises with every refusal (WARNING, `reply_id` the refused
 * packet's id, `time` the device's valid time or 0), sent to the phone before any NAK. The
 * firmware builds it only with a debug port, which every release build has.
 */
export function dutyCycleNotification(replyId: number, minutes: number, timeSec: number) {
  return create(Schemas.ClientNotification, {
    replyId,
    level: LogLevel.WARNING,
    time: timeSec,
    message: `Duty cycle limit exceeded. You can send again in ${minutes} mins`,
  });
}
