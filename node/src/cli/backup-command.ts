/**
 * `fieldnode backup` and `fieldnode restore` (docs/operating.md §Backup and restore).
 *
 * A backup is written by the running daemon when one answers on the control socket (it holds the
 * store, and snapshots it while it goes on working); with no daemon running, by this command, which
 * opens the store itself (its lock keeps a daemon from starting meanwhile). A restore needs no
 * daemon: it makes a fresh data directory, and opens the restored store once to check it.
 */
import { join, resolve } from 'node:path';
import type { BackupManifest } from '../backup/backup-manifest.js';
import { writeBackup } from '../backup/data-backup.js';
import { restoreBackup } from '../backup/data-restore.js';
import { KitError } from '../base/errors.js';
import { silentLogger } from '../base/logger.js';
import { keyFilesOf } from '../composition/control-commands.js';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { readIdentity } from '../crypto/identity.js';
import { requestCommand } from '../daemon/control-socket.js';
import { checkNotInUse } from '../daemon/data-dir-check.js';
import { MessageStore } from '../store/message-store.js';
import { dataDir as dataDirOf, parseOptions } from './args.js';
import { packageVersion } from './package-info.js';

/**
 * How far a restore moves the node's sequence on unless told (docs/operating.md §Backup and
 * restore): more than a node realistically numbers between its last backup and its restore. A
 * centre numbers about one message (a receipt) per message it takes in, plus its warnings and
 * control messages; a county of a hundred kits each sending the 1,024 a day a kit's sequence epoch
 * allows (docs/security.md §A lost store) is 100,000 a day at the very worst, so a day's backup has
 * a whole day of that; a kit numbers its own 1,024 a day for about three months. The cost is
 * small: the sequence is a varint (docs/wire-format.md §3.1) of 2 bytes from 128, 3 from 16,384 and 4
 * from 2,097,152, so the skip adds nothing to a node between 16,384 and 1,997,152, one byte per
 * message to one below 16,384 or near 2,097,152, and two only to a node that had sent fewer than
 * 128. A skip that falls short costs far more: every message numbered again is refused as a replay.
 */
export const DEFAULT_SEQ_SKIP = 100_000;

/** A backup of a busy centre takes a while: the daemon is given this long to answer. */
const BACKUP_WAIT_MS = 30 * 60_000;

export async function backupCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseOptions(args, {
    out: { type: 'string' },
    config: { type: 'string' },
    'data-dir': { type: 'string' },
    keys: { type: 'boolean' },
    json: { type: 'boolean' },
  });
  if (positionals.length > 0)
    throw new KitError('CLI_USAGE', `backup takes no arguments, got ${positionals.join(' ')}`);
  if (values.out === undefined)
    throw new KitError('CLI_USAGE', 'backup needs --out DIR: where the backup goes');
  if (values.config !== undefined && values['data-dir'] !== undefined)
    throw new KitError('CLI_USAGE', 'give --config or --data-dir, not both');
  if (values.keys && values.config === undefined)
    throw new KitError('CLI_USAGE', '--keys needs --config: the configuration names the key files');
  const config = values.config === undefined ? undefined : await loadConfig(values.config);
  const dataDir = config?.dataDir ?? dataDirOf(values['data-dir']);
  const socket = config?.control.socket ?? join(dataDir, 'control.sock');
  const out = resolve(values.out);

  const asked = await requestCommand(
    socket,
    { cmd: 'backup', out, ...(values.keys ? { keys: true } : {}) },
    { timeoutMs: BACKUP_WAIT_MS },
  );
  let manifest: BackupManifest;
  let by: string;
  if (asked.ok) {
    manifest = (asked.reply as { manifest: BackupManifest }).manifest;
    by = 'the running daemon';
  } else if (asked.reason === 'refused') {
    // The daemon's own code and words: BACKUP_EXISTS, BACKUP_INSIDE_DATA_DIR, STORE_FULL…
    const why =
      asked.code === 'UNKNOWN_COMMAND'
        ? 'the daemon running is a fieldnode from before backups: stop it and run this again, or upgrade it'
        : asked.detail;
    process.stderr.write(`fieldnode: ${asked.code}: ${why}\n`);
    return 1;
  } else if (asked.reason === 'no-daemon') {
    manifest = await offlineBackup(dataDir, out, config, values.keys === true);
    by = 'this command (no daemon running)';
  } else {
    process.stderr.write(`fieldnode: the daemon on ${socket} did not make the backup: ${asked.detail}\n`);
    return 1;
  }
  if (values.json) process.stdout.write(`${JSON.stringify(manifest, null, 2)}\n`);
  else process.stdout.write(backupText(manifest, out, by, values.keys === true, config));
  return 0;
}

async function offlineBackup(dataDir: string, out: string, config: Config | undefined, keys: boolean) {
  await checkNotInUse(dataDir);
  const owner = (await readIdentity(dataDir))?.owner;
  const node = config?.node ?? (owner === undefined ? undefined : { id: owner.nodeId, role: owner.role });
  if (node === undefined)
    throw new KitError(
      'CLI_USAGE',
      `${dataDir} has no node identity with its owner: give --config, or check the data directory`,
    );
  const store = await MessageStore.open(join(dataDir, 'store'));
  try {
    return await writeBackup({
      store,
      dataDir,
      out,
      node: { id: node.id, role: node.role },
      version: packageVersion(),
      ...(keys && config ? { keyFiles: keyFilesOf(config) } : {}),
      now: Date.now,
      log: silentLogger,
    });
  } finally {
    await store.close();
  }
}

