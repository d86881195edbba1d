/**
 * `fieldnode keys`: the node's Ed25519 identity, and the key files of enrolment (docs/keys.md §The
 * command line, §Enrolment step by step).
 *
 * At the centre: `new-master` makes the master secret, `kit` a kit's key file, `relay` a gateway's
 * relay keys file. On a kit: `enter` writes the kit key file from the key typed in, `check` reads a
 * key file as the daemon will and says OK or exactly what is wrong. Files are written mode 0600
 * and never over an existing file. The identity lives in the data directory, found as `status`
 * finds it: --config (whose node.id is then the id `export` writes) or --data-dir
 * (docs/operating.md §The command line).
 *
 * The subcommand is the first word; each takes only its own options.
 */
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { KitError } from '../base/errors.js';
import { generateSigningKeyPair } from '../crypto/ed25519.js';
import { exportPublicIdentity, loadOrCreateIdentity } from '../crypto/identity.js';
import { formatIssuerKeyFile } from '../crypto/issuer-key-file.js';
import {
  formatDay,
  formatKitKeyFile,
  formatMasterSecretFile,
  formatRelayKeysFile,
  parseDay,
} from '../crypto/key-file-formats.js';
import {
  readIssuerKeyFile,
  readKitKeyFile,
  readMasterSecretFile,
  readRelayKeysFile,
  writeKeyFile,
} from '../crypto/key-files.js';
import { formatKitKey, parseKitKey } from '../crypto/key-text.js';
import { deriveKitKey, deriveRelayKey } from '../crypto/kit-keys.js';
import { generateMasterSecret } from '../crypto/mac.js';
import { parseNodeId, parseOptions } from './args.js';
import { nodePlaces } from './node-places.js';

const U32_MAX = 0xffff_ffff;
const SECONDS_PER_DAY = 86_400;

const str = { type: 'string' } as const;
const flag = { type: 'boolean' } as const;
const IDENTITY_OPTIONS = { config: str, 'data-dir': str, 'node-id': str, json: flag } as const;

/** The options each subcommand takes; any other is a usage error. */
const SUB_OPTIONS = {
  show: IDENTITY_OPTIONS,
  export: IDENTITY_OPTIONS,
  'new-master': { out: str },
  'new-issuer': { issuer: str, name: str, out: str },
  kit: { master: str, node: str, 'seq-floor': str, out: str },
  relay: { master: str, nodes: str, out: str },
  check: { node: str },
  enter: { node: str, 'seq-floor': str, enrolled: str, out: str },
} as const;
type Sub = keyof typeof SUB_OPTIONS;
/** The values of any subcommand's options; each takes only its own. */
type KeysValues = Partial<
  Record<
    | 'config'
    | 'data-dir'
    | 'node-id'
    | 'out'
    | 'master'
    | 'node'
    | 'nodes'
    | 'seq-floor'
    | 'enrolled'
    | 'issuer'
    | 'name',
    string
  >
> & {
  json?: boolean;
};

export interface KeysCommandIo {
  /** Where `keys enter` reads the typed key. Default standard input. */
  stdin?: Readable;
  /** Now, ms since the epoch: the day of enrolment. Default Date.now. */
  now?: () => number;
}

