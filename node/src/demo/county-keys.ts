/**
 * The demonstration county's keys, made on its first run as a real county's centre makes them
 * (docs/keys.md §Enrolment step by step; docs/demo-county.md §Keys): a master secret of its own,
 * each node's kit key file derived from it, the gateway's relay keys file for the nodes behind it,
 * and each node's identity made before its first start, so that its neighbours can list it in
 * `keys.nodes`. Nothing here is a key of the repository's: those are refused outside the tests
 * (node/src/crypto/repository-test-keys.ts), and these are random.
 *
 * Each file is made only when missing and never replaced, so a restart finds the same keys. A
 * master secret missing beside kit keys that exist means the state is broken: those keys could
 * never be derived again.
 */
import { generateKeyPairSync } from 'node:crypto';
import { access, mkdir } from 'node:fs/promises';
import { KitError } from '../base/errors.js';
import { loadOrCreateIdentity } from '../crypto/identity.js';
import { formatIssuerKeyFile } from '../crypto/issuer-key-file.js';
import { formatKitKeyFile, formatMasterSecretFile, formatRelayKeysFile } from '../crypto/key-file-formats.js';
import { readIssuerKeyFile, readMasterSecretFile, writeKeyFile } from '../crypto/key-files.js';
import { deriveKitKey, deriveRelayKey } from '../crypto/kit-keys.js';
import { generateMasterSecret } from '../crypto/mac.js';
import { DEMO_NODES, GATEWAY, meshNodes } from './county-plan.js';
import type { DemoPaths } from './demo-paths.js';
import './demo-errors.js';

/** Each node's identity public key, base64, for the others' `keys.nodes`. */
export type CountyIdentities = ReadonlyMap<number, string>;

const DAY_S = 86_400;

/** The issuer the demonstration centre signs its warnings as. */
export const DEMO_ISSUER = { id: 1, name: '演示县防汛抗旱指挥部（演练）' } as const;

/** The issuer's public key, base64, for every node's `keys.issuers`. */
export async function countyIssuerPublicKey(paths: DemoPaths): Promise<string> {
  const file = await readIssuerKeyFile(paths.issuerKey, { setting: 'the demonstration issuer key' });
  return Buffer.from(file.publicKey).toString('base64');
}

/** Makes what is missing of the county's keys and identities; returns the identities. */
export async function ensureCountyKeys(paths: DemoPaths): Promise<CountyIdentities> {
  await mkdir(paths.keys, { recursive: true, mode: 0o700 });
  const master = await ensureMaster(paths);
  const enrolledDay = Math.floor(Date.now() / 1000 / DAY_S) * DAY_S;
  for (const node of DEMO_NODES.filter((n) => n.role !== 'centre')) {
    const file = paths.kitKey(node.id);
    if (await exists(file)) continue;
    await writeKeyFile(
      file,
      formatKitKeyFile({ node: node.id, enrolledDay, seqFloor: 0, kitKey: deriveKitKey(master, node.id) }),
    );
  }
  // The gateway checks the hop tags of every node on its mesh (docs/keys.md §The relay keys file).
  const relay = paths.relayKeys(GATEWAY);
  if (!(await exists(relay))) {
    const served = meshNodes().filter((n) => n.id !== GATEWAY);
    await writeKeyFile(
      relay,
      formatRelayKeysFile(
        new Map(served.map((n) => [n.id, deriveRelayKey(deriveKitKey(master, n.id), n.id)])),
      ),
    );
  }
  // The centre signs the county's warnings with an issuer key of its own (docs/keys.md §Issuer keys).
  if (!(await exists(paths.issuerKey))) {
    const { privateKey } = generateKeyPairSync('ed25519');
    await writeKeyFile(
      paths.issuerKey,
      formatIssuerKeyFile({ issuer: DEMO_ISSUER.id, name: DEMO_ISSUER.name, privateKey }),
    );
  }
  const identities = new Map<number, string>();
  for (const node of DEMO_NODES) {
    const { identity } = await loadOrCreateIdentity(paths.nodeData(node.slug), {
      nodeId: node.id,
      role: node.role,
    });
    identities.set(node.id, Buffer.from(identity.publicKey).toString('base64'));
  }
  return identities;
}

async function ensureMaster(paths: DemoPaths): Promise<Uint8Array> {
  const file = paths.masterSecret;
  if (await exists(file)) return readMasterSecretFile(file);
  const orphans = [];
  for (const n of DEMO_NODES) if (await exists(paths.kitKey(n.id))) orphans.push(paths.kitKey(n.id));
  if (orphans.length > 0)
    throw new KitError(
      'DEMO_STATE_INVALID',
      `${file} is missing, but kit keys made from it are not (${orphans.join(', ')}): they can never be ` +
        `made again. Start the demonstration over with --fresh (it removes ${paths.dir})`,
    );
  const master = generateMasterSecret();
  await writeKeyFile(file, formatMasterSecretFile(master));
  return master;
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}
