/**
 * A backup's manifest, `manifest.json` (docs/operating.md §Backup and restore): whose data it is,
 * when it was made, and every file in it with its size and SHA-256, so that a restore checks every
 * byte before it writes one. Written last: a backup without its manifest is not a backup.
 */
import { KitError, show } from '../base/errors.js';
import './backup-errors.js';

export const MANIFEST_FILE = 'manifest.json';
export const STORE_DUMP_FILE = 'store.dump';
export const BACKUP_FORMAT = 'fieldnode-backup';

export interface BackupFile {
  /** Its path in the backup (and, for the data directory's files, in the data directory), `/`-separated. */
  path: string;
  bytes: number;
  sha256: string;
}

export interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  version: 1;
  node: { id: number; role: string };
  /** When the store's snapshot was taken, unix ms. */
  madeAt: number;
  /** The fieldnode that made it. */
  fieldnode: string;
  store: BackupFile & { entries: number };
  /** The data directory's other files (journals, the audit log, the identity…). */
  files: BackupFile[];
  /** Key files the configuration names, when the operator asked for them: where they were, and the copy. */
  keys: Array<BackupFile & { setting: string; from: string }>;
}

/** Reads a manifest's text; BACKUP_CORRUPT, saying what, when it is not one. */
export function parseManifest(text: string, where: string): BackupManifest {
  let m: unknown;
  try {
    m = JSON.parse(text);
  } catch (err) {
    throw new KitError('BACKUP_CORRUPT', `${where}: not JSON: the backup is damaged or was not finished`, {
      cause: err,
    });
  }
  const o = (typeof m === 'object' && m !== null ? m : {}) as Record<string, unknown>;
  const problems: string[] = [];
  if (o.format !== BACKUP_FORMAT) problems.push(`format ${show(o.format)}`);
  if (o.version !== 1) problems.push(`version ${show(o.version)} (this fieldnode reads 1)`);
  const node = o.node as Record<string, unknown> | undefined;
  if (typeof node?.id !== 'number' || typeof node?.role !== 'string')
    problems.push('node: expected { id, role }');
  if (typeof o.madeAt !== 'number') problems.push('madeAt: expected unix ms');
  const isFile = (f: unknown): boolean => {
    const x = f as Record<string, unknown> | null;
    return (
      typeof x?.path === 'string' &&
      safePath(x.path) &&
      typeof x.bytes === 'number' &&
      typeof x.sha256 === 'string' &&
      /^[0-9a-f]{64}$/.test(x.sha256)
    );
  };
  if (!isFile(o.store) || typeof (o.store as { entries?: unknown }).entries !== 'number')
    problems.push('store: expected the dump');
  if (!Array.isArray(o.files) || !o.files.every(isFile)) problems.push('files: expected a list of files');
  if (
    !Array.isArray(o.keys) ||
    !o.keys.every((k) => isFile(k) && typeof k.setting === 'string' && typeof k.from === 'string')
  )
    problems.push('keys: expected a list of key files');
  if (problems.length > 0)
    throw new KitError('BACKUP_CORRUPT', `${where}: not a fieldnode backup manifest: ${problems.join('; ')}`);
  return o as unknown as BackupManifest;
}

/** A path inside the backup: relative, no `..`, no empty or dot segment. */
export function safePath(path: string): boolean {
  if (path === '' || path.startsWith('/') || path.includes('\\') || path.includes('\0')) return false;
  return path.split('/').every((seg) => seg !== '' && seg !== '.' && seg !== '..');
}