export async function keysCommand(args: string[], io: KeysCommandIo = {}): Promise<number> {
  // The subcommand comes first; without one, `keys` shows the identity.
  const first = args[0];
  const sub = first === undefined || first.startsWith('-') ? 'show' : first;
  if (!Object.hasOwn(SUB_OPTIONS, sub)) {
    const hint =
      sub === 'new-secret'
        ? ': the county-wide enrolment secret is gone. At the centre, `keys new-master` makes the master ' +
          'secret and `keys kit` each kit’s own key file (docs/keys.md)'
        : `; the keys commands are ${Object.keys(SUB_OPTIONS).join(', ')}`;
    throw new KitError('CLI_USAGE', `keys: unknown command ${JSON.stringify(sub)}${hint}`);
  }
  const parsed = parseOptions(sub === first ? args.slice(1) : args, SUB_OPTIONS[sub as Sub]);
  const values = parsed.values as KeysValues;
  const rest = parsed.positionals;
  if (rest.length > (sub === 'check' ? 1 : 0)) {
    throw new KitError('CLI_USAGE', `keys ${sub}: unexpected ${rest.join(' ')}`);
  }
  const today = Math.floor((io.now ?? Date.now)() / 1000 / SECONDS_PER_DAY) * SECONDS_PER_DAY;

  switch (sub) {
    case 'new-master': {
      const master = generateMasterSecret();
      if (values.out === undefined) return print(formatMasterSecretFile(master));
      await writeKeyFile(values.out, formatMasterSecretFile(master));
      return print(
        `Made a master secret in ${values.out} (mode 0600). Every kit key derives from it: keep it on the\n` +
          'centre only (keys.master_secret_file), and a copy on paper under lock. Never put it on a kit.\n',
      );
    }
    case 'new-issuer':
      return newIssuer(values);
    case 'kit': {
      const master = await readMasterSecretFile(required(values.master, '--master FILE'));
      const node = nodeOption(required(values.node, '--node N'), '--node');
      const seqFloor = u32Option(values['seq-floor'], '--seq-floor') ?? 0;
      const kitKey = deriveKitKey(master, node);
      const text = formatKitKeyFile({ node, enrolledDay: today, seqFloor, kitKey });
      if (values.out === undefined) return print(text);
      await writeKeyFile(values.out, text);
      const enrolled = formatDay(today);
      return print(
        `Kit key file of node ${node} written to ${values.out} (mode 0600).\n` +
          `  node:      ${node}\n  enrolled:  ${enrolled}\n  seq-floor: ${seqFloor}\n` +
          `  key:       ${formatKitKey(kitKey, node)}\n` +
          `On kit ${node}: copy the file there and name it in keys.kit_key_file, or type the key in with\n` +
          `  fieldnode keys enter --node ${node} --seq-floor ${seqFloor} --enrolled ${enrolled} --out FILE\n` +
          `then: fieldnode keys check FILE --node ${node}\n`,
      );
    }
    case 'relay': {
      const master = await readMasterSecretFile(required(values.master, '--master FILE'));
      const nodes = nodeListOption(required(values.nodes, '--nodes N,N,…'));
      const keys = new Map(nodes.map((n) => [n, deriveRelayKey(deriveKitKey(master, n), n)]));
      const text = formatRelayKeysFile(keys);
      if (values.out === undefined) return print(text);
      await writeKeyFile(values.out, text);
      return print(
        `Relay keys of ${nodes.length} kit${nodes.length === 1 ? '' : 's'} (${nodes.join(', ')}) written to ` +
          `${values.out} (mode 0600).\nOn the gateway: copy the file there and name it in keys.relay_keys_file.\n`,
      );
    }
    case 'check':
      return check(required(rest[0], 'the key file to check'), values.node);
    case 'enter': {
      const node = nodeOption(required(values.node, '--node N'), '--node');
      const seqFloor = u32Option(values['seq-floor'], '--seq-floor') ?? 0;
      const enrolledDay = values.enrolled === undefined ? today : parseDay(values.enrolled);
      if (enrolledDay === undefined)
        throw new KitError('CLI_USAGE', `--enrolled ${values.enrolled}: expected a date, e.g. 2026-07-13`);
      process.stderr.write(
        `Type the kit key of node ${node} as the centre gave it (58 characters; '-' and spaces may be left out):\n`,
      );
      const kitKey = parseKitKey(await firstLine(io.stdin ?? process.stdin), node);
      const text = formatKitKeyFile({ node, enrolledDay, seqFloor, kitKey });
      if (values.out === undefined) return print(text);
      await writeKeyFile(values.out, text);
      return print(`The key checks. Kit key file of node ${node} written to ${values.out} (mode 0600).\n`);
    }
    default:
      return identity(sub, values);
  }
}

/** Reads a key file as the daemon will, and says what it is or exactly what is wrong. */
/**
 * `keys new-issuer --issuer N [--name TEXT] --out FILE`: a new Ed25519 issuer key, written mode
 * 0600, and the `keys.issuers` entry every node of the county must list for it.
 */
async function newIssuer(values: KeysValues): Promise<number> {
  const issuerText = required(values.issuer, '--issuer N');
  if (!/^(0|[1-9][0-9]{0,4})$/.test(issuerText) || Number(issuerText) > 0xffff)
    throw new KitError('CLI_USAGE', `keys new-issuer: --issuer ${issuerText}: an issuer id is 0 to 65535`);
  const out = required(values.out, '--out FILE');
  const issuer = Number(issuerText);
  const { privateKey, publicKey } = generateSigningKeyPair();
  await writeKeyFile(
    out,
    formatIssuerKeyFile({ issuer, privateKey, ...(values.name === undefined ? {} : { name: values.name }) }),
  );
  const name = values.name === undefined ? '' : `\n      name: ${JSON.stringify(values.name)}`;
  return print(
    `Issuer ${issuer}'s signing key written to ${out} (mode 0600). Keep it where warnings are issued\n` +
      `(keys.issuer_key_file there) and nowhere else. Every node of the county lists its public key:\n\n` +
      `  keys:\n    issuers:\n      - id: ${issuer}\n        public_key: ${Buffer.from(publicKey).toString('base64')}\n` +
      `        powers: [warning, control]${name.replace('\n      ', '\n        ')}\n`,
  );
}

