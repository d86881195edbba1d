/**
 * The node's Ed25519 identity on disk, made at first start (docs/design.md §Security; docs/wire-format.md
 * §Authentication).
 *
 * `<dataDir>/identity.json` holds `{ version: 1, algorithm: "ed25519", createdAt, publicKey
 * (base64 raw), privateKeyPkcs8 (PEM) }`, mode 0600, and is read and written as every private
 * file is (private-file.ts; docs/keys.md §File modes): a crash never leaves a half-written key,
 * and two processes starting at once never end with two identities, since the new file is linked
 * to its name only if no one else got there first; the loser then loads the winner's file.
 */
import type { KeyObject } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
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
 * @returns the identity and whether this call created it.
 * @throws KitError KEYS_INSECURE if the file is accessible to group or others; KEYS_UNREADABLE if
 *   it cannot be read or parsed or its keys do not match.
 */
export async function loadOrCreateIdentity(
  dataDir: string,
): Promise<{ identity: NodeIdentity; created: boolean }> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, IDENTITY_FILE);
  const existing = await readIdentity(file);
  if (existing !== undefined) return { identity: existing, created: false };

  const { publicKey, privateKey } = generateSigningKeyPair();
  const createdAt = new Date().toISOString();
  const record = { version: 1, algorithm: 'ed25519', createdAt, publicKey: toBase64(publicKey) };
  const content = `${JSON.stringify({ ...record, privateKeyPkcs8: privateKeyToPkcs8Pem(privateKey) }, null, 2)}\n`;

  try {
    await writeNewPrivateFile(file, content);
  } catch (err) {
    if (!hasCode(err, 'EEXIST')) throw err;
    // Another process won the race; its file is complete because it was synced before linking.
    const winner = await readIdentity(file);
    if (winner === undefined) throw new KitError('KEYS_UNREADABLE', `${file} vanished while being created`);
    return { identity: winner, created: false };
  }
  return {
    identity: { publicKey, privateKey, createdAt, fingerprint: keyFingerprint(publicKey) },
    created: true,
  };
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

/** Reads and checks the identity file; undefined if it does not exist. */
async function readIdentity(file: string): Promise<NodeIdentity | undefined> {
  let text: string;
  try {
    text = await readPrivateFile(file, {
      holds: "this node's private key",
      ifCopied: 'make a new identity and re-enrol',
    });
  } catch (err) {
    if (isNoSuchFile(err)) return undefined;
    throw err;
  }
  try {
    return parseIdentity(text);
  } catch (err) {
    throw new KitError('KEYS_UNREADABLE', `${file} is not a valid fieldnode identity: ${describe(err)}`, {
      cause: err,
    });
  }
}

function parseIdentity(text: string): NodeIdentity {
  const data: unknown = JSON.parse(text);
  if (typeof data !== 'object' || data === null) throw new Error('not a JSON object');
  const { version, algorithm, createdAt, publicKey, privateKeyPkcs8 } = data as Record<string, unknown>;
  if (version !== 1) throw new Error(`unsupported version ${String(version)}`);
  if (algorithm !== 'ed25519') throw new Error(`unsupported algorithm ${String(algorithm)}`);
  if (typeof createdAt !== 'string' || Number.isNaN(Date.parse(createdAt))) throw new Error('bad createdAt');
  if (typeof publicKey !== 'string' || !/^[A-Za-z0-9+/]{43}=$/.test(publicKey))
    throw new Error('bad publicKey');
  if (typeof privateKeyPkcs8 !== 'string') throw new Error('bad privateKeyPkcs8');
  const privateKey = privateKeyFromPkcs8Pem(privateKeyPkcs8);
  const stored = new Uint8Array(Buffer.from(publicKey, 'base64'));
  const derived = rawPublicKey(privateKey);
  if (!Buffer.from(stored).equals(derived)) throw new Error('publicKey does not match the private key');
  return { publicKey: derived, privateKey, createdAt, fingerprint: keyFingerprint(derived) };
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
