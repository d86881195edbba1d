/** `fieldnode keys`: the node's Ed25519 identity and enrolment secrets (docs/design.md §Security). */

import { KitError } from '../base/errors.js';
import { exportPublicIdentity, loadOrCreateIdentity } from '../crypto/identity.js';
import { formatEnrolmentSecret, generateEnrolmentSecret } from '../crypto/mac.js';
import { dataDir, parseNodeId, parseOptions } from './args.js';

export async function keysCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseOptions(args, {
    'data-dir': { type: 'string' },
    'node-id': { type: 'string' },
    json: { type: 'boolean' },
  });
  const [sub] = positionals;
  if (sub === 'new-secret') {
    process.stdout.write(`${formatEnrolmentSecret(generateEnrolmentSecret())}\n`);
    return 0;
  }
  if (sub !== undefined && sub !== 'show' && sub !== 'export') {
    throw new KitError('CLI_USAGE', `unknown keys command ${JSON.stringify(sub)}`);
  }
  const dir = dataDir(values['data-dir']);
  const { identity, created } = await loadOrCreateIdentity(dir);
  const pub = exportPublicIdentity(identity, parseNodeId(values['node-id']));
  if (sub === 'export' || values.json) {
    process.stdout.write(`${JSON.stringify(pub, null, 2)}\n`);
    return 0;
  }
  process.stdout.write(
    `${created ? 'Created a new node identity' : 'Node identity'} in ${dir}\n` +
      `  algorithm:   Ed25519\n` +
      `  public key:  ${pub.publicKey}\n` +
      `  fingerprint: ${pub.fingerprint}\n` +
      `  created:     ${identity.createdAt}\n` +
      `The private key stays in ${dir}/identity.json (mode 0600). Share the public part with\n` +
      '`fieldnode keys export --node-id N`.\n',
  );
  return 0;
}
