/**
 * The keys of one node, from its configuration and its key files (docs/keys.md §The keys each role
 * holds; docs/wire-format.md §6.1): the key ring the core verifies with, and the kit's own keys.
 *
 * - A centre reads the master secret and derives, for any node n, the kit key K(n) and the relay
 *   key R(n) (node/src/crypto/kit-keys.ts).
 * - Any other node reads its own kit key file: it knows K(me) and R(me), nothing of another kit's.
 *   A gateway also reads the relay keys of its kits, to check their hop tags; it never holds their
 *   kit keys.
 * - Issuer and node identity keys come from the configuration, and the node's own identity key is
 *   added. Nothing is revoked and no issuer floor is set here: signed control messages change
 *   those, through a wrapper around this ring.
 *
 * Reading is split from building so that a daemon can check every key file before it creates
 * anything on disk (its identity among them): `readNodeKeyFiles` first, `nodeKeysFrom` once the
 * identity is known. `loadNodeKeys` does both for a caller that has the identity already.
 */
import type { KeyObject } from 'node:crypto';
import { KitError } from '../base/errors.js';
import type { Config } from '../config/schema.js';
import { type IssuerKey, type KeyRing, signatureAuthenticator } from '../crypto/authenticate.js';
import { publicKeyFromRaw } from '../crypto/ed25519.js';
import type { IssuerKeyFile } from '../crypto/issuer-key-file.js';
import type { KitKeyFile } from '../crypto/key-file-formats.js';
import {
  readIssuerKeyFile,
  readKitKeyFile,
  readMasterSecretFile,
  readRelayKeysFile,
} from '../crypto/key-files.js';
import { deriveKitKey, deriveRelayKey } from '../crypto/kit-keys.js';
import type { Authenticator } from '../wire/message.js';

/** What the key ring and the core are built from. */
export type NodeKeysConfig = Pick<Config, 'node' | 'centreNodes' | 'keys'>;

/** The keys of a node, built. */
export interface NodeKeys {
  /** Everything the node can verify with. */
  ring: KeyRing;
  /** K(me), the key this kit tags its messages with; absent on a centre and before enrolment. */
  kitKey?: Uint8Array;
  /** R(me), the key of this kit's hop tags; absent when kitKey is. */
  relayKey?: Uint8Array;
  /** From the kit key file: where this kit's sequence numbers start after (re-)enrolment. 0 if none. */
  seqFloor: number;
  /** From the kit key file: the day of (re-)enrolment, unix seconds of 00:00 UTC. */
  enrolledDay?: number;
  /** The issuer this node signs warnings and control messages as; absent where none is issued. */
  issuer?: { id: number; name?: string; sign: Authenticator };
}

/** The key files of a node, read and checked. */
export interface NodeKeyFiles {
  /** The centre's master secret. */
  readonly master?: Uint8Array;
  /** This kit's own key file. */
  readonly kit?: KitKeyFile;
  /** The relay keys of this gateway's kits: node → R(node). */
  readonly relayKeys: ReadonlyMap<number, Uint8Array>;
  /** The issuer key this node signs with, checked against keys.issuers. */
  readonly issuer?: IssuerKeyFile;
}

export interface ReadNodeKeyFilesOptions {
  /** Refuse the repository's test master secrets even under the test runner (for tests). */
  refuseTestKeys?: boolean;
}

/**
 * Reads and checks every key file the configuration names: readable, mode 0600, for this node,
 * checks passing. Creates nothing.
 * @throws KitError KEYS_UNREADABLE, KEYS_INSECURE, KEYS_WRONG_NODE, KEYS_MISTYPED or KEYS_TEST_KEY.
 */
export async function readNodeKeyFiles(
  config: NodeKeysConfig,
  opts: ReadNodeKeyFilesOptions = {},
): Promise<NodeKeyFiles> {
  const { masterSecretFile, kitKeyFile, relayKeysFile, issuerKeyFile } = config.keys;
  const me = config.node.id;
  const master =
    masterSecretFile === undefined
      ? undefined
      : await readMasterSecretFile(masterSecretFile, {
          setting: 'keys.master_secret_file',
          ...(opts.refuseTestKeys === undefined ? {} : { refuseTestKeys: opts.refuseTestKeys }),
        });
  const kit =
    kitKeyFile === undefined
      ? undefined
      : await readKitKeyFile(kitKeyFile, { node: me, setting: 'keys.kit_key_file' });
  const relayKeys =
    relayKeysFile === undefined
      ? new Map<number, Uint8Array>()
      : await readRelayKeysFile(relayKeysFile, { setting: 'keys.relay_keys_file' });
  const listedForMe = relayKeys.get(me);
  if (
    kit !== undefined &&
    listedForMe !== undefined &&
    !sameBytes(listedForMe, deriveRelayKey(kit.kitKey, me))
  ) {
    throw new KitError(
      'KEYS_WRONG_NODE',
      `${relayKeysFile} (keys.relay_keys_file) lists this node, ${me}, with a relay key that is not the one of ` +
        `${kitKeyFile} (keys.kit_key_file): the two files come from different enrolments. Ask the centre for both again`,
    );
  }
  const issuer =
    issuerKeyFile === undefined
      ? undefined
      : listedIssuer(config, await readIssuerKeyFile(issuerKeyFile, { setting: 'keys.issuer_key_file' }));
  return {
    ...(master === undefined ? {} : { master }),
    ...(kit === undefined ? {} : { kit }),
    relayKeys,
    ...(issuer === undefined ? {} : { issuer }),
  };
}

