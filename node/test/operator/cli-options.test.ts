/**
 * The options a command's help lists are the options it takes, no more and no fewer
 * (docs/operating.md §The command line). For every command in the help table, the real binary
 * prints its help; the options listed there are then given to the command, each in the form the
 * help says (a value or none), followed by one that no command has. The command's own parser must
 * get past every listed one and stop at that last one, and, for the commands that parse with
 * node/src/cli/args.ts, the list of what it takes that it prints must be exactly what the help
 * listed. Nothing here keeps a copy of any option list.
 *
 * The simulators' parsers (radio/sim, satellite/sim) do not print what they take, so for them
 * only the first half is checked: every option their help lists is one they accept.
 */
import { describe, expect, it } from 'vitest';
import { COMMANDS, type CommandHelp } from '../../src/cli/help-table.js';
import { runFieldnode } from '../fieldnode-binary.js';

const NOT_AN_OPTION = '--zz-not-an-option';

/** `help` answers everything itself; a group without options only dispatches. */
const commands = COMMANDS.filter(
  (c) =>
    c.path[0] !== 'help' &&
    (c.options !== undefined ||
      c.helpFrom !== undefined ||
      !COMMANDS.some((d) => d.path.length > c.path.length && d.path[0] === c.path[0])),
);

/**
 * The options a help text lists, from its lines "  --flag VALUE   text" (and "  -h, --help"), with
 * whether each takes a value; --help itself is main's, not the command's.
 */
function listedOptions(help: string): Map<string, { takesValue: boolean; short?: string }> {
  const listed = new Map<string, { takesValue: boolean; short?: string }>();
  for (const line of help.split('\n')) {
    const m = /^ {2}(?:(-[a-zA-Z]), )?(--[a-z][a-z0-9-]*)(?: ([A-Z][^\s]*))?(?: {2,}|$)/.exec(line);
    if (m?.[2] === undefined || m[2] === '--help') continue;
    listed.set(m[2], { takesValue: m[3] !== undefined, ...(m[1] === undefined ? {} : { short: m[1] }) });
  }
  return listed;
}

function name(entry: CommandHelp): string {
  return entry.path.join(' ');
}

describe('every command takes exactly the options its help lists', () => {
  it('finds the commands and their options in the table', () => {
    expect(commands.map(name)).toContain('wire decode');
    expect(commands.map(name)).toContain('sim meshtastic');
    expect(commands.length).toBeGreaterThan(15);
  });

  for (const entry of commands) {
    it(`fieldnode ${name(entry)}`, async () => {
      const help = await runFieldnode([...entry.path, '--help']);
      expect(help.code).toBe(0);
      const listed = listedOptions(help.stdout);
      const given = [...listed].map(([flag, o]) => (o.takesValue ? `${flag}=x` : flag));

      const run = await runFieldnode([...entry.path, ...given, NOT_AN_OPTION]);
      const [first = ''] = run.stderr.split('\n');
      // Stopping at the last option means every listed one was taken, each with or without a value
      // as listed.
      expect([run.code, first]).toEqual([
        2,
        expect.stringContaining(`fieldnode: CLI_USAGE: ${name(entry)}: unknown option ${NOT_AN_OPTION}`),
      ]);
      // Then its usage line and where its help is; node:util's own words never reach the user.
      const usage = ['fieldnode', ...entry.path, entry.usage].filter((w) => w !== '').join(' ');
      expect(run.stderr.split('\n').slice(1)).toEqual([
        `usage: ${usage}`,
        `see \`fieldnode ${name(entry)} --help\``,
        '',
      ]);
      expect(first).not.toContain("'");
      if (entry.helpFrom !== undefined) return;
      const takes = /; it takes (.*)$/.exec(first)?.[1];
      expect(takes, first).toBeDefined();
      const taken = takes === 'no options' ? [] : (takes?.split(', ') ?? []);
      // Short forms too: "--verbose (-v)" where the help lists "-v, --verbose".
      const expected = [...listed].map(([flag, o]) =>
        o.short === undefined ? flag : `${flag} (${o.short})`,
      );
      expect(taken.sort()).toEqual(expected.sort());
    });
  }
});
