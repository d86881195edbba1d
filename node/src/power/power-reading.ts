/**
 * The kit's power as the status shows it (`NodePower`), from what sysfs said (docs/pi-kit.md
 * §Power): a fuel-gauged battery's own capacity when it has one, else the charge read off the
 * configured curve from the HAT's voltage; charging from the battery's status, else from the sign
 * of the HAT's current; the source is the external supply whenever one feeds the kit.
 */
import type { NodePower } from '../app-contract.js';
import type { PowerConfig } from '../config/power-section.js';
import { percentFromVolts } from './battery-curve.js';
import type { SysfsPower } from './sysfs-power.js';

/** Below this, a HAT's current is noise, not charge or discharge, A. */
const CURRENT_NOISE_A = 0.02;

/** Supplies that feed the kit from outside when online (ABI: sysfs-class-power `type`). */
const EXTERNAL_TYPES = /^(Mains|USB.*|Wireless)$/;

export function powerFromSysfs(
  sysfs: SysfsPower,
  config: Pick<PowerConfig, 'curve' | 'external' | 'hatChargeCurrent'>,
  at: number,
): NodePower {
  const battery = sysfs.supplies.find((s) => s.type === 'Battery' && s.online !== false);
  const monitor = sysfs.monitors[0];
  const externalOnline = sysfs.supplies.some((s) => EXTERNAL_TYPES.test(s.type) && s.online === true);
  const volts = battery?.volts ?? monitor?.volts;
  const percent =
    battery?.capacity ?? (volts === undefined ? undefined : percentFromVolts(config.curve, volts));

  let charging: boolean | undefined;
  let fed = externalOnline;
  if (battery?.status === 'Charging') charging = true;
  else if (battery?.status === 'Discharging') charging = false;
  else if (battery?.status === 'Full' || battery?.status === 'Not charging') {
    charging = false;
    fed = true;
  }
  if (charging === undefined && monitor?.amps !== undefined) {
    const into = config.hatChargeCurrent === 'positive' ? monitor.amps : -monitor.amps;
    charging = into > CURRENT_NOISE_A;
    // Neither in nor out: the HAT runs the Pi from its input and the cell is full.
    if (Math.abs(into) <= CURRENT_NOISE_A) fed = true;
  }
  if (charging === true) fed = true;

  const hasBattery = battery !== undefined || monitor !== undefined;
  const source: NodePower['source'] = fed ? config.external : hasBattery ? 'battery' : 'unknown';
  return {
    source,
    ...(percent === undefined ? {} : { batteryPercent: percent }),
    ...(volts === undefined ? {} : { batteryVolts: Math.round(volts * 1000) / 1000 }),
    ...(charging === undefined ? {} : { charging }),
    at,
  };
}
