/**
 * The text of the three key files (docs/keys.md §Key files): a kit's own kit key file, a gateway's
 * relay keys file and the centre's master secret file. Reading them from disk, with their modes
 * checked, is key-files.ts; this file only turns text into keys and back.
 *
 * The kit key file and the relay keys file are small line-based files, made by the centre's
 * `fieldnode keys` and short enough to type: a first line naming the format and its version, then
 * one `name value` per line. Blank lines and lines starting with `#` are ignored. Every problem
 * names the file, the line and the fix:
 *
 *     fieldnode-kit-key 1                 fieldnode-relay-keys 1
 *     node 2107                           2107 MZXW-6YTB-…
 *     enrolled 2026-07-13                 2108 NBSW-Y3DP-…
 *     seq-floor 0
 *     key MZXW-6YTB-…
 *
 * The master secret file is the typed master secret alone (key-text.ts), with `#` comments.
 */
import { KitError } from '../base/errors.js';
import {
  checkHeader,
  located,
  meaningfulLines,
  namedFields,
  parseU32,
  show,
  U32_MAX,
  unreadable,
  VERSION,
} from './key-file-lines.js';
import {
  formatKitKey,
  formatMasterSecret,
  formatRelayKey,
  parseKitKey,
  parseMasterSecret,
  parseRelayKey,
} from './key-text.js';

const KIT_KEY_HEADER = 'fieldnode-kit-key';
const RELAY_KEYS_HEADER = 'fieldnode-relay-keys';
const SECONDS_PER_DAY = 86_400;
/** Characters of the enrolment secret this format replaced: 32 bytes of base32, no check. */
const OLD_SECRET_CHARS = 52;

/** What a kit reads from its kit key file. */
export interface KitKeyFile {
  /** The node the key is for. */
  readonly node: number;
  /** The day of (re-)enrolment: unix seconds of 00:00 UTC. */
  readonly enrolledDay: number;
  /**
   * The centre's high-water mark of this kit's sequence numbers at (re-)enrolment: a kit that lost
   * its store starts numbering above it, so the centre does not take its new messages for replays.
   */
  readonly seqFloor: number;
  /** K(node), 32 bytes. */
  readonly kitKey: Uint8Array;
}

export interface ParseKitKeyFileOptions {
  /** Names the file in messages, e.g. "/etc/fieldnode/kit.key (keys.kit_key_file)". */
  source: string;
  /** The node the file must be for; refused with KEYS_WRONG_NODE otherwise. */
  node?: number;
  /** Where that node id comes from, for the message. Default "node.id of the configuration". */
  nodeFrom?: string;
}

export function formatKitKeyFile(f: KitKeyFile): string {
  return [
    `${KIT_KEY_HEADER} ${VERSION}`,
    `node ${f.node}`,
    `enrolled ${formatDay(f.enrolledDay)}`,
    `seq-floor ${f.seqFloor}`,
    `key ${formatKitKey(f.kitKey, f.node)}`,
    '',
  ].join('\n');
}

/**
 * Reads a kit key file's text.
 * @throws KitError KEYS_UNREADABLE for a file that is not a kit key file or has a bad line;
 *   KEYS_WRONG_NODE when it is for another node than `opts.node`; KEYS_MISTYPED when the key's
 *   check fails.
 */
export function parseKitKeyFile(text: string, opts: ParseKitKeyFileOptions): KitKeyFile {
  const { source } = opts;
  const lines = meaningfulLines(text);
  checkHeader(lines, KIT_KEY_HEADER, source, 'kit key file');
  const { fields, need } = namedFields(
    lines,
    ['node', 'enrolled', 'seq-floor', 'key'],
    source,
    'kit key file',
  );

  const nodeLine = need('node');
  const node = parseU32(nodeLine.value, 1);
  if (node === undefined)
    throw unreadable(source, nodeLine.n, `node ${show(nodeLine.value)}: a node id is 1 to ${U32_MAX}`);
  if (opts.node !== undefined && node !== opts.node) {
    throw new KitError(
      'KEYS_WRONG_NODE',
      `${source} is the kit key of node ${node}, but this node is ${opts.node} (${opts.nodeFrom ?? 'node.id of the configuration'}). ` +
        `Install the kit key file made for node ${opts.node} (\`fieldnode keys kit --node ${opts.node}\` at the centre)`,
    );
  }
  const dayLine = need('enrolled');
  const enrolledDay = parseDay(dayLine.value);
  if (enrolledDay === undefined) {
    throw unreadable(source, dayLine.n, `enrolled ${show(dayLine.value)}: expected a date, e.g. 2026-07-13`);
  }
  const floorLine = fields.get('seq-floor');
  const seqFloor = floorLine === undefined ? 0 : parseU32(floorLine.value, 0);
  if (seqFloor === undefined && floorLine !== undefined) {
    throw unreadable(
      source,
      floorLine.n,
      `seq-floor ${show(floorLine.value)}: a sequence number 0 to ${U32_MAX}`,
    );
  }
  const keyLine = need('key');
  const kitKey = located(source, keyLine.n, () => parseKitKey(keyLine.value, node));
  return { node, enrolledDay, seqFloor: seqFloor ?? 0, kitKey };
}

