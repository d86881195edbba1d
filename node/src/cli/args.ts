/**
 * Small helpers shared by the command modules: options, data directory, node ids (docs/operating.md
 * §The command line).
 *
 * Options are parsed strictly. A problem with them is a CLI_USAGE error that names the option and
 * lists the options the command takes, in our own words: node:util's parseArgs messages quote
 * unevenly and give advice about `--` that does not apply here. main.ts adds the command's usage
 * line and where its help is.
 */
import { resolve } from 'node:path';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { KitError } from '../base/errors.js';
import { parseArgsProblem } from './usage-error.js';

type OptionsConfig = NonNullable<ParseArgsConfig['options']>;

export function parseOptions<O extends OptionsConfig>(args: string[], options: O) {
  const problem = optionProblem(args, options);
  if (problem !== undefined) throw new KitError('CLI_USAGE', problem);
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (cause) {
    // optionProblem finds everything strict parsing refuses; this is the guard if it ever does not.
    throw new KitError('CLI_USAGE', parseArgsProblem(cause), { cause });
  }
}

/** What is wrong with the options of `args`, read token by token, or undefined. */
function optionProblem(args: string[], options: OptionsConfig): string | undefined {
  const { tokens } = parseArgs({ args, options, allowPositionals: true, strict: false, tokens: true });
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    const def = Object.hasOwn(options, token.name) ? options[token.name] : undefined;
    const name = token.rawName;
    if (def === undefined) return `unknown option ${name}; ${optionList(options)}`;
    if (def.type === 'boolean' && token.value !== undefined)
      return `${name} takes no value, but was given ${JSON.stringify(token.value)}`;
    if (def.type === 'string' && token.value === undefined) return `${name} needs a value`;
    if (def.type === 'string' && token.inlineValue === false && token.value?.startsWith('-'))
      return `${name} needs a value, and ${token.value} looks like an option; if it is the value, write ${name}=${token.value}`;
  }
  return undefined;
}

/** "it takes --a, --b (-b)", for an unknown option. */
export function optionList(options: OptionsConfig): string {
  const names = Object.entries(options).map(
    ([n, o]) => `--${n}${o.short === undefined ? '' : ` (-${o.short})`}`,
  );
  return names.length === 0 ? 'it takes no options' : `it takes ${names.join(', ')}`;
}

export function dataDir(option: string | undefined): string {
  return resolve(option ?? process.env.FIELDNODE_DATA_DIR ?? '.fieldnode');
}

export function parseNodeId(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 0xffff_ffff)
    throw new KitError('CLI_USAGE', `bad node id ${text}`);
  return n;
}
