/**
 * The checks a start makes on the data directory before it makes anything in it (docs/operating.md
 * §When a start fails, §The data directory belongs to one node): whom the directory belongs to,
 * whether another daemon runs on it, and whether this process can write there. All only read.
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { KitError } from '../base/errors.js';
import type { IdentityOwner } from '../crypto/identity.js';
import './daemon-errors.js';
import { lockHolder } from './pid-file.js';

/** What a start does with the directory's owner. */
export type OwnerDecision =
  /** No identity yet: the start makes one, recording this node. */
  | 'new'
  /** The identity records this node. */
  | 'same'
  /** The identity records no owner (made by `fieldnode keys` or an older fieldnode): record this node. */
  | 'record'
  /** The identity records another node, and the operator asked to move the directory to this one. */
  | 'adopt';

export interface OwnerCheck {
  dataDir: string;
  /** Whether identity.json exists. */
  hasIdentity: boolean;
  /** The owner it records, if any. */
  owner: IdentityOwner | undefined;
  /** This node, from the configuration. */
  node: { id: number; role: string };
  /** `fieldnode start --adopt`. */
  adopt: boolean;
}

/**
 * Decides what a start does with the directory's owner.
 * @throws KitError DATA_DIR_OTHER_NODE naming both nodes when it belongs to another and `adopt` is off.
 */
export function checkOwner(c: OwnerCheck): OwnerDecision {
  if (!c.hasIdentity) return 'new';
  if (c.owner === undefined) return 'record';
  if (c.owner.nodeId === c.node.id && c.owner.role === c.node.role) return 'same';
  if (c.adopt) return 'adopt';
  throw new KitError(
    'DATA_DIR_OTHER_NODE',
    `the data directory ${c.dataDir} belongs to node ${nodeName(c.owner)}, not to node ` +
      `${c.node.id} (${c.node.role})`,
  );
}

/**
 * Refuses a data directory whose store another process holds, before LevelDB is opened: a second
 * open of a held store still rotates the running daemon's LOG file before it fails on the lock.
 * Where /proc/locks is not there to ask, the store's own open refuses with STORE_LOCKED.
 * @throws KitError DATA_DIR_IN_USE naming the process that holds the lock.
 */
export async function checkNotInUse(dataDir: string): Promise<void> {
  const holder = await lockHolder(join(dataDir, 'store', 'LOCK'));
  // This process holding it (two nodes on one directory in a test) is left to LevelDB's refusal.
  if (holder === undefined || holder === process.pid) return;
  throw new KitError(
    'DATA_DIR_IN_USE',
    `the data directory ${dataDir} is in use: process ${holder} holds the lock of its store`,
  );
}

export function nodeName(owner: IdentityOwner): string {
  return `${owner.nodeId} (${owner.role})`;
}

/**
 * Checks that this process can write in `dataDir`, or make it: the nearest directory that exists on
 * its path must be writable and searchable. Catches a read-only file system and a directory of
 * another user before anything is made; a full disk shows only when a write fails.
 * @param what what the start would write there first, for the message ("the node identity").
 * @throws KitError DATA_DIR_UNWRITABLE with the file system's error (EROFS, EACCES…) as its cause.
 */
export async function checkWritable(dataDir: string, what: string): Promise<void> {
  let dir = dataDir;
  for (;;) {
    try {
      if (!(await stat(dir)).isDirectory()) return; // not a directory: said when it is made
      break;
    } catch (err) {
      const parent = dirname(dir);
      if ((err as { code?: unknown }).code !== 'ENOENT' || parent === dir) return;
      dir = parent;
    }
  }
  try {
    await access(dir, constants.W_OK | constants.X_OK);
  } catch (err) {
    const message =
      dir === dataDir
        ? `cannot write ${what} in ${dataDir}`
        : `cannot make the data directory ${dataDir} in ${dir}`;
    throw new KitError('DATA_DIR_UNWRITABLE', message, { cause: err });
  }
}
