/**
 * `fieldnode foreign list | release N`: the duty officer's view of the payloads the node kept as
 * foreign, and the release of one a device not yet enrolled sent (docs/centre-doors.md §Releasing a
 * kept frame). Each subcommand lives in its own file.
 */
import { KitError } from '../base/errors.js';
import { foreignListCommand } from './foreign-list-command.js';
import { foreignReleaseCommand } from './foreign-release-command.js';

export const FOREIGN_HELP = `  foreign list [--config FILE | --data-dir DIR] [--json]
                              the payloads kept as foreign (<data dir>/foreign-payloads.jsonl),
                              numbered; no daemon needed
  foreign release N [--config FILE | --data-dir DIR]
                              centre: hand kept payload N (reason unknown-sender) back to the
                              running daemon, which takes it in without the enrolment check`;

export async function foreignCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'list':
      return foreignListCommand(rest);
    case 'release':
      return foreignReleaseCommand(rest);
    default:
      throw new KitError('CLI_USAGE', `foreign: expected list or release, not ${JSON.stringify(sub ?? '')}`);
  }
}
