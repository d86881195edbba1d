/**
 * `fieldnode restore` (docs/operating.md §Backup and restore): a backup written back into a fresh
 * data directory. Every file of the backup is checked against its manifest (size and SHA-256)
 * before anything is written; the store is written back entry by entry (store-entries.ts) into a
 * new LevelDB, the other files as they were, mode 0600 in directories of 0700. A restore never
 * writes over anything: the data directory must not exist or be empty, and key files (when the
 * backup has them and the operator names where they go) are never written over an existing file.
 * A restore that fails removes what it made, and only that: the data directory when it made it,
 * else (an empty directory given, such as a mount point) what it wrote inside, and the key files it
 * wrote.
 */
import { createHash } from 'node:crypto';
import { mkdir, open, readdir, readFile, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { isKitError, KitError } from '../base/errors.js';
import type { Logger } from '../base/logger.js';
import { writeNewPrivateFile } from '../base/new-private-file.js';
import { writeStoreEntries } from '../store/store-entries.js';
import './backup-errors.js';
import { type BackupFile, type BackupManifest, MANIFEST_FILE, parseManifest } from './backup-manifest.js';
import { DumpReader } from './store-dump.js';

export interface RestoreOptions {
  /** The backup's directory. */
  from: string;
  /** The data directory to make. */
  dataDir: string;
  /** Where the backup's key files go, if it has any and they are wanted; never over a file. */
  keysTo?: string;
  log: Logger;
}

export interface Restored {
  manifest: BackupManifest;
  /** Store entries written. */
  entries: number;
  /** Other files of the data directory written. */
  files: number;
  /** Key files written, where; and those the backup has that were not written (no --keys-to). */
  keys: string[];
  keysLeft: string[];
}

export async function restoreBackup(o: RestoreOptions): Promise<Restored> {
  const from = resolve(o.from);
  const dataDir = resolve(o.dataDir);
  const manifestPath = join(from, MANIFEST_FILE);
  const text = await readFile(manifestPath, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new KitError(
      'BACKUP_CORRUPT',
      err.code === 'ENOENT'
        ? `${from} has no ${MANIFEST_FILE}: not a fieldnode backup, or one that was never finished`
        : `${manifestPath} cannot be read: ${err.message}`,
      { cause: err },
    );
  });
  const manifest = parseManifest(text, manifestPath);
  // Every byte checked before one is written.
  for (const f of [manifest.store, ...manifest.files, ...manifest.keys]) await checkFile(from, f);
  await checkEmpty(dataDir);
  // What this restore made, for a failure to take away: the topmost directory it created (when the
  // data directory existed, empty, nothing above it), what it wrote inside, and its key files.
  let madeDir: string | undefined;
  let existed = false;
  const keys: string[] = [];
  let madeKeysDir: string | undefined;
  try {
    madeDir = await mkdir(dataDir, { recursive: true, mode: 0o700 });
    existed = madeDir === undefined;
    const storeDir = join(dataDir, 'store');
    await mkdir(storeDir, { mode: 0o700 });
    const entries = await writeStoreEntries(storeDir, dumpEntries(join(from, manifest.store.path)));
    if (entries !== manifest.store.entries)
      throw new KitError(
        'BACKUP_CORRUPT',
        `${manifest.store.path} holds ${entries} entries, the manifest says ${manifest.store.entries}`,
      );
    for (const f of manifest.files) {
      const target = join(dataDir, ...f.path.split('/'));
      await mkdir(dirname(target), { recursive: true, mode: 0o700 });
      await writeNewPrivateFile(target, await readFile(join(from, ...f.path.split('/'))));
    }
    if (o.keysTo !== undefined) {
      madeKeysDir = await mkdir(o.keysTo, { recursive: true, mode: 0o700 });
      for (const k of manifest.keys) {
        const target = join(resolve(o.keysTo), basename(k.from));
        try {
          await writeNewPrivateFile(target, await readFile(join(from, ...k.path.split('/'))));
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'EEXIST')
            throw new KitError(
              'KEYS_EXISTS',
              `${target} exists: a key file is never written over; move it aside first`,
              {
                cause: err,
              },
            );
          throw err;
        }
        keys.push(target);
      }
    }
    const keysLeft = o.keysTo === undefined ? manifest.keys.map((k) => `${k.setting}: ${k.from}`) : [];
    o.log.info(
      { from, dataDir, entries, files: manifest.files.length, keys: keys.length },
      'backup restored',
    );
    return { manifest, entries, files: manifest.files.length, keys, keysLeft };
  } catch (err) {
    await undo(dataDir, madeDir, existed, madeKeysDir === undefined ? keys : [madeKeysDir], o.log);
    throw err;
  }
}

/**
 * Takes away what a failed restore made. A data directory that existed before (empty: checked) is
 * kept, only emptied: it may be a mount point, which `rm -rf` would take from under its mount.
 */
async function undo(
  dataDir: string,
  madeDir: string | undefined,
  existed: boolean,
  keys: readonly string[],
  log: Logger,
): Promise<void> {
  const targets = [...keys];
  if (madeDir !== undefined) targets.push(madeDir);
  else if (existed) targets.push(...(await readdir(dataDir).catch(() => [])).map((e) => join(dataDir, e)));
  for (const t of targets)
    await rm(t, { recursive: true, force: true }).catch((err: unknown) =>
      log.warn(
        { err, path: t },
        'restore failed, and what it made could not all be removed: remove it by hand',
      ),
    );
}

async function checkFile(from: string, f: BackupFile): Promise<void> {
  const path = join(from, ...f.path.split('/'));
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new KitError('BACKUP_CORRUPT', `${path} is missing from the backup, or cannot be read`, {
      cause: err,
    });
  }
  const sha = createHash('sha256').update(bytes).digest('hex');
  if (bytes.length !== f.bytes || sha !== f.sha256)
    throw new KitError(
      'BACKUP_CORRUPT',
      `${path} is not the file the backup made (${bytes.length} bytes, the manifest says ${f.bytes}; its SHA-256 differs): the backup is damaged`,
    );
}

async function checkEmpty(dataDir: string): Promise<void> {
  const entries = await readdir(dataDir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [];
    throw err;
  });
  if (entries.length > 0)
    throw new KitError(
      'RESTORE_NOT_EMPTY',
      `${dataDir} is not empty: a restore never writes over a node; restore into a new directory, then point data_dir (or --data-dir) at it`,
    );
}

/** The dump's entries, read in chunks; BACKUP_CORRUPT when it is damaged. */
async function* dumpEntries(path: string): AsyncGenerator<[Uint8Array, Uint8Array]> {
  const reader = new DumpReader();
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(256 * 1024);
    for (;;) {
      const { bytesRead } = await file.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      yield* reader.push(buffer.subarray(0, bytesRead));
    }
    reader.end();
  } catch (err) {
    if (isKitError(err)) throw err;
    throw new KitError('BACKUP_CORRUPT', `${path} cannot be read`, { cause: err });
  } finally {
    await file.close();
  }
}
