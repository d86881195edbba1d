/**
 * The help of every `fieldnode` command, one entry per command and subcommand: the one source of
 * `fieldnode --help`, of `fieldnode COMMAND --help` and of the usage line a usage error shows
 * (docs/operating.md §The command line). node/test/operator/cli-options.test.ts runs every command
 * with every option listed here through the real parser, and compares what each command takes
 * with what is listed, so the two cannot drift apart.
 *
 * The simulators keep their options and their help side by side in their own modules
 * (radio/sim, satellite/sim); their entries here give the overview line and load that help, as the
 * command itself is loaded, only when asked for.
 */

import { KITS_COMMANDS } from './kits-help.js';
import { RADIO_COMMANDS } from './radio-help.js';

export interface OptionHelp {
  /** E.g. '--secret'. */
  readonly flag: string;
  /** Its one-letter form, e.g. '-v'. */
  readonly short?: string;
  /** The placeholder of its value, e.g. 'S'; absent for a switch. */
  readonly value?: string;
  /** What it does; '\n' starts a continuation line. */
  readonly text: string;
}

export interface CommandHelp {
  /** The command words after `fieldnode`, e.g. ['wire', 'decode']. */
  readonly path: readonly string[];
  /** What follows `fieldnode <path>` in the usage line. */
  readonly usage: string;
  /** One line for the overview and a group's list. */
  readonly summary: string;
  /** Paragraphs between the usage line and the options. */
  readonly about?: string;
  readonly options?: readonly OptionHelp[];
  readonly examples?: readonly string[];
  /** The whole help text, from the module that owns the command's options (the simulators). */
  readonly helpFrom?: () => Promise<string>;
}

const CONFIG: OptionHelp = {
  flag: '--config',
  value: 'FILE',
  text: "the node's configuration, YAML or JSON: its data_dir (and control\nsocket) are used",
};
const DATA_DIR: OptionHelp = {
  flag: '--data-dir',
  value: 'DIR',
  text: 'the data directory, without a configuration\n(default: $FIELDNODE_DATA_DIR, else ./.fieldnode)',
};
const OUT: OptionHelp = {
  flag: '--out',
  value: 'FILE',
  text: 'write the file there (mode 0600, never over an existing file);\nwithout it, print it',
};
const MASTER: OptionHelp = { flag: '--master', value: 'FILE', text: "the centre's master secret file" };
const SEQ_FLOOR: OptionHelp = {
  flag: '--seq-floor',
  value: 'N',
  text: 'the lowest sequence number the kit may use next (default 0;\nraise it when a kit lost its store: docs/keys.md)',
};

