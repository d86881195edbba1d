/**
 * The durable message store on LevelDB (docs/store-and-forward.md §The store, §Group commit,
 * §Pruning, §Upgrades; docs/conventions.md §The durable queue).
 *
 * The layout is store-layout.ts's; opening the LevelDB, its lock and a migration are store-open.ts's.
 * Every state change is one set of writes, staged as a unit into the current group (group-commit.ts)
 * and written with it in one atomic batch. A change that precedes a confirmation leaving the node
 * (a message made or taken in here) passes `sync: true` and resolves only once its group is synced;
 * concurrent ones share that batch and that sync. Point reads see what is staged. The outbox
 * (outbox-index.ts) is what is on disk less what a staged change took out, so nothing goes out
 * before it is written; the other range reads first wait for what was staged before them.
 *
 * The store is the retry mechanism: an outbox entry stays until its outcome is recorded, so
 * whatever was in flight when power was cut is simply due again after a restart.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { decode as cborDecode, encode as cborEncode } from 'cbor-x';
import type { Level } from 'level';
import { KitError } from '../base/errors.js';
import { type Logger, silentLogger } from '../base/logger.js';
import { GroupCommit, type StagedOp } from './group-commit.js';
import { metaOps } from './meta-ops.js';
import type { OriginMarks } from './origin-marks.js';
import { OutboxIndex } from './outbox-index.js';
import { type MessageMeta, parseMessageId } from './records.js';
import { storeError } from './store-errors.js';
import { decodeMeta, encodeSeen, idOfTimeKey, pad, type Sub, type SubName, seenKey } from './store-layout.js';
import { type LevelFactory, type OpenLevel, openStoreLevel } from './store-open.js';
import { type PruneOptions, type PruneResult, prune } from './store-pruning.js';

export type { PruneOptions, PruneResult } from './store-pruning.js';

export interface WriteOptions {
  /** Synced before resolving: required before any confirmation about the message leaves the node. */
  sync: boolean;
  /** Small node state to write in the same batch (e.g. the sequence counter). */
  kv?: Record<string, unknown>;
}

export interface MessageStoreOptions {
  /** Where a failed write nobody waited for is reported. Default: nowhere (tests). */
  log?: Logger;
  /**
   * Makes the LevelDB the store opens in `dir` with `options`: a test passes one on a slow disk.
   * Default: level's Level.
   */
  level?: LevelFactory;
}

/** The store's entries from one snapshot (MessageStore.snapshot()): raw key and value bytes. */
export type StoreSnapshot = AsyncIterable<[Uint8Array, Uint8Array]> & { close(): Promise<void> };

export class MessageStore {
  /** The store's directory. */
  readonly dir: string;
  readonly #db: Level<string, Uint8Array>;
  readonly #subs: Record<SubName, Sub>;
  readonly #commit: GroupCommit;
  readonly #outbox: OutboxIndex;
  readonly #marks: OriginMarks;
  /** Admissions staged and not yet written, by id: what a duplicate of one waits for. */
  readonly #admitting = new Map<string, Promise<void>>();
  /** Serialises read-modify-write sequences: one writer, so changes never interleave. */
  #tail: Promise<unknown> = Promise.resolve();
  readonly #pruned = { messages: 0, tombstones: 0 };

