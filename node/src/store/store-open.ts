/**
 * Opening the store's LevelDB (docs/store-and-forward.md §The store, §Upgrades; docs/conventions.md
 * §The durable queue): LevelDB tuned for a Raspberry Pi, opened with its lock (STORE_LOCKED while
 * another process has it), its sublevels (store-layout.ts), its layout version checked and an older
 * layout migrated in place (store-schema.ts), and the origins' marks read, once. A store that
 * cannot be read is closed again, so a failed open leaves the lock free.
 *
 * MessageStore.open() calls it; the store reads and writes through what it returns.
 */
import { Level } from 'level';
import type { Logger } from '../base/logger.js';
import type { StagedOp } from './group-commit.js';
import { OriginMarks } from './origin-marks.js';
import { storeError } from './store-errors.js';
import { SUBLEVELS, type Sub, type SubName } from './store-layout.js';
import { prepareLayout } from './store-schema.js';

/** Makes the LevelDB in `dir` with `options` (a test passes one on a slow disk). */
export type LevelFactory = (dir: string, options: object) => Level<string, Uint8Array>;

/** An open store's LevelDB, ready to read and write. */
export interface OpenLevel {
  db: Level<string, Uint8Array>;
  subs: Record<SubName, Sub>;
  /** Writes `ops` as one atomic batch, synced with `sync`; STORE_FULL and the like on failure. */
  write(ops: readonly StagedOp[], sync: boolean): Promise<void>;
  /** Each origin's highest stored sequence and forgotten floor, as the `org` sublevel holds them. */
  marks: OriginMarks;
}

/**
 * Opens (creating if needed) the LevelDB in `dir` and prepares it: STORE_LOCKED when another
 * process has it, STORE_SCHEMA_NEWER when a newer fieldnode wrote it. Default `level`: level's Level.
 */
export async function openStoreLevel(
  dir: string,
  level: LevelFactory | undefined,
  log: Logger,
): Promise<OpenLevel> {
  const levelOptions = { valueEncoding: 'view', ...LEVEL_OPTIONS };
  const db = level?.(dir, levelOptions) ?? new Level<string, Uint8Array>(dir, levelOptions);
  try {
    await db.open();
  } catch (err) {
    throw storeError(err, `cannot open the store in ${dir}`);
  }
  const sub = (name: string) =>
    db.sublevel<string, Uint8Array>(name, { valueEncoding: 'view' }) as unknown as Sub;
  const subs = Object.fromEntries(SUBLEVELS.map((name) => [name, sub(name)])) as Record<SubName, Sub>;
  const write = (ops: readonly StagedOp[], sync: boolean) => writeBatch(db, subs, ops, sync);
  const marks = new OriginMarks();
  try {
    await prepareLayout({ subs, write, dir, log });
    for await (const [key, raw] of subs.org.iterator())
      if (!marks.load(key, raw)) log.warn({ origin: key }, 'origin marks unreadable; ignored');
    marks.complete();
  } catch (err) {
    await db.close().catch(() => {});
    throw storeError(err, `cannot read the store in ${dir}`);
  }
  return { db, subs, write, marks };
}

/**
 * One atomic batch through LevelDB's chained batch on the root, keys prefixed as each sublevel
 * prefixes them. The array form, `db.batch([...ops])`, copies and re-validates every operation and
 * resolves its sublevel on the event loop: 3.4 ms for a group commit of 640 operations against
 * 0.3–0.45 ms this way, and that time is a pause for every admission waiting behind it
 * (docs/store-and-forward.md §Group commit).
 */
async function writeBatch(
  db: Level<string, Uint8Array>,
  subs: Record<SubName, Sub>,
  ops: readonly StagedOp[],
  sync: boolean,
): Promise<void> {
  let batch: ReturnType<typeof db.batch> | undefined;
  try {
    batch = db.batch();
    for (const op of ops) {
      const key = subs[op.sub].prefixKey(op.key, 'utf8');
      if (op.value === undefined) batch.del(key);
      else batch.put(key, op.value);
    }
  } catch (err) {
    await batch?.close().catch(() => {});
    throw storeError(err, 'cannot write to the store');
  }
  try {
    await batch.write({ sync });
  } catch (err) {
    throw storeError(err, 'cannot write to the store');
  }
}

/**
 * LevelDB tuned for a Raspberry Pi: a 2 MiB block cache instead of 8 (records are small and mostly
 * written once), and few open table files (each may be memory-mapped). The write buffer stays at
 * LevelDB's 4 MiB: with 1 MiB a busy gateway (every message is about ten writes) filled it several
 * times a second, and the flushes and level-0 compactions held the writes that followed: at 2,500
 * admissions a second, p99 23–147 ms against 20–21 ms with 4 MiB, and fewer, larger level-0
 * files also write an SD card less (docs/store-and-forward.md §Group commit). Memory: measured by
 * `npm run bench -- store` (peak RSS with 100,000 messages queued).
 */
const LEVEL_OPTIONS = { writeBufferSize: 4 << 20, cacheSize: 2 << 20, maxOpenFiles: 64 } as const;
