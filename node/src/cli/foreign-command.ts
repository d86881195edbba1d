/**
 * `fieldnode foreign list | release N`: the duty officer's view of the payloads the node kept as
 * foreign, and the release of one a device not yet enrolled sent (docs/centre-doors.md §Releasing a
 * kept frame). Each subcommand lives in its own file.
 */
import { KitError } from '../base/errors.js';
import { foreignListCommand } from './foreign-list-command.js';
import { foreignReleaseCommand } from './foreign-release-command.js';

export async function foreignCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'list':
      return foreignListCommand(rest);
    case 'release':
      return foreignReleaseCommand(rest);
    case undefined:
      throw new KitError('CLI_USAGE', 'foreign: list or release?');
    default:
      throw new KitError('CLI_USAGE', `foreign: expected list or release, not ${JSON.stringify(sub)}`);
  }
}
