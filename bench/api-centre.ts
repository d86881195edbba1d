/**
 * The centre the API benchmark measures (docs/api.md §Measured): a centre built by createNode from
 * its configuration (bench/http-node.ts), holding 10,000 reports from 20 village kits and 200
 * warnings it issued.
 *
 * - The reports: 25 incidents per kit, each a 初报, 18 续报 and a 核报, arriving interleaved over
 *   the last three hours. Each is a kit's real frame (MAC-tagged with the kit's key derived from the
 *   centre's master secret), sent to the centre's UDP link as the gateway would hand it on: the
 *   centre's core checks, stores and delivers it, and its `delivered` event records it in the
 *   incident book (reports-adapter.ts recordDelivered), the daemon's own path.
 * - The incident ledger is written first, from the same messages through an IncidentBook over a
 *   ledger in memory, then once to `<data_dir>/incidents.jsonl`: the file ledger
 *   (node/src/domain/reports/incident-file.ts) rewrites and syncs the whole file at every change,
 *   so recording 10,000 reports one by one would write about 15 GB (0.5 × 10,000 × 3 MB). The book
 *   then finds each delivered report already recorded, and the store holds what a centre that
 *   received them holds.
 * - The warnings: issued by the county's weather office, an issuer the centre's configuration
 *   lists (`keys.issuers`, power `warning`), submitted to the centre's core signed with the
 *   issuer's key, stored synced, waiting for a route to the county's kits (none in this rig). They
 *   are submitted to the core, not issued through the warning desk, so they weigh on the store and
 *   the status; the benchmark measures the report and status routes, not the warning routes.
 */
import { createSocket, type Socket } from 'node:dgram';
import { join } from 'node:path';
import { silentLogger } from '../node/src/base/logger.js';
import { INCIDENTS_FILE_NAME } from '../node/src/composition/node-web.js';
import { macAuthenticator, signatureAuthenticator } from '../node/src/crypto/authenticate.js';
import { generateSigningKeyPair, type SigningKeyPair } from '../node/src/crypto/ed25519.js';
import { deriveKitKey } from '../node/src/crypto/kit-keys.js';
import { IncidentBook } from '../node/src/domain/reports/incident-book.js';
import { FileIncidentLedger } from '../node/src/domain/reports/incident-file.js';
import { MemoryIncidentLedger } from '../node/src/domain/reports/incident-ledger.js';
import { encodeMessage, type MessageOf } from '../node/src/wire/message.js';
import { COUNTY, type HttpNode, startHttpNode, VILLAGE } from './http-node.js';

export const REPORTS = 10_000;
export const WARNINGS = 200;
const KITS = 20;
const FIRST_KIT = 2101;
const PER_INCIDENT = 20;
const GATEWAY = 3001;
const ISSUER = 3;

/** The kits' reports in the order they arrive: round by round, every kit once a round. */
export function kitReports(n = REPORTS, nowMs = Date.now()): MessageOf<'report'>[] {
  const messages: MessageOf<'report'>[] = [];
  const start = Math.floor(nowMs / 1000) - 3 * 3600;
  for (let seq = 1; messages.length < n; seq++) {
    for (let k = 0; k < KITS && messages.length < n; k++) {
      const position = (seq - 1) % PER_INCIDENT;
      const first = seq - position;
      const stage = position === 0 ? 'initial' : position === PER_INCIDENT - 1 ? 'final' : 'update';
      messages.push({
        kind: 'report',
        origin: FIRST_KIT + k,
        seq,
        createdAt: start + Math.floor((messages.length * 3 * 3600) / n),
        clockUntrusted: false,
        priority: 1,
        lifetimeMin: 24 * 60,
        dest: { to: 'centre' },
        flags: [],
        body: {
          stage,
          hazard: 0x12,
          indicators: { affected: 100 + position, evacuatedToSafety: 20 + position },
          area: VILLAGE + k,
          ...(stage === 'initial' ? {} : { incident: { origin: FIRST_KIT + k, seq: first } }),
        },
      } as MessageOf<'report'>);
    }
  }
  return messages;
}

/** The incident ledger of `messages`, each recorded as the centre records a delivered report. */
export async function writeLedger(dataDir: string, messages: readonly MessageOf<'report'>[]): Promise<void> {
  const memory = new MemoryIncidentLedger();
  let now = 0;
  const book = new IncidentBook({ ledger: memory, log: silentLogger, now: () => now });
  for (const m of messages) {
    now = m.createdAt * 1000 + 20_000;
    await book.record(m);
  }
  const file = new FileIncidentLedger(join(dataDir, INCIDENTS_FILE_NAME));
  await file.apply({ put: await memory.all() });
  await file.close();
}

