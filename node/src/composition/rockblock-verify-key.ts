/**
 * The key a centre's RockBLOCK link verifies pushes with when its configuration names
 * `verify_key_file` instead of trusting Rock7's (docs/centre-doors.md §Another key than Rock7's;
 * docs/keys.md §Test keys in this repository).
 *
 * The file is meant to hold the public key that `fieldnode sim rockblock` made for itself. The
 * repository's simulator test key is refused outside the test runner: its private half is
 * published, so a centre trusting it would take pushes anybody can forge. The key is compared as
 * SPKI DER, so no other encoding of it (PKCS#1, or the private key itself) slips past.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { KitError } from '../base/errors.js';
import { repositoryTestKeysAllowed, repositoryTestRsaKey } from '../crypto/repository-test-keys.js';

export interface VerifyKeyFileOptions {
  /** Refuse the repository's test key even under the test runner (for the test of that refusal). */
  refuseTestKeys?: boolean;
}

/**
 * The RSA public key in `file`, named by link `linkId`'s `verify_key_file`.
 * @throws KitError CONFIG_UNREADABLE when the file cannot be read or holds no RSA key;
 *   KEYS_TEST_KEY when it holds the repository's test key outside the test runner.
 */
export async function readVerifyKeyFile(
  linkId: string,
  file: string,
  opts: VerifyKeyFileOptions = {},
): Promise<KeyObject> {
  const setting = `link ${linkId}: verify_key_file ${file}`;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new KitError('CONFIG_UNREADABLE', `${setting}: cannot read it: ${(cause as Error).message}`, {
      cause,
    });
  }
  let key: KeyObject;
  try {
    key = createPublicKey(text);
  } catch (cause) {
    throw new KitError('CONFIG_UNREADABLE', `${setting}: holds no PEM key`, { cause });
  }
  if (key.asymmetricKeyType !== 'rsa') {
    throw new KitError(
      'CONFIG_UNREADABLE',
      `${setting}: holds a ${key.asymmetricKeyType ?? 'non-RSA'} key; push tokens are signed with RSA`,
    );
  }
  const published = repositoryTestRsaKey(key);
  if (published !== undefined && !repositoryTestKeysAllowed(opts.refuseTestKeys)) {
    throw new KitError(
      'KEYS_TEST_KEY',
      `${setting} holds ${published}, whose private half is published in the fieldnode repository: ` +
        'anyone could sign pushes this centre would accept. Point verify_key_file at the key ' +
        '`fieldnode sim rockblock` made for itself (push-verify-key.pem in its --key-dir, printed ' +
        "when it starts), or remove verify_key_file to trust only Rock7's key",
    );
  }
  return key;
}
