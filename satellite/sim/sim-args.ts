/**
 * The options of the satellite simulators' CLI commands (docs/iridium.md §7.4: `fieldnode sim
 * iridium`, `fieldnode sim rockblock`): strict parsing, `--help`, and usage errors that end with
 * the command's usage text.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { KitError } from '../../node/src/base/errors.js';

export type SimArgs = Record<string, string | boolean | (string | boolean)[] | undefined>;

/** A CLI_USAGE error: `message`, then the usage text. */
export function usageError(usage: string, message: string, cause?: unknown): KitError {
  return new KitError('CLI_USAGE', `${message}\n\n${usage}`, cause === undefined ? undefined : { cause });
}

/**
 * Parses `args` against `options` (strict, no positionals) plus `--help`/`-h`. For --help it
 * prints `usage` and returns undefined.
 *
 * @throws KitError CLI_USAGE, with the usage, for an unknown option or a missing value.
 */
export function parseSimArgs(
  args: string[],
  options: NonNullable<ParseArgsConfig['options']>,
  usage: string,
  io: { out(text: string): void },
): SimArgs | undefined {
  let values: SimArgs;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (cause) {
    throw usageError(usage, (cause as Error).message, cause);
  }
  if (values.help === true) {
    io.out(usage);
    return undefined;
  }
  return values;
}

/** The value of a string option, or undefined when it was not given. */
export function stringOption(values: SimArgs, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

/**
 * The value of a number option that `ok` accepts, or undefined when it was not given; a usage
 * error (with `usage`) for anything else.
 */
export function numberOption(
  usage: string,
  text: string | undefined,
  name: string,
  ok: (n: number) => boolean,
): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === '' || !ok(n)) throw usageError(usage, `bad ${name} ${JSON.stringify(text)}`);
  return n;
}
