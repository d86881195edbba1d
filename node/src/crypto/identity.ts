/**
 * The node's Ed25519 identity on disk, made at first start (docs/design.md §Security; docs/wire-format.md
 * §Authentication), and whom its data directory belongs to (docs/operating.md §The data directory
 * belongs to one node).
 *
 * `<dataDir>/identity.json` holds `{ version: 1, algorithm: "ed25519", createdAt, nodeId, role,
 * publicKey (base64 raw), privateKeyPkcs8 (PEM) }`, mode 0600, and is read and written as every
 * private file is (private-file.ts; docs/keys.md §File modes): a crash never leaves a half-written
 * key, and two processes starting at once never end with two identities, since the new file is
 * linked to its name only if no one else got there first; the loser then loads the winner's file.
 *
 * `nodeId` and `role` are the owner: the node the daemon made the directory for, or was moved to
 * by `fieldnode start --adopt`. A file without them (made by `fieldnode keys`, or by a fieldnode
 * before they existed) has no owner yet, and the daemon's next start records one. They are additive
 * to version 1: an older fieldnode reads the file and ignores them. Recording the owner rewrites
 * the file with the same keys, atomically (temp file synced, renamed over, directory synced).
 */

import type { KeyObject } from 'node:crypto';
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { KitError } from '../base/errors.js';
import {
  generateSigningKeyPair,
  keyFingerprint,
  privateKeyFromPkcs8Pem,
  privateKeyToPkcs8Pem,
  rawPublicKey,
} from './ed25519.js';
import { isNoSuchFile, readPrivateFile, writeNewPrivateFile } from './private-file.js';

/** File name of the identity inside the data directory. */
export const IDENTITY_FILE = 'identity.json';

/** This node's signing identity. */
export interface NodeIdentity {
  /** The 32 raw public key bytes. */
  publicKey: Uint8Array;
  /** The private key, kept inside OpenSSL. */
  privateKey: KeyObject;
  /** When the identity was made, ISO 8601. */
  createdAt: string;
  /** {@link keyFingerprint} of the public key, for people to compare by voice. */
  fingerprint: string;
}

/** Whom a data directory belongs to: the node id and role its identity records. */
export interface IdentityOwner {
  nodeId: number;
  role: string;
}

/** An identity as found on disk, with its owner if the file records one. */
export interface StoredIdentity {
  identity: NodeIdentity;
  owner?: IdentityOwner;
}

/** What a node may show or send about its identity: nothing secret. */
export interface PublicIdentity {
  version: 1;
  algorithm: 'ed25519';
  /** The raw public key, base64. */
  publicKey: string;
  fingerprint: string;
  nodeId?: number;
}

/**
 * Loads the identity from `dataDir`, or makes and saves one if there is none. Creates `dataDir`
 * (mode 0700) if missing.
 * @param owner recorded in a new file; an existing file is not changed (see {@link recordIdentityOwner}).
 * @returns the identity and whether this call created it.
 * @throws KitError KEYS_INSECURE if the file is accessible to group or others; KEYS_UNREADABLE if
 *   it cannot be read or parsed or its keys do not match; KEYS_UNWRITABLE if a new one cannot be
 *   written.
 */
export async function loadOrCreateIdentity(
  dataDir: string,
  owner?: IdentityOwner,
): Promise<{ identity: NodeIdentity; created: boolean }> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const existing = await readIdentity(dataDir);
  if (existing !== undefined) return { identity: existing.identity, created: false };
  return createIdentity(dataDir, owner);
}

/**
 * Reads the identity in `dataDir` and its owner; creates nothing.
 * @returns undefined if there is none (no file, or no directory).
 * @throws KitError KEYS_INSECURE or KEYS_UNREADABLE, as {@link loadOrCreateIdentity}.
 */
export async function readIdentity(dataDir: string): Promise<StoredIdentity | undefined> {
  const file = join(dataDir, IDENTITY_FILE);
  const text = await readIdentityText(file);
  if (text === undefined) return undefined;
  try {
    return parseIdentity(text);
  } catch (err) {
    throw new KitError('KEYS_UNREADABLE', `${file} is not a valid fieldnode identity: ${describe(err)}`, {
      cause: err,
    });
  }
}

/**
 * Makes a new identity in `dataDir`, which must exist, recording `owner`; if another process made
 * one first, loads that one instead (`created` false).
 * @throws KitError KEYS_UNWRITABLE when the file cannot be written, with the file system's error as
 *   its cause; as {@link readIdentity} for the other process's file.
 */
export async function createIdentity(
  dataDir: string,
  owner?: IdentityOwner,
): Promise<{ identity: NodeIdentity; created: boolean }> {
  const file = join(dataDir, IDENTITY_FILE);
  const { publicKey, privateKey } = generateSigningKeyPair();
  const createdAt = new Date().toISOString();
  const record = {
    version: 1,
    algorithm: 'ed25519',
    createdAt,
    ...(owner === undefined ? {} : { nodeId: owner.nodeId, role: owner.role }),
    publicKey: toBase64(publicKey),
  };
  const content = `${JSON.stringify({ ...record, privateKeyPkcs8: privateKeyToPkcs8Pem(privateKey) }, null, 2)}\n`;

  try {
    await writeNewPrivateFile(file, content);
  } catch (err) {
    if (!hasCode(err, 'EEXIST')) throw unwritable(file, err);
    // Another process won the race; its file is complete because it was synced before linking.
    const winner = await readIdentity(dataDir);
    if (winner === undefined) throw new KitError('KEYS_UNREADABLE', `${file} vanished while being created`);
    return { identity: winner.identity, created: false };
  }
  return {
    identity: { publicKey, privateKey, createdAt, fingerprint: keyFingerprint(publicKey) },
    created: true,
  };
}

