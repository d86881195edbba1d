/**
 * The signing key of the standalone RockBLOCK simulator, `fieldnode sim rockblock` (docs/iridium.md
 * §7.4): an RSA-2048 pair of its own, made on first run and kept in its key directory, so that the
 * centre wired to it trusts a key nobody else holds. The repository's test key (test-key.ts) is
 * published and a centre refuses it outside the test runner (docs/keys.md §Test keys in this
 * repository).
 *
 * - `push-signing-key.pem`: the private key, PKCS#8, mode 0600. Written whole or not at all (a
 *   private temp file, linked to its name), never replaced; one whose mode lets others read it is
 *   refused, since whoever copied it can sign pushes the centre accepts.
 * - `push-verify-key.pem`: the public key, SPKI, what the centre's `verify_key_file` names. It is
 *   written again from the private key whenever it is missing or differs.
 *
 * The simulator is a test tool, but its key is trusted by a real centre process, so the file
 * handling follows the key files' rules (docs/keys.md §File modes).
 */
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
} from 'node:crypto';
import { link, mkdir, open, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { KitError } from '../../../node/src/base/errors.js';

export const SIM_PRIVATE_KEY_FILE = 'push-signing-key.pem';
export const SIM_PUBLIC_KEY_FILE = 'push-verify-key.pem';

/** The simulator's key directory when none is given, relative to the working directory. */
export const DEFAULT_SIM_KEY_DIR = '.fieldnode-sim/rockblock';

export interface SimSigningKey {
  /** Signs the simulated pushes. */
  privateKey: KeyObject;
  /** SPKI PEM of the public half, as written to {@link publicKeyFile}. */
  publicKeyPem: string;
  /** The file for the centre's `verify_key_file`, absolute. */
  publicKeyFile: string;
  /** Whether this call made the key (first run in this directory). */
  created: boolean;
}

const hasCode = (err: unknown, code: string): boolean => (err as { code?: unknown } | null)?.code === code;

/**
 * The simulator's key in `dir`, made there if it has none yet.
 * @throws KitError KEYS_INSECURE when others may read the private key; KEYS_UNREADABLE when it
 *   cannot be read or is not an RSA private key of at least 2048 bits; KEYS_UNWRITABLE when the
 *   directory or a key file cannot be written.
 */
export async function loadOrCreateSimSigningKey(dir: string): Promise<SimSigningKey> {
  const privateFile = join(dir, SIM_PRIVATE_KEY_FILE);
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
  } catch (cause) {
    throw new KitError('KEYS_UNWRITABLE', `cannot make the simulator's key directory ${dir}`, { cause });
  }
  let privateKey = await readPrivateKey(privateFile);
  let created = false;
  if (privateKey === undefined) {
    const fresh = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    // Another simulator may have made one in the meantime: then its key is the one to use.
    created = await writeNew(privateFile, fresh.export({ type: 'pkcs8', format: 'pem' }) as string);
    privateKey = created ? fresh : await readPrivateKey(privateFile);
    if (privateKey === undefined) throw new KitError('KEYS_UNREADABLE', `${privateFile} vanished`);
  }
  const publicKeyPem = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }) as string;
  const publicKeyFile = resolve(dir, SIM_PUBLIC_KEY_FILE);
  await writePublic(publicKeyFile, publicKeyPem);
  return { privateKey, publicKeyPem, publicKeyFile, created };
}

/** The private key in `file`, or undefined when there is no such file. */
async function readPrivateKey(file: string): Promise<KeyObject | undefined> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(file, 'r');
  } catch (err) {
    if (hasCode(err, 'ENOENT')) return undefined;
    throw new KitError('KEYS_UNREADABLE', `cannot open ${file}: ${(err as Error).message}`, { cause: err });
  }
  let text: string;
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new KitError('KEYS_UNREADABLE', `${file} is not a regular file`);
    // POSIX modes mean nothing on Windows.
    if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
      const mode = (stat.mode & 0o777).toString(8).padStart(4, '0');
      throw new KitError(
        'KEYS_INSECURE',
        `${file} is the RockBLOCK simulator's signing key but has mode ${mode}, so other users can ` +
          `read it and sign pushes the centre accepts. Run: chmod 600 ${file}  (or delete it, and ` +
          'the simulator makes a new key: the centre then needs the new public key)',
      );
    }
    text = await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(text);
  } catch (cause) {
    throw new KitError('KEYS_UNREADABLE', `${file} holds no PEM private key`, { cause });
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (key.asymmetricKeyType !== 'rsa' || bits < 2048) {
    throw new KitError(
      'KEYS_UNREADABLE',
      `${file} is not an RSA key of at least 2048 bits; delete it and the simulator makes one`,
    );
  }
  return key;
}

/**
 * Writes `text` to the new file `file`, mode 0600, through a private temp file linked to its
 * name, so that a crash leaves no half key. Returns false when `file` already exists.
 */
async function writeNew(file: string, text: string): Promise<boolean> {
  const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await link(temp, file);
    return true;
  } catch (err) {
    if (hasCode(err, 'EEXIST')) return false;
    throw new KitError('KEYS_UNWRITABLE', `cannot write ${file}: ${(err as Error).message}`, { cause: err });
  } finally {
    await unlink(temp).catch(() => {});
  }
}

/** Writes the public key to `file` unless it already holds it; replaced whole (rename). */
async function writePublic(file: string, pem: string): Promise<void> {
  const current = await readFile(file, 'utf8').catch(() => undefined);
  if (current === pem) return;
  const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temp, pem, { mode: 0o644, flag: 'wx' });
    await rename(temp, file);
  } catch (err) {
    await unlink(temp).catch(() => {});
    throw new KitError('KEYS_UNWRITABLE', `cannot write ${file}: ${(err as Error).message}`, { cause: err });
  }
}
