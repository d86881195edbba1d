/**
 * The two steps every private file's write shares (docs/keys.md §File modes;
 * docs/conventions.md §Journals beside the store): a new file made mode 0600 with 'wx', so it is
 * never readable by others even for a moment and never replaces a file that exists, written and
 * synced before it is closed; and a directory synced, so a name made or renamed in it survives a
 * power cut. Only node:fs: the base imports nothing of ours (docs/architecture.md §The dependency
 * rule).
 */
import { open } from 'node:fs/promises';

/**
 * Writes `data` to the new file `path`, mode 0600, synced before it is closed.
 * @throws the file system's error as it is: one with code EEXIST when `path` exists, which is
 *   never replaced.
 */
export async function writeNewPrivateFile(path: string, data: Uint8Array | string): Promise<void> {
  const file = await open(path, 'wx', 0o600);
  try {
    await file.writeFile(data);
    await file.sync();
  } finally {
    await file.close();
  }
}

/** Syncs the directory `dir`, so the names made or renamed in it survive a power cut. */
export async function syncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return; // directories cannot be opened for fsync there
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
