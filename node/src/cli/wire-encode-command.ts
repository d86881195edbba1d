/**
 * `fieldnode wire encode FILE|- [--secret S | --sign [--config FILE | --data-dir DIR]]`: encode a
 * message written as JSON and print its frame as hex (docs/wire-format.md §2, §4, §6). Tagged with
 * the origin's kit key derived from master secret S (§6.1), or signed with this node's identity.
 */
import { KitError } from '../base/errors.js';
import { macAuthenticator, signatureAuthenticator } from '../crypto/authenticate.js';
import { loadOrCreateIdentity } from '../crypto/identity.js';
import { parseMasterSecret } from '../crypto/key-text.js';
import { deriveKitKey } from '../crypto/kit-keys.js';
import { type Authenticator, encodeMessage } from '../wire/message.js';
import { messageFromJson } from '../wire/message-json.js';
import { parseOptions } from './args.js';
import { readInputFile } from './input-file.js';
import { nodePlaces } from './node-places.js';

export async function wireEncodeCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseOptions(args, {
    secret: { type: 'string' },
    sign: { type: 'boolean' },
    config: { type: 'string' },
    'data-dir': { type: 'string' },
  });
  if (positionals.length > 1)
    throw new KitError('CLI_USAGE', `wire encode takes one FILE, got ${positionals.join(' ')}`);
  if (values.secret !== undefined && values.sign)
    throw new KitError('CLI_USAGE', 'wire encode: give --secret S or --sign, not both');
  if (!values.sign && (values.config !== undefined || values['data-dir'] !== undefined))
    throw new KitError(
      'CLI_USAGE',
      'wire encode: --config and --data-dir go with --sign: they say whose identity signs',
    );
  const message = messageFromJson(await readInputFile(positionals[0], 'a message as JSON'));
  let auth: Authenticator = { scheme: 'none' };
  if (values.secret !== undefined) {
    // A kit tags under its own key (docs/wire-format.md §6.1).
    auth = macAuthenticator(deriveKitKey(parseMasterSecret(values.secret), message.origin));
  } else if (values.sign) {
    const { identity } = await loadOrCreateIdentity((await nodePlaces(values)).dataDir);
    auth = signatureAuthenticator(identity.privateKey);
  }
  process.stdout.write(`${Buffer.from(encodeMessage(message, auth)).toString('hex')}\n`);
  return 0;
}