/** Builds the key ring and the kit's own keys from the files read, once the identity is known. */
export function nodeKeysFrom(
  config: NodeKeysConfig,
  files: NodeKeyFiles,
  identityPublicKey: Uint8Array,
): NodeKeys {
  const me = config.node.id;
  const isCentre = (node: number) => config.centreNodes.includes(node);
  const issuers = new Map<number, IssuerKey>(
    config.keys.issuers.map((i) => [
      i.id,
      {
        publicKey: publicKeyFromRaw(i.publicKey),
        powers: i.powers,
        ...(i.validUntil !== undefined ? { validUntil: i.validUntil } : {}),
      },
    ]),
  );
  const nodeKeys = new Map<number, KeyObject>(
    config.keys.nodes.map((n) => [n.id, publicKeyFromRaw(n.publicKey)]),
  );
  nodeKeys.set(me, publicKeyFromRaw(identityPublicKey));

  const { master, kit } = files;
  // A centre's ring derives each key when asked (HKDF is cheap) instead of caching one per node id
  // seen, which a flood of forged origins could grow without bound.
  const centreMaster = isCentre(me) ? master : undefined;
  const kitKey = !isCentre(me) && kit !== undefined ? kit.kitKey.slice() : undefined;
  const relayKey = kitKey === undefined ? undefined : deriveRelayKey(kitKey, me);
  const relayKeys = new Map(files.relayKeys);
  const ring: KeyRing = {
    macKey: (node) =>
      centreMaster !== undefined ? deriveKitKey(centreMaster, node) : node === me ? kitKey : undefined,
    relayKey: (node) => {
      if (centreMaster !== undefined) return deriveRelayKey(deriveKitKey(centreMaster, node), node);
      if (node === me && relayKey !== undefined) return relayKey;
      return relayKeys.get(node);
    },
    issuerKey: (id) => issuers.get(id),
    nodeKey: (node) => nodeKeys.get(node),
    isCentre,
    revoked: () => false,
    issuerFloor: () => 0,
  };
  return {
    ring,
    ...(kitKey === undefined ? {} : { kitKey }),
    ...(relayKey === undefined ? {} : { relayKey }),
    seqFloor: kit?.seqFloor ?? 0,
    ...(kit === undefined ? {} : { enrolledDay: kit.enrolledDay }),
    ...(files.issuer === undefined
      ? {}
      : {
          issuer: {
            id: files.issuer.issuer,
            ...(files.issuer.name === undefined ? {} : { name: files.issuer.name }),
            sign: signatureAuthenticator(files.issuer.privateKey),
          },
        }),
  };
}

/**
 * Reads the key files and builds the keys, for a caller that knows the identity already.
 * @throws KitError as {@link readNodeKeyFiles}.
 */
export async function loadNodeKeys(
  config: NodeKeysConfig,
  identityPublicKey: Uint8Array,
  opts: ReadNodeKeyFilesOptions = {},
): Promise<NodeKeys> {
  return nodeKeysFrom(config, await readNodeKeyFiles(config, opts), identityPublicKey);
}

/**
 * The issuer key file, when keys.issuers lists its issuer with its public key and the power to
 * issue warnings or control messages: what it signs, every node of the county takes.
 * @throws KitError KEYS_ISSUER_NOT_LISTED otherwise.
 */
function listedIssuer(config: NodeKeysConfig, file: IssuerKeyFile): IssuerKeyFile {
  const listed = config.keys.issuers.find((i) => i.id === file.issuer);
  const where = `${config.keys.issuerKeyFile} (keys.issuer_key_file)`;
  const key = Buffer.from(file.publicKey).toString('base64');
  if (listed === undefined) {
    throw new KitError(
      'KEYS_ISSUER_NOT_LISTED',
      `${where} is the key of issuer ${file.issuer}, which keys.issuers does not list: add\n` +
        `  - id: ${file.issuer}\n    public_key: ${key}\n    powers: [warning, control]\n` +
        'to keys.issuers here and on every node of the county',
    );
  }
  if (!sameBytes(listed.publicKey, file.publicKey)) {
    throw new KitError(
      'KEYS_ISSUER_NOT_LISTED',
      `${where} is a key of issuer ${file.issuer}, but keys.issuers lists another public key for it: ` +
        `the file's is ${key}. Use the file made with the listed key, or list this one on every node`,
    );
  }
  return file;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a).equals(b);
}
