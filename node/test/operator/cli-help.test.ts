/**
 * `--help` on every command of the real binary (docs/operating.md §The command line): each
 * command and subcommand prints its own usage on standard output and exits 0, whether asked with
 * --help, -h, after other arguments or as `fieldnode help COMMAND`; the overview lists every
 * command of the help table.
 */
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/help-table.js';
import { runFieldnode } from '../fieldnode-binary.js';

const WIRE_DECODE_HELP = `Usage: fieldnode wire decode HEX…|- [--secret S] [--json]

Take a frame apart and show every field.

HEX is the frame as hex digits: a 0x prefix and spaces are allowed, and several words are
joined; - (or nothing, from a pipe) reads it from standard input. Times are shown in UTC
(ISO 8601 with Z), codes with their names. Exit 1 when a frame is invalid (what is wrong, and
at which byte, goes to standard error) or a tag does not verify.

Options:
  --secret S          check MAC tags and hop tags: S is the master secret, as typed (the same as
                      for \`wire encode\`), from which each kit's key derives
  --json              print JSON: the message as \`wire encode\` reads it (unix seconds, codes)
  -h, --help          show this help

Examples:
  fieldnode wire decode 0x5401bb10b10204c339e0a00b…
  fieldnode wire decode - < frame.hex
`;

describe('fieldnode COMMAND --help', () => {
  it('wire decode --help prints its usage, options and examples, and exits 0', async () => {
    const run = await runFieldnode(['wire', 'decode', '--help']);
    expect(run).toMatchObject({ code: 0, stdout: WIRE_DECODE_HELP, stderr: '' });
  });

  it('-h, a --help after other arguments and `help COMMAND` print the same', async () => {
    for (const args of [
      ['wire', 'decode', '-h'],
      ['wire', 'decode', '5401', '--secret', 'S', '--help'],
      ['help', 'wire', 'decode'],
    ]) {
      expect(await runFieldnode(args)).toMatchObject({ code: 0, stdout: WIRE_DECODE_HELP, stderr: '' });
    }
  });

  it('every command and subcommand of the table answers --help with its own usage, exit 0', async () => {
    for (const entry of COMMANDS) {
      const words = entry.path.join(' ');
      const run = await runFieldnode([...entry.path, '--help']);
      expect({ words, code: run.code, stderr: run.stderr }).toEqual({ words, code: 0, stderr: '' });
      expect(run.stdout.startsWith(`Usage: fieldnode ${words}`), `${words}:\n${run.stdout}`).toBe(true);
    }
  });

  it('the overview lists every command of the table with its usage, and points to COMMAND --help', async () => {
    const run = await runFieldnode(['--help']);
    expect([run.code, run.stderr]).toEqual([0, '']);
    expect(run.stdout).toMatch(/^fieldnode \d+\.\d+\.\d+: emergency field communications/);
    const groups = COMMANDS.filter(
      (c) =>
        c.options === undefined &&
        COMMANDS.some((d) => d.path.length > c.path.length && d.path[0] === c.path[0]),
    );
    for (const entry of COMMANDS) {
      if (groups.includes(entry)) continue;
      expect(run.stdout).toContain(`\n  ${[...entry.path, entry.usage].join(' ').trim()}`);
    }
    expect(run.stdout).toContain(
      '`fieldnode COMMAND --help` (or `fieldnode help COMMAND`) tells more of each command.',
    );
    expect((await runFieldnode([])).stdout).toBe(run.stdout);
  });

  it('a group lists its subcommands; an unknown command is a usage error even with --help', async () => {
    const wire = await runFieldnode(['wire', '--help']);
    expect(wire.stdout).toContain(
      'Commands:\n  decode HEX…|- [--secret S] [--json]\n                              take a frame apart and show every field\n',
    );
    const unknown = await runFieldnode(['fly', '--help']);
    expect(unknown).toMatchObject({
      code: 2,
      stdout: '',
      stderr:
        'fieldnode: CLI_USAGE: unknown command "fly"; the commands are version, help, keys, wire, start, demo, status, audit, foreign, radio, backup, restore, kits, sim\n' +
        'see `fieldnode --help`\n',
    });
  });

  it('every option in a usage line is one the command lists', () => {
    for (const entry of COMMANDS) {
      if (entry.helpFrom !== undefined) continue;
      const listed = new Set((entry.options ?? []).map((o) => o.flag));
      for (const flag of entry.usage.match(/--[a-z][a-z0-9-]*/g) ?? [])
        expect(listed.has(flag), `${entry.path.join(' ')}: ${flag}`).toBe(true);
    }
  });
});
