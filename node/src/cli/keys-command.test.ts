/** Tests for `fieldnode keys` enrolment commands (keys-command.ts): new-master, kit, relay, check, enter. */
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureOutput } from '../../test/capture-output.js';
import { isKitError } from '../base/errors.js';
import { parseIssuerKeyFile } from '../crypto/issuer-key-file.js';
import {
  formatDay,
  parseKitKeyFile,
  parseMasterSecretFile,
  parseRelayKeysFile,
} from '../crypto/key-file-formats.js';
import { formatKitKey } from '../crypto/key-text.js';
import { deriveKitKey, deriveRelayKey } from '../crypto/kit-keys.js';
import { keysCommand } from './keys-command.js';
import { runCli } from './main.js';

let dir: string;
const io = captureOutput();

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-keys-cli-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const NOW = Date.UTC(2026, 6, 13, 15, 30);
const at = (name: string) => join(dir, name);

/** Runs `fieldnode keys …`; returns the exit code and clears the captured output after reading it. */
async function keys(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  io.out = '';
  io.err = '';
  const code = await runCli(['keys', ...args]);
  return { code, out: io.out, err: io.err };
}

async function newMaster(): Promise<Uint8Array> {
  expect((await keys('new-master', '--out', at('master.secret'))).code).toBe(0);
  return parseMasterSecretFile(await readFile(at('master.secret'), 'utf8'), 'm');
}

describe('keys new-master', () => {
  it('writes a fresh master secret, mode 0600, and never over an existing file', async () => {
    const run = await keys('new-master', '--out', at('master.secret'));
    expect(run.code).toBe(0);
    expect(run.out).toContain('Never put it on a kit');
    expect((await stat(at('master.secret'))).mode & 0o777).toBe(0o600);
    const first = await readFile(at('master.secret'), 'utf8');
    expect(parseMasterSecretFile(first, 'm').length).toBe(32);
    const again = await keys('new-master', '--out', at('master.secret'));
    expect(again.code).toBe(1);
    expect(again.err).toContain('KEYS_EXISTS');
    expect(await readFile(at('master.secret'), 'utf8')).toBe(first);
  });

  it('without --out prints one, different each time', async () => {
    const a = parseMasterSecretFile((await keys('new-master')).out, 'a');
    const b = parseMasterSecretFile((await keys('new-master')).out, 'b');
    expect(a).not.toEqual(b);
  });

  it('new-secret is gone, and says what replaced it', async () => {
    const run = await keys('new-secret');
    expect(run.code).toBe(2);
    expect(run.err).toContain(
      '`keys new-master` makes the master secret and `keys kit` each kit’s own key file',
    );
  });
});

describe('keys kit and keys relay', () => {
  it('kit writes the key file of one node, derived from the master, and prints the key to type', async () => {
    const master = await newMaster();
    io.out = '';
    const code = await keysCommand(
      [
        'kit',
        '--master',
        at('master.secret'),
        '--node',
        '2107',
        '--seq-floor',
        '812',
        '--out',
        at('kit.key'),
      ],
      { now: () => NOW },
    );
    expect(code).toBe(0);
    const file = parseKitKeyFile(await readFile(at('kit.key'), 'utf8'), { source: 'k', node: 2107 });
    expect(file).toEqual({
      node: 2107,
      enrolledDay: Date.UTC(2026, 6, 13) / 1000,
      seqFloor: 812,
      kitKey: deriveKitKey(master, 2107),
    });
    expect((await stat(at('kit.key'))).mode & 0o777).toBe(0o600);
    expect(io.out).toContain(`  key:       ${formatKitKey(deriveKitKey(master, 2107), 2107)}\n`);
    expect(io.out).toContain('Kit key file of node 2107 written to');
    expect(io.out).toContain('fieldnode keys enter --node 2107 --seq-floor 812 --enrolled 2026-07-13');
  });

  it('relay writes a gateway’s relay keys of the listed kits, and no kit key', async () => {
    const master = await newMaster();
    const run = await keys(
      'relay',
      '--master',
      at('master.secret'),
      '--nodes',
      '2108, 2107',
      '--out',
      at('relay.keys'),
    );
    expect(run.code).toBe(0);
    expect(run.out).toContain('Relay keys of 2 kits (2108, 2107) written to');
    const text = await readFile(at('relay.keys'), 'utf8');
    const relayKeys = parseRelayKeysFile(text, 'r');
    expect([...relayKeys.keys()]).toEqual([2107, 2108]);
    for (const n of [2107, 2108])
      expect(relayKeys.get(n)).toEqual(deriveRelayKey(deriveKitKey(master, n), n));
    expect(text).not.toContain(formatKitKey(deriveKitKey(master, 2107), 2107).slice(0, 20));
  });

  it('say what is missing or wrong in the options', async () => {
    await newMaster();
    const cases: Array<[string[], string]> = [
      [['kit', '--node', '2107'], '--master FILE is required'],
      [['kit', '--master', at('master.secret')], '--node N is required'],
      [
        ['kit', '--master', at('master.secret'), '--node', '0'],
        '--node 0: expected a whole number from 1 to 4294967295',
      ],
      [['kit', '--master', at('master.secret'), '--node', '7', '--seq-floor=-1'], '--seq-floor -1: expected'],
      [
        ['kit', '--master', at('master.secret'), '--nodes', '7'],
        'keys kit: unknown option --nodes; it takes --master, --node, --seq-floor, --out',
      ],
      [['relay', '--master', at('master.secret'), '--nodes', '7,x'], '--nodes x: expected a whole number'],
      [['relay', '--master', at('master.secret'), '--nodes', '7,7'], '--nodes lists 7 twice'],
      [['check'], 'the key file to check is required'],
    ];
    for (const [args, message] of cases) {
      const run = await keys(...args);
      expect([run.code, run.err]).toEqual([2, expect.stringContaining(message)]);
    }
    const unreadable = await keys('kit', '--master', at('none'), '--node', '7');
    expect([unreadable.code, unreadable.err]).toEqual([
      1,
      expect.stringContaining('KEYS_UNREADABLE: cannot open'),
    ]);
  });
});

