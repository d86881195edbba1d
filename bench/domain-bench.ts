/**
 * The domain benchmark (docs/domain-model.md §PINs, §The audit log): how long one PIN hash and one
 * PIN check take with the parameters in use (and one step either side, for choosing them on other
 * hardware), and how fast the audit log appends, alone and in groups sharing a sync, and verifies.
 * Files go to a temp dir on the machine's own disk, so the sync figures are that disk's.
 *
 * JSON: `pinHash` rows `{ ln, r, p, memoryMiB, hashMsMedian, hashMsMax, verifyMsMedian }`;
 * `audit` `{ sequentialPerSec, groupedPerSec, groupedSyncsPerAppend, verifyPerSec }`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../node/src/base/logger.js';
import { AuditLog } from '../node/src/domain/audit/audit-log.js';
import { verifyAuditLog } from '../node/src/domain/audit/audit-verify.js';
import { hashPin, PIN_HASH_PARAMS, verifyPin } from '../node/src/domain/roster/pin-hash.js';
import { printTable } from './table.js';

const HASH_RUNS = 7;
const SEQUENTIAL_APPENDS = 200;
const GROUPED_APPENDS = 5000;
const GROUP = 100;

export async function runDomainBench(json: boolean): Promise<void> {
  const pinHash = [];
  for (const ln of [PIN_HASH_PARAMS.ln - 1, PIN_HASH_PARAMS.ln, PIN_HASH_PARAMS.ln + 1])
    pinHash.push(await measurePinHash({ ...PIN_HASH_PARAMS, ln }));
  const audit = await measureAudit();
  if (json) {
    process.stdout.write(`${JSON.stringify({ pinHash, audit })}\n`);
    return;
  }
  process.stdout.write(
    `domain: one PIN hash (scrypt), ms, median and worst of ${HASH_RUNS}; the parameters in use are ln=${PIN_HASH_PARAMS.ln}\n\n`,
  );
  printTable(pinHash.map((r) => ({ ...r, inUse: r.ln === PIN_HASH_PARAMS.ln ? 'yes' : '' })));
  process.stdout.write(
    '\naudit log: appends/s (each resolved after its sync) and a full verify, entries/s\n\n',
  );
  printTable([audit]);
}

async function measurePinHash(params: { ln: number; r: number; p: number }) {
  const hashes: number[] = [];
  const verifies: number[] = [];
  let stored = await hashPin('271828', params); // warm up
  for (let i = 0; i < HASH_RUNS; i++) {
    let t = performance.now();
    stored = await hashPin('271828', params);
    hashes.push(performance.now() - t);
    t = performance.now();
    await verifyPin('271828', stored);
    verifies.push(performance.now() - t);
  }
  return {
    ...params,
    memoryMiB: (128 * 2 ** params.ln * params.r) / 2 ** 20,
    hashMsMedian: round(median(hashes)),
    hashMsMax: round(Math.max(...hashes)),
    verifyMsMedian: round(median(verifies)),
  };
}

async function measureAudit() {
  const dir = await mkdtemp(join(tmpdir(), 'fieldnode-bench-audit-'));
  try {
    const path = join(dir, 'audit.jsonl');
    const log = await AuditLog.open({ path, nodeId: 2107, log: silentLogger });
    const draft = (n: number) => ({
      actor: (n % 500) + 1,
      action: 'audit.torn-tail-dropped' as const,
      subject: `2107/${n}`,
      details: { n },
    });
    let t = performance.now();
    for (let n = 0; n < SEQUENTIAL_APPENDS; n++) await log.append(draft(n));
    const sequentialPerSec = SEQUENTIAL_APPENDS / ((performance.now() - t) / 1000);
    const syncsBefore = log.syncs.completed;
    t = performance.now();
    for (let n = 0; n < GROUPED_APPENDS; n += GROUP)
      await Promise.all(Array.from({ length: GROUP }, (_, i) => log.append(draft(n + i))));
    const groupedPerSec = GROUPED_APPENDS / ((performance.now() - t) / 1000);
    const groupedSyncs = log.syncs.completed - syncsBefore;
    await log.close();
    t = performance.now();
    const result = await verifyAuditLog(path);
    const verifyPerSec = result.entries / ((performance.now() - t) / 1000);
    return {
      sequentialPerSec: Math.round(sequentialPerSec),
      groupedPerSec: Math.round(groupedPerSec),
      groupedSyncsPerAppend: round(groupedSyncs / GROUPED_APPENDS, 3),
      verifyPerSec: Math.round(verifyPerSec),
      verified: result.ok ? 'yes' : 'NO',
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

function round(x: number, digits = 1): number {
  return Math.round(x * 10 ** digits) / 10 ** digits;
}
