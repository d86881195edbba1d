/**
 * Usage errors of the real binary as an operator reads them (docs/operating.md §The command line):
 * what is wrong, naming the command and the option, in our words; the command's usage line; where
 * its help is; exit 2. node:util's parseArgs messages (unbalanced quotes, advice about `--`)
 * never reach the terminal, from our parser or from a simulator's.
 */
import { describe, expect, it } from 'vitest';
import { runFieldnode } from '../fieldnode-binary.js';

const usage = (problem: string, command: string, line: string) => ({
  code: 2,
  stdout: '',
  stderr: `fieldnode: CLI_USAGE: ${command}: ${problem}\nusage: ${line}\nsee \`fieldnode ${command} --help\`\n`,
});

describe('usage errors', () => {
  it('an unknown option names itself, the command and what it takes', async () => {
    expect(await runFieldnode(['wire', 'decode', '--hex', 'ff'])).toMatchObject(
      usage(
        'unknown option --hex; it takes --secret, --json',
        'wire decode',
        'fieldnode wire decode HEX…|- [--secret S] [--json]',
      ),
    );
    expect(await runFieldnode(['keys', 'kit', '--config', 'node.yaml'])).toMatchObject(
      usage(
        'unknown option --config; it takes --master, --node, --seq-floor, --out',
        'keys kit',
        'fieldnode keys kit --master FILE --node N [--seq-floor N] [--out FILE]',
      ),
    );
  });

  it('a missing value, a value where none belongs, an option taken for a value', async () => {
    expect(await runFieldnode(['status', '--data-dir'])).toMatchObject(
      usage(
        '--data-dir needs a value',
        'status',
        'fieldnode status [--config FILE | --data-dir DIR] [--json] [--verbose]',
      ),
    );
    expect(await runFieldnode(['keys', 'export', '--json=yes'])).toMatchObject(
      usage(
        '--json takes no value, but was given "yes"',
        'keys export',
        'fieldnode keys export [--config FILE | --data-dir DIR] [--node-id N] [--json]',
      ),
    );
    expect(await runFieldnode(['wire', 'encode', 'm.json', '--secret', '--sign'])).toMatchObject(
      usage(
        '--secret needs a value, and --sign looks like an option; if it is the value, write --secret=--sign',
        'wire encode',
        'fieldnode wire encode FILE|- [--secret S | --sign [--config FILE | --data-dir DIR]]',
      ),
    );
  });

  it("a simulator's own parser is put in the same words, without node:util's quoting", async () => {
    expect(await runFieldnode(['sim', 'iridium', '--pty=3'])).toMatchObject(
      usage('--pty takes no value', 'sim iridium', 'fieldnode sim iridium --pty [--link PATH] [options]'),
    );
    expect(await runFieldnode(['sim', 'meshtastic', '--tcp', '4403', '--bogus'])).toMatchObject(
      usage(
        'unknown option --bogus',
        'sim meshtastic',
        'fieldnode sim meshtastic --tcp PORT | --pty [--link PATH] [options]',
      ),
    );
  });

  it("a command's own complaint is prefixed with the command, once", async () => {
    expect(await runFieldnode(['foreign', 'release', 'x', '--data-dir', '/nonexistent'])).toMatchObject(
      usage(
        'bad N "x": give the number `fieldnode foreign list` shows, 1 or more',
        'foreign release',
        'fieldnode foreign release N [--config FILE | --data-dir DIR]',
      ),
    );
    expect((await runFieldnode(['keys', 'check'])).stderr).toMatch(
      /^fieldnode: CLI_USAGE: keys check: the key file to check is required\n/,
    );
    expect((await runFieldnode(['wire', 'encode', 'm.json', '--data-dir', '/x'])).stderr).toMatch(
      /^fieldnode: CLI_USAGE: wire encode: --config and --data-dir go with --sign: they say whose identity signs\n/,
    );
    expect(await runFieldnode(['wire', 'frob'])).toMatchObject(
      usage('expected decode, encode or reference, not "frob"', 'wire', 'fieldnode wire COMMAND'),
    );
  });

  it('a file that cannot be read is named, with no stack trace (exit 1)', async () => {
    expect(await runFieldnode(['wire', 'encode', '/nonexistent/m.json'])).toMatchObject({
      code: 1,
      stdout: '',
      stderr: 'fieldnode: CLI_INPUT_UNREADABLE: cannot read /nonexistent/m.json (ENOENT)\n',
    });
  });
});