describe('keys check', () => {
  it('says OK for each kind of key file, and exactly what is wrong otherwise', async () => {
    await newMaster();
    await keys('kit', '--master', at('master.secret'), '--node', '2107', '--out', at('kit.key'));
    await keys('relay', '--master', at('master.secret'), '--nodes', '2107', '--out', at('relay.keys'));

    expect(await keys('check', at('kit.key'), '--node', '2107')).toMatchObject({
      code: 0,
      out: expect.stringMatching(
        /^OK: .*kit\.key is the kit key of node 2107, enrolled \d{4}-\d\d-\d\d, seq-floor 0; the key checks/,
      ),
    });
    expect((await keys('check', at('relay.keys'))).out).toContain('holds the relay keys of 1 kit: 2107.');
    expect((await keys('check', at('master.secret'))).out).toContain('holds a master secret; it checks');

    const wrongNode = await keys('check', at('kit.key'), '--node', '2108');
    expect(wrongNode.code).toBe(1);
    expect(wrongNode.err).toContain('KEYS_WRONG_NODE: ');
    expect(wrongNode.err).toContain('is the kit key of node 2107, but this node is 2108 (--node)');
    expect((await keys('check', at('kit.key'))).err).toContain('add --node N');

    const text = await readFile(at('kit.key'), 'utf8');
    const typo = text.replace(
      /^key (....)-(.)/m,
      (_, g: string, c: string) => `key ${g}-${c === 'A' ? 'B' : 'A'}`,
    );
    await writeFile(at('typo.key'), typo, { mode: 0o600 });
    const mistyped = await keys('check', at('typo.key'), '--node', '2107');
    expect(mistyped.code).toBe(1);
    expect(mistyped.err).toContain('KEYS_MISTYPED: ');
    expect(mistyped.err).toContain(
      'typo.key line 5: kit key of node 2107: check failed: a character is mistyped',
    );
    expect(mistyped.err).toContain('changing character 5 (group 2)');

    await chmod(at('kit.key'), 0o644);
    const open = await keys('check', at('kit.key'), '--node', '2107');
    expect(open.err).toContain(`KEYS_INSECURE: ${at('kit.key')} holds this kit’s key but has mode 0644`);
    expect(open.err).toContain(`Run: chmod 600 ${at('kit.key')}`);
  });
});

describe('keys enter', () => {
  it('writes the kit key file from the key as typed, however it was typed', async () => {
    const master = await newMaster();
    const typed = formatKitKey(deriveKitKey(master, 2107), 2107).toLowerCase().replaceAll('-', ' ');
    io.out = '';
    io.err = '';
    const code = await keysCommand(
      ['enter', '--node', '2107', '--seq-floor', '3', '--enrolled', '2026-07-01', '--out', at('kit.key')],
      { stdin: Readable.from([`${typed}\n`]), now: () => NOW },
    );
    expect(code).toBe(0);
    expect(io.err).toContain('Type the kit key of node 2107');
    const file = parseKitKeyFile(await readFile(at('kit.key'), 'utf8'), { source: 'k', node: 2107 });
    expect(file).toEqual({
      node: 2107,
      enrolledDay: Date.UTC(2026, 6, 1) / 1000,
      seqFloor: 3,
      kitKey: deriveKitKey(master, 2107),
    });
    expect(formatDay(file.enrolledDay)).toBe('2026-07-01');
  });

  it('writes nothing when the key typed is for another node or mistyped', async () => {
    const master = await newMaster();
    const forOther = formatKitKey(deriveKitKey(master, 2108), 2108);
    const err = await keysCommand(['enter', '--node', '2107', '--out', at('kit.key')], {
      stdin: Readable.from([`${forOther}\n`]),
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isKitError(err, 'KEYS_MISTYPED')).toBe(true);
    expect((err as Error).message).toContain('or this key is for another node');
    await expect(stat(at('kit.key'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('keys new-issuer', () => {
  it('writes an issuer key, mode 0600, prints the keys.issuers entry for it, and check reads it', async () => {
    const run = await keys(
      'new-issuer',
      '--issuer',
      '1',
      '--name',
      '长沙县防汛办',
      '--out',
      at('issuer.key'),
    );
    expect(run.code).toBe(0);
    const file = parseIssuerKeyFile(await readFile(at('issuer.key'), 'utf8'), 'issuer.key');
    expect(file).toMatchObject({ issuer: 1, name: '长沙县防汛办' });
    expect((await stat(at('issuer.key'))).mode & 0o777).toBe(0o600);
    const b64 = Buffer.from(file.publicKey).toString('base64');
    expect(run.out).toContain(
      `  keys:\n    issuers:\n      - id: 1\n        public_key: ${b64}\n        powers: [warning, control]\n        name: "长沙县防汛办"\n`,
    );
    const checked = await keys('check', at('issuer.key'));
    expect(checked.out).toBe(
      `OK: ${at('issuer.key')} is the signing key of issuer 1 (长沙县防汛办), public key ${b64}; it checks and the file is private.\n`,
    );
    // Never over an existing file, and an id out of range is a usage error.
    expect((await keys('new-issuer', '--issuer', '1', '--out', at('issuer.key'))).code).not.toBe(0);
    expect((await keys('new-issuer', '--issuer', '65536', '--out', at('i2.key'))).err).toContain(
      'an issuer id is 0 to 65535',
    );
  });
});
