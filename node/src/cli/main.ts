/**
 * The `fieldnode` command: parses the first word and hands the rest to a command module.
 * bin.ts runs it; tests call `runCli` directly.
 */
import { isKitError } from '../base/errors.js';
import { FOREIGN_HELP, foreignCommand } from './foreign-command.js';
import { keysCommand } from './keys-command.js';
import { packageVersion } from './package-info.js';
import { SIM_HELP, simCommand } from './sim-command.js';
import { startCommand } from './start-command.js';
import { statusCommand } from './status-command.js';
import { wireCommand } from './wire-command.js';

const HELP = `fieldnode ${packageVersion()}: emergency field communications over LoRa mesh, Iridium SBD and IP

Usage: fieldnode <command> [options]

Commands:
  version                     print the version
  keys [--data-dir DIR]       create this node's Ed25519 identity on first use and show it
  keys export [--node-id N]   print the public part as JSON (nothing secret)
  keys new-master [--out FILE]
                              centre: make the master secret every kit key derives from
  keys kit --master FILE --node N [--seq-floor N] [--out FILE]
                              centre: make the kit key file of node N (prints the key to type)
  keys relay --master FILE --nodes N,N,… [--out FILE]
                              centre: make a gateway's relay keys file for those kits
  keys enter --node N [--seq-floor N] [--enrolled YYYY-MM-DD] [--out FILE]
                              kit: write the kit key file from the key typed in
  keys check FILE [--node N]  read a key file as the daemon will: OK, or what is wrong
                              (key files are written mode 0600, never over another file;
                              see docs/keys.md)
  wire decode HEX|-           take a frame apart (batch, fragment or message) and print it as JSON
  wire encode FILE|-          encode a message written as JSON; prints hex
      [--secret S]            tag with the origin's kit key, derived from master secret S
      [--sign --data-dir DIR] sign with this node's identity
  wire reference [--json]     the reference messages R1–R5 with sizes, credits and hex
  start [--config FILE]       run the daemon; without --config, a standalone node with no links
                              in ./.fieldnode (configuration: node/src/config/example.yaml)
  status [--config FILE | --data-dir DIR] [--json]
                              ask the running daemon: links, queue, clock
${FOREIGN_HELP}
${SIM_HELP}
  help                        this text

Options:
  --data-dir DIR   where keys and the store live (default: $FIELDNODE_DATA_DIR or ./.fieldnode)
  --config FILE    the node's configuration, YAML or JSON

Environment:
  FIELDNODE_DATA_DIR, FIELDNODE_LOG_LEVEL   override data_dir and log.level of the configuration
`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(HELP);
      return 0;
    case 'version':
    case '--version':
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
    case 'sim':
      return simCommand(rest);
    default:
      process.stderr.write(`fieldnode: unknown command ${JSON.stringify(command)}\n\n${HELP}`);
      return 2;
  }
}

/**
 * Runs the command and returns its exit code. Errors with a code (KitError) print as
 * "fieldnode: CODE: message" and give 1; usage errors give 2. Anything else is a bug: it throws.
 */
export async function runCli(argv: string[]): Promise<number> {
  try {
    return await main(argv);
  } catch (err) {
    if (!isKitError(err)) throw err;
    process.stderr.write(`fieldnode: ${err.code}: ${err.message}\n`);
    return err.code === 'CLI_USAGE' ? 2 : 1;
  }
}
