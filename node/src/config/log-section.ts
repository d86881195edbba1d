/**
 * The `log` section of the configuration file (docs/conventions.md §Configuration, §Logging;
 * docs/operating.md §Logs): the level, the format of the lines and the time zone their times are
 * shown in. FIELDNODE_LOG_LEVEL and FIELDNODE_LOG_FORMAT override the file: they are deployment
 * knobs (a test or an operator forcing JSON on a terminal, or pretty lines in a pipe).
 */
import { isTimeZone } from '../domain/county-time.js';
import type { Problems, Section } from './reader.js';
import { DEFAULTS, LOG_FORMATS, LOG_LEVELS, type LogConfig } from './schema.js';

export const LOG_KEYS = ['level', 'format', 'time_zone'];

/**
 * `countyZone`: the county's time zone (county.time_zone), the default of the lines' times, so that
 * a log and the deadlines it speaks of read on the same clock (docs/reports.md §County time).
 */
export function parseLogSection(
  s: Section,
  env: NodeJS.ProcessEnv,
  p: Problems,
  countyZone: string = DEFAULTS.logTimeZone,
): LogConfig {
  // The file is checked even where the environment overrides it: its mistakes are still reported.
  const levelInFile = s.oneOf('level', LOG_LEVELS);
  const formatInFile = s.oneOf('format', LOG_FORMATS);
  const level = fromEnv('FIELDNODE_LOG_LEVEL', LOG_LEVELS, env, p) ?? levelInFile;
  const format = fromEnv('FIELDNODE_LOG_FORMAT', LOG_FORMATS, env, p) ?? formatInFile;
  const timeZone = s.str('time_zone', undefined, (zone) =>
    isTimeZone(zone) ? undefined : 'expected an IANA time zone such as Asia/Shanghai',
  );
  return {
    level: level ?? DEFAULTS.logLevel,
    format: format ?? DEFAULTS.logFormat,
    timeZone: timeZone ?? countyZone,
  };
}

/** The variable's value when it is one of `values`; a problem when it is set to anything else. */
function fromEnv<T extends string>(
  name: string,
  values: readonly T[],
  env: NodeJS.ProcessEnv,
  p: Problems,
): T | undefined {
  const value = env[name]?.trim();
  if (!value) return undefined;
  if ((values as readonly string[]).includes(value)) return value as T;
  p.add(`$${name}`, `expected one of ${values.join(', ')}, found ${JSON.stringify(value)}`);
  return undefined;
}
