/**
 * What one start of the daemon made on disk, so that a start that fails removes it again and leaves
 * the data directory as it found it (docs/operating.md §When a start fails).
 *
 * Only what this start made is recorded, and it is removed in the reverse order. A directory is
 * removed only if it is empty, unless it was handed over as a tree: the store directory, once this
 * process held the store's lock in it (or made it and LevelDB failed inside it), holds nothing of
 * anyone else's. So two starts racing on a new directory never remove what the winner is using.
 */
import { rm, rmdir, unlink } from 'node:fs/promises';
import type { Logger } from '../base/logger.js';

type Kind = 'file' | 'dir' | 'tree';

export class CreatedPaths {
  readonly #made: Array<{ path: string; kind: Kind }> = [];

  /** A file this start made. */
  file(path: string): void {
    this.#made.push({ path, kind: 'file' });
  }

  /** A directory this start made; removed only if empty. */
  dir(path: string): void {
    this.#made.push({ path, kind: 'dir' });
  }

  /** Whether this start made `path`. */
  has(path: string): boolean {
    return this.#made.some((m) => m.path === path);
  }

  /** A directory this start made whose whole content is its own (see the header): removed with it. */
  ownTree(path: string): void {
    for (const m of this.#made) if (m.path === path && m.kind === 'dir') m.kind = 'tree';
  }

  /** The paths recorded, oldest first (for tests and the log). */
  get paths(): readonly string[] {
    return this.#made.map((m) => m.path);
  }

  /**
   * Removes everything recorded, newest first. Never throws: what cannot be removed is logged and
   * left, since the start is failing already and its own error is the one to report.
   */
  async undo(log: Logger): Promise<void> {
    for (const { path, kind } of this.#made.splice(0).reverse()) {
      try {
        if (kind === 'file') await unlink(path);
        else if (kind === 'tree') await rm(path, { recursive: true, force: true });
        else await rmdir(path);
      } catch (err) {
        const code = (err as { code?: unknown }).code;
        if (code === 'ENOENT') continue;
        if (code === 'ENOTEMPTY' || code === 'EEXIST') {
          log.debug({ path }, 'a directory this start made holds files it did not make: left in place');
          continue;
        }
        log.warn({ err, path }, 'could not remove what the failed start made: remove it by hand');
      }
    }
  }
}
