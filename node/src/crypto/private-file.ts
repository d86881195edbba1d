/**
 * Files that only their owner may read: the key files and the node's identity (docs/keys.md §File
 * modes). Both kinds are opened and written here, so what one checks the other checks too.
 *
 * - Reading refuses a file that group or others may read, with KEYS_INSECURE and the `chmod 600`
 *   that fixes it. The mode checked is that of the open handle, not of the path, so it is the mode
 *   of the file read even if the path is swapped in between.
 * - Writing never replaces a file: the text goes to a private temp file beside it that is synced,
 *   then hard-linked to its name, which fails with EEXIST if the name exists. A crash leaves either
 *   no file or a whole one, and of two writers racing for one name exactly one wins.
 */
import { randomBytes } from 'node:crypto';
import { link, open, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { isKitError, KitError } from '../base/errors.js';
import { syncDir } from '../base/new-private-file.js';

/** What a private file is, for the messages that refuse it. */
export interface PrivateFileSpec {
  /** How messages name the file, e.g. "kit.key (keys.kit_key_file)". Default: its path. */
  source?: string;
  /** What it holds, e.g. "this kit’s key". */
  holds: string;
  /** What to do if others may have copied it, e.g. "ask the centre to re-enrol this kit". */
  ifCopied: string;
  /** A larger file is refused as not a key file. Default: no limit. */
  maxBytes?: number;
}

/**
 * The text of `file`, which only its owner may read.
 * @throws KitError KEYS_INSECURE when group or others may read it, saying how to fix it;
 *   KEYS_UNREADABLE when it cannot be opened (see {@link isNoSuchFile}) or read, is not a regular
 *   file, or is larger than `maxBytes`.
 */
export async function readPrivateFile(file: string, spec: PrivateFileSpec): Promise<string> {
  const source = spec.source ?? file;
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(file, 'r');
  } catch (err) {
    throw new KitError('KEYS_UNREADABLE', `cannot open ${source}: ${describe(err)}`, { cause: err });
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new KitError('KEYS_UNREADABLE', `${source} is not a regular file`);
    // POSIX modes mean nothing on Windows; the Pi and every supported target are POSIX.
    if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
      const mode = (stat.mode & 0o777).toString(8).padStart(4, '0');
      throw new KitError(
        'KEYS_INSECURE',
        `${source} holds ${spec.holds} but has mode ${mode}, so other users can read it. ` +
          `Run: chmod 600 ${file}  (if others may have copied it, ${spec.ifCopied})`,
      );
    }
    if (spec.maxBytes !== undefined && stat.size > spec.maxBytes) {
      throw new KitError('KEYS_UNREADABLE', `${source} is ${stat.size} bytes: not a key file`);
    }
    return await handle.readFile('utf8');
  } catch (err) {
    if (err instanceof KitError) throw err;
    throw new KitError('KEYS_UNREADABLE', `cannot read ${source}: ${describe(err)}`, { cause: err });
  } finally {
    await handle.close();
  }
}

/** Whether `err`, thrown by {@link readPrivateFile}, says that there is no such file. */
export function isNoSuchFile(err: unknown): boolean {
  return isKitError(err, 'KEYS_UNREADABLE') && hasCode(err.cause, 'ENOENT');
}

/**
 * Writes `text` to the new file `file`, mode 0600, and makes its directory entry durable.
 * @throws the file system's error as it is: one with code EEXIST when `file` exists, which is
 *   never replaced.
 */
export async function writeNewPrivateFile(file: string, text: string): Promise<void> {
  const dir = dirname(file);
  // Same directory, so link() works; 'wx' makes the temp file ours alone.
  const temp = join(dir, `.${basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.chmod(0o600); // the umask may only narrow the mode, but be exact about it
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await link(temp, file); // unlike rename(), never replaces a file that exists
  } finally {
    await unlink(temp).catch(() => {});
  }
  await syncDir(dir); // make the new directory entry durable
}

function hasCode(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === code;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