/** The relay keys file of a gateway: node → R(node), one line each, in node order. */
export function formatRelayKeysFile(keys: ReadonlyMap<number, Uint8Array>): string {
  const lines = [...keys.keys()]
    .sort((a, b) => a - b)
    .map((n) => `${n} ${formatRelayKey(keys.get(n) as Uint8Array, n)}`);
  return [`${RELAY_KEYS_HEADER} ${VERSION}`, ...lines, ''].join('\n');
}

/**
 * Reads a relay keys file's text: node → relay key. A file with no kits is valid.
 * @throws KitError KEYS_UNREADABLE for a bad line or a node listed twice; KEYS_MISTYPED when a
 *   key's check fails.
 */
export function parseRelayKeysFile(text: string, source: string): Map<number, Uint8Array> {
  const lines = meaningfulLines(text);
  checkHeader(lines, RELAY_KEYS_HEADER, source, 'relay keys file');
  const keys = new Map<number, Uint8Array>();
  const seen = new Map<number, number>();
  for (const { n, text: line } of lines.slice(1)) {
    const m = /^(\S+)\s+(.+)$/.exec(line);
    const node = m === null ? undefined : parseU32(m[1] as string, 1);
    if (m === null || node === undefined) {
      throw unreadable(source, n, `expected "<node id> <relay key>", found ${show(line)}`);
    }
    const earlier = seen.get(node);
    if (earlier !== undefined) throw unreadable(source, n, `node ${node} is already on line ${earlier}`);
    seen.set(node, n);
    keys.set(
      node,
      located(source, n, () => parseRelayKey(m[2] as string, node)),
    );
  }
  return keys;
}

export function formatMasterSecretFile(master: Uint8Array): string {
  return (
    '# fieldnode master secret of the county centre: every kit key derives from it.\n' +
    '# Keep this file mode 0600 on the centre and a copy on paper under lock; never on a kit.\n' +
    `${formatMasterSecret(master)}\n`
  );
}

/**
 * Reads the master secret file's text: the typed master secret, with `#` comment lines.
 * @throws KitError KEYS_UNREADABLE when it is empty or another kind of file; KEYS_MISTYPED when
 *   the secret is mistyped.
 */
export function parseMasterSecretFile(text: string, source: string): Uint8Array {
  const lines = meaningfulLines(text);
  const first = lines[0];
  if (first === undefined)
    throw unreadable(source, undefined, 'the file is empty: it should hold the master secret');
  if (first.text.startsWith(KIT_KEY_HEADER) || first.text.startsWith(RELAY_KEYS_HEADER)) {
    throw unreadable(source, first.n, `this is a ${first.text.split(/\s/)[0]} file, not the master secret`);
  }
  const typed = lines.map((l) => l.text).join('');
  if (typed.replace(/[\s-]/g, '').length === OLD_SECRET_CHARS) {
    throw unreadable(
      source,
      first.n,
      'this is an enrolment secret of the old form, which has no check: make a master secret with `fieldnode keys new-master`',
    );
  }
  return located(source, first.n, () => parseMasterSecret(typed));
}

/** YYYY-MM-DD (UTC) of a day given as unix seconds of its 00:00 UTC. */
export function formatDay(day: number): string {
  if (!Number.isSafeInteger(day) || day % SECONDS_PER_DAY !== 0) {
    throw new TypeError('a day is the unix seconds of its 00:00 UTC');
  }
  return new Date(day * 1000).toISOString().slice(0, 10);
}

/** Unix seconds of 00:00 UTC of a YYYY-MM-DD date, or undefined for anything else. */
export function parseDay(text: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (m === null) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  // Date.UTC rolls 2026-02-30 over into March; a date that does not exist is a typo.
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return undefined;
  }
  return date.getTime() / 1000;
}

/** Trimmed lines that are neither blank nor `#` comments. */
