/**
 * The kit's power monitor (docs/pi-kit.md §Power): reads sysfs every `poll_s`, keeps the last
 * reading for the status and the kit's health messages, and tells its owner when the low-power
 * mode starts or ends and when the battery reaches its cut-off. It logs those changes, not every
 * reading. The owner (the daemon, node/src/cli/start-command.ts) decides what a change does.
 */
import type { NodePower } from '../app-contract.js';
import { KitError } from '../base/errors.js';
import type { Logger } from '../base/logger.js';
import type { PowerConfig } from '../config/power-section.js';
import { type PowerDecision, type PowerMode, PowerPolicy } from './power-policy.js';
import { powerFromSysfs } from './power-reading.js';
import './power-errors.js';
import { readSysfsPower } from './sysfs-power.js';

export interface PowerMonitorOptions {
  config: PowerConfig;
  log: Logger;
  /** The mode the node was built in (a start on a low battery builds it in `low`). Default `normal`. */
  initialMode?: PowerMode;
  /** The low-power mode started or ended. */
  onModeChange?: (mode: PowerMode, reason: string) => void;
  /** The battery is at its cut-off: stop cleanly. Called once. */
  onCutoff?: (reason: string) => void;
  /** Default `Date.now`. */
  now?: () => number;
}

export class PowerMonitor {
  private readonly policy: PowerPolicy;
  private last: NodePower | undefined;
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private cutoffSent = false;
  private lastSource: NodePower['source'] | undefined;

  constructor(private readonly o: PowerMonitorOptions) {
    this.policy = new PowerPolicy(o.config, o.initialMode);
  }

  /** The last reading; undefined before the first. */
  current(): NodePower | undefined {
    return this.last;
  }

  get mode(): PowerMode {
    return this.policy.mode;
  }

  /**
   * Reads once and decides. Throws POWER_UNREADABLE when sysfs has neither class to read (a wrong
   * `sysfs_root`); a battery that is simply absent reads as power `unknown`.
   */
  async poll(): Promise<PowerDecision> {
    const { config, log } = this.o;
    const sysfs = await readSysfsPower(config.sysfsRoot);
    if (sysfs.unreadable)
      throw new KitError(
        'POWER_UNREADABLE',
        `power: nothing to read under ${config.sysfsRoot}/class (no power_supply or hwmon directory); ` +
          'set power.sysfs_root to where sysfs is mounted, or power.enabled: false',
      );
    const power = powerFromSysfs(sysfs, config, (this.o.now ?? Date.now)());
    this.last = power;
    if (power.source !== this.lastSource) {
      log.info({ power }, `power source: ${power.source}`);
      this.lastSource = power.source;
    }
    const decision = this.policy.decide(power);
    const reason = decision.reason ?? '';
    if (decision.modeChanged) {
      log.warn(
        { power, mode: decision.mode, reason },
        `low-power mode ${decision.mode === 'low' ? 'on' : 'off'}: ${reason}`,
      );
      this.o.onModeChange?.(decision.mode, reason);
    }
    if (decision.cutoff && !this.cutoffSent) {
      this.cutoffSent = true;
      log.error({ power, reason }, `battery cut-off: stopping cleanly (${reason})`);
      this.o.onCutoff?.(reason);
    }
    return decision;
  }

  /** Polls every `poll_s` until stop(); a failed read is logged once per run of failures. */
  start(): void {
    if (this.timer !== undefined) return;
    let failing = false;
    this.timer = setInterval(() => {
      if (this.polling !== undefined) return;
      this.polling = this.poll()
        .then(() => {
          if (failing) this.o.log.info('power readable again');
          failing = false;
        })
        .catch((err: unknown) => {
          if (!failing) this.o.log.warn({ err }, 'power: reading failed; will keep trying');
          failing = true;
        })
        .finally(() => {
          this.polling = undefined;
        });
    }, this.o.config.pollMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.polling;
  }
}
