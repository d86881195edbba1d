/**
 * `fieldnode status [--config FILE | --data-dir DIR] [--json] [--verbose]`: asks the running daemon
 * over its control socket (node/src/daemon/control-socket.ts) and prints its links, clock,
 * satellite credits and sessions, queue and store, and what it keeps for the duty officer
 * (docs/centre-doors.md §What the doors keep), as lines that fit a terminal (status-text.ts;
 * docs/operating.md §Status), or with --json the whole record. A link that cannot be built is
 * listed down with the reason; a centre satellite link that does not send says MT is off and why
 * (§A link that cannot start, §Receiving only).
 *
 * The socket is `control.socket` of the configuration with --config, else <data dir>/control.sock
 * (the data dir from --data-dir, $FIELDNODE_DATA_DIR or ./.fieldnode, as for `fieldnode keys`).
 * Exit 1 with a plain sentence when no daemon answers.
 */
import { join } from 'node:path';
import { KitError } from '../base/errors.js';
import { loadConfig } from '../config/load.js';
import { DEFAULTS } from '../config/schema.js';
import { queryStatus } from '../daemon/control-socket.js';
import { dataDir, parseOptions } from './args.js';
import { formatStatus } from './status-text.js';

export { formatStatus } from './status-text.js';

export async function statusCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseOptions(args, {
    config: { type: 'string' },
    'data-dir': { type: 'string' },
    json: { type: 'boolean' },
    verbose: { type: 'boolean', short: 'v' },
  });
  if (positionals.length > 0)
    throw new KitError('CLI_USAGE', `status takes no arguments, got ${positionals.join(' ')}`);
  if (values.config !== undefined && values['data-dir'] !== undefined) {
    throw new KitError('CLI_USAGE', 'give --config or --data-dir, not both');
  }
  const socketPath =
    values.config === undefined
      ? join(dataDir(values['data-dir']), DEFAULTS.controlSocketName)
      : (await loadConfig(values.config)).control.socket;

  const result = await queryStatus(socketPath);
  if (!result.ok) {
    const why = {
      'no-daemon': `no fieldnode daemon answers on ${socketPath}. Is it running (\`fieldnode start\`, or \`systemctl status fieldnode\`)? Check --config or --data-dir.`,
      denied: `not allowed to use ${socketPath}: run this as the daemon's user (or root).`,
      timeout: `the daemon on ${socketPath} did not answer in time; it may be busy or stuck.`,
      protocol: `the daemon on ${socketPath} gave an unexpected answer`,
    }[result.reason];
    process.stderr.write(`fieldnode: ${why} (${result.detail})\n`);
    return 1;
  }
  process.stdout.write(
    values.json
      ? `${JSON.stringify(result.status, null, 2)}\n`
      : formatStatus(result.status, { verbose: values.verbose === true }),
  );
  return 0;
}
