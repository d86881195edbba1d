/**
 * Tests for start-failure.ts: the text of a failed start, from the errors the start really throws
 * (a missing key file read by the daemon's reader, LevelDB's lock held, the owner check). Errors
 * that only a full or read-only disk gives are built here as the file system and LevelDB give them;
 * node/test/operator/start-failures.test.ts makes them for real through the binary.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isKitError, KitError } from '../base/errors.js';
import { readNodeKeyFiles } from '../composition/node-keys.js';
import { parseConfig } from '../config/load.js';
import { checkNotInUse, checkOwner } from '../daemon/data-dir-check.js';
import { MessageStore } from '../store/message-store.js';
import { explainStartFailure, formatStartFailure, startFailureContext } from './start-failure.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-failure-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const kitConfig = (keys: object = {}) =>
  parseConfig(
    { node: { id: 2107, role: 'kit' }, data_dir: 'data', keys },
    { baseDir: dir, env: {}, cwd: dir },
  );
const base = () => ({ config: kitConfig(), configFile: join(dir, 'kit.yaml') });

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (err: unknown) => err,
  );
}

/** An error as the file system gives it. */
function systemError(code: string, path: string, syscall: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${syscall} '${path}'`), { code, path, syscall, errno: -1 });
}

describe('explainStartFailure', () => {
  it('a missing kit key file: the file, the configuration key that names it, and the command that makes it', async () => {
    const config = kitConfig({ kit_key_file: 'kit.key' });
    const err = await failure(readNodeKeyFiles(config));
    const text = explainStartFailure(err, { config, configFile: join(dir, 'kit.yaml') });
    expect(formatStartFailure(text)).toBe(
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
    expect(text.code).toBe('KEYS_UNREADABLE');
  });

  it('a key file the daemon user may not read: whose it must be', () => {
    const config = kitConfig({ kit_key_file: 'kit.key' });
    const file = join(dir, 'kit.key');
    const err = new KitError('KEYS_UNREADABLE', `cannot open ${file}`, {
      cause: systemError('EACCES', file, 'open'),
    });
    const text = explainStartFailure(err, {
      config,
      configFile: undefined,
      user: { uid: 998, name: 'fieldnode' },
    });
    expect(text.problem).toBe(`the kit key file ${file} cannot be read by this user, fieldnode (uid 998)`);
    expect(text.fix[0]).toBe(
      `give it to the daemon's user, keeping it private: chown fieldnode ${file} && chmod 600 ${file}`,
    );
  });

  // The lock's holder is read from Linux's /proc/locks.
  it.skipIf(process.platform !== 'linux')(
    "the store's lock held: another fieldnode, its pid from the lock, and how to see and stop it",
    async () => {
      const config = kitConfig();
      // Another process holds the store, as a running daemon does (in one process, LevelDB's second
      // open would close the first's lock: POSIX locks belong to the process).
      const holder = spawn(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `import { Level } from 'level'; const db = new Level(${JSON.stringify(join(config.dataDir, 'store'))}); await db.open(); console.log('held'); setInterval(() => {}, 1000);`,
        ],
        { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'] },
      );
      try {
        await new Promise<void>((resolve) => holder.stdout.once('data', () => resolve()));
        // The start's own check, before LevelDB is opened; and LevelDB's refusal, if it is reached.
        const checked = await failure(checkNotInUse(config.dataDir));
        expect(isKitError(checked, 'DATA_DIR_IN_USE')).toBe(true);
        const level = await failure(MessageStore.open(join(config.dataDir, 'store')));
        expect(isKitError(level, 'STORE_LOCKED')).toBe(true);
        for (const err of [checked, level]) {
          const text = explainStartFailure(err, await startFailureContext(err, { ...base(), config }));
          expect(text.problem).toBe(
            `another fieldnode (pid ${holder.pid}) is running on the data directory ${dir}/data`,
          );
          expect(text.where).toContain(
            'it wrote no fieldnode.pid: it is starting or stopping right now, or is an older fieldnode',
          );
          expect(text.fix).toEqual([
            `see it: fieldnode status --config ${dir}/kit.yaml`,
            `stop it: kill ${holder.pid} (it stops cleanly), or \`systemctl stop fieldnode\` if systemd runs it; then start this one again`,
            '(or give this one a data directory of its own: data_dir, --data-dir)',
          ]);
        }
      } finally {
        holder.kill();
      }
    },
  );

  it('a stale pid file is called stale, and the lock names the real holder', () => {
    const config = kitConfig();
    const err = new KitError('STORE_LOCKED', 'cannot open the store: another process holds it', {
      cause: Object.assign(new Error('Database failed to open'), { code: 'LEVEL_LOCKED' }),
    });
    const text = explainStartFailure(err, {
      ...base(),
      config,
      other: { pidFile: { state: 'stale', pid: 4242 }, holder: 777 },
    });
    expect(text.problem).toBe(`another fieldnode (pid 777) is running on the data directory ${dir}/data`);
    expect(text.where).toEqual([
      `its store ${dir}/data/store is locked by pid 777`,
      `the pid file ${dir}/data/fieldnode.pid names pid 4242, which is not running: it is stale`,
    ]);
  });

  it('the control socket of another daemon (STORE_LOCKED without a LevelDB lock) is said as it is', () => {
    const err = new KitError('STORE_LOCKED', 'another fieldnode daemon answers on /run/x.sock: …');
    expect(explainStartFailure(err, base()).problem).toBe(
      'another fieldnode daemon answers on /run/x.sock: …',
    );
  });

  it('a data directory of another node: both nodes, and --adopt; without --config, to give one', () => {
    const config = kitConfig();
    let err: unknown;
    try {
      checkOwner({
        dataDir: config.dataDir,
        hasIdentity: true,
        owner: { nodeId: 2108, role: 'kit' },
        node: config.node,
        adopt: false,
      });
    } catch (e) {
      err = e;
    }
    const owner = { nodeId: 2108, role: 'kit' };
    const text = explainStartFailure(err, { ...base(), owner, dataDirFrom: `data_dir in ${dir}/kit.yaml` });
    expect(text.problem).toBe(
      `the data directory ${dir}/data belongs to node 2108 (kit), not to node 2107 (kit)`,
    );
    expect(text.fix[1]).toBe(
      `or, to move this directory to node 2107 on purpose: fieldnode start --config ${dir}/kit.yaml --adopt`,
    );
    const bare = explainStartFailure(err, { config, configFile: undefined, owner });
    expect(bare.fix).toEqual(["start it with the node's configuration: fieldnode start --config FILE"]);
  });

  it('a read-only data directory: what could not be written there, and the remount', () => {
    const config = kitConfig();
    const err = new KitError('DATA_DIR_UNWRITABLE', `cannot write the node identity in ${config.dataDir}`, {
      cause: systemError('EROFS', config.dataDir, 'access'),
    });
    const text = explainStartFailure(err, { ...base(), dataDirFrom: '--data-dir' });
    expect(formatStartFailure(text)).toBe(
      [
        `fieldnode: cannot start: cannot write the node identity in ${dir}/data: the file system is read-only`,
        `  --data-dir names ${dir}/data`,
        `  fix: remount it read-write (\`findmnt -T ${dir}/data\` shows the mount),`,
        '       or choose a writable data directory: data_dir in the configuration, --data-dir or FIELDNODE_DATA_DIR',
        '',
      ].join('\n'),
    );
  });

  it('a full disk: the file LevelDB could not write, and where to free space', () => {
    const config = kitConfig();
    const manifest = join(config.dataDir, 'store', 'MANIFEST-000001');
    const level = Object.assign(new Error(`IO error: ${manifest}: No space left on device`), {
      code: 'LEVEL_IO_ERROR',
    });
    const err = new KitError('STORE_FULL', 'cannot open the store: the disk is full', {
      cause: Object.assign(new Error('Database failed to open'), {
        code: 'LEVEL_DATABASE_NOT_OPEN',
        cause: level,
      }),
    });
    const text = explainStartFailure(err, { ...base(), existingDir: dir });
    expect(text.problem).toBe(`cannot write ${manifest} (the store): the disk is full`);
    // The data directory was new and is gone again: the fix names the directory that is there.
    expect(text.fix).toEqual([
      `free some space on the disk of ${dir} (\`df -h ${dir}\` shows how full it is), then start again`,
    ]);
  });

  it('a full disk on a file with a path: names what the file is', () => {
    const config = kitConfig();
    const err = systemError('ENOSPC', join(config.dataDir, 'fieldnode.pid.123.tmp'), 'open');
    expect(explainStartFailure(err, base()).problem).toBe(
      `cannot write ${dir}/data/fieldnode.pid.123.tmp (the pid file): the disk is full`,
    );
  });

  it('anything else coded says its own message; an uncoded error is a bug, with how to get its stack', () => {
    const coded = new KitError('KEYS_INSECURE', '/etc/kit.key has mode 0644 … Run: chmod 600 /etc/kit.key');
    expect(explainStartFailure(coded, base())).toEqual({
      code: 'KEYS_INSECURE',
      problem: coded.message,
      where: [],
      fix: [],
    });
    const bug = explainStartFailure(new TypeError('x is not a function'), base());
    expect(formatStartFailure(bug)).toBe(
      [
        'fieldnode: cannot start: unexpected error: x is not a function',
        '  fix: this is a bug in fieldnode: start it again with FIELDNODE_LOG_LEVEL=debug, which logs the',
        '       stack trace, and report it with that log',
        '',
      ].join('\n'),
    );
  });

  it('a directory of another user: permission denied, to whom, and the chown; a file it could not read says read', () => {
    const config = kitConfig();
    const user = { uid: 998, name: 'fieldnode' };
    const unwritable = new KitError('DATA_DIR_UNWRITABLE', `cannot write the store in ${config.dataDir}`, {
      cause: systemError('EACCES', config.dataDir, 'access'),
    });
    const text = explainStartFailure(unwritable, { ...base(), user });
    expect(text.problem).toBe(
      `cannot write the store in ${dir}/data: permission denied to the daemon's user, fieldnode`,
    );
    expect(text.fix[0]).toBe(`give the daemon's user the directory: chown -R fieldnode ${dir}/data`);
    const file = join(config.dataDir, 'identity.json');
    const unreadable = new KitError('KEYS_UNREADABLE', `cannot open ${file}`, {
      cause: systemError('EACCES', file, 'open'),
    });
    expect(explainStartFailure(unreadable, { ...base(), user }).problem).toBe(
      `cannot read ${file} (the node identity): permission denied to the daemon's user, fieldnode`,
    );
  });
});
