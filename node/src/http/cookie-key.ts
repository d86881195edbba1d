/**
 * The key that signs the API's session cookies and makes its CSRF tokens (docs/api.md §Sessions,
 * §CSRF): 32 random bytes, made on first use in `<data_dir>/api-cookie.key`, mode 0600, as the key
 * files are (node/src/crypto/private-file.ts: a file group or others may read is refused, and a new
 * one is linked into place whole, so two starts racing make one key).
 *
 * Deleting the file signs everyone out at the next start: every cookie and token then fails its
 * check.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { isNoSuchFile, readPrivateFile, writeNewPrivateFile } from '../crypto/private-file.js';
import { ApiError } from './api-errors.js';

export const COOKIE_KEY_FILE = 'api-cookie.key';
const KEY_BYTES = 32;

const spec = (file: string) => ({
  source: file,
  holds: "the key that signs the web API's sessions",
  ifCopied: 'delete it and restart the node: everyone signs in again',
  maxBytes: 256,
});

/**
 * The cookie key of the data directory `dataDir`, made if missing.
 * @throws KitError KEYS_INSECURE when others may read the file; API_FILE_UNUSABLE when it holds no key.
 */
export async function loadCookieKey(dataDir: string): Promise<Buffer> {
  const file = join(dataDir, COOKIE_KEY_FILE);
  let text: string;
  try {
    text = await readPrivateFile(file, spec(file));
  } catch (err) {
    if (!isNoSuchFile(err)) throw err;
    try {
      await writeNewPrivateFile(file, `${randomBytes(KEY_BYTES).toString('hex')}\n`);
    } catch (writeErr) {
      // Another start made it first: use theirs.
      if ((writeErr as NodeJS.ErrnoException).code !== 'EEXIST') throw writeErr;
    }
    text = await readPrivateFile(file, spec(file));
  }
  const hex = text.trim();
  if (!/^[0-9a-f]{64}$/.test(hex))
    throw new ApiError(
      'API_FILE_UNUSABLE',
      `${file} does not hold a key (64 hex digits): delete it and restart the node to make a new one`,
    );
  return Buffer.from(hex, 'hex');
}
