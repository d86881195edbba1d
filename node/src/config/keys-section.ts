/**
 * The `keys` section of the configuration file (docs/conventions.md §Configuration; docs/keys.md
 * §The keys each role holds): which key files a node reads, by role, and the public keys it trusts.
 *
 * - Only a centre names `master_secret_file`; a kit, gateway or team holds only its own key, in
 *   `kit_key_file`, and a gateway the relay keys of its kits, in `relay_keys_file`. A file on the
 *   wrong role is a problem, not something ignored: a master on a kit would give away every kit.
 * - An issuer or node public key whose private half is published in this repository (a test
 *   fixture) is refused outside the test runner (node/src/crypto/repository-test-keys.ts).
 */
import { resolve } from 'node:path';
import { U32_MAX } from '../crypto/key-file-lines.js';
import { repositoryTestKeysAllowed, repositoryTestPublicKey } from '../crypto/repository-test-keys.js';
import type { Section } from './reader.js';
import type { KeysConfig, NodeRole } from './schema.js';
import { parseIssuers, parseNodeKeys } from './sections.js';

/** Keys of the `keys` section; `enrolment_secret_file` is known only to explain what replaced it. */
const KEYS_KEYS = [
  'master_secret_file',
  'kit_key_file',
  'relay_keys_file',
  'issuer_key_file',
  'issuers',
  'nodes',
  'untagged_kits',
  'enrolment_secret_file',
];

export interface KeysSectionOptions {
  /** What relative paths resolve against: the configuration file's directory. */
  baseDir: string;
  /** This node's role, or undefined when `node.role` itself is wrong (then no rule by role runs). */
  role: NodeRole | undefined;
  /** Node ids of the centre (`centre_nodes`). */
  centreNodes: readonly number[];
  /** Refuse the repository's test keys even under the test runner (for the test of that refusal). */
  refuseTestKeys?: boolean;
}

export function parseKeys(root: Section, opts: KeysSectionOptions): KeysConfig {
  const keys = root.section('keys', KEYS_KEYS);
  const { role } = opts;
  if (keys.has('enrolment_secret_file')) {
    keys.problem(
      'enrolment_secret_file',
      role === 'centre'
        ? 'replaced by master_secret_file, a file made with `fieldnode keys new-master` (docs/keys.md)'
        : 'replaced by kit_key_file: this node holds only its own key, in the file the centre makes with `fieldnode keys kit` (docs/keys.md)',
    );
  }
  const master = keys.str('master_secret_file');
  const kit = keys.str('kit_key_file');
  const relay = keys.str('relay_keys_file');
  const issuerKey = keys.str('issuer_key_file');
  if (role !== undefined && role !== 'centre' && master !== undefined) {
    keys.problem(
      'master_secret_file',
      `only the centre holds the master secret, and this node is a ${role}: every kit key derives from it, ` +
        'so a kit holding it gives away every kit. Name this node’s own key in kit_key_file instead ' +
        '(`fieldnode keys kit` at the centre makes it)',
    );
  }
  if (role === 'centre' && kit !== undefined) {
    keys.problem(
      'kit_key_file',
      'a centre derives every kit key from master_secret_file and holds none of its own',
    );
  }
  if (role === 'centre' && relay !== undefined) {
    keys.problem(
      'relay_keys_file',
      'a centre derives every relay key from master_secret_file; this is for gateways',
    );
  }

  const issuers = parseIssuers(keys);
  const nodes = parseNodeKeys(keys);
  const allowed = repositoryTestKeysAllowed(opts.refuseTestKeys);
  issuers.forEach((issuer, i) => {
    const where = allowed ? undefined : repositoryTestPublicKey(issuer.publicKey);
    if (where !== undefined) {
      keys.problem(
        `issuers[${i}].public_key`,
        `the private half of this key is public (${where}), so anyone can sign with it: use your issuer’s own key`,
      );
    }
  });
  nodes.forEach((node, i) => {
    const where = allowed ? undefined : repositoryTestPublicKey(node.publicKey);
    if (where !== undefined) {
      keys.problem(
        `nodes[${i}].public_key`,
        `the private half of this key is public (${where}), so anyone can sign as node ${node.id}: ` +
          'use that node’s own key (`fieldnode keys export` on it)',
      );
    }
    const listed = opts.centreNodes.includes(node.id);
    if (node.role === 'centre' && !listed) {
      keys.problem(
        `nodes[${i}].role`,
        `node ${node.id} is centre but not in centre_nodes [${opts.centreNodes.join(', ')}]`,
      );
    } else if (node.role !== undefined && node.role !== 'centre' && listed) {
      keys.problem(
        `nodes[${i}].role`,
        `node ${node.id} is in centre_nodes, so its role is centre, not ${node.role}`,
      );
    }
  });

  const untagged = parseUntaggedKits(keys);
  if (untagged.length > 0 && relay === undefined) {
    keys.problem(
      'untagged_kits',
      'only a gateway tags its receipts, with the relay keys named in relay_keys_file, and this node names none',
    );
  }

  return {
    ...(master === undefined ? {} : { masterSecretFile: resolve(opts.baseDir, master) }),
    ...(kit === undefined ? {} : { kitKeyFile: resolve(opts.baseDir, kit) }),
    ...(relay === undefined ? {} : { relayKeysFile: resolve(opts.baseDir, relay) }),
    ...(issuerKey === undefined ? {} : { issuerKeyFile: resolve(opts.baseDir, issuerKey) }),
    issuers,
    nodes,
    ...(untagged.length === 0 ? {} : { untaggedKits: untagged }),
  };
}

/** `untagged_kits`: node ids, each once. */
function parseUntaggedKits(keys: Section): number[] {
  const ids: number[] = [];
  keys.list('untagged_kits').forEach(({ value }, i) => {
    const at = `untagged_kits[${i}]`;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > U32_MAX)
      keys.problem(at, `expected a node id from 1 to ${U32_MAX}, found ${JSON.stringify(value)}`);
    else if (ids.includes(value)) keys.problem(at, `${value} is listed twice`);
    else ids.push(value);
  });
  return ids;
}
