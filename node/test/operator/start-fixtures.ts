/**
 * What the `fieldnode start` operator tests share (docs/operating.md §Starting and stopping, §When a
 * start fails): key files made by the real `fieldnode keys` commands, configurations, a listing of
 * what a data directory holds, and small file systems that are really read-only or really full.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFieldnode } from '../fieldnode-binary.js';

/** Makes a master secret, the kit key files of `nodes` and a relay keys file for them, in `dir`. */
export async function makeKeys(dir: string, nodes: readonly number[]): Promise<void> {
  const run = async (args: string[]) => {
    const r = await runFieldnode(args, { cwd: dir });
    if (r.code !== 0) throw new Error(`fieldnode ${args.join(' ')}: ${r.stderr}`);
  };
  await run(['keys', 'new-master', '--out', 'master.secret']);
  for (const n of nodes)
    await run(['keys', 'kit', '--master', 'master.secret', '--node', String(n), '--out', `kit-${n}.key`]);
  await run([
    'keys',
    'relay',
    '--master',
    'master.secret',
    '--nodes',
    nodes.join(','),
    '--out',
    'relay.keys',
  ]);
}

/** Writes `name` in `dir` with a node's configuration (YAML); returns its path. */
export async function writeConfig(dir: string, name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

/** Every path under `dir`, relative, sorted; [] when `dir` does not exist. */
export async function listing(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { recursive: true })).map(String).sort();
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ENOENT') return [];
    throw err;
  }
}

/** Why the disk tests cannot run here, or undefined: mounting a tmpfs needs root (CI runs as root). */
export function smallDiskSkip(): string | undefined {
  return process.getuid?.() === 0 ? undefined : 'mounting a small tmpfs needs root (CI runs as root)';
}

/**
 * A 256 KiB tmpfs of its own, for a disk that is really full or really read-only. Call it in a test
 * or a beforeAll (never at collection, where a filtered run would mount it and never unmount it),
 * and unmount it in a finally or an afterAll.
 */
export function smallDisk(): { dir: string; remountReadOnly(): void; unmount(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'fieldnode-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', dir], { stdio: 'ignore' });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    dir,
    remountReadOnly: () => execFileSync('mount', ['-o', 'remount,ro', dir], { stdio: 'ignore' }),
    unmount: () => {
      execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Fills the file system of `dir` to the last byte, with one file `name` in `dir`. */
export function fill(dir: string, name = 'filler'): void {
  try {
    execFileSync('dd', ['if=/dev/zero', `of=${join(dir, name)}`, 'bs=4k'], { stdio: 'ignore' });
  } catch {
    // dd ends with "No space left on device": that is the point.
  }
}
