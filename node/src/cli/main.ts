/**
 * The `fieldnode` command: answers `--help` for every command from the help table, else parses the
 * first word and hands the rest to a command module (docs/operating.md §The command line).
 * bin.ts runs it; tests call `runCli` directly.
 */
import { isKitError, KitError } from '../base/errors.js';
import { parseOptions } from './args.js';
import { auditCommand } from './audit-command.js';
import { foreignCommand } from './foreign-command.js';
import { commandHelp, commandPath, helpRequest, helpText, usageLine } from './help.js';
import { COMMANDS } from './help-table.js';
import { keysCommand } from './keys-command.js';
import { packageVersion } from './package-info.js';
import { radioCommand } from './radio-command.js';
import { simCommand } from './sim-command.js';
import { startCommand } from './start-command.js';
import { statusCommand } from './status-command.js';
import { usageErrorText } from './usage-error.js';
import { wireCommand } from './wire-command.js';

export async function main(argv: string[]): Promise<number> {
  const help = helpRequest(argv);
  if (help !== undefined) {
    process.stdout.write(await helpText(help.path));
    return 0;
  }
  const [command, ...rest] = argv;
  switch (command) {
    case 'version':
    case '--version':
      if (parseOptions(rest, {}).positionals.length > 0)
        throw new KitError('CLI_USAGE', `version takes no arguments, got ${rest.join(' ')}`);
      process.stdout.write(`${packageVersion()}\n`);
      return 0;
    case 'keys':
      return keysCommand(rest);
    case 'wire':
      return wireCommand(rest);
    case 'start':
      return startCommand(rest);
    case 'status':
      return statusCommand(rest);
    case 'foreign':
      return foreignCommand(rest);
    case 'audit':
      return auditCommand(rest);
    case 'demo': {
      // Loaded only here: the other commands never load the store, the links or the simulators.
      const { demoCommand } = await import('./demo-command.js');
      return demoCommand(rest);
    }
    case 'sim':
      return simCommand(rest);
    case 'radio':
      return radioCommand(rest);
    // Loaded when asked for, as demo is: they open a store or read an incident book.
    case 'backup':
      return (await import('./backup-command.js')).backupCommand(rest);
    case 'restore':
      return (await import('./backup-command.js')).restoreCommand(rest);
    case 'kits':
      return (await import('./kits-command.js')).kitsCommand(rest);
    default: {
      const known = COMMANDS.filter((c) => c.path.length === 1).map((c) => c.path[0]);
      throw new KitError(
        'CLI_USAGE',
        `unknown command ${JSON.stringify(command)}; the commands are ${known.join(', ')}`,
      );
    }
  }
}

/**
 * Runs the command and returns its exit code. Errors with a code (KitError) print as
 * "fieldnode: CODE: message" and give 1; usage errors give 2, and say how the command is used and
 * where its help is. Anything else is a bug: it throws.
 */
export async function runCli(argv: string[]): Promise<number> {
  try {
    return await main(argv);
  } catch (err) {
    if (!isKitError(err)) throw err;
    if (err.code !== 'CLI_USAGE') {
      process.stderr.write(`fieldnode: ${err.code}: ${err.message}\n`);
      return 1;
    }
    const path = commandPath(argv[0] === '--version' ? ['version'] : argv);
    const entry = commandHelp(path);
    process.stderr.write(
      usageErrorText(err, path.join(' '), entry === undefined ? undefined : usageLine(entry)),
    );
    return 2;
  }
}