export const COMMANDS: readonly CommandHelp[] = [
  { path: ['version'], usage: '', summary: 'print the version' },
  {
    path: ['help'],
    usage: '[COMMAND…]',
    summary: "this overview, or one command's help",
  },
  {
    path: ['keys'],
    usage: '[show] [--config FILE | --data-dir DIR] [--node-id N] [--json]',
    summary: "this node's identity (Ed25519), made on first use",
    about:
      "Without a subcommand: show this node's identity, made on first use in the data directory\n" +
      '(identity.json, mode 0600). The key files of enrolment are made by the subcommands below\n' +
      '(docs/keys.md).',
    options: [
      CONFIG,
      DATA_DIR,
      {
        flag: '--node-id',
        value: 'N',
        text: 'the node id to put in the JSON (default: node.id of --config)',
      },
      { flag: '--json', text: 'print the public part as JSON, as `keys export` does' },
    ],
  },
  {
    path: ['keys', 'export'],
    usage: '[--config FILE | --data-dir DIR] [--node-id N] [--json]',
    summary: "the identity's public part as JSON, for the centre",
    options: [
      CONFIG,
      DATA_DIR,
      { flag: '--node-id', value: 'N', text: 'this node’s id (default: node.id of --config)' },
      { flag: '--json', text: 'JSON (what export always prints; accepted for scripts)' },
    ],
  },
  {
    path: ['keys', 'new-master'],
    usage: '[--out FILE]',
    summary: 'centre: make the master secret every kit key derives from',
    about: 'Once per county. Keep it on the centre only, and a copy on paper under lock.',
    options: [OUT],
  },
  {
    path: ['keys', 'new-issuer'],
    usage: '--issuer N [--name TEXT] --out FILE',
    summary: 'centre: make an issuer’s key that signs warnings and control messages',
    about: 'Prints the keys.issuers entry that every node of the county must list.',
    options: [
      { flag: '--issuer', value: 'N', text: 'the issuer id, 0 to 65535' },
      { flag: '--name', value: 'TEXT', text: 'the issuing office, as headlines name it' },
      OUT,
    ],
    examples: ['fieldnode keys new-issuer --issuer 1 --name 长沙县防汛办 --out /etc/fieldnode/issuer-1.key'],
  },
  {
    path: ['keys', 'kit'],
    usage: '--master FILE --node N [--seq-floor N] [--out FILE]',
    summary: 'centre: make the kit key file of node N, and its key to type in',
    options: [MASTER, { flag: '--node', value: 'N', text: "the kit's node id" }, SEQ_FLOOR, OUT],
    examples: ['fieldnode keys kit --master /etc/fieldnode/master.secret --node 2107 --out kit-2107.key'],
  },
  {
    path: ['keys', 'relay'],
    usage: '--master FILE --nodes N,N,… [--out FILE]',
    summary: "centre: make a gateway's relay keys file for those kits",
    options: [MASTER, { flag: '--nodes', value: 'N,N,…', text: 'the kits the gateway relays for' }, OUT],
  },
  {
    path: ['keys', 'enter'],
    usage: '--node N [--seq-floor N] [--enrolled YYYY-MM-DD] [--out FILE]',
    summary: 'kit: write the kit key file from the key typed in',
    about: 'Reads the key as the centre gave it from standard input and checks it before writing.',
    options: [
      { flag: '--node', value: 'N', text: "this kit's node id" },
      SEQ_FLOOR,
      { flag: '--enrolled', value: 'YYYY-MM-DD', text: 'the day of enrolment (default: today, UTC)' },
      OUT,
    ],
  },
  {
    path: ['keys', 'check'],
    usage: 'FILE [--node N]',
    summary: 'read a key file as the daemon will: OK, or what is wrong',
    options: [
      { flag: '--node', value: 'N', text: 'the kit a kit key file is checked for (required for one)' },
    ],
  },
  {
    path: ['wire'],
    usage: 'COMMAND',
    summary: 'take frames apart, make them, and show the reference messages',
  },
  {
    path: ['wire', 'decode'],
    usage: 'HEX…|- [--secret S] [--json]',
    summary: 'take a frame apart and show every field',
    about:
      'HEX is the frame as hex digits: a 0x prefix and spaces are allowed, and several words are\n' +
      'joined; - (or nothing, from a pipe) reads it from standard input. Times are shown in UTC\n' +
      '(ISO 8601 with Z), codes with their names. Exit 1 when a frame is invalid (what is wrong, and\n' +
      'at which byte, goes to standard error) or a tag does not verify.',
    options: [
      {
        flag: '--secret',
        value: 'S',
        text:
          'check MAC tags and hop tags: S is the master secret, as typed (the same as\n' +
          "for `wire encode`), from which each kit's key derives",
      },
      { flag: '--json', text: 'print JSON: the message as `wire encode` reads it (unix seconds, codes)' },
    ],
    examples: ['fieldnode wire decode 0x5401bb10b10204c339e0a00b…', 'fieldnode wire decode - < frame.hex'],
  },
  {
    path: ['wire', 'encode'],
    usage: 'FILE|- [--secret S | --sign [--config FILE | --data-dir DIR]]',
    summary: 'encode a message written as JSON; prints hex',
    about: 'The JSON is what `wire decode --json` prints under "message".',
    options: [
      {
        flag: '--secret',
        value: 'S',
        text: "tag it with the origin's kit key, derived from master secret S, as typed",
      },
      { flag: '--sign', text: "sign it with this node's identity (from --config or --data-dir)" },
      CONFIG,
      DATA_DIR,
    ],
  },
  {
    path: ['wire', 'reference'],
    usage: '[--json]',
    summary: 'R1–R5 with bytes, credits, LoRa airtime and hex',
    about: 'Airtime is on the air with the Meshtastic LONG_FAST preset; a credit is 50 bytes (RockBLOCK).',
    options: [{ flag: '--json', text: 'print JSON' }],
  },
  {
    path: ['start'],
    usage: '[--config FILE] [--data-dir DIR] [--adopt]',
    summary: 'run the daemon',
    about:
      'Without --config: a standalone node with no links in ./.fieldnode (the configuration is\n' +
      'described in node/src/config/example.yaml). Stops on SIGTERM or SIGINT. SIGHUP reloads\n' +
      'the configuration (log level), or stops when the daemon runs on a terminal that hangs up.',
    options: [
      { flag: '--config', value: 'FILE', text: "the node's configuration, YAML or JSON" },
      {
        flag: '--data-dir',
        value: 'DIR',
        text:
          "keep this node's data (identity, store, pid file, control socket) in DIR;\n" +
          "overrides the configuration's data_dir and $FIELDNODE_DATA_DIR",
      },
      {
        flag: '--adopt',
        text:
          'take over a data directory that belongs to another node id or role, for\n' +
          'the node --config names (refused without it: docs/operating.md §The data\n' +
          'directory belongs to one node)',
      },
    ],
  },
  {
    path: ['demo'],
    usage: '[--fresh] [--lan] [--dir DIR]',
    summary: 'run the demonstration county: six nodes on simulated radios and satellite',
    about:
      'What `npm start` runs: a centre, a township gateway with an Iridium modem, three village kits\n' +
      'and a rescue team, each a real fieldnode, their web pages on 127.0.0.1:8100–8105\n' +
      "(docs/demo-county.md). Prints each node's address and PIN; stops on SIGINT or SIGTERM.",
    options: [
      { flag: '--fresh', text: "start over: remove DIR first (only a demonstration county's folder)" },
      { flag: '--lan', text: 'open the web pages to the network (every address), not only this machine' },
      { flag: '--dir', value: 'DIR', text: 'keep the county there (default ./.fieldnode-demo)' },
    ],
  },
  {
    path: ['status'],
    usage: '[--config FILE | --data-dir DIR] [--json] [--verbose]',
    summary: 'ask the running daemon: links, queue, clock, what it keeps',
    options: [
      CONFIG,
      DATA_DIR,
      { flag: '--json', text: 'print the whole status record as JSON' },
      {
        flag: '--verbose',
        short: '-v',
        text: "also exact times, the carrier's report of each kept payload and the\nclock's whole record",
      },
    ],
  },
  { path: ['audit'], usage: 'COMMAND', summary: "this node's audit log" },
  {
    path: ['audit', 'verify'],
    usage: '[--config FILE | --data-dir DIR]',
    summary: 'check the audit log: every entry whole, in order and chained; no daemon needed',
    about:
      'Reads <data dir>/audit.jsonl. Prints "audit log OK: N entries, last at …" with the last entry\'s\n' +
      'hash (note it down: it later shows entries removed from the end), or "audit log BROKEN at\n' +
      'entry N: …". Exits 0 only when OK (docs/domain-model.md §Checking the log).',
    options: [CONFIG, DATA_DIR],
  },
  {
    path: ['foreign'],
    usage: 'COMMAND',
    summary: 'the payloads the node kept as foreign, and their release',
  },
  {
    path: ['foreign', 'list'],
    usage: '[--config FILE | --data-dir DIR] [--json]',
    summary: 'the payloads kept as foreign, numbered; no daemon needed',
    about: 'Read from <data dir>/foreign-payloads.jsonl.',
    options: [CONFIG, DATA_DIR, { flag: '--json', text: 'print every record whole, as JSON' }],
  },
  {
    path: ['foreign', 'release'],
    usage: 'N [--config FILE | --data-dir DIR]',
    summary: 'centre: hand kept payload N back to the daemon',
    about:
      'N is the number `fieldnode foreign list` shows. The daemon takes the payload in again without\n' +
      'the enrolment check.',
    options: [CONFIG, DATA_DIR],
  },
  ...RADIO_COMMANDS,
  ...KITS_COMMANDS,
  {
    path: ['sim'],
    usage: 'DEVICE',
    summary: 'the hardware simulators, on their own',
  },
  {
    path: ['sim', 'meshtastic'],
    usage: '--tcp PORT | --pty [--link PATH] [options]',
    summary: 'a simulated Meshtastic device (firmware 2.6 by default)',
    helpFrom: async () => (await import('../../../radio/sim/meshtastic/sim-command.js')).SIM_USAGE,
  },
  {
    path: ['sim', 'iridium'],
    usage: '--pty [--link PATH] [options]',
    summary: 'a simulated Iridium 9603 modem on a pseudo-terminal',
    helpFrom: async () =>
      (await import('../../../satellite/sim/iridium/iridium-sim-command.js')).IRIDIUM_SIM_USAGE,
  },
  {
    path: ['sim', 'rockblock'],
    usage: '--port PORT [--push-url URL] [--key-dir DIR] [options]',
    summary: 'the simulated Iridium network and RockBLOCK web services',
    helpFrom: async () =>
      (await import('../../../satellite/sim/rockblock/sim-command.js')).ROCKBLOCK_SIM_USAGE,
  },
  {
    path: ['sim', 'beidou'],
    usage: '--pty [--link PATH] [options]',
    summary: 'a simulated BeiDou short-message module on a pseudo-terminal',
    helpFrom: async () =>
      (await import('../../../satellite/sim/beidou/beidou-sim-command.js')).BEIDOU_SIM_USAGE,
  },
];
