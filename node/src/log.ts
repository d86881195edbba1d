/**
 * The root logger (docs/conventions.md §Logging; docs/operating.md §Logs). This is the only file
 * that calls pino(): the daemon makes one logger here and passes it down through options
 * (`{ log }`); each component takes a child with its bindings, e.g.
 * `childLogger(log, 'link', { link: 'sbd0' })`.
 *
 * - Lines are JSON, one object per line, or pretty lines for a person at a terminal
 *   (log-format.ts chooses, log-line.ts writes them).
 * - Each key appears once in a line. pino writes a child's bindings and the logged object side by
 *   side, so a link logging `{ link }` through a logger already bound to its link wrote
 *   `"link":"udp0","link":"udp0"`. Here a child's bindings replace its parent's of the same name,
 *   and a logged object's fields replace the bindings of the same name (the Logger contract,
 *   base/logger.ts): the logger keeps the bindings and hands pino one merged object.
 * - An error's causes are said once in its message (log-error.ts).
 * - Credentials are redacted wherever they appear in a logged object, bindings included, so
 *   logging a request, an options object or a config section cannot leak a PIN, a secret or a
 *   session cookie.
 *
 * Pretty lines are formatted in this process, by a small stream (log-line.ts), not by pino-pretty:
 * pino's transports run in a worker thread, a second V8 heap on a Pi that counts its megabytes, and
 * pino-pretty shows times in UTC or the system's zone, while a kit's Pi says Europe/London and the
 * county lives in Asia/Shanghai (`log.time_zone`).
 */
import { type DestinationStream, type Logger as PinoLogger, pino } from 'pino';
import type { Logger } from './base/logger.js';
import type { LogConfig } from './config/schema.js';
import { DEFAULTS } from './config/schema.js';
import { serializeError } from './log-error.js';
import { chooseLogFormat, type LogSurroundings, useColour } from './log-format.js';
import { prettyLine, timeFormatter } from './log-line.js';
import { LogSink } from './log-sink.js';

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

/** The `log` section, of which only the level is required (tests give just that). */
export type RootLogConfig = Pick<LogConfig, 'level'> & Partial<LogConfig>;

/**
 * Makes the daemon's root logger.
 * @param config the `log` section of the configuration: level, format, time zone.
 * @param destination where lines go; default standard output (log-sink.ts: written synchronously,
 *   and never a crash when the reader is gone). A destination given is written
 *   JSON unless `format` says pretty: `auto` looks at standard output only.
 * @param surroundings what `auto` looks at (tests); default the process.
 */
export function createRootLogger(
  config: RootLogConfig,
  destination?: DestinationStream,
  surroundings: LogSurroundings = {},
): Logger {
  const toStdout = destination === undefined;
  const format = config.format ?? 'auto';
  const pretty =
    format === 'pretty' ||
    (format === 'auto' && toStdout && chooseLogFormat('auto', surroundings) === 'pretty');
  const sink = destination ?? new LogSink(1);
  const stream = pretty
    ? prettyStream(sink, config.timeZone ?? DEFAULTS.logTimeZone, toStdout && useColour(surroundings))
    : sink;
  const root = pino(
    {
      level: config.level,
      redact: { paths: [...REDACT_PATHS], censor: '[redacted]' },
      serializers: { err: serializeError },
      // Unix ms: cheap, and meaningful even while the clock is untrusted (the clock module says so).
      timestamp: pino.stdTimeFunctions.epochTime,
    },
    stream,
  );
  return new BoundLogger(root, {});
}

/** A component's logger: every line carries `mod` (e.g. 'store', 'link') and `bindings`. */
export function childLogger(log: Logger, mod: string, bindings: Record<string, unknown> = {}): Logger {
  return log.child({ mod, ...bindings });
}

type Level = 'trace' | 'debug' | 'info' | 'warn' | 'error';

/** pino under the Logger contract: bindings kept here and merged into each line, each key once. */
class BoundLogger implements Logger {
  readonly #pino: PinoLogger;
  readonly #bindings: Readonly<Record<string, unknown>>;

  constructor(root: PinoLogger, bindings: Readonly<Record<string, unknown>>) {
    this.#pino = root;
    this.#bindings = bindings;
  }

  child(bindings: Record<string, unknown>): Logger {
    return new BoundLogger(this.#pino, { ...this.#bindings, ...bindings });
  }

  trace(obj: object | string, msg?: string): void {
    this.#write('trace', obj, msg);
  }
  debug(obj: object | string, msg?: string): void {
    this.#write('debug', obj, msg);
  }
  info(obj: object | string, msg?: string): void {
    this.#write('info', obj, msg);
  }
  warn(obj: object | string, msg?: string): void {
    this.#write('warn', obj, msg);
  }
  error(obj: object | string, msg?: string): void {
    this.#write('error', obj, msg);
  }

  #write(level: Level, obj: object | string, msg: string | undefined): void {
    if (!this.#pino.isLevelEnabled(level)) return;
    if (typeof obj === 'string') this.#pino[level]({ ...this.#bindings }, obj);
    else if (obj instanceof Error) this.#pino[level]({ ...this.#bindings, err: obj }, msg);
    else this.#pino[level]({ ...this.#bindings, ...obj }, msg);
  }
}

/** Pretty lines (log-line.ts) to `sink`; a line that is not a JSON record goes as it is. */
function prettyStream(sink: DestinationStream, timeZone: string, color: boolean): DestinationStream {
  const time = timeFormatter(timeZone);
  return {
    write(line: string) {
      let record: unknown;
      try {
        record = JSON.parse(line);
      } catch {
        sink.write(line);
        return;
      }
      if (typeof record !== 'object' || record === null) sink.write(line);
      else sink.write(`${prettyLine(record as Record<string, unknown>, { time, color })}\n`);
    },
  };
}
