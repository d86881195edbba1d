/**
 * The kits benchmark (docs/kits.md; docs/wire-format.md §4.7; docs/operating.md §Backup and
 * restore): what a kit's health costs on air, what the centre's kit board costs to keep, and how
 * long a backup and a restore of a store take.
 *
 * - **health**: the frame of a health message, as a kit sends it to the centre (MAC-tagged), with
 *   nothing measured, the typical K1, and the largest (every optional field, 16 links); and the
 *   bytes a kit sends a day at the default interval.
 * - **board**: messages heard per second by the kit board (one health message each, thirty kits,
 *   its journal on this machine's disk), and the journal's bytes per kit per day at the default
 *   interval before its compaction at open.
 * - **backup**: a store of N relayed reports (real frames, records and indexes, on this machine's
 *   disk), dumped from one snapshot into a backup, and restored into a fresh data directory: ms,
 *   the store's size on disk and the dump's.
 *
 * JSON: `{ health: [{ case, frameBytes }], perDayBytes, board: { heardPerSec, journalBytesPerKitDay },
 * backup: [{ messages, entries, storeMB, dumpMB, backupMs, restoreMs }] }`.
 */
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeBackup } from '../node/src/backup/data-backup.js';
import { restoreBackup } from '../node/src/backup/data-restore.js';
import { silentLogger } from '../node/src/base/logger.js';
import { newMeta } from '../node/src/core/new-meta.js';
import { KitBoard } from '../node/src/domain/kits/kit-board.js';
import { MessageStore } from '../node/src/store/message-store.js';
import { K1 } from '../node/src/wire/fixtures/kit-health-messages.js';
import { encodeReference } from '../node/src/wire/fixtures/reference-frames.js';
import { unwrapHopTagged } from '../node/src/wire/hop-tagged.js';
import { decodeFrame } from '../node/src/wire/message.js';
import { kitFrame } from './store-nodes.js';
import { printTable } from './table.js';

const KITS = 30;
const HEARD = 6000;
const STORE_SIZES = [10_000, 50_000];
const DAY_S = 86_400;

export async function runKitsBench(json: boolean): Promise<void> {
  const health = healthSizes();
  const typical = health.find((h) => h.case === 'typical (K1)')?.frameBytes ?? 0;
  const perDayBytes = (DAY_S / K1.body.intervalS) * typical;
  const board = await boardCost();
  const backup = [];
  for (const n of STORE_SIZES) backup.push(await backupCost(n));
  if (json) {
    process.stdout.write(`${JSON.stringify({ health, perDayBytes, board, backup })}\n`);
    return;
  }
  process.stdout.write('kits: a health message on air, bytes of the frame (MAC-tagged, kit to centre)\n\n');
  printTable(health);
  process.stdout.write(
    `\na kit at the default interval (${K1.body.intervalS} s) sends ${perDayBytes} bytes of health a day\n\n`,
  );
  process.stdout.write(
    `the centre's kit board, ${KITS} kits, ${HEARD} health messages, its journal on this machine's disk\n\n`,
  );
  printTable([board]);
  process.stdout.write(
    '\nbackup (one snapshot, dumped) and restore (into a fresh directory) of a store of reports\n\n',
  );
  printTable(backup);
}

function healthSizes() {
  const bare = {
    ...K1,
    body: { intervalS: 900, power: 'unknown' as const, clock: 1, clockTrusted: false },
  };
  const full = {
    ...K1,
    body: {
      ...K1.body,
      links: Array.from({ length: 16 }, (_, i) => ({ kind: i % 4, state: i % 10 })),
      queued: 65_535,
      upMin: 525_600,
    },
  };
  return [
    { case: 'nothing measured', frameBytes: encodeReference(bare).length },
    { case: 'typical (K1)', frameBytes: encodeReference(K1).length },
    { case: 'largest (16 links)', frameBytes: encodeReference(full).length },
  ];
}

async function boardCost() {
  const dir = await mkdtemp(join(tmpdir(), 'fieldnode-bench-kits-'));
  const file = join(dir, 'kit-board.jsonl');
  let now = Date.UTC(2026, 6, 14);
  const board = await KitBoard.open({
    file,
    kits: Array.from({ length: KITS }, (_, i) => ({ id: 2000 + i, area: 430121101201, role: 'kit' })),
    policy: {
      defaultIntervalMs: 900_000,
      silenceIntervals: 2,
      batteryLowPercent: 25,
      batteryCutoffPercent: 10,
      batteryWarnAheadMs: 7_200_000,
    },
    now: () => now,
    setTimer: () => undefined,
    clearTimer: () => {},
    log: silentLogger,
  });
  const started = performance.now();
  for (let i = 0; i < HEARD; i++) {
    const kit = 2000 + (i % KITS);
    const round = Math.floor(i / KITS);
    now += 900_000 / KITS;
    await board.heard(
      {
        ...K1,
        origin: kit,
        seq: 1 + round,
        createdAt: Math.floor(now / 1000),
        body: { ...K1.body, batteryPct: 90 - (round % 60) },
      },
      now,
    );
  }
  const ms = performance.now() - started;
  await board.close();
  const bytes = (await stat(file)).size;
  const perKitPerMessage = bytes / HEARD;
  await rm(dir, { recursive: true, force: true });
  return {
    heardPerSec: Math.round(HEARD / (ms / 1000)),
    journalBytesPerKitDay: Math.round(perKitPerMessage * (DAY_S / K1.body.intervalS)),
  };
}

async function backupCost(messages: number) {
  const root = await mkdtemp(join(tmpdir(), 'fieldnode-bench-backup-'));
  const dataDir = join(root, 'data');
  await mkdir(join(dataDir, 'store'), { recursive: true, mode: 0o700 });
  const store = await MessageStore.open(join(dataDir, 'store'));
  const at = Date.now();
  for (let i = 0; i < messages; i++) {
    // As a relay keeps a kit's frame: without its hop tag.
    const { frame } = unwrapHopTagged(kitFrame(2000 + (i % KITS), 1 + Math.floor(i / KITS), at));
    const meta = newMeta(decodeFrame(frame).envelope, {
      local: false,
      forMe: false,
      receipt: false,
      broadcastRepeats: 3,
    });
    void store.admit(meta, frame, { sync: false });
    if (i % 1000 === 999) await store.settled();
  }
  await store.settled();
  await store.compact();
  const storeBytes = await store.sizeOnDisk();
  const out = join(root, 'backup');
  let t = performance.now();
  const manifest = await writeBackup({
    store,
    dataDir,
    out,
    node: { id: 1, role: 'centre' },
    version: 'bench',
    now: Date.now,
    log: silentLogger,
  });
  const backupMs = performance.now() - t;
  await store.close();
  t = performance.now();
  await restoreBackup({ from: out, dataDir: join(root, 'restored'), log: silentLogger });
  const restoreMs = performance.now() - t;
  await rm(root, { recursive: true, force: true });
  return {
    messages,
    entries: manifest.store.entries,
    storeMB: mb(storeBytes),
    dumpMB: mb(manifest.store.bytes),
    backupMs: Math.round(backupMs),
    restoreMs: Math.round(restoreMs),
  };
}

function mb(bytes: number): number {
  return Math.round((bytes / 1e6) * 10) / 10;
}
