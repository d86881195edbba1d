/**
 * The crash rig's county (docs/store-and-forward.md §Crashes and the deliveries journal): a kit, a
 * gateway and a centre, each a daemon of its own with its data directory, key files and
 * configuration, in one temporary directory, talking UDP on loopback. The keys are made as the
 * centre makes them (docs/keys.md §The keys each role holds): a fresh master secret at the centre,
 * the kit's and the gateway's own kit key files, the gateway's relay keys for the kit, and each
 * node's identity made before its first start so that every neighbour can list it in `keys.nodes`.
 */
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadOrCreateIdentity } from '../node/src/crypto/identity.js';
import {
  formatKitKeyFile,
  formatMasterSecretFile,
  formatRelayKeysFile,
} from '../node/src/crypto/key-file-formats.js';
import { deriveKitKey, deriveRelayKey } from '../node/src/crypto/kit-keys.js';

export const CENTRE = 1;
export const GATEWAY = 3001;
export const KIT = 2107;

export type CrashNodeName = 'kit' | 'gateway' | 'centre';
export const CRASH_NODES: readonly CrashNodeName[] = ['kit', 'gateway', 'centre'];

/** One daemon of the county: where its files are. */
export interface CrashNode {
  name: CrashNodeName;
  id: number;
  dataDir: string;
  /** Its configuration (JSON). */
  config: string;
  /** Its deliveries journal (`deliveries.journal` of the configuration). */
  journal: string;
  /** Its message store, for reading once the daemon is down. */
  store: string;
}

export type CrashTopology = Record<CrashNodeName, CrashNode>;

export interface CrashTimings {
  /** The kit's `routing.receipt_wait_s`: how soon it asks its custodian again. */
  receiptWaitS: number;
  /** Every node's `retry`. */
  retry: { initial_s: number; max_s: number; jitter: number };
}

/** Short waits, so that a message interrupted by a kill is due again within a second. */
export const RIG_TIMINGS: CrashTimings = {
  receiptWaitS: 2,
  retry: { initial_s: 0.05, max_s: 0.5, jitter: 0.2 },
};

/** Writes the keys, identities and configurations of the three nodes under `dir`. */
export async function writeCrashTopology(dir: string, timings = RIG_TIMINGS): Promise<CrashTopology> {
  const [kitPort, gwMeshPort, gwUpPort, centrePort] = (await freePorts(4)) as [
    number,
    number,
    number,
    number,
  ];
  const master = randomBytes(32);
  const today = Math.floor(Date.now() / 86_400_000) * 86_400;
  const node = (name: CrashNodeName, id: number): CrashNode => ({
    name,
    id,
    dataDir: join(dir, name),
    config: join(dir, `${name}.json`),
    journal: join(dir, name, 'deliveries.jsonl'),
    store: join(dir, name, 'store'),
  });
  const topo: CrashTopology = {
    kit: node('kit', KIT),
    gateway: node('gateway', GATEWAY),
    centre: node('centre', CENTRE),
  };
  const keyOf: Record<CrashNodeName, string> = { kit: '', gateway: '', centre: '' };
  for (const n of CRASH_NODES) {
    await mkdir(topo[n].dataDir, { recursive: true, mode: 0o700 });
    const { identity } = await loadOrCreateIdentity(topo[n].dataDir);
    keyOf[n] = Buffer.from(identity.publicKey).toString('base64');
  }
  const secret = async (name: string, text: string) => {
    const path = join(dir, name);
    await writeFile(path, text, { mode: 0o600 });
    return path;
  };
  const kitKey = (id: number) =>
    formatKitKeyFile({ node: id, enrolledDay: today, seqFloor: 0, kitKey: deriveKitKey(master, id) });
  const masterFile = await secret('master.secret', formatMasterSecretFile(master));
  const kitKeyFile = await secret('kit.key', kitKey(KIT));
  const gwKeyFile = await secret('gateway.key', kitKey(GATEWAY));
  const relayFile = await secret(
    'gateway-relay.keys',
    formatRelayKeysFile(new Map([[KIT, deriveRelayKey(deriveKitKey(master, KIT), KIT)]])),
  );
  const nodes = (...names: CrashNodeName[]) =>
    names.map((n) => ({ id: topo[n].id, public_key: keyOf[n], role: n === 'centre' ? 'centre' : n }));
  const at = (port: number) => ({ host: '127.0.0.1', port });
  const common = (n: CrashNodeName) => ({
    data_dir: topo[n].dataDir,
    // Routes are configured; beacons would only add traffic.
    routing: { beacon_interval_s: 3600, receipt_wait_s: timings.receiptWaitS },
    retry: timings.retry,
    log: { level: 'info' },
    deliveries: { journal: topo[n].journal },
  });
  const configs: Record<CrashNodeName, object> = {
    kit: {
      node: { id: KIT, role: 'kit' },
      ...common('kit'),
      keys: { kit_key_file: kitKeyFile, nodes: nodes('gateway') },
      links: [
        {
          id: 'up0',
          type: 'udp',
          bind: at(kitPort),
          peers: { gateway: { ...at(gwMeshPort), node: GATEWAY } },
        },
      ],
      routes: [{ dest: 'centre', via: 'up0', next_hop: 'gateway' }],
    },
    gateway: {
      node: { id: GATEWAY, role: 'gateway' },
      ...common('gateway'),
      keys: { kit_key_file: gwKeyFile, relay_keys_file: relayFile, nodes: nodes('kit', 'centre') },
      links: [
        { id: 'mesh0', type: 'udp', bind: at(gwMeshPort), peers: { kit: { ...at(kitPort), node: KIT } } },
        {
          id: 'up0',
          type: 'udp',
          bind: at(gwUpPort),
          peers: { centre: { ...at(centrePort), node: CENTRE } },
        },
      ],
      routes: [
        { dest: 'centre', via: 'up0', next_hop: 'centre' },
        { dest: `node:${KIT}`, via: 'mesh0', next_hop: 'kit' },
      ],
    },
    centre: {
      node: { id: CENTRE, role: 'centre' },
      ...common('centre'),
      keys: { master_secret_file: masterFile, nodes: nodes('kit', 'gateway') },
      links: [
        {
          id: 'down0',
          type: 'udp',
          bind: at(centrePort),
          peers: { gateway: { ...at(gwUpPort), node: GATEWAY } },
        },
      ],
      routes: [
        { dest: `node:${KIT}`, via: 'down0', next_hop: 'gateway' },
        { dest: `node:${GATEWAY}`, via: 'down0', next_hop: 'gateway' },
      ],
    },
  };
  for (const n of CRASH_NODES) await writeFile(topo[n].config, JSON.stringify(configs[n], null, 2));
  return topo;
}

/** UDP ports free on loopback now (each bound and released; held together so they differ). */
async function freePorts(n: number): Promise<number[]> {
  const sockets = Array.from({ length: n }, () => createSocket('udp4'));
  await Promise.all(sockets.map((s) => new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()))));
  const ports = sockets.map((s) => s.address().port);
  await Promise.all(sockets.map((s) => new Promise<void>((r) => s.close(() => r()))));
  return ports;
}
