/**
 * A start that fails, as the operator at a kit meets it (docs/operating.md §When a start fails),
 * through the real `fieldnode` binary: the exact text on standard error (what is wrong, where, the
 * fix), exit code 1, no stack trace, and a data directory holding exactly what it held before.
 *
 * The disk cases are real: a 256 KiB tmpfs remounted read-only, and one filled to the last byte.
 * Mounting needs root (CI runs as root); elsewhere those tests are skipped and say why.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type RunningFieldnode, runFieldnode, startFieldnode } from '../fieldnode-binary.js';
import { fill, listing, makeKeys, smallDisk, smallDiskSkip, writeConfig } from './start-fixtures.js';

let keys: string;
let dir: string;
const daemons: RunningFieldnode[] = [];

beforeAll(async () => {
  keys = await mkdtemp(join(tmpdir(), 'fieldnode-start-keys-'));
  await makeKeys(keys, [2107, 3001]);
});
afterAll(async () => {
  await rm(keys, { recursive: true, force: true });
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-start-'));
});
afterEach(async () => {
  for (const d of daemons.splice(0)) await d.stop();
  await rm(dir, { recursive: true, force: true });
});

const kitYaml = (keyFile: string) =>
  `node: { id: 2107, role: kit }\ndata_dir: data\nkeys: { kit_key_file: ${keyFile} }\n`;

/** Runs `fieldnode start ARGS` to its end and checks what every failed start must: exit 1, no stack. */
async function failedStart(args: string[], env: Record<string, string> = {}): Promise<string> {
  const r = await runFieldnode(['start', ...args], { cwd: dir, env });
  expect(r.code).toBe(1);
  expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  expect(r.stdout).not.toContain('"stack"');
  expect(r.stdout).toContain('"msg":"start failed"');
  return r.stderr;
}

describe('a key file named in the configuration is missing', () => {
  it('keys.kit_key_file: the file, the key that names it, and `fieldnode keys enter`; nothing is made', async () => {
    const config = await writeConfig(dir, 'kit.yaml', kitYaml('kit.key'));
    const before = await listing(dir);
    expect(await failedStart(['--config', config])).toBe(
      [
        `fieldnode: cannot start: the kit key file ${dir}/kit.key does not exist`,
        `  keys.kit_key_file in ${dir}/kit.yaml names it`,
        '  fix: type in the key the centre reads out, which writes the file:',
        `         fieldnode keys enter --node 2107 --out ${dir}/kit.key`,
        '       or copy here the file the centre made with `fieldnode keys kit --node 2107`',
        '       (docs/keys.md §Enrolment step by step)',
        '',
      ].join('\n'),
    );
    expect(await listing(dir)).toEqual(before); // no data directory, no identity
  });

  it('keys.relay_keys_file: `fieldnode keys relay` at the centre', async () => {
    const config = await writeConfig(
      dir,
      'gateway.yaml',
      `node: { id: 3001, role: gateway }\ndata_dir: data\nkeys: { kit_key_file: ${keys}/kit-3001.key, relay_keys_file: relay.keys }\n`,
    );
    const before = await listing(dir);
    expect(await failedStart(['--config', config])).toBe(
      [
        `fieldnode: cannot start: the relay keys file ${dir}/relay.keys does not exist`,
        `  keys.relay_keys_file in ${dir}/gateway.yaml names it`,
        "  fix: the centre makes it for this gateway's kits:",
        '         fieldnode keys relay --master FILE --nodes N,N,… --out relay.keys',
        `       copy it here as ${dir}/relay.keys (docs/keys.md §Enrolment step by step)`,
        '',
      ].join('\n'),
    );
    expect(await listing(dir)).toEqual(before);
  });

  it('keys.master_secret_file: `fieldnode keys new-master`, and not a second one', async () => {
    const config = await writeConfig(
      dir,
      'centre.yaml',
      'node: { id: 1, role: centre }\ndata_dir: data\nkeys: { master_secret_file: master.secret }\n',
    );
    const before = await listing(dir);
    expect(await failedStart(['--config', config])).toBe(
      [
        `fieldnode: cannot start: the master secret file ${dir}/master.secret does not exist`,
        `  keys.master_secret_file in ${dir}/centre.yaml names it`,
        `  fix: a county makes its master secret once: fieldnode keys new-master --out ${dir}/master.secret`,
        '       if this county has one already, do not make another (every kit would need enrolling again):',
        '       bring back its file (docs/keys.md §Enrolment step by step)',
        '',
      ].join('\n'),
    );
    expect(await listing(dir)).toEqual(before);
  });
});

