/**
 * Reading and writing the key files on disk (docs/keys.md §Key files): the kit key file, the relay
 * keys file and the master secret file, whose text is key-file-formats.ts.
 *
 * - Every key file is private to its owner: one that group or others may read is refused with
 *   KEYS_INSECURE and the `chmod 600` that fixes it, as the identity file is (private-file.ts).
 * - The master secret of a test in this repository is refused outside the test runner
 *   (repository-test-keys.ts): its every derived key is public.
 * - Writing never replaces a file (KEYS_EXISTS), and a crash leaves either no file or a whole one
 *   (private-file.ts).
 */

import { KitError } from '../base/errors.js';
import { type IssuerKeyFile, parseIssuerKeyFile } from './issuer-key-file.js';
import {
  type KitKeyFile,
  parseKitKeyFile,
  parseMasterSecretFile,
  parseRelayKeysFile,
} from './key-file-formats.js';
import { readPrivateFile, writeNewPrivateFile } from './private-file.js';
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
 * Reads the issuer key this node signs warnings and control messages with (issuer-key-file.ts).
 * @throws KitError KEYS_UNREADABLE, KEYS_INSECURE or KEYS_MISTYPED.
 */
export async function readIssuerKeyFile(file: string, opts: KeyFileOptions = {}): Promise<IssuerKeyFile> {
  const text = await readPrivateText(
    file,
    'an issuer’s signing key, with which anyone can issue warnings in its name',
    'make a new issuer key, list it in keys.issuers and withdraw the old one (a control message)',
    opts,
  );
  return parseIssuerKeyFile(text, sourceOf(file, opts));
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
  try {
    await writeNewPrivateFile(file, text);
  } catch (err) {
    if (hasCode(err, 'EEXIST')) {
      throw new KitError(
        'KEYS_EXISTS',
        `${file} exists: fieldnode never overwrites a key file. Move it away first if you mean to replace it`,
        { cause: err },
      );
    }
    throw new KitError('KEYS_UNWRITABLE', `cannot write ${file}: ${describe(err)}`, { cause: err });
  }
}

/**
 * The text of a key file that only its owner may read.
 * @param holds what the file holds, for the message ("this kit’s key").
 * @param ifCopied what to do if others may have copied it.
 */
function readPrivateText(
  file: string,
  holds: string,
  ifCopied: string,
  opts: KeyFileOptions,
): Promise<string> {
  return readPrivateFile(file, {
    source: sourceOf(file, opts),
    holds,
    ifCopied,
    maxBytes: MAX_KEY_FILE_BYTES,
  });
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
