/**
 * What SIGHUP does to a daemon that is not on a terminal (docs/operating.md §Signals): read the
 * configuration again, apply what can change while running (the log level), and log what changed
 * that takes a restart. A file that no longer loads changes nothing: the daemon keeps running on
 * what it has, and the log says why the file was refused, as the start would.
 */
import { isKitError } from '../base/errors.js';
import type { Logger } from '../base/logger.js';
import type { Config } from '../config/schema.js';
import type { AdjustableLogLevel } from '../daemon/adjustable-log-level.js';
import { configChanges } from '../daemon/config-changes.js';

export interface ConfigReloadOptions {
  /** Reads the configuration as the start did: the same file, environment and --data-dir. */
  load: () => Promise<Config>;
  /** The configuration the node was built from. */
  running: Config;
  /** The daemon's log level, which a reload sets. */
  level: AdjustableLogLevel;
  log: Logger;
}

/** One reload. Never throws: every outcome is logged. */
export async function reloadConfig(o: ConfigReloadOptions): Promise<void> {
  const { log } = o;
  let next: Config;
  try {
    next = await o.load();
  } catch (err) {
    const code = isKitError(err) ? err.code : 'UNCODED';
    log.error(
      { code, problem: err instanceof Error ? err.message : String(err) },
      'SIGHUP: the configuration was not reloaded, it has problems; the daemon keeps running as it was',
    );
    return;
  }
  // Against the level in force: a second reload of the same file applies nothing new.
  const current = { ...o.running, log: { ...o.running.log, level: o.level.level as Config['log']['level'] } };
  const { applied, needsRestart } = configChanges(current, next);
  if (applied.includes('log.level')) o.level.level = next.log.level;
  if (needsRestart.length > 0)
    log.warn(
      { applied, needsRestart },
      `SIGHUP: configuration reloaded; these changes take effect at the next restart: ${needsRestart.join(', ')}`,
    );
  else if (applied.length > 0)
    log.info(
      { applied, logLevel: next.log.level },
      `SIGHUP: configuration reloaded; applied ${applied.join(', ')}`,
    );
  else log.info({ applied, needsRestart }, 'SIGHUP: configuration reloaded; nothing changed');
}