function backupText(
  m: BackupManifest,
  out: string,
  by: string,
  keys: boolean,
  config: Config | undefined,
): string {
  const lines = [
    `backup of node ${m.node.id} (${m.node.role}) in ${out}, made by ${by}`,
    `  store   ${m.store.entries.toLocaleString('en')} entries from one snapshot at ${new Date(m.madeAt).toISOString()} (${mb(m.store.bytes)})`,
    `  files   ${m.files.length}: ${m.files.map((f) => f.path).join(', ')}`,
  ];
  if (m.keys.length > 0)
    lines.push(
      `  keys    ${m.keys.map((k) => `${k.setting} (${k.from})`).join(', ')}: keep this backup locked away`,
    );
  else if (!keys && config !== undefined && keyFilesOf(config).length > 0)
    lines.push(
      `  keys    not copied (${keyFilesOf(config)
        .map((k) => k.setting)
        .join(', ')}): add --keys to copy them`,
    );
  lines.push(`restore it with: fieldnode restore ${out} --data-dir NEW_DIR`);
  return `${lines.join('\n')}\n`;
}

export async function restoreCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseOptions(args, {
    config: { type: 'string' },
    'data-dir': { type: 'string' },
    'keys-to': { type: 'string' },
    'seq-skip': { type: 'string' },
    json: { type: 'boolean' },
  });
  const skip = seqSkip(values['seq-skip']);
  if (positionals.length !== 1)
    throw new KitError(
      'CLI_USAGE',
      `restore takes one BACKUP directory, got ${positionals.length === 0 ? 'none' : positionals.join(' ')}`,
    );
  if ((values.config === undefined) === (values['data-dir'] === undefined))
    throw new KitError(
      'CLI_USAGE',
      'restore needs --config or --data-dir (one of them): where the data directory is made',
    );
  const config = values.config === undefined ? undefined : await loadConfig(values.config);
  const dataDir = config?.dataDir ?? resolve(values['data-dir'] as string);
  const restored = await restoreBackup({
    from: positionals[0] as string,
    dataDir,
    ...(values['keys-to'] === undefined ? {} : { keysTo: resolve(values['keys-to']) }),
    log: silentLogger,
  });
  // Opened once, as the daemon will: its layout checked, its marks read; and its sequence moved on
  // past the numbers the node may have used after the backup (docs/operating.md §Backup and restore).
  const store = await MessageStore.open(join(dataDir, 'store'));
  let seq: { from: number; to: number } | undefined;
  try {
    if (skip > 0) {
      const from = (await store.getKv<number>('seq')) ?? 0;
      await store.putKv({ seq: from + skip }, true);
      seq = { from, to: from + skip };
    }
  } finally {
    await store.close();
  }
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ dataDir, ...restored, ...(seq ? { seq } : {}) }, null, 2)}\n`);
    return 0;
  }
  const m = restored.manifest;
  const lines = [
    `restored node ${m.node.id} (${m.node.role}) from ${resolve(positionals[0] as string)} into ${dataDir}`,
    `  store   ${restored.entries.toLocaleString('en')} entries (the backup's snapshot of ${new Date(m.madeAt).toISOString()}); it opens`,
    `  files   ${restored.files}`,
  ];
  lines.push(
    seq === undefined
      ? `  seq     as the backup left it (--seq-skip 0): if the node sent any message after ${new Date(m.madeAt).toISOString()}, every node that heard it refuses the next ones as replays`
      : `  seq     moved on from ${seq.from} to ${seq.to} (${values['seq-skip'] === undefined ? 'the default skip' : '--seq-skip'} ${skip}): its next message is ${seq.to + 1}`,
  );
  if (restored.keys.length > 0) lines.push(`  keys    written: ${restored.keys.join(', ')}`);
  if (restored.keysLeft.length > 0)
    lines.push(
      `  keys    in the backup, not restored: ${restored.keysLeft.join(', ')} (give --keys-to DIR to write them)`,
    );
  if (config !== undefined && (config.node.id !== m.node.id || config.node.role !== m.node.role))
    lines.push(
      `note: the backup is node ${m.node.id} (${m.node.role}), the configuration node ${config.node.id} (${config.node.role}): a start refuses it unless --adopt (docs/operating.md §The data directory belongs to one node)`,
    );
  lines.push(
    `start it: fieldnode start ${config === undefined ? `--config FILE --data-dir ${dataDir}` : `--config ${values.config}`}`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

/** --seq-skip: how many sequence numbers to pass over, 0 to 1,000,000; DEFAULT_SEQ_SKIP when not given. */
function seqSkip(text: string | undefined): number {
  if (text === undefined) return DEFAULT_SEQ_SKIP;
  const n = /^\d{1,7}$/.test(text) ? Number(text) : Number.NaN;
  if (!(n >= 0 && n <= 1_000_000))
    throw new KitError(
      'CLI_USAGE',
      `--seq-skip takes a count of sequence numbers, 0 to 1000000, got ${JSON.stringify(text)}`,
    );
  return n;
}

function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}