async function check(file: string, nodeText: string | undefined): Promise<number> {
  // The first line says which kind of file this is; the reader of that kind then checks it all.
  const head = await readFile(file, 'utf8').catch(() => '');
  const first =
    head
      .split(/\r?\n/)
      .find((l) => l.trim() !== '' && !l.trim().startsWith('#'))
      ?.trim() ?? '';
  if (first.startsWith('fieldnode-issuer-key')) {
    const key = await readIssuerKeyFile(file);
    return print(
      `OK: ${file} is the signing key of issuer ${key.issuer}${key.name === undefined ? '' : ` (${key.name})`}, ` +
        `public key ${Buffer.from(key.publicKey).toString('base64')}; it checks and the file is private.\n`,
    );
  }
  if (first.startsWith('fieldnode-relay-keys')) {
    const keys = await readRelayKeysFile(file);
    return print(
      `OK: ${file} holds the relay keys of ${keys.size} kit${keys.size === 1 ? '' : 's'}: ${[...keys.keys()].join(', ') || 'none'}.\n`,
    );
  }
  if (first.startsWith('fieldnode-kit-key') || nodeText !== undefined) {
    if (nodeText === undefined) {
      throw new KitError(
        'CLI_USAGE',
        'keys check: a kit key file is checked for a node: add --node N, this kit’s id',
      );
    }
    const node = nodeOption(nodeText, '--node');
    const kit = await readKitKeyFile(file, { node, nodeFrom: '--node' });
    return print(
      `OK: ${file} is the kit key of node ${kit.node}, enrolled ${formatDay(kit.enrolledDay)}, ` +
        `seq-floor ${kit.seqFloor}; the key checks and the file is private.\n`,
    );
  }
  await readMasterSecretFile(file);
  return print(
    `OK: ${file} holds a master secret; it checks and the file is private. Keep it on the centre only.\n`,
  );
}

/**
 * `keys`, `keys show`, `keys export`: this node's identity, made on first use in the data directory
 * of --config (whose node.id is then the default --node-id) or of --data-dir.
 */
async function identity(sub: string, values: KeysValues) {
  const places = await nodePlaces(values);
  const dir = places.dataDir;
  const { identity, created } = await loadOrCreateIdentity(dir);
  const pub = exportPublicIdentity(identity, parseNodeId(values['node-id']) ?? places.nodeId);
  if (sub === 'export' || values.json) return print(`${JSON.stringify(pub, null, 2)}\n`);
  return print(
    `${created ? 'Created a new node identity' : 'Node identity'} in ${dir}\n` +
      `  algorithm:   Ed25519\n` +
      `  public key:  ${pub.publicKey}\n` +
      `  fingerprint: ${pub.fingerprint}\n` +
      `  created:     ${identity.createdAt}\n` +
      `The private key stays in ${dir}/identity.json (mode 0600). Share the public part with\n` +
      '`fieldnode keys export --node-id N`.\n',
  );
}

function print(text: string): number {
  process.stdout.write(text);
  return 0;
}

function required(value: string | undefined, what: string): string {
  if (value === undefined) throw new KitError('CLI_USAGE', `${what} is required`);
  return value;
}

function u32Option(text: string | undefined, option: string, min = 0): number | undefined {
  if (text === undefined) return undefined;
  const n = /^\d{1,10}$/.test(text) ? Number(text) : Number.NaN;
  if (!(n >= min && n <= U32_MAX)) {
    throw new KitError('CLI_USAGE', `${option} ${text}: expected a whole number from ${min} to ${U32_MAX}`);
  }
  return n;
}

function nodeOption(text: string, option: string): number {
  return u32Option(text, option, 1) as number;
}

function nodeListOption(text: string): number[] {
  const nodes = text.split(',').map((t) => nodeOption(t.trim(), '--nodes'));
  const twice = nodes.find((n, i) => nodes.indexOf(n) !== i);
  if (twice !== undefined) throw new KitError('CLI_USAGE', `--nodes lists ${twice} twice`);
  return nodes;
}

/** The first line typed, without its end. */
async function firstLine(input: Readable): Promise<string> {
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  try {
    for await (const line of lines) return line;
  } finally {
    lines.close();
  }
  throw new KitError('CLI_USAGE', 'keys enter: nothing was typed');
}