describe('a second fieldnode on the same data directory', () => {
  it('names the one running, its pid, how to see it and stop it, and changes nothing', async () => {
    const config = await writeConfig(dir, 'kit.yaml', kitYaml(`${keys}/kit-2107.key`));
    const first = startFieldnode(['start', '--config', config], { cwd: dir });
    daemons.push(first);
    await first.waitFor('fieldnode running');
    const pid = first.child.pid as number;
    const before = await listing(join(dir, 'data'));
    expect(before).toEqual(['control.sock', 'fieldnode.pid', 'identity.json', 'store', ...before.slice(4)]);
    expect(await failedStart(['--config', config])).toBe(
      [
        `fieldnode: cannot start: another fieldnode (pid ${pid}) is running on the data directory ${dir}/data`,
        `  its store ${dir}/data/store is locked by pid ${pid}`,
        `  fix: see it: fieldnode status --config ${dir}/kit.yaml`,
        `       stop it: kill ${pid} (it stops cleanly), or \`systemctl stop fieldnode\` if systemd runs it; then start this one again`,
        '       (or give this one a data directory of its own: data_dir, --data-dir)',
        '',
      ].join('\n'),
    );
    expect(await listing(join(dir, 'data'))).toEqual(before);
    // The first is untouched: it still answers, and stops cleanly, taking its pid file with it.
    expect((await runFieldnode(['status', '--config', config], { cwd: dir })).code).toBe(0);
    expect((await first.stop()).code).toBe(0);
    expect(await listing(join(dir, 'data'))).not.toContain('fieldnode.pid');
  });

  it('a pid file left by a daemon that was killed is stale: the next start replaces it and says so', async () => {
    const config = await writeConfig(dir, 'kit.yaml', kitYaml(`${keys}/kit-2107.key`));
    const killed = startFieldnode(['start', '--config', config], { cwd: dir });
    await killed.waitFor('fieldnode running');
    await killed.stop('SIGKILL');
    expect(await listing(join(dir, 'data'))).toContain('fieldnode.pid');
    const next = startFieldnode(['start', '--config', config], { cwd: dir });
    daemons.push(next);
    await next.waitFor('fieldnode running');
    const stale = next.stdout.split('\n').find((l) => l.includes('did not stop cleanly'));
    expect(JSON.parse(stale ?? '{}')).toMatchObject({
      level: 40,
      pid: killed.child.pid,
      running: false,
      msg: 'the pid file was left by a fieldnode that did not stop cleanly: replaced',
    });
  });
});

const diskSkip = smallDiskSkip();
if (diskSkip !== undefined) console.log(`start-failures.test.ts: the disk tests are skipped: ${diskSkip}`);

describe.skipIf(diskSkip !== undefined)('the disk', () => {
  let disk: ReturnType<typeof smallDisk> | undefined;
  beforeEach(() => {
    disk = smallDisk();
  });
  afterEach(() => {
    disk?.unmount();
    disk = undefined;
  });

  it('read-only: what could not be written where, and the remount; nothing changes', async () => {
    if (disk === undefined) throw new Error('no disk');
    const data = join(disk.dir, 'ro', 'data');
    await mkdir(data, { recursive: true });
    disk.remountReadOnly();
    const config = await writeConfig(dir, 'kit.yaml', kitYaml(`${keys}/kit-2107.key`));
    expect(await failedStart(['--config', config, '--data-dir', data])).toBe(
      [
        `fieldnode: cannot start: cannot write the node identity in ${data}: the file system is read-only`,
        `  --data-dir names ${data}`,
        `  fix: remount it read-write (\`findmnt -T ${data}\` shows the mount),`,
        '       or choose a writable data directory: data_dir in the configuration, --data-dir or FIELDNODE_DATA_DIR',
        '',
      ].join('\n'),
    );
    expect(await listing(join(disk.dir, 'ro'))).toEqual(['data']);
    // A data directory to be made on it: said as what cannot be made where.
    expect(await failedStart(['--config', config], { FIELDNODE_DATA_DIR: join(disk.dir, 'ro', 'new') })).toBe(
      [
        `fieldnode: cannot start: cannot make the data directory ${disk.dir}/ro/new in ${disk.dir}/ro: the file system is read-only`,
        `  FIELDNODE_DATA_DIR names ${disk.dir}/ro/new`,
        `  fix: remount it read-write (\`findmnt -T ${disk.dir}/ro\` shows the mount),`,
        '       or choose a writable data directory: data_dir in the configuration, --data-dir or FIELDNODE_DATA_DIR',
        '',
      ].join('\n'),
    );
    expect(await listing(join(disk.dir, 'ro'))).toEqual(['data']);
  });

  it('full, on a new node: the file that could not be written, and where to free space; nothing is left', async () => {
    if (disk === undefined) throw new Error('no disk');
    const data = join(disk.dir, 'data');
    await mkdir(data);
    fill(disk.dir);
    const config = await writeConfig(dir, 'kit.yaml', kitYaml(`${keys}/kit-2107.key`));
    expect(await failedStart(['--config', config, '--data-dir', data])).toBe(
      [
        `fieldnode: cannot start: cannot write ${data}/store/MANIFEST-000001 (the store): the disk is full`,
        `  fix: free some space on the disk of ${data} (\`df -h ${data}\` shows how full it is), then start again`,
        '',
      ].join('\n'),
    );
    expect(await listing(disk.dir)).toEqual(['data', 'filler']); // the store it began is gone again
    // A data directory the start had to make is removed too, and the fix names one that exists.
    expect(await failedStart(['--config', config, '--data-dir', join(data, 'new', 'dir')])).toBe(
      [
        `fieldnode: cannot start: cannot write ${data}/new/dir/store/MANIFEST-000001 (the store): the disk is full`,
        `  fix: free some space on the disk of ${data} (\`df -h ${data}\` shows how full it is), then start again`,
        '',
      ].join('\n'),
    );
    expect(await listing(disk.dir)).toEqual(['data', 'filler']);
  });
});
