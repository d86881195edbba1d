/**
 * The root logger (docs/conventions.md §Logging). This is the only file that calls pino(): the daemon makes one
 * logger here and passes it down through options (`{ log }`); each component takes a child with
 * its bindings, e.g. `childLogger(log, 'satellite.sbd', { link: 'sbd0' })`.
 *
 * Output is one JSON object per line on standard output, which journald keeps with the unit.
 * Credentials are redacted wherever they appear in a logged object, so logging a request, an
 * options object or a config section cannot leak a PIN, a secret or a session cookie.
 */
import { type DestinationStream, pino } from 'pino';
import type { Logger } from './base/logger.js';
import type { LogConfig } from './config/schema.js';

/**
 * Field names that hold credentials, at the top level of a log object or one level down
 * (pino's redact paths are explicit; `*.x` matches x in any direct child).
 */
const SECRET_FIELDS = [
  'password',
  'pin',
  'secret',
  'enrolmentSecret',
  'masterSecret',
  'master',
  'kitKey',
  'relayKey',
  'relayKeys',
  'macKey',
  'privateKey',
  'token',
  'authorization',
  'cookie',
];

export const REDACT_PATHS: readonly string[] = [
  ...SECRET_FIELDS,
  ...SECRET_FIELDS.map((f) => `*.${f}`),
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
];

/**
 * Makes the daemon's root logger.
 * @param config the `log` section of the configuration (level).
 * @param destination where lines go; default standard output, written synchronously so the last
 *   lines before a power cut or an exit are not lost in a buffer.
 */
export function createRootLogger(config: LogConfig, destination?: DestinationStream): Logger {
  const options = {
    level: config.level,
    redact: { paths: [...REDACT_PATHS], censor: '[redacted]' },
    // Unix ms: cheap, and meaningful even while the clock is untrusted (the clock module says so).
    timestamp: pino.stdTimeFunctions.epochTime,
  };
  return destination === undefined
    ? pino(options, pino.destination({ dest: 1, sync: true }))
    : pino(options, destination);
}

/** A component's logger: every line carries `mod` (e.g. 'store', 'link.udp') and `bindings`. */
export function childLogger(log: Logger, mod: string, bindings: Record<string, unknown> = {}): Logger {
  return log.child({ mod, ...bindings });
}