  private constructor({ db, subs, write, marks }: OpenLevel, dir: string, log: Logger) {
    this.#db = db;
    this.dir = dir;
    this.#subs = subs;
    this.#marks = marks;
    this.#commit = new GroupCommit({
      write,
      onFailed: (err, ops) =>
        log.error({ err, ops }, 'store write failed; those changes are lost and their senders retry'),
      // What the dispatcher reads back to send what was just stored, and to record the outcome.
      recent: ['meta', 'msg'],
      recentSize: RECENT_KEYS,
    });
    this.#outbox = new OutboxIndex(subs.out, this.#commit);
  }

  /**
   * Opens (creating if needed) the store in `dir`, migrating an older layout in place.
   * STORE_LOCKED when another process has it, STORE_SCHEMA_NEWER when a newer fieldnode wrote it.
   */
  static async open(dir: string, options: MessageStoreOptions = {}): Promise<MessageStore> {
    const log = options.log ?? silentLogger;
    return new MessageStore(await openStoreLevel(dir, options.level, log), dir, log);
  }

  async close(): Promise<void> {
    await this.#tail.catch(() => {});
    await this.#commit.idle();
    await this.#db.close();
  }

  /** Runs `fn` after every earlier exclusive section: read-modify-write without races. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(fn, fn);
    this.#tail = run.catch(() => {});
    return run;
  }

  /** Syncs begun and finished since open (group-commit.ts): what the durability tests count. */
  get syncs(): { started: number; completed: number } {
    return this.#commit.syncs;
  }

  /** Resolves once everything staged so far is on disk (or failed, which was reported). */
  settled(): Promise<void> {
    return this.#commit.idle();
  }

  /**
   * Every entry of the store as LevelDB holds it, its sublevel's prefix in the key: read from one
   * LevelDB snapshot, taken under the store's lock once everything staged before is on disk, so it
   * is one point in time while writes go on (docs/operating.md §Backup and restore). Read it to the
   * end, or close it.
   */
  snapshot(): Promise<StoreSnapshot> {
    return this.exclusive(async () => {
      await this.#commit.idle();
      // classic-level takes the snapshot synchronously, here, under the lock.
      return this.#db.iterator({ keyEncoding: 'view', valueEncoding: 'view' }) as unknown as StoreSnapshot;
    });
  }

  /** Whether a tombstone (staged or on disk) says the id was stored here. */
  async hasSeen(id: string): Promise<boolean> {
    const { origin, seq } = parseMessageId(id);
    // Above the highest sequence ever stored of its origin: no tombstone to read (most arrivals).
    if (this.#marks.above(origin, seq)) return false;
    return (await this.#read('seen', seenKey(id))) !== undefined;
  }

  /**
   * Whether the id lies at or below what this store forgot of its origin (store-pruning.ts): with
   * no tombstone, a copy of it is refused, not taken in.
   */
  forgotten(id: string): boolean {
    const { origin, seq } = parseMessageId(id);
    return this.#marks.forgotten(origin, seq);
  }

  async getFrame(id: string): Promise<Uint8Array | undefined> {
    return this.#read('msg', id);
  }

  async getMeta(id: string): Promise<MessageMeta | undefined> {
    const raw = await this.#read('meta', id);
    return raw === undefined ? undefined : decodeMeta(id, raw);
  }

  /**
   * The records and frames of several messages, in one read of the disk for those not staged or
   * recently used: what a dispatcher sends. A record that cannot be decoded comes as `err`
   * (STORE_CORRUPT), the others still come.
   */
  async getMessages(
    ids: readonly string[],
  ): Promise<Array<{ id: string; meta?: MessageMeta; frame?: Uint8Array; err?: KitError }>> {
    const [metas, frames] = await Promise.all([this.#readMany('meta', ids), this.#readMany('msg', ids)]);
    return ids.map((id, i) => {
      const frame = frames[i];
      const raw = metas[i];
      try {
        const meta = raw === undefined ? undefined : decodeMeta(id, raw);
        return { id, ...(meta ? { meta } : {}), ...(frame ? { frame } : {}) };
      } catch (err) {
        return { id, err: err as KitError };
      }
    });
  }

  async getKv<T>(key: string): Promise<T | undefined> {
    const raw = await this.#read('kv', key);
    if (raw === undefined) return undefined;
    try {
      return cborDecode(raw) as T;
    } catch (cause) {
      throw new KitError('STORE_CORRUPT', `node state ${key} cannot be decoded`, { cause });
    }
  }

  /**
   * Stores a message seen for the first time: bytes, meta, tombstone, outbox and expiry entries,
   * and its origin's top. Staged when called (synchronously), so call it inside exclusive() once
   * hasSeen() said no, and await it outside, where other admissions may join its group. Resolves
   * once its group is on disk, synced with `sync`. A second admission of an id still waiting for
   * its group stores nothing and resolves 'duplicate' once the first is on disk.
   */
  admit(meta: MessageMeta, frame: Uint8Array, opts: WriteOptions): Promise<'stored' | 'duplicate'> {
    const pending = this.#admitting.get(meta.id);
    if (pending) return pending.then(() => 'duplicate' as const);
    const firstSeen = meta.events[0]?.at ?? Date.now();
    const ops: StagedOp[] = [
      { sub: 'msg', key: meta.id, value: frame },
      { sub: 'seen', key: seenKey(meta.id), value: encodeSeen(firstSeen, meta.expiresAt) },
      ...metaOps(meta, undefined),
      ...kvOps(opts.kv),
    ];
    const top = this.#marks.stored(meta.origin, meta.seq);
    if (top) ops.push(top);
    const written = this.#stageOps(ops, opts.sync);
    this.#admitting.set(meta.id, written);
    const forget = () => {
      if (this.#admitting.get(meta.id) === written) this.#admitting.delete(meta.id);
    };
    written.then(forget, forget);
    return written.then(() => 'stored' as const, rethrow);
  }

  /**
   * Resolves once the admission of `id` is on disk: at once when none is waiting. What a
   * duplicate heard while its first copy waits for the sync is confirmed after.
   */
  durable(id: string): Promise<void> {
    return (this.#admitting.get(id) ?? Promise.resolve()).catch(rethrow);
  }

  /**
   * Writes a changed meta and moves its index entries to match, as one change. Synced: resolves
   * once on disk. Not synced: visible to every read at once, on disk with the next group; a
   * failure is logged (the change is then lost, as to a power cut).
   */
  save(meta: MessageMeta, before: MessageMeta, opts: WriteOptions): Promise<void> {
    return this.#stage([...metaOps(meta, before), ...kvOps(opts.kv)], opts.sync);
  }

  /** Writes node state alone (resolving as save() does). */
  putKv(kv: Record<string, unknown>, sync: boolean): Promise<void> {
    return this.#stage(kvOps(kv), sync);
  }

  /** Ids due on `link` at `now` (unix ms), highest priority first, at most `limit` (outbox-index.ts). */
  due(link: string, now: number, limit: number): Promise<string[]> {
    return this.#outbox.due(link, now, limit);
  }

  /** The earliest due time on `link` (unix ms), or undefined when its outbox is empty. */
  nextDue(link: string): Promise<number | undefined> {
    return this.#outbox.nextDue(link);
  }

  /** Ids of non-final messages whose lifetime ended by `nowSec` (unix seconds). */
  async expiredBy(nowSec: number, limit = 1000): Promise<string[]> {
    await this.#commit.idle();
    const keys = await this.#subs.exp.keys({ lte: `${pad(nowSec)}!\uffff`, limit }).all();
    return keys.map(idOfTimeKey);
  }

  /** Ids of every message not final yet (the expiry index), oldest lifetime end first. */
  async openIds(): Promise<string[]> {
    await this.#commit.idle();
    const ids: string[] = [];
    for await (const key of this.#subs.exp.keys()) ids.push(idOfTimeKey(key));
    return ids;
  }

  /** Ids of messages waiting for a route (store-layout.ts waitsForRoute), after `after`, at most `limit`. */
  async waitingIds(after: string | undefined, limit: number): Promise<string[]> {
    await this.#commit.idle();
    return this.#subs.wait.keys({ ...(after === undefined ? {} : { gt: after }), limit }).all();
  }

  /** Outbox entries per link: the queue as the status shows it. */
  outboxCounts(): Promise<Record<string, number>> {
    return this.#outbox.counts();
  }

  /** Every meta record, for recovery scans and views; corrupt ones are reported through `onCorrupt`. */
  async *metas(onCorrupt?: (id: string, err: KitError) => void): AsyncGenerator<MessageMeta> {
    await this.#commit.idle();
    for await (const [id, raw] of this.#subs.meta.iterator()) {
      try {
        yield decodeMeta(id, raw);
      } catch (err) {
        if (err instanceof KitError && onCorrupt) onCorrupt(id, err);
        else throw err;
      }
    }
  }

  /** Removes what no rule needs any more (store-pruning.ts); takes the exclusive section per chunk. */
  async prune(opts: PruneOptions): Promise<PruneResult> {
    const result = await prune(
      {
        done: this.#subs.done,
        seen: this.#subs.seen,
        marks: this.#marks,
        getMetas: async (ids) =>
          (await this.#readMany('meta', ids)).map((raw, i) => {
            try {
              return raw === undefined ? undefined : decodeMeta(ids[i] as string, raw);
            } catch {
              return undefined; // an unreadable record stays; only its index entry goes
            }
          }),
        stage: (ops, sync) => this.#stageOps(ops, sync),
        exclusive: (fn) => this.exclusive(fn),
        idle: () => this.#commit.idle(),
      },
      opts,
    );
    this.#pruned.messages += result.messages;
    this.#pruned.tombstones += result.tombstones;
    return result;
  }

  /** What was pruned since open. */
  get pruned(): Readonly<PruneResult> {
    return { ...this.#pruned };
  }

  /** Compacts the whole store, so that what was pruned leaves the disk now rather than later. */
  async compact(): Promise<void> {
    await this.#commit.idle();
    try {
      // `level` is classic-level on Node, whose compactRange its browser twin lacks.
      await (this.#db as unknown as { compactRange(a: string, b: string): Promise<void> }).compactRange(
        '\u0000',
        '\uffff',
      );
    } catch (err) {
      throw storeError(err, 'cannot compact the store');
    }
  }

  /** Bytes of the store's files on disk. */
  async sizeOnDisk(): Promise<number> {
    let bytes = 0;
    for (const name of await readdir(this.dir)) bytes += (await stat(join(this.dir, name))).size;
    return bytes;
  }

  #stage(ops: StagedOp[], sync: boolean): Promise<void> {
    const written = this.#stageOps(ops, sync);
    return sync ? written.catch(rethrow) : Promise.resolve();
  }

  /** Every write goes through here: the outbox index sees each entry put. */
  #stageOps(ops: readonly StagedOp[], sync: boolean): Promise<void> {
    this.#outbox.staging(ops);
    return this.#commit.stage(ops, sync);
  }

  async #read(sub: SubName, key: string): Promise<Uint8Array | undefined> {
    const staged = this.#commit.lookup(sub, key);
    if (staged) return staged.value;
    const epoch = this.#commit.epoch;
    let value: Uint8Array | undefined;
    try {
      value = await this.#subs[sub].get(key);
    } catch (err) {
      throw storeError(err, `cannot read ${key}`);
    }
    this.#commit.remember(sub, key, value, epoch);
    return value;
  }

  async #readMany(sub: SubName, keys: readonly string[]): Promise<Array<Uint8Array | undefined>> {
    const values: Array<Uint8Array | undefined> = [];
    const missing: number[] = [];
    keys.forEach((key, i) => {
      const known = this.#commit.lookup(sub, key);
      if (known) values[i] = known.value;
      else missing.push(i);
    });
    if (missing.length === 0) return values;
    const epoch = this.#commit.epoch;
    let read: Array<Uint8Array | undefined>;
    try {
      read = await this.#subs[sub].getMany(missing.map((i) => keys[i] as string));
    } catch (err) {
      throw storeError(err, `cannot read ${keys.length} records`);
    }
    missing.forEach((i, j) => {
      values[i] = read[j];
      this.#commit.remember(sub, keys[i] as string, read[j], epoch);
    });
    return values;
  }
}

function kvOps(kv: Record<string, unknown> | undefined): StagedOp[] {
  return Object.entries(kv ?? {}).map(([key, value]) => ({ sub: 'kv', key, value: cborEncode(value) }));
}

/** Keeps a KitError as it is (its code is what callers match on). */
function rethrow(err: unknown): never {
  throw err;
}

/**
 * Records and frames kept as last written or read (about 2 MB; RSS measured by the store
 * benchmark): what is sent soon after it was stored is not read back from the disk.
 */
const RECENT_KEYS = 4096;
