/**
 * The daemon's pid file, `<data_dir>/fieldnode.pid` (docs/operating.md §When a start fails, §Starting
 * and stopping): which process runs the node on this data directory, so that a second start can say
 * whom it ran into. The store's LevelDB lock is what keeps a second daemon out; it names no process.
 *
 * - Written only while the lock is held (after the store opened), so it names the lock's holder;
 *   replaced, not appended, by the next daemon to hold the lock.
 * - Removed on a clean stop, before the store (and so the lock) is released: a daemon that finds
 *   the lock taken and no pid file ran into one that is starting, stopping, or too old to write one.
 * - A pid file left by a daemon that did not stop (a power cut, SIGKILL) is stale. Its pid may since
 *   have been given to any other process, so "the pid is alive" proves nothing alone: a reader says
 *   what it saw (running or not) and, on Linux, which process /proc/locks says holds the lock.
 */
import { readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** File name of the pid file inside the data directory. */
export const PID_FILE = 'fieldnode.pid';

/** What a pid file says, checked against the running processes. */
export type PidFileState =
  | { state: 'none' }
  | { state: 'running'; pid: number }
  /** The process it names is not running: left by a daemon that did not stop cleanly. */
  | { state: 'stale'; pid: number }
  | { state: 'unreadable'; detail: string };

export function pidFilePath(dataDir: string): string {
  return join(dataDir, PID_FILE);
}

/**
 * Writes this process's pid, replacing a stale file. Call only with the store's lock held.
 * @throws the file system's error (its `path` names the file).
 */
export async function writePidFile(dataDir: string, pid: number = process.pid): Promise<string> {
  const file = pidFilePath(dataDir);
  const temp = `${file}.${pid}.tmp`;
  try {
    await writeFile(temp, `${pid}\n`, { mode: 0o644 });
    await rename(temp, file);
  } catch (err) {
    await unlink(temp).catch(() => {});
    throw err;
  }
  return file;
}

/** Removes the pid file if it still names `pid`; never another daemon's. */
export async function removePidFile(dataDir: string, pid: number = process.pid): Promise<void> {
  const found = await readPidFile(dataDir);
  if ((found.state === 'running' || found.state === 'stale') && found.pid === pid)
    await unlink(pidFilePath(dataDir)).catch(ignoreMissing);
}

/** Reads the pid file and checks whether the process it names is running. Never throws. */
export async function readPidFile(dataDir: string): Promise<PidFileState> {
  let text: string;
  try {
    text = await readFile(pidFilePath(dataDir), 'utf8');
  } catch (err) {
    if (hasCode(err, 'ENOENT') || hasCode(err, 'ENOTDIR')) return { state: 'none' };
    return { state: 'unreadable', detail: err instanceof Error ? err.message : String(err) };
  }
  const pid = Number(text.trim());
  if (!Number.isSafeInteger(pid) || pid <= 0)
    return { state: 'unreadable', detail: `it holds ${JSON.stringify(text.slice(0, 20))}, not a pid` };
  return isRunning(pid) ? { state: 'running', pid } : { state: 'stale', pid };
}

/** Whether a process with this pid exists (signal 0 checks without sending anything). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, under another user.
    return hasCode(err, 'EPERM');
  }
}

/**
 * The pid holding a POSIX lock on `file` (LevelDB's LOCK), from Linux's /proc/locks; undefined
 * elsewhere or when no one holds it. Matched by inode and device, as /proc/locks names files.
 */
export async function lockHolder(file: string, locksFile = '/proc/locks'): Promise<number | undefined> {
  let ino: number;
  let dev: number;
  let table: string;
  try {
    ({ ino, dev } = await stat(file));
    table = await readFile(locksFile, 'utf8');
  } catch {
    return undefined;
  }
  // Linux's new_encode_dev(): minor's low 8 bits, major's 12 bits, then minor's upper bits.
  const major = (dev >> 8) & 0xfff;
  const minor = (dev & 0xff) | ((dev >> 12) & 0xfff00);
  for (const line of table.split('\n')) {
    // "1: POSIX  ADVISORY  WRITE 12345 08:02:1234567 0 EOF"; blocked waiters are marked "->".
    const m = /^\d+:\s+POSIX\s+\S+\s+WRITE\s+(\d+)\s+([0-9a-f]+):([0-9a-f]+):(\d+)\s/.exec(line);
    if (m === null) continue;
    if (
      Number(m[4]) === ino &&
      Number.parseInt(m[2] ?? '', 16) === major &&
      Number.parseInt(m[3] ?? '', 16) === minor
    )
      return Number(m[1]);
  }
  return undefined;
}

function ignoreMissing(err: unknown): void {
  if (!hasCode(err, 'ENOENT')) throw err;
}

function hasCode(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === code;
}
