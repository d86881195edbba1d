/**
 * `fieldnode wire decode | encode | reference`: take frames of the wire format apart, make them,
 * and show the reference messages (docs/wire-format.md; docs/operating.md §The command line).
 * Each subcommand lives in its own file.
 */
import { KitError } from '../base/errors.js';
import { wireDecodeCommand } from './wire-decode-command.js';
import { wireEncodeCommand } from './wire-encode-command.js';
import { wireReferenceCommand } from './wire-reference-command.js';

export async function wireCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'decode':
      return wireDecodeCommand(rest);
    case 'encode':
      return wireEncodeCommand(rest);
    case 'reference':
      return wireReferenceCommand(rest);
    case undefined:
      throw new KitError('CLI_USAGE', 'wire: decode, encode or reference?');
    default:
      throw new KitError(
        'CLI_USAGE',
        `wire: expected decode, encode or reference, not ${JSON.stringify(sub)}`,
      );
  }
}
