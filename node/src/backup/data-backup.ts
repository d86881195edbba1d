/**
 * `fieldnode backup` (docs/operating.md §Backup and restore): a consistent copy of a node's data
 * directory, made while the node runs, into a new directory of its own.
 *
 * - **The store** is dumped entry by entry from one LevelDB snapshot (MessageStore.snapshot(),
 *   store-dump.ts), taken under the store's lock once everything staged before is on disk: the store
 *   as it stood at one instant, every message with its record, while admissions go on.
 * - **Every other file** of the data directory (the journals, the audit log, the identity, the
 *   roster, the satellite budgets, the cookie key…) is copied after the snapshot. A journal is
 *   copied up to its last whole line, so a line being appended is left out, never torn. Journals are
 *   appended after the store change they follow, so the copy may hold a journal line a little newer
 *   than the store, never a store change whose journal line is missing (the direction a restart
 *   already copes with: docs/store-and-forward.md §Crashes and the deliveries journal).
 * - **Key files** the configuration names are copied only when the operator asks (`--keys`): the
 *   master secret and the issuer key belong on paper in a safe and on the centre, not on every
 *   backup medium.
 * - Every file is listed in `manifest.json` with its size and SHA-256, written last. Files are made
 *   mode 0600 in directories of 0700: the backup holds personal data and, with `--keys`, secrets.
 */
import { createHash } from 'node:crypto';
import { lstat, mkdir, open, readdir, readFile, realpath, rename } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { KitError } from '../base/errors.js';
import type { Logger } from '../base/logger.js';
import { syncDir, writeNewPrivateFile } from '../base/new-private-file.js';
import type { MessageStore } from '../store/message-store.js';
import './backup-errors.js';
import {
  BACKUP_FORMAT,
  type BackupFile,
  type BackupManifest,
  MANIFEST_FILE,
  STORE_DUMP_FILE,
} from './backup-manifest.js';
import { dumpEntry, dumpHeader, dumpTrailer } from './store-dump.js';

/** What is never copied from the data directory: the store (dumped instead), the pid file, the lock. */
const SKIPPED_TOP = new Set(['store', 'fieldnode.pid', 'control.sock']);
/** Written to disk in pieces of about this size. */
const WRITE_CHUNK = 64 * 1024;

export interface BackupOptions {
  /** The node's open store: the daemon's own, or the command's when no daemon runs. */
  store: MessageStore;
  dataDir: string;
  /** Where the backup goes: a directory that does not exist yet, or an empty one. */
  out: string;
  node: { id: number; role: string };
  /** fieldnode's version, for the manifest. */
  version: string;
  /** The key files to copy too (`--keys`): the configuration's setting and the file. */
  keyFiles?: ReadonlyArray<{ setting: string; path: string }>;
  now: () => number;
  log: Logger;
}

export async function writeBackup(o: BackupOptions): Promise<BackupManifest> {
  const out = resolve(o.out);
  await checkPlace(out, o.dataDir);
  await mkdir(out, { recursive: true, mode: 0o700 });
  const snapshot = await o.store.snapshot();
  const madeAt = o.now();
  const store = await writeDump(join(out, STORE_DUMP_FILE), snapshot);
  const files: BackupFile[] = [];
  for (const path of await dataFiles(o.dataDir)) {
    const bytes = await readFile(join(o.dataDir, ...path.split('/')));
    // A journal's line being appended now is left out, whole: never half a line.
    const whole = path.endsWith('.jsonl') ? bytes.subarray(0, bytes.lastIndexOf(0x0a) + 1) : bytes;
    files.push(await writePrivate(out, path, whole));
  }
  const keys: BackupManifest['keys'] = [];
  const names = new Set<string>();
  for (const k of o.keyFiles ?? []) {
    let name = basename(k.path);
    while (names.has(name)) name = `${k.setting.replace(/\W/g, '-')}-${name}`;
    names.add(name);
    keys.push({
      ...(await writePrivate(out, `keys/${name}`, await readFile(k.path))),
      setting: k.setting,
      from: k.path,
    });
  }
  const manifest: BackupManifest = {
    format: BACKUP_FORMAT,
    version: 1,
    node: { id: o.node.id, role: o.node.role },
    madeAt,
    fieldnode: o.version,
    store: { path: STORE_DUMP_FILE, ...store },
    files,
    keys,
  };
  const temp = join(out, `.${MANIFEST_FILE}.tmp`);
  await writeNewPrivateFile(temp, Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`));
  await rename(temp, join(out, MANIFEST_FILE));
  await syncDir(out);
  o.log.info(
    { out, entries: store.entries, storeBytes: store.bytes, files: files.length, keys: keys.length },
    'backup made',
  );
  return manifest;
}

/** The backup's directory is empty or new, and outside the data directory. */
async function checkPlace(out: string, dataDir: string): Promise<void> {
  const data = await realpath(dataDir).catch(() => resolve(dataDir));
  const real = await realpath(out).catch(() => out);
  if (real === data || real.startsWith(data + sep))
    throw new KitError(
      'BACKUP_INSIDE_DATA_DIR',
      `${out} is inside the data directory ${dataDir}: the backup would copy itself; choose a directory elsewhere (another disk, at best)`,
    );
  const entries = await readdir(out).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [];
    throw err;
  });
  if (entries.length > 0)
    throw new KitError(
      'BACKUP_EXISTS',
      `${out} exists and is not empty: a backup is never written over another; name a new directory`,
    );
}

/** Writes the snapshot's entries as a dump; resolves to its size, digest and number of entries. */
async function writeDump(
  path: string,
  snapshot: AsyncIterable<[Uint8Array, Uint8Array]> & { close(): Promise<void> },
): Promise<{ bytes: number; sha256: string; entries: number }> {
  const hash = createHash('sha256');
  const file = await open(path, 'wx', 0o600);
  let bytes = 0;
  let entries = 0;
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  const flush = async () => {
    const chunk = Buffer.concat(pending);
    pending = [];
    pendingBytes = 0;
    hash.update(chunk);
    bytes += chunk.length;
    await file.write(chunk);
  };
  const add = async (part: Uint8Array) => {
    pending.push(part);
    pendingBytes += part.length;
    if (pendingBytes >= WRITE_CHUNK) await flush();
  };
  try {
    await add(dumpHeader());
    try {
      for await (const [key, value] of snapshot) {
        await add(dumpEntry(key, value));
        entries++;
      }
    } finally {
      await snapshot.close();
    }
    await add(dumpTrailer(entries));
    await flush();
    await file.sync();
  } finally {
    await file.close();
  }
  return { bytes, sha256: hash.digest('hex'), entries };
}

/** The data directory's regular files to copy, as `/`-separated paths, sorted. */
async function dataFiles(dataDir: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string, top: boolean) => {
    for (const name of await readdir(dir)) {
      if (top && SKIPPED_TOP.has(name)) continue;
      // Temp files of a write in progress, the control socket's staging directory.
      if (name.startsWith('.') && (name.endsWith('.tmp') || /^\.c/.test(name))) continue;
      const full = join(dir, name);
      const st = await lstat(full);
      if (st.isDirectory()) await walk(full, false);
      else if (st.isFile()) found.push(relative(dataDir, full).split(sep).join('/'));
    }
  };
  await walk(dataDir, true);
  return found.sort();
}

async function writePrivate(out: string, path: string, bytes: Uint8Array): Promise<BackupFile> {
  const full = join(out, ...path.split('/'));
  await mkdir(dirname(full), { recursive: true, mode: 0o700 });
  await writeNewPrivateFile(full, bytes);
  return { path, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
}