/**
 * Records `owner` in the identity file of `dataDir`, keeping its keys and every other field: the
 * first start of a file made without one, or `fieldnode start --adopt`. Replaces the file
 * atomically; call only while holding the store's lock, so no other daemon writes it meanwhile.
 * @throws KitError as {@link readIdentity} (KEYS_UNREADABLE when there is no file); KEYS_UNWRITABLE.
 */
export async function recordIdentityOwner(dataDir: string, owner: IdentityOwner): Promise<void> {
  const file = join(dataDir, IDENTITY_FILE);
  const text = await readIdentityText(file);
  if (text === undefined)
    throw new KitError('KEYS_UNREADABLE', `${file} is missing: there is no identity to record an owner in`);
  let data: Record<string, unknown>;
  try {
    parseIdentity(text);
    data = JSON.parse(text) as Record<string, unknown>;
  } catch (err) {
    throw new KitError('KEYS_UNREADABLE', `${file} is not a valid fieldnode identity: ${describe(err)}`, {
      cause: err,
    });
  }
  const { privateKeyPkcs8, publicKey, nodeId: _n, role: _r, ...rest } = data;
  const updated = { ...rest, nodeId: owner.nodeId, role: owner.role, publicKey, privateKeyPkcs8 };
  try {
    await replacePrivateFile(file, `${JSON.stringify(updated, null, 2)}\n`);
  } catch (err) {
    throw unwritable(file, err);
  }
}

/**
 * The public part of an identity, JSON-able, e.g. to print at enrolment or send to the centre.
 * @param nodeId included when given; a non-negative safe integer.
 */
export function exportPublicIdentity(identity: NodeIdentity, nodeId?: number): PublicIdentity {
  const out: PublicIdentity = {
    version: 1,
    algorithm: 'ed25519',
    publicKey: toBase64(identity.publicKey),
    fingerprint: keyFingerprint(identity.publicKey),
  };
  if (nodeId !== undefined) {
    if (!Number.isSafeInteger(nodeId) || nodeId < 0)
      throw new TypeError('a node id is a non-negative safe integer');
    out.nodeId = nodeId;
  }
  return out;
}

/** The identity file's text, checked private; undefined if it (or its directory) does not exist. */
async function readIdentityText(file: string): Promise<string | undefined> {
  try {
    return await readPrivateFile(file, {
      holds: "this node's private key",
      ifCopied: 'make a new identity and re-enrol',
    });
  } catch (err) {
    if (isNoSuchFile(err) || hasCode((err as { cause?: unknown }).cause, 'ENOTDIR')) return undefined;
    throw err;
  }
}

function parseIdentity(text: string): StoredIdentity {
  const data: unknown = JSON.parse(text);
  if (typeof data !== 'object' || data === null) throw new Error('not a JSON object');
  const { version, algorithm, createdAt, publicKey, privateKeyPkcs8, nodeId, role } = data as Record<
    string,
    unknown
  >;
  if (version !== 1) throw new Error(`unsupported version ${String(version)}`);
  if (algorithm !== 'ed25519') throw new Error(`unsupported algorithm ${String(algorithm)}`);
  if (typeof createdAt !== 'string' || Number.isNaN(Date.parse(createdAt))) throw new Error('bad createdAt');
  if (typeof publicKey !== 'string' || !/^[A-Za-z0-9+/]{43}=$/.test(publicKey))
    throw new Error('bad publicKey');
  if (typeof privateKeyPkcs8 !== 'string') throw new Error('bad privateKeyPkcs8');
  if ((nodeId === undefined) !== (role === undefined)) throw new Error('nodeId and role go together');
  if (nodeId !== undefined && (typeof nodeId !== 'number' || !Number.isSafeInteger(nodeId) || nodeId < 0))
    throw new Error('bad nodeId');
  if (role !== undefined && (typeof role !== 'string' || !/^[a-z][a-z-]{0,31}$/.test(role)))
    throw new Error('bad role');
  const privateKey = privateKeyFromPkcs8Pem(privateKeyPkcs8);
  const stored = new Uint8Array(Buffer.from(publicKey, 'base64'));
  const derived = rawPublicKey(privateKey);
  if (!Buffer.from(stored).equals(derived)) throw new Error('publicKey does not match the private key');
  const identity = { publicKey: derived, privateKey, createdAt, fingerprint: keyFingerprint(derived) };
  return nodeId === undefined ? { identity } : { identity, owner: { nodeId, role: role as string } };
}

/**
 * Replaces `file` with `text`, mode 0600: a synced temp file renamed over it, then the directory
 * synced, so a crash leaves the old file or the new one, whole.
 */
async function replacePrivateFile(file: string, text: string): Promise<void> {
  const dir = dirname(file);
  const temp = join(dir, `.${IDENTITY_FILE}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.chmod(0o600);
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } finally {
    await unlink(temp).catch(() => {});
  }
  if (process.platform === 'win32') return; // directories cannot be opened for fsync there
  const dirHandle = await open(dir, 'r');
  try {
    await dirHandle.sync();
  } finally {
    await dirHandle.close();
  }
}

function unwritable(file: string, err: unknown): KitError {
  return new KitError('KEYS_UNWRITABLE', `cannot write the node identity ${file}: ${describe(err)}`, {
    cause: err,
  });
}

function hasCode(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === code;
}

function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
