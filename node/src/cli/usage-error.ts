/**
 * How a usage error reads (docs/operating.md §The command line): what is wrong, naming the command
 * and the option; then the command's usage line; then where its help is. Exit 2.
 *
 *     fieldnode: CLI_USAGE: wire decode: unknown option --hex; it takes --secret, --json
 *     usage: fieldnode wire decode HEX…|- [--secret S] [--json]
 *     see `fieldnode wire decode --help`
 *
 * Most commands parse their options with args.ts, which words the problem itself. The simulators
 * parse theirs with node:util's parseArgs directly and pass its message on; that message is put in
 * our words here, since it quotes unevenly ("Unknown option '--x'. … as in '-- "--x"") and gives
 * advice about `--` that does not apply.
 */
import type { KitError } from '../base/errors.js';

/** node:util parseArgs's error, by its code: what is wrong, in one clean sentence. */
export function parseArgsProblem(err: unknown): string {
  const { code, message } = (err ?? {}) as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' ? message : String(err);
  const quoted = /^[^']*'([^']*)'/.exec(text)?.[1] ?? '';
  // "-h, --help <value>" names the option twice; the long name is the one people type.
  const option = /--[^\s<,]+/.exec(quoted)?.[0] ?? quoted.split(/[ ,]/)[0] ?? '';
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${option}`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument ${JSON.stringify(quoted)}: it takes options only`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (/argument missing/.test(text)) return `${option} needs a value`;
      if (/does not take an argument/.test(text)) return `${option} takes no value`;
      if (/ambiguous/.test(text))
        return `${option} needs a value, and the word after it looks like an option; if it is the value, write ${option}=VALUE`;
      return `${option}: bad value`;
    default:
      // The first sentence only, without node's advice.
      return text.split(/\.\s|\n/)[0] ?? text;
  }
}

/** Whether a usage error still carries node:util's own words, which parseArgsProblem replaces. */
function parseArgsCause(err: KitError): unknown {
  const cause = err.cause as { code?: unknown; message?: unknown } | undefined;
  if (typeof cause?.code !== 'string' || !cause.code.startsWith('ERR_PARSE_ARGS_')) return undefined;
  return typeof cause.message === 'string' && err.message.startsWith(cause.message) ? cause : undefined;
}

/**
 * The text of a usage error for standard error. `command` is the command it came from ("wire
 * decode", or "" before one was found); `usage` its usage line, if the help table has one.
 */
export function usageErrorText(err: KitError, command: string, usage: string | undefined): string {
  const cause = parseArgsCause(err);
  // A simulator's message is followed by its whole usage after a blank line: the usage line
  // and the pointer to the help below say the same in less.
  let problem = cause === undefined ? (err.message.split('\n\n')[0] ?? '') : parseArgsProblem(cause);
  if (command !== '' && !problem.startsWith(command)) problem = `${command}: ${problem}`;
  const lines = [`fieldnode: ${err.code}: ${problem}`];
  if (usage !== undefined) lines.push(`usage: ${usage}`);
  lines.push(`see \`fieldnode ${command === '' ? '' : `${command} `}--help\``);
  return `${lines.join('\n')}\n`;
}
