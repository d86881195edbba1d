/**
 * The durable message store on LevelDB (docs/design.md §Storage; docs/conventions.md §The durable queue).
 *
 * Sublevels: `msg` id → frame bytes; `meta` id → MessageMeta (CBOR); `out` outbox index
 * link!priority!due!id; `exp` expiry index due!id for messages not yet final; `seen` dedup
 * tombstones id → first-seen time; `kv` small node state (sequence counter, replay window).
 * Every state change is one atomic batch. Writes that precede a confirmation leaving the node
 * (custody, receipts, a local submit) pass `sync: true`, so the message is on disk first.
 *
 * The store is the retry mechanism: an outbox entry stays until its outcome is recorded, so
 * whatever was in flight when power was cut is simply due again after a restart.
 */

import { decode as cborDecode, encode as cborEncode } from 'cbor-x';
import { Level } from 'level';
import { KitError } from '../base/errors.js';
import type { Priority } from '../wire/envelope.js';
import { type MessageMeta, outKey, parseOutKey } from './records.js';

/** The part of a level sublevel (string keys, byte values) that the store uses. */
interface Sub {
  get(key: string): Promise<Uint8Array | undefined>;
  keys(range?: object): AsyncIterable<string>;
  iterator(range?: object): AsyncIterable<[string, Uint8Array]>;
}

export interface WriteOptions {
  /** fsync before resolving: required before any confirmation about the message leaves the node. */
  sync: boolean;
  /** Small node state to write in the same batch (e.g. the sequence counter). */
  kv?: Record<string, unknown>;
}

export class MessageStore {
  readonly #db: Level<string, Uint8Array>;
  readonly #msg: Sub;
  readonly #meta: Sub;
  readonly #out: Sub;
  readonly #exp: Sub;
  readonly #seen: Sub;
  readonly #kv: Sub;
  /** Serialises read-modify-write sequences: one writer, so batches never interleave. */
  #tail: Promise<unknown> = Promise.resolve();

  private constructor(db: Level<string, Uint8Array>) {
    this.#db = db;
    const sub = (name: string) =>
      db.sublevel<string, Uint8Array>(name, { valueEncoding: 'view' }) as unknown as Sub;
    this.#msg = sub('msg');
    this.#meta = sub('meta');
    this.#out = sub('out');
    this.#exp = sub('exp');
    this.#seen = sub('seen');
    this.#kv = sub('kv');
  }

  /** Opens (creating if needed) the store in `dir`. STORE_LOCKED when another process has it. */
  static async open(dir: string): Promise<MessageStore> {
    const db = new Level<string, Uint8Array>(dir, { valueEncoding: 'view', ...LEVEL_OPTIONS });
    try {
      await db.open();
    } catch (err) {
      throw storeError(err, `cannot open the store in ${dir}`);
    }
    return new MessageStore(db);
  }

  async close(): Promise<void> {
    await this.#tail.catch(() => {});
    await this.#db.close();
  }

