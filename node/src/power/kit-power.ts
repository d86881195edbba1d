/**
 * The kit's power at the daemon's start (docs/pi-kit.md §Power): one reading before the node is
 * built, so that a kit started on a low battery is built in its low-power mode (lowPowerConfig),
 * then a reading every `poll_s`. A change of mode later takes a restart, because intervals are
 * fixed when the node is built: under systemd the daemon stops cleanly with EXIT_POWER_MODE and
 * the unit starts it again (RestartForceExitStatus); run by hand it logs that the change waits for
 * the next start. At the cut-off it stops cleanly with EXIT_BATTERY_CUTOFF, which the unit does not
 * restart (RestartPreventExitStatus).
 */
import type { NodePower } from '../app-contract.js';
import type { Logger } from '../base/logger.js';
import type { Config } from '../config/schema.js';
import { lowPowerConfig } from './low-power-config.js';
import { PowerMonitor } from './power-monitor.js';
import type { PowerMode } from './power-policy.js';

/** The daemon stopped to change its power mode; systemd starts it again (EX_TEMPFAIL). */
export const EXIT_POWER_MODE = 75;
/** The daemon stopped before the battery's cut-off; systemd leaves it stopped. */
export const EXIT_BATTERY_CUTOFF = 76;

export interface KitPower {
  /** The configuration to build the node from: the file's, or its low-power form. */
  readonly config: Config;
  /** For createNode's `power` option; absent when power is not read. */
  readonly power?: () => NodePower | undefined;
  readonly monitor?: PowerMonitor;
}

export interface KitPowerHooks {
  /** Stop the daemon cleanly and exit with this code, saying why. */
  stop: (exitCode: number, why: string) => void;
  /** The daemon runs under a service manager that restarts it (systemd sets INVOCATION_ID). */
  supervised: boolean;
}

export async function startKitPower(config: Config, log: Logger, hooks: KitPowerHooks): Promise<KitPower> {
  const settings = config.power;
  if (settings?.enabled !== true) return { config };
  let building = true;
  const monitor = new PowerMonitor({
    config: settings,
    log,
    onModeChange: (mode: PowerMode, reason: string) => {
      if (building) return;
      if (hooks.supervised)
        hooks.stop(
          EXIT_POWER_MODE,
          `restarting in the ${mode === 'low' ? 'low-power' : 'normal'} mode: ${reason}`,
        );
      else
        log.warn(
          { mode },
          'the new power mode takes effect at the next start (no service manager restarts this daemon)',
        );
    },
    onCutoff: (reason) => hooks.stop(EXIT_BATTERY_CUTOFF, `battery cut-off: ${reason}`),
  });
  await monitor.poll();
  building = false;
  monitor.start();
  const built = monitor.mode === 'low' ? lowPowerConfig(config, settings.lowPowerFactor) : config;
  if (monitor.mode === 'low')
    log.warn(
      { factor: settings.lowPowerFactor, beaconIntervalMs: built.routing.beaconIntervalMs },
      'starting in the low-power mode',
    );
  return { config: built, power: () => monitor.current(), monitor };
}
