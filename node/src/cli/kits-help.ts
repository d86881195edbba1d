/**
 * The help of `fieldnode backup`, `fieldnode restore` and `fieldnode kits` with its subcommands
 * (docs/operating.md §Backup and restore; docs/kits.md §From the command line), spread into the one
 * help table (help-table.ts), which the overview, each command's help and usage errors all read.
 */
const CONFIG = {
  flag: '--config',
  value: 'FILE',
  text: "the node's configuration, YAML or JSON: its data_dir (and control\nsocket) are used",
};
const DATA_DIR = {
  flag: '--data-dir',
  value: 'DIR',
  text: 'the data directory, without a configuration\n(default: $FIELDNODE_DATA_DIR, else ./.fieldnode)',
};
const JSON_OPTION = { flag: '--json', text: 'print the reply as JSON' };

export const KITS_COMMANDS = [
  {
    path: ['backup'],
    usage: '--out DIR [--config FILE | --data-dir DIR] [--keys] [--json]',
    summary: "a consistent copy of the node's data directory, made while it runs",
    about:
      'Asks the running daemon to write the backup (it holds the store): the store from one\n' +
      'snapshot, every other file of the data directory (journals, the audit log, the identity)\n' +
      "up to its last whole line, and a manifest with every file's SHA-256. With no daemon running,\n" +
      'the command opens the store itself. DIR must be new or empty, outside the data directory\n' +
      '(docs/operating.md §Backup and restore).',
    options: [
      {
        flag: '--out',
        value: 'DIR',
        text: 'where the backup goes: a new or empty directory, made mode 0700',
      },
      CONFIG,
      DATA_DIR,
      {
        flag: '--keys',
        text: 'also copy the key files the configuration names (the master secret, the\nissuer key, the kit key): needs --config; keep such a backup locked away',
      },
      JSON_OPTION,
    ],
    examples: ['fieldnode backup --config /etc/fieldnode/centre.yaml --out /mnt/usb/centre-2026-07-14'],
  },
  {
    path: ['restore'],
    usage: 'BACKUP (--config FILE | --data-dir DIR) [--keys-to DIR] [--seq-skip N] [--json]',
    summary: 'write a backup back into a fresh data directory',
    about:
      'Checks every file of BACKUP against its manifest first, then makes the data directory\n' +
      '(which must not exist or be empty: a restore never writes over a node), writes the store\n' +
      'back entry by entry and every other file as it was, and opens the store to check it.',
    options: [
      CONFIG,
      DATA_DIR,
      {
        flag: '--keys-to',
        value: 'DIR',
        text: "write the backup's key files there (mode 0600, never over a file);\nwithout it they are listed and left in the backup",
      },
      {
        flag: '--seq-skip',
        value: 'N',
        text: "move the node's sequence on by N past the backup's (default 100000), so\nthat messages it sent after the backup are not numbered again (refused as\nreplays); 0 keeps the backup's, only for a node known silent since",
      },
      JSON_OPTION,
    ],
    examples: ['fieldnode restore /mnt/usb/centre-2026-07-14 --data-dir /var/lib/fieldnode-new'],
  },
  {
    path: ['kits'],
    usage: 'COMMAND',
    summary: "centre: the kits' health, and a lost or stolen kit",
  },
  {
    path: ['kits', 'list'],
    usage: '[--config FILE | --data-dir DIR] [--json]',
    summary: 'centre: every kit, last heard, battery, links, clock, queue, alerts',
    about: 'Asks the running daemon (docs/kits.md §The kit board). Kits with alerts come first.',
    options: [CONFIG, DATA_DIR, JSON_OPTION],
  },
  {
    path: ['kits', 'revoke'],
    usage: 'KIT [--config FILE | --data-dir DIR] [--json]',
    summary: 'centre: revoke a lost or stolen kit (a signed control message to every node)',
    about:
      "The daemon signs a control message with the centre's issuer key listing KIT (and every kit\n" +
      'revoked before) in revokeNodes; its frames are refused from then on, here at once and at\n' +
      'every node once it hears it. There is no undoing it: a recovered kit is enrolled under a\n' +
      'new id. The audit log records it as done by `system` (docs/kits.md §A lost or stolen kit).',
    options: [CONFIG, DATA_DIR, JSON_OPTION],
  },
  {
    path: ['kits', 'replace'],
    usage: 'KIT --by NEW [--handover FILE] [--config FILE | --data-dir DIR] [--json]',
    summary: 'centre: NEW carries on for the revoked KIT: its area, roster and open incidents',
    about:
      'NEW must be enrolled (keys.nodes) for the same area as KIT, and KIT revoked. Its open\n' +
      "incidents then name NEW, the area's roster goes to NEW in a signed control message, and\n" +
      'the warning desk follows KIT to NEW (docs/kits.md §Open items). An area of more than 64\n' +
      'people is refused before anything changes: one roster message carries 64 at most.',
    options: [
      { flag: '--by', value: 'NEW', text: 'the kit that carries on' },
      {
        flag: '--handover',
        value: 'FILE',
        text: 'write the handover file for NEW there (mode 0600, never over a file):\ncopy it to NEW and run `fieldnode kits adopt FILE` there',
      },
      CONFIG,
      DATA_DIR,
      JSON_OPTION,
    ],
  },
  {
    path: ['kits', 'handover'],
    usage: 'KIT --out FILE [--config FILE | --data-dir DIR]',
    summary: 'centre: the handover file for the kit that replaced KIT',
    options: [
      { flag: '--out', value: 'FILE', text: 'write it there (mode 0600, never over an existing file)' },
      CONFIG,
      DATA_DIR,
    ],
  },
  {
    path: ['kits', 'adopt'],
    usage: 'FILE --config FILE',
    summary: "on the new kit, stopped: take in the lost kit's open incidents",
    about:
      "FILE is the handover file the centre made for this kit. Its incidents go into this node's\n" +
      'incident book, so its people can file the next 续报 where the lost kit stopped. Run it before\n' +
      'the daemon starts: it refuses while one runs on the data directory.',
    options: [CONFIG],
  },
] as const;
