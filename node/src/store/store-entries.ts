/**
 * A store's LevelDB read and written entry by entry, as raw bytes, for restoring a backup into a
 * fresh data directory and for checking one against another (docs/operating.md §Backup and
 * restore). Keys carry their sublevel's prefix as LevelDB holds them (store-layout.ts), so a store
 * written back this way is the same store, byte for byte, and MessageStore opens it as any other.
 */
import { Level } from 'level';
import { storeError } from './store-errors.js';

/** Entries written in one batch while restoring: bounded memory, few syncs. */
const BATCH = 1000;

function rawLevel(dir: string): Level<Uint8Array, Uint8Array> {
  return new Level<Uint8Array, Uint8Array>(dir, { keyEncoding: 'view', valueEncoding: 'view' });
}

/**
 * Writes `entries` into a new LevelDB in `dir` (which must not hold one), the last batch synced;
 * resolves to how many. STORE_FULL and the like when the disk refuses.
 */
export async function writeStoreEntries(
  dir: string,
  entries: AsyncIterable<readonly [Uint8Array, Uint8Array]>,
): Promise<number> {
  const db = rawLevel(dir);
  try {
    await db.open({ createIfMissing: true, errorIfExists: true });
  } catch (err) {
    throw storeError(err, `cannot make a store in ${dir}`);
  }
  let count = 0;
  try {
    let batch = db.batch();
    for await (const [key, value] of entries) {
      batch.put(key, value);
      count++;
      if (batch.length >= BATCH) {
        await batch.write();
        batch = db.batch();
      }
    }
    await batch.write({ sync: true });
  } catch (err) {
    throw storeError(err, `cannot write the store in ${dir}`);
  } finally {
    await db.close();
  }
  return count;
}

/** Every entry of the (closed) store in `dir`, in key order: for checking a restore. */
export async function* readStoreEntries(dir: string): AsyncGenerator<[Uint8Array, Uint8Array]> {
  const db = rawLevel(dir);
  try {
    await db.open({ createIfMissing: false });
  } catch (err) {
    throw storeError(err, `cannot open the store in ${dir}`);
  }
  try {
    for await (const entry of db.iterator()) yield entry;
  } finally {
    await db.close();
  }
}
