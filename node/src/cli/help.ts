/**
 * `--help` for every command, in one place (docs/operating.md §The command line): main.ts asks
 * {@link helpRequest} before it dispatches, so no command module handles `--help` itself, and the
 * overview, each command's help and a usage error's usage line are all rendered from the one table
 * in help-table.ts.
 */
import { COMMANDS, type CommandHelp, type OptionHelp } from './help-table.js';
import { packageVersion } from './package-info.js';

const HELP_FLAGS = new Set(['--help', '-h']);
/** Where the text of an option starts, after the flag and its value. */
const OPTION_COLUMN = 22;
/** Where the summary starts in a list of commands. */
const SUMMARY_COLUMN = 30;

const byPath = new Map(COMMANDS.map((c) => [c.path.join(' '), c]));

export function commandHelp(path: readonly string[]): CommandHelp | undefined {
  return byPath.get(path.join(' '));
}

/**
 * The command words at the start of `argv` that name a command in the table: ['wire', 'decode']
 * for `wire decode ff --json`. Stops at the first word that is not one, or an option.
 */
export function commandPath(argv: readonly string[]): string[] {
  const path: string[] = [];
  for (const word of argv) {
    if (word.startsWith('-') || !byPath.has([...path, word].join(' '))) break;
    path.push(word);
  }
  return path;
}

/**
 * Whether `argv` asks for help, and for which command: no arguments, `help [COMMAND…]`, or
 * `--help`/`-h` anywhere before a `--`. Undefined when it asks for something else.
 */
export function helpRequest(argv: readonly string[]): { path: string[] } | undefined {
  const [first, ...rest] = argv;
  if (first === undefined) return { path: [] };
  if (first === 'help') return { path: rest.includes('--help') ? ['help'] : commandPath(rest) };
  // An unknown command is a usage error, --help or not.
  if (!first.startsWith('-') && !byPath.has(first)) return undefined;
  const end = argv.indexOf('--');
  const options = end < 0 ? argv : argv.slice(0, end);
  if (!options.some((a) => HELP_FLAGS.has(a))) return undefined;
  return { path: commandPath(argv) };
}

/** The help text for `path`: the overview for [], a command's own help otherwise. */
export async function helpText(path: readonly string[]): Promise<string> {
  const entry = commandHelp(path);
  if (entry === undefined) return overview();
  if (entry.helpFrom !== undefined) return entry.helpFrom();
  return commandText(entry);
}

/** The usage line of a command: `fieldnode wire decode HEX…|- [--secret S] [--json]`. */
export function usageLine(entry: CommandHelp): string {
  return ['fieldnode', ...entry.path, entry.usage].filter((part) => part !== '').join(' ');
}

function children(path: readonly string[]): CommandHelp[] {
  return COMMANDS.filter(
    (c) => c.path.length === path.length + 1 && path.every((word, i) => c.path[i] === word),
  );
}

function commandText(entry: CommandHelp): string {
  const parts = [`Usage: ${usageLine(entry)}`, '', `${entry.summary.replace(/^./, (c) => c.toUpperCase())}.`];
  if (entry.about !== undefined) parts.push('', entry.about);
  const subs = children(entry.path);
  if (subs.length > 0) {
    parts.push('', 'Commands:', ...subs.map((c) => commandLine(c, entry.path.length)));
    parts.push('', `\`fieldnode ${entry.path.join(' ')} COMMAND --help\` tells more of each.`);
  }
  parts.push('', 'Options:', ...[...(entry.options ?? []), HELP_OPTION].map(optionLines));
  if (entry.examples !== undefined && entry.examples.length > 0)
    parts.push('', 'Examples:', ...entry.examples.map((e) => `  ${e}`));
  return `${parts.join('\n')}\n`;
}

const HELP_OPTION: OptionHelp = { flag: '--help', short: '-h', text: 'show this help' };

function optionLines(option: OptionHelp): string {
  const flag = option.short === undefined ? option.flag : `${option.short}, ${option.flag}`;
  const head = `  ${flag}${option.value === undefined ? '' : ` ${option.value}`}`;
  return hang(head, option.text, OPTION_COLUMN);
}

/** `head` then `text`, from `column` on; on the next line when the head is too long. */
function hang(head: string, text: string, column: number): string {
  const [first = '', ...more] = text.split('\n');
  const pad = ' '.repeat(column);
  const lead = head.length < column - 1 ? `${head.padEnd(column)}${first}` : `${head}\n${pad}${first}`;
  return [lead, ...more.map((line) => `${pad}${line}`)].join('\n');
}

/** A command in a list: its words after those of the list's own command, its usage, its summary. */
function commandLine(entry: CommandHelp, skip: number): string {
  const words = [...entry.path.slice(skip), entry.usage].filter((w) => w !== '').join(' ');
  return hang(`  ${words}`, entry.summary, SUMMARY_COLUMN);
}

function overview(): string {
  const lines = [
    `fieldnode ${packageVersion()}: emergency field communications over LoRa mesh, Iridium SBD and IP`,
    '',
    'Usage: fieldnode COMMAND [options]',
    '',
    'Commands:',
    ...COMMANDS.filter((c) => children(c.path).length === 0 || c.options !== undefined).map((c) =>
      commandLine(c, 0),
    ),
    '',
    '`fieldnode COMMAND --help` (or `fieldnode help COMMAND`) tells more of each command.',
    '',
    'Environment:',
    '  FIELDNODE_DATA_DIR, FIELDNODE_LOG_LEVEL, FIELDNODE_LOG_FORMAT',
    '                    override data_dir, log.level and log.format of the configuration',
  ];
  return `${lines.join('\n')}\n`;
}
