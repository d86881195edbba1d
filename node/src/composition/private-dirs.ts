/**
 * The node's private directories (docs/keys.md §File modes): the data directory, which holds the
 * identity, the store, the budgets and the control socket, and the store directory in it. Only
 * the daemon's user may enter them.
 *
 * At start each is made with mode 0700 if missing; one that exists with any bit for group or
 * others is set to 0700, with a warning, since LevelDB and the other files inside are made with
 * the umask's mode (often 0644) and rely on the directory to keep them private. The mode is read
 * and set through one open handle of the directory (fstat, fchmod), so the directory checked is
 * the directory changed even if its path is swapped in between.
 *
 * Refused rather than repaired: a shared directory (sticky bit, like /tmp), whose other users
 * setting 0700 would lock out, and another user's directory, which this user cannot change.
 *
 * The directories made are reported to the caller, parent first, so that a start that fails later
 * can remove them again (docs/operating.md §When a start fails).
 */
import { constants } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { KitError } from '../base/errors.js';
import type { Logger } from '../base/logger.js';

export interface SecurePrivateDirsOptions {
  /** Told of each directory made (not of those that existed), parent first. Default: nobody. */
  made?: (dir: string) => void;
}

/**
 * Makes or repairs each directory, in order (list a parent before what is inside it).
 * @throws KitError KEYS_INSECURE for a directory that cannot be made private; CONFIG_INVALID for a
 *   path that is not a usable directory (the file system's error as its cause).
 */
export async function securePrivateDirs(
  dirs: readonly string[],
  log: Logger,
  opts: SecurePrivateDirsOptions = {},
): Promise<void> {
  for (const dir of dirs) await securePrivateDir(dir, log, opts.made);
}

async function securePrivateDir(dir: string, log: Logger, made?: (dir: string) => void): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    const first = await mkdir(dir, { recursive: true, mode: 0o700 });
    if (first !== undefined && made !== undefined) for (const d of madeChain(first, dir)) made(d);
    handle = await open(dir, constants.O_RDONLY | constants.O_DIRECTORY);
  } catch (err) {
    throw new KitError('CONFIG_INVALID', `data_dir: cannot use ${dir} as a directory: ${describe(err)}`, {
      cause: err,
    });
  }
  try {
    // POSIX modes mean nothing on Windows; the Pi and every supported target are POSIX.
    if (process.platform === 'win32') return;
    const stat = await handle.stat();
    const mode = (stat.mode & 0o7777).toString(8).padStart(4, '0');
    if ((stat.mode & 0o1000) !== 0) {
      // S_ISVTX, the sticky bit (node:fs has no constant for it)
      throw new KitError(
        'KEYS_INSECURE',
        `${dir} is a shared directory (mode ${mode}, sticky bit, like /tmp): give fieldnode a directory ` +
          'of its own in data_dir',
      );
    }
    if ((stat.mode & 0o077) === 0) return;
    const uid = process.getuid?.();
    if (uid !== undefined && uid !== 0 && stat.uid !== uid) {
      throw new KitError(
        'KEYS_INSECURE',
        `${dir} has mode ${mode}, so other users can read this node's files, and it belongs to uid ` +
          `${stat.uid}, not to this daemon's user (uid ${uid}), so it cannot be made private: ` +
          `chown it to the daemon's user, or choose another data_dir`,
      );
    }
    await handle.chmod(0o700);
    log.warn({ dir, was: mode }, 'a private directory was open to other users: its mode is now 0700');
  } finally {
    await handle.close();
  }
}

/** `first` (the top directory mkdir made) and each one below it down to `dir`, parent first. */
function madeChain(first: string, dir: string): string[] {
  const chain: string[] = [];
  for (let d = dir; d !== first && dirname(d) !== d; d = dirname(d)) chain.unshift(d);
  chain.unshift(first);
  return chain;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
