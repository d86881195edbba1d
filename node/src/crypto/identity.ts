/**
 * The node's Ed25519 identity on disk, made at first start (docs/design.md §Security; docs/wire-format.md
 * §Authentication).
 *
 * `<dataDir>/identity.json` holds `{ version: 1, algorithm: "ed25519", createdAt, publicKey
 * (base64 raw), privateKeyPkcs8 (PEM) }`, mode 0600. It is created so that a crash never leaves a
 * half-written key and two processes starting at once never end with two identities: the content
 * goes to a private temp file, is synced, and is then hard-linked to the final name, which fails
 * with EEXIST if someone else got there first; the loser then loads the winner's file.
 */
import { type KeyObject, randomBytes } from 'node:crypto';
import { link, mkdir, open, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { KitError } from '../base/errors.js';
import {
  generateSigningKeyPair,
  keyFingerprint,
  privateKeyFromPkcs8Pem,
  privateKeyToPkcs8Pem,
  rawPublicKey,
} from './ed25519.js';

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

  // A random name in the same directory: link() cannot cross file systems, and 'wx' guarantees
  // the temp file is ours alone.
  const temp = join(dataDir, `.${IDENTITY_FILE}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.chmod(0o600); // the umask may only narrow the mode, but be exact about it
      await handle.writeFile(content, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await link(temp, file); // unlike rename(), never replaces an identity that already exists
  } catch (err) {
    if (!hasCode(err, 'EEXIST')) throw err;
    // Another process won the race; its file is complete because it was synced before linking.
    const winner = await readIdentity(file);
    if (winner === undefined) throw new KitError('KEYS_UNREADABLE', `${file} vanished while being created`);
    return { identity: winner, created: false };
  } finally {
    await unlink(temp).catch(() => {});
  }
  await syncDir(dataDir); // make the new directory entry durable
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
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(file, 'r');
  } catch (err) {
    if (hasCode(err, 'ENOENT')) return undefined;
    throw new KitError('KEYS_UNREADABLE', `cannot open ${file}`, { cause: err });
  }
  let text: string;
  try {
    // Stat the open handle, not the path, so the mode we check is that of the file we read.
    const stat = await handle.stat();
    if (!stat.isFile()) throw new KitError('KEYS_UNREADABLE', `${file} is not a regular file`);
    // POSIX modes mean nothing on Windows; the Pi and every supported target are POSIX.
    if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
      const mode = (stat.mode & 0o777).toString(8).padStart(4, '0');
      throw new KitError(
        'KEYS_INSECURE',
        `${file} holds this node's private key but has mode ${mode}, so other users can read it. ` +
          `Run: chmod 600 ${file}  (if others may have copied it, make a new identity and re-enrol)`,
      );
    }
    text = await handle.readFile('utf8');
  } catch (err) {
    if (err instanceof KitError) throw err;
    throw new KitError('KEYS_UNREADABLE', `cannot read ${file}`, { cause: err });
  } finally {
    await handle.close();
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

async function syncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return; // directories cannot be opened for fsync there
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
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
