/**
 * Signals, as a daemon's should behave (docs/operating.md §Signals), through the real `fieldnode`
 * binary. Off a terminal (systemd, nohup) SIGHUP reloads the configuration: the log level at once,
 * the rest named as waiting for a restart. On a terminal that hangs up (an SSH session dropping,
 * played by killing `script`, which holds the pseudo-terminal) the daemon stops cleanly: no
 * control socket, pid file or store lock is left behind. SIGTERM stops it cleanly with 0.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isRunning, lockHolder } from '../../src/daemon/pid-file.js';
import { needsSystemTool } from '../../src/link/needs-system-tool.js';
import type { SystemTool } from '../../src/link/system-tool.js';
import { fieldnodeBinary, type RunningFieldnode, runFieldnode, startFieldnode } from '../fieldnode-binary.js';
import { listing, makeKeys, writeConfig } from './start-fixtures.js';

/** util-linux's script(1): runs a command on a new pseudo-terminal, as an SSH session would. */
const SCRIPT: SystemTool = {
  name: 'script',
  install: 'apt install bsdutils',
  usedFor: 'the terminal whose hang-up stops the daemon',
};
const script = needsSystemTool(SCRIPT);

let keys: string;
let dir: string;
const daemons: RunningFieldnode[] = [];

beforeAll(async () => {
  keys = await mkdtemp(join(tmpdir(), 'fieldnode-start-keys-'));
  await makeKeys(keys, [2107]);
});
afterAll(async () => {
  await rm(keys, { recursive: true, force: true });
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-signals-'));
});
afterEach(async () => {
  for (const d of daemons.splice(0)) await d.stop();
  await rm(dir, { recursive: true, force: true });
});

const kitYaml = (extra = '') =>
  `node: { id: 2107, role: kit }\ndata_dir: data\nkeys: { kit_key_file: ${keys}/kit-2107.key }\n${extra}`;

/** Resolves once `check` holds, polling; rejects with `what` after `ms`. */
async function until(check: () => Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function logLines(stdout: string): Array<Record<string, unknown>> {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('SIGHUP off a terminal', () => {
  it('reloads: applies the log level, names what takes a restart, keeps running; a broken file changes nothing', async () => {
    const config = await writeConfig(dir, 'kit.yaml', kitYaml());
    const d = startFieldnode(['start', '--config', config], { cwd: dir });
    daemons.push(d);
    await d.waitFor('fieldnode running');
    const reloading = () => logLines(d.stdout).filter((l) => l.msg === 'SIGHUP: reloading the configuration');

    await writeConfig(dir, 'kit.yaml', kitYaml('log: { level: warn }\nretry: { initial_s: 9 }\n'));
    d.child.kill('SIGHUP');
    await d.waitFor('these changes take effect at the next restart: retry');
    expect(
      logLines(d.stdout).find((l) => String(l.msg).startsWith('SIGHUP: configuration reloaded')),
    ).toMatchObject({
      level: 40,
      applied: ['log.level'],
      needsRestart: ['retry'],
      msg: 'SIGHUP: configuration reloaded; these changes take effect at the next restart: retry',
    });
    expect(reloading()).toHaveLength(1);
    // The level is warn now: the next reload's info line is not written, its warning is.
    await writeConfig(
      dir,
      'kit.yaml',
      kitYaml('log: { level: warn }\nretry: { initial_s: 8 }\nstore: { retention_s: 600 }\n'),
    );
    d.child.kill('SIGHUP');
    await d.waitFor('at the next restart: retry, store');
    expect(reloading()).toHaveLength(1);
    expect((await runFieldnode(['status', '--config', config], { cwd: dir })).code).toBe(0);

    await writeConfig(dir, 'kit.yaml', 'node: { id: 0 }\n');
    d.child.kill('SIGHUP');
    await d.waitFor('the configuration was not reloaded');
    expect(logLines(d.stdout).find((l) => String(l.msg).includes('was not reloaded'))).toMatchObject({
      level: 50,
      code: 'CONFIG_INVALID',
    });
    // The file is broken now, so status finds the daemon by its data directory.
    expect((await runFieldnode(['status', '--data-dir', 'data'], { cwd: dir })).code).toBe(0);

    const r = await d.stop('SIGTERM');
    expect(r.code).toBe(0);
    expect(r.signal).toBeNull();
    expect(await listing(join(dir, 'data'))).not.toEqual(expect.arrayContaining(['control.sock']));
    expect(await listing(join(dir, 'data'))).not.toContain('fieldnode.pid');
  });
});

describe.skipIf(script === undefined)('SIGHUP on a terminal that hangs up', () => {
  it('stops the daemon cleanly: nothing of a running daemon is left behind', async () => {
    const config = await writeConfig(dir, 'kit.yaml', kitYaml());
    // Standard error goes to a file, to see how the process ends: Node aborts as it exits when it
    // cannot put a terminal's settings back (a native assertion on standard error).
    const errors = join(dir, 'stderr.txt');
    const command = `exec '${process.execPath}' '${fieldnodeBinary()}' start --config '${config}' 2>'${errors}'`;
    const terminal = spawn(script as string, ['-qfec', command, '/dev/null'], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    terminal.stdout.setEncoding('utf8').on('data', (s: string) => {
      out += s;
    });
    try {
      await until(
        async () => out.includes('fieldnode running'),
        `"fieldnode running" on the terminal:\n${out}`,
      );
      const pid = Number((await readFile(join(dir, 'data', 'fieldnode.pid'), 'utf8')).trim());
      expect(isRunning(pid)).toBe(true);
      // The session drops: the terminal's master side closes, and the kernel sends SIGHUP.
      terminal.kill('SIGKILL');
      await until(async () => !isRunning(pid), 'the daemon to end');
    } finally {
      terminal.kill('SIGKILL');
    }
    expect(await readFile(errors, 'utf8')).toBe('');
    expect(await lockHolder(join(dir, 'data', 'store', 'LOCK'))).toBeUndefined();
    const left = await listing(join(dir, 'data'));
    expect(left.filter((f) => !f.startsWith('store/'))).toEqual(['identity.json', 'store']);
    // And the next start finds nothing in its way.
    const next = startFieldnode(['start', '--config', config], { cwd: dir });
    daemons.push(next);
    await next.waitFor('fieldnode running');
    expect(next.stdout).not.toContain('did not stop cleanly');
  });
});
