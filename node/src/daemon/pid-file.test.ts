/** Tests for pid-file.ts: what a second start reads about the daemon on its data directory. */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MessageStore } from '../store/message-store.js';
import { isRunning, lockHolder, readPidFile, removePidFile, writePidFile } from './pid-file.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-pid-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The pid of a process that has ended: nothing runs under it now (pids are not reused that fast). */
function endedPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

describe('the pid file', () => {
  it('names this process once written, and is gone once removed, with no temp file left', async () => {
    expect(await readPidFile(dir)).toEqual({ state: 'none' });
    await writePidFile(dir);
    expect(await readFile(join(dir, 'fieldnode.pid'), 'utf8')).toBe(`${process.pid}\n`);
    expect(await readPidFile(dir)).toEqual({ state: 'running', pid: process.pid });
    expect(await readdir(dir)).toEqual(['fieldnode.pid']);
    await removePidFile(dir);
    expect(await readdir(dir)).toEqual([]);
  });

  it('is stale when the process it names has ended, and a new one replaces it', async () => {
    const gone = endedPid();
    expect(isRunning(gone)).toBe(false);
    await writeFile(join(dir, 'fieldnode.pid'), `${gone}\n`);
    expect(await readPidFile(dir)).toEqual({ state: 'stale', pid: gone });
    await writePidFile(dir);
    expect(await readPidFile(dir)).toEqual({ state: 'running', pid: process.pid });
  });

  it("is never removed by a process it does not name: another daemon's stays", async () => {
    await writePidFile(dir, 1);
    await removePidFile(dir);
    expect(await readPidFile(dir)).toEqual({ state: 'running', pid: 1 });
  });

  it('says so when it holds no pid', async () => {
    await writeFile(join(dir, 'fieldnode.pid'), 'hello\n');
    expect(await readPidFile(dir)).toMatchObject({ state: 'unreadable' });
  });
});

describe.skipIf(process.platform !== 'linux')('lockHolder', () => {
  it("names the process holding the store's LevelDB lock, from /proc/locks, and nobody once it is closed", async () => {
    const store = await MessageStore.open(join(dir, 'store'));
    try {
      expect(await lockHolder(join(dir, 'store', 'LOCK'))).toBe(process.pid);
    } finally {
      await store.close();
    }
    expect(await lockHolder(join(dir, 'store', 'LOCK'))).toBeUndefined();
    expect(await lockHolder(join(dir, 'missing'))).toBeUndefined();
  });
});
