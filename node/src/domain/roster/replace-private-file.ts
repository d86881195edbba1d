/**
 * Replacing a private file in one step (docs/domain-model.md §The roster file; docs/keys.md §File
 * modes): the roster file holds PIN hashes, so it is written as the key files are, mode 0600, and
 * a power cut at any instant leaves the old file or the new one whole, never a mix.
 *
 * The text goes to a temp file beside it (created mode 0600, so it is never readable by others
 * even for a moment), is synced, and is renamed over the name; then the directory is synced, so
 * the rename itself survives a power cut. Unlike the key files (node/src/crypto/private-file.ts),
 * which are never replaced, this one is meant to be.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { syncDir } from '../../base/new-private-file.js';

/** Writes `text` to `file`, replacing it whole. @throws the file system's error as it is. */
export async function replacePrivateFile(file: string, text: string): Promise<void> {
  const dir = dirname(file);
  const temp = join(dir, `.${basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let renamed = false;
  try {
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.chmod(0o600); // the umask may only narrow the mode, but be exact about it
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
    renamed = true;
  } finally {
    if (!renamed) await unlink(temp).catch(() => {});
  }
  await syncDir(dir);
}