export interface BenchCentre extends HttpNode {
  /** How the reports and warnings went in, ms. */
  fill: { ledgerMs: number; deliverMs: number; warningsMs: number; rejected: number };
}

/** The centre, filled: see the module comment. */
export async function startCentre(): Promise<BenchCentre> {
  const messages = kitReports();
  const gateway = createSocket('udp4');
  await new Promise<void>((resolve) => gateway.bind(0, '127.0.0.1', resolve));
  const centrePort = await freeUdpPort();
  const issuer = generateSigningKeyPair();
  let ledgerMs = 0;
  const centre = await startHttpNode({
    id: 1,
    role: 'centre',
    area: COUNTY,
    name: '某县应急指挥中心',
    keys: {
      issuers: [
        {
          id: ISSUER,
          name: '某县气象台',
          public_key: Buffer.from(issuer.publicKey).toString('base64'),
          powers: ['warning'],
        },
      ],
    },
    more: {
      links: [
        {
          id: 'wan0',
          type: 'udp',
          bind: { host: '127.0.0.1', port: centrePort },
          peers: { gateway: { host: '127.0.0.1', port: gateway.address().port, node: GATEWAY } },
        },
      ],
    },
    prepare: async (dataDir) => {
      const t = performance.now();
      await writeLedger(dataDir, messages);
      ledgerMs = performance.now() - t;
    },
  });
  try {
    let t = performance.now();
    const rejected = await deliver(centre, gateway, centrePort, messages);
    const deliverMs = performance.now() - t;
    t = performance.now();
    await issueWarnings(centre, issuer);
    const warningsMs = performance.now() - t;
    gateway.close();
    return { ...centre, fill: { ledgerMs, deliverMs, warningsMs, rejected } };
  } catch (err) {
    gateway.close();
    await centre.stop();
    throw err;
  }
}

/**
 * Sends every kit's frame to the centre's UDP link, at most WINDOW not yet delivered at a time
 * (loopback UDP drops what the receive buffer cannot hold), until the core has delivered them all.
 */
async function deliver(
  centre: HttpNode,
  gateway: Socket,
  centrePort: number,
  messages: readonly MessageOf<'report'>[],
): Promise<number> {
  const WINDOW = 128;
  const master = centre.master;
  if (master === undefined) throw new TypeError('a centre has a master secret');
  const keys = new Map<number, Uint8Array>();
  const frameOf = (m: MessageOf<'report'>) => {
    const key = keys.get(m.origin) ?? deriveKitKey(master, m.origin);
    keys.set(m.origin, key);
    return encodeMessage(m, macAuthenticator(key));
  };
  let delivered = 0;
  let rejected = 0;
  centre.app.core.on('delivered', (m) => {
    if (m.kind === 'report') delivered++;
  });
  centre.app.core.on('rejected', () => {
    rejected++;
  });
  let sent = 0;
  let lastProgress = performance.now();
  let seen = 0;
  while (delivered + rejected < messages.length) {
    while (sent < messages.length && sent - delivered - rejected < WINDOW) {
      gateway.send(frameOf(messages[sent] as MessageOf<'report'>), centrePort, '127.0.0.1');
      sent++;
    }
    await new Promise((r) => setTimeout(r, 2));
    if (delivered + rejected !== seen) {
      seen = delivered + rejected;
      lastProgress = performance.now();
    } else if (performance.now() - lastProgress > 10_000)
      throw new Error(`filling the centre: ${delivered} delivered, ${rejected} refused of ${sent} sent`);
  }
  return rejected;
}

/** WARNINGS red, orange, yellow and blue rainstorm warnings for the county's townships, issued here. */
async function issueWarnings(centre: HttpNode, issuer: SigningKeyPair): Promise<void> {
  const signed = signatureAuthenticator(issuer.privateKey);
  const colours = ['red', 'orange', 'yellow', 'blue'] as const;
  const now = Math.floor(Date.now() / 1000);
  for (let i = 0; i < WARNINGS; i++) {
    await centre.app.core.submit(
      {
        kind: 'warning',
        body: {
          action: 'issue',
          issuer: ISSUER,
          event: '11B03',
          level: (i % 4) + 1,
          colour: colours[i % 4] as (typeof colours)[number],
          areas: [COUNTY * 1000 + 101 + (i % 10)],
          roles: [4],
          onset: now,
          expires: now + 6 * 3600,
          instruction: '危险区域人员立即转移',
          senderName: '某县气象台',
        },
        dest: { to: 'area', area: COUNTY },
        priority: 0,
        lifetimeMin: 6 * 60,
      },
      signed,
    );
  }
}

async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
  const { port } = s.address();
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}