  /** Runs `fn` after every earlier exclusive section: read-modify-write without races. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(fn, fn);
    this.#tail = run.catch(() => {});
    return run;
  }

  async hasSeen(id: string): Promise<boolean> {
    return (await this.#read(this.#seen, id)) !== undefined;
  }

  async getFrame(id: string): Promise<Uint8Array | undefined> {
    return this.#read(this.#msg, id);
  }

  async getMeta(id: string): Promise<MessageMeta | undefined> {
    const raw = await this.#read(this.#meta, id);
    return raw === undefined ? undefined : decodeMeta(id, raw);
  }

  async getKv<T>(key: string): Promise<T | undefined> {
    const raw = await this.#read(this.#kv, key);
    if (raw === undefined) return undefined;
    try {
      return cborDecode(raw) as T;
    } catch (cause) {
      throw new KitError('STORE_CORRUPT', `node state ${key} cannot be decoded`, { cause });
    }
  }

  /**
   * Stores a message seen for the first time: bytes, meta, tombstone, outbox and expiry entries.
   * Returns 'duplicate' (and writes nothing) when the id was seen before.
   */
  async admit(meta: MessageMeta, frame: Uint8Array, opts: WriteOptions): Promise<'stored' | 'duplicate'> {
    if (await this.hasSeen(meta.id)) return 'duplicate';
    const ops: BatchOp[] = [
      { type: 'put', sublevel: this.#msg, key: meta.id, value: frame },
      { type: 'put', sublevel: this.#seen, key: meta.id, value: cborEncode(Date.now()) },
      ...this.#metaOps(meta, undefined),
      ...this.#kvOps(opts.kv),
    ];
    await this.#batch(ops, opts.sync);
    return 'stored';
  }

  /**
   * Stores several new messages in one batch with one sync (the batched path: a burst of reports
   * or a catch-up after an outage costs one fsync, not one per message). Ids seen before are
   * skipped and reported.
   */
  async admitMany(
    items: ReadonlyArray<{ meta: MessageMeta; frame: Uint8Array }>,
    opts: WriteOptions & {
      /** The ids are new by construction (this node's next sequence numbers): skip the dedup reads. */
      fresh?: boolean;
    },
  ): Promise<string[]> {
    const ops: BatchOp[] = [];
    const duplicates: string[] = [];
    const now = cborEncode(Date.now());
    for (const { meta, frame } of items) {
      if (!opts.fresh && (await this.hasSeen(meta.id))) {
        duplicates.push(meta.id);
        continue;
      }
      ops.push(
        { type: 'put', sublevel: this.#msg, key: meta.id, value: frame },
        { type: 'put', sublevel: this.#seen, key: meta.id, value: now },
        ...this.#metaOps(meta, undefined),
      );
    }
    ops.push(...this.#kvOps(opts.kv));
    await this.#batch(ops, opts.sync);
    return duplicates;
  }

  /** Writes a changed meta and moves its outbox and expiry entries to match, in one batch. */
  async save(meta: MessageMeta, before: MessageMeta, opts: WriteOptions): Promise<void> {
    await this.#batch([...this.#metaOps(meta, before), ...this.#kvOps(opts.kv)], opts.sync);
  }

  /** Writes node state alone. */
  async putKv(kv: Record<string, unknown>, sync: boolean): Promise<void> {
    await this.#batch(this.#kvOps(kv), sync);
  }

  /** Ids due on `link` at `now` (unix ms), highest priority first, at most `limit`. */
  async due(link: string, now: number, limit: number): Promise<string[]> {
    const ids: string[] = [];
    for (let p = 0 as Priority; p <= 3 && ids.length < limit; p = (p + 1) as Priority) {
      const range = {
        gte: outKey(link, p, 0, ''),
        lte: outKey(link, p, now, '\uffff'),
        limit: limit - ids.length,
      };
      for await (const key of this.#out.keys(range)) ids.push(parseOutKey(key).id);
    }
    return ids;
  }

  /** The earliest due time on `link` (unix ms), or undefined when its outbox is empty. */
  async nextDue(link: string): Promise<number | undefined> {
    let earliest: number | undefined;
    for (let p = 0; p <= 3; p++) {
      for await (const key of this.#out.keys({ gte: `${link}!${p}!`, lt: `${link}!${p}!\uffff`, limit: 1 })) {
        const { dueAt } = parseOutKey(key);
        earliest = earliest === undefined ? dueAt : Math.min(earliest, dueAt);
      }
    }
    return earliest;
  }

  /** Ids of non-final messages whose lifetime ended by `nowSec` (unix seconds). */
  async expiredBy(nowSec: number, limit = 1000): Promise<string[]> {
    const ids: string[] = [];
    for await (const key of this.#exp.keys({ lte: `${pad(nowSec)}!\uffff`, limit })) ids.push(key.slice(16));
    return ids;
  }

  /** Outbox entries per link: the queue as the status shows it. */
  async outboxCounts(): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for await (const key of this.#out.keys()) {
      const { link } = parseOutKey(key);
      counts[link] = (counts[link] ?? 0) + 1;
    }
    return counts;
  }

  /** Every meta record, for recovery scans and views; corrupt ones are reported through `onCorrupt`. */
  async *metas(onCorrupt?: (id: string, err: KitError) => void): AsyncGenerator<MessageMeta> {
    for await (const [id, raw] of this.#meta.iterator()) {
      try {
        yield decodeMeta(id, raw);
      } catch (err) {
        if (err instanceof KitError && onCorrupt) onCorrupt(id, err);
        else throw err;
      }
    }
  }

  #metaOps(meta: MessageMeta, before: MessageMeta | undefined): BatchOp[] {
    const ops: BatchOp[] = [{ type: 'put', sublevel: this.#meta, key: meta.id, value: cborEncode(meta) }];
    if (before) {
      for (const [link, dueAt] of Object.entries(before.out)) {
        if (meta.out[link] !== dueAt)
          ops.push({ type: 'del', sublevel: this.#out, key: outKey(link, before.priority, dueAt, meta.id) });
      }
    }
    for (const [link, dueAt] of Object.entries(meta.out)) {
      if (before?.out[link] !== dueAt)
        ops.push({
          type: 'put',
          sublevel: this.#out,
          key: outKey(link, meta.priority, dueAt, meta.id),
          value: EMPTY,
        });
    }
    const wasFinal = before?.done === true;
    const isFinal = meta.done;
    const expKey = `${pad(meta.expiresAt)}!${meta.id}`;
    if (!isFinal && (before === undefined || wasFinal))
      ops.push({ type: 'put', sublevel: this.#exp, key: expKey, value: EMPTY });
    if (isFinal && before !== undefined && !wasFinal)
      ops.push({ type: 'del', sublevel: this.#exp, key: expKey });
    return ops;
  }

  #kvOps(kv: Record<string, unknown> | undefined): BatchOp[] {
    return Object.entries(kv ?? {}).map(([key, value]) => ({
      type: 'put' as const,
      sublevel: this.#kv,
      key,
      value: cborEncode(value),
    }));
  }

  async #read(sub: Sub, key: string): Promise<Uint8Array | undefined> {
    try {
      return await sub.get(key);
    } catch (err) {
      throw storeError(err, `cannot read ${key}`);
    }
  }

  async #batch(ops: BatchOp[], sync: boolean): Promise<void> {
    if (ops.length === 0) return;
    try {
      await this.#db.batch(ops as never, { sync });
    } catch (err) {
      throw storeError(err, 'cannot write to the store');
    }
  }
}

type BatchOp =
  | { type: 'put'; sublevel: Sub; key: string; value: Uint8Array }
  | { type: 'del'; sublevel: Sub; key: string };

const EMPTY = new Uint8Array(0);

/**
 * LevelDB tuned for a Raspberry Pi: a 1 MiB write buffer and a 2 MiB block cache instead of
 * 4 and 8 (records are small and mostly written once), and few open table files (each may be
 * memory-mapped). Measured by `npm run bench -- store` (peak RSS with 100,000 messages queued).
 */
const LEVEL_OPTIONS = { writeBufferSize: 1 << 20, cacheSize: 2 << 20, maxOpenFiles: 64 } as const;

function pad(n: number): string {
  return String(Math.max(0, Math.floor(n))).padStart(15, '0');
}

function decodeMeta(id: string, raw: Uint8Array): MessageMeta {
  try {
    const meta = cborDecode(raw) as MessageMeta;
    if (typeof meta !== 'object' || meta === null || meta.id !== id || typeof meta.out !== 'object') {
      throw new TypeError('not a meta record');
    }
    return meta;
  } catch (cause) {
    throw new KitError(
      'STORE_CORRUPT',
      `the record of message ${id} cannot be decoded; it is left in place`,
      { cause },
    );
  }
}

/** Maps LevelDB and file-system failures to the store's codes, keeping the cause. */
function storeError(err: unknown, message: string): KitError {
  if (err instanceof KitError) return err;
  const codes = [(err as { code?: string })?.code, (err as { cause?: { code?: string } })?.cause?.code];
  const text =
    String((err as Error)?.message ?? '') + String((err as { cause?: Error })?.cause?.message ?? '');
  if (codes.includes('LEVEL_LOCKED'))
    return new KitError('STORE_LOCKED', `${message}: another process holds it`, { cause: err });
  if (codes.includes('LEVEL_DATABASE_NOT_OPEN') && /closed|not open/i.test(text) && !/lock/i.test(text)) {
    return new KitError('STORE_CLOSED', `${message}: the store is closed`, { cause: err });
  }
  if (/ENOSPC|No space left/i.test(text))
    return new KitError('STORE_FULL', `${message}: the disk is full`, { cause: err });
  return new KitError('STORE_IO', message, { cause: err });
}
