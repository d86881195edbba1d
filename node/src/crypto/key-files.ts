/**
 * Reading and writing the key files on disk (docs/keys.md §Key files): the kit key file, the relay
 * keys file and the master secret file, whose text is key-file-formats.ts.
 *
 * - Every key file is private to its owner: one that group or others may read is refused with
 *   KEYS_INSECURE and the `chmod 600` that fixes it, as the identity file is (identity.ts). The
 *   mode checked is that of the open handle, so it is the mode of the file read.
 * - The master secret of a test in this repository is refused outside the test runner
 *   (repository-test-keys.ts): its every derived key is public.
 * - Writing never replaces a file: the text goes to a private temp file that is synced, then
 *   hard-linked to its name, which fails if the name exists (KEYS_EXISTS). A crash leaves either
 *   no file or a whole one.
 */
import { randomBytes } from 'node:crypto';
import { link, open, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { KitError } from '../base/errors.js';
import {
  type KitKeyFile,
  parseKitKeyFile,
  parseMasterSecretFile,
  parseRelayKeysFile,
} from './key-file-formats.js';
import { repositoryTestKeysAllowed, repositoryTestSecret } from './repository-test-keys.js';

/** Largest key file read, bytes: a relay keys file of some 14,000 kits. */
const MAX_KEY_FILE_BYTES = 1 << 20;

export interface KeyFileOptions {
  /** The configuration key that names the file, for messages, e.g. "keys.kit_key_file". */
  setting?: string;
}

export interface ReadKitKeyFileOptions extends KeyFileOptions {
  /** This node's id: a file for another node is refused (KEYS_WRONG_NODE). */
  node: number;
  /** Where `node` comes from, for the message. Default "node.id of the configuration". */
  nodeFrom?: string;
}

export interface ReadMasterSecretFileOptions extends KeyFileOptions {
  /** Refuse the tests' master secrets even under the test runner (for the test of that refusal). */
  refuseTestKeys?: boolean;
}

/**
 * Reads this kit's own key file.
 * @throws KitError KEYS_UNREADABLE, KEYS_INSECURE, KEYS_WRONG_NODE or KEYS_MISTYPED, each saying
 *   what to do.
 */
export async function readKitKeyFile(file: string, opts: ReadKitKeyFileOptions): Promise<KitKeyFile> {
  const text = await readPrivateText(file, 'this kit’s key', 'ask the centre to re-enrol this kit', opts);
  return parseKitKeyFile(text, {
    source: sourceOf(file, opts),
    node: opts.node,
    ...(opts.nodeFrom === undefined ? {} : { nodeFrom: opts.nodeFrom }),
  });
}

/**
 * Reads a gateway's relay keys file: node → relay key.
 * @throws KitError KEYS_UNREADABLE, KEYS_INSECURE or KEYS_MISTYPED.
 */
export async function readRelayKeysFile(
  file: string,
  opts: KeyFileOptions = {},
): Promise<Map<number, Uint8Array>> {
  const text = await readPrivateText(
    file,
    'the relay keys of this gateway’s kits',
    'those kits’ hop tags can be forged until the centre re-enrols them',
    opts,
  );
  return parseRelayKeysFile(text, sourceOf(file, opts));
}

/**
 * Reads the centre's master secret.
 * @throws KitError KEYS_UNREADABLE, KEYS_INSECURE, KEYS_MISTYPED, or KEYS_TEST_KEY for a test's
 *   secret outside the test runner.
 */
export async function readMasterSecretFile(
  file: string,
  opts: ReadMasterSecretFileOptions = {},
): Promise<Uint8Array> {
  const text = await readPrivateText(
    file,
    'the master secret, from which every kit key derives',
    'make a new master secret and re-enrol every kit',
    opts,
  );
  const master = parseMasterSecretFile(text, sourceOf(file, opts));
  const published = repositoryTestSecret(master);
  if (published !== undefined && !repositoryTestKeysAllowed(opts.refuseTestKeys)) {
    throw new KitError(
      'KEYS_TEST_KEY',
      `${sourceOf(file, opts)} holds ${published}: it is published, so every kit key derived from it is ` +
        'public. Make a master secret of your own with `fieldnode keys new-master`',
    );
  }
  return master;
}

/**
 * Writes a new key file, mode 0600; never replaces one.
 * @throws KitError KEYS_EXISTS when `file` exists; KEYS_UNWRITABLE when it cannot be written.
 */
export async function writeKeyFile(file: string, text: string): Promise<void> {
  const dir = dirname(file);
  // Same directory, so link() works; 'wx' makes the temp file ours alone.
  const temp = join(dir, `.${basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.chmod(0o600); // the umask may only narrow the mode, but be exact about it
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await link(temp, file); // unlike rename(), never replaces a key that exists
    await syncDir(dir); // make the new directory entry durable
  } catch (err) {
    if (hasCode(err, 'EEXIST')) {
      throw new KitError(
        'KEYS_EXISTS',
        `${file} exists: fieldnode never overwrites a key file. Move it away first if you mean to replace it`,
        { cause: err },
      );
    }
    throw new KitError('KEYS_UNWRITABLE', `cannot write ${file}: ${describe(err)}`, { cause: err });
  } finally {
    await unlink(temp).catch(() => {});
  }
}

/**
 * The text of a key file that only its owner may read.
 * @param holds what the file holds, for the message ("this kit’s key").
 * @param ifCopied what to do if others may have copied it.
 */
async function readPrivateText(
  file: string,
  holds: string,
  ifCopied: string,
  opts: KeyFileOptions,
): Promise<string> {
  const source = sourceOf(file, opts);
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(file, 'r');
  } catch (err) {
    throw new KitError('KEYS_UNREADABLE', `cannot open ${source}: ${describe(err)}`, { cause: err });
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new KitError('KEYS_UNREADABLE', `${source} is not a regular file`);
    // POSIX modes mean nothing on Windows; the Pi and every supported target are POSIX.
    if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
      const mode = (stat.mode & 0o777).toString(8).padStart(4, '0');
      throw new KitError(
        'KEYS_INSECURE',
        `${source} holds ${holds} but has mode ${mode}, so other users can read it. ` +
          `Run: chmod 600 ${file}  (if others may have copied it, ${ifCopied})`,
      );
    }
    if (stat.size > MAX_KEY_FILE_BYTES) {
      throw new KitError('KEYS_UNREADABLE', `${source} is ${stat.size} bytes: not a key file`);
    }
    return await handle.readFile('utf8');
  } catch (err) {
    if (err instanceof KitError) throw err;
    throw new KitError('KEYS_UNREADABLE', `cannot read ${source}: ${describe(err)}`, { cause: err });
  } finally {
    await handle.close();
  }
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

function sourceOf(file: string, opts: KeyFileOptions): string {
  return opts.setting === undefined ? file : `${file} (${opts.setting})`;
}

function hasCode(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === code;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
