/**
 * Pruning (docs/store-and-forward.md §Pruning): what no rule needs any more leaves the store.
 *
 * - A final message (delivered, received, handed on, expired, failed) goes, bytes and record,
 *   once `retentionMs` has passed since it ended here.
 * - Its tombstone stays until a retransmission of its id could no longer be taken in: its
 *   sequence is below its origin's replay window here (more than `window` newer ones of that
 *   origin stored), and its lifetime, counted from when it came here, is over. The origin's floor
 *   then rises to it, and an id at or below the floor with no tombstone is refused as forgotten
 *   (message-store.ts forgotten()), so no copy of a pruned message is ever taken in twice.
 *
 * Work is done in chunks, each in its own exclusive section, so that admissions wait for one
 * chunk at most.
 */
import type { StagedOp } from './group-commit.js';
import type { OriginMarks } from './origin-marks.js';
import { type MessageMeta, outKey } from './records.js';
import { decodeSeen, doneKey, idOfTimeKey, pad, parseSeenKey, type Sub, seenRange } from './store-layout.js';

export interface PruneOptions {
  /** The node's time, unix ms. */
  now: number;
  /** How long a final message is kept after it ended, ms. */
  retentionMs: number;
  /** The replay window per origin, in sequences (crypto/replay-window.ts: 1024). */
  window: number;
  /** Most records and tombstones looked at in one call. Default 20,000. */
  limit?: number;
  /** Asked between chunks: true stops the call there (the node is stopping). Default never. */
  stopped?: () => boolean;
}

export interface PruneResult {
  /** Messages removed, bytes and record. */
  messages: number;
  /** Tombstones removed. */
  tombstones: number;
}

export interface PruneParts {
  done: Sub;
  seen: Sub;
  marks: OriginMarks;
  /** The records of several messages in one read (undefined: gone, or unreadable). */
  getMetas(ids: readonly string[]): Promise<Array<MessageMeta | undefined>>;
  stage(ops: readonly StagedOp[], sync: boolean): Promise<void>;
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
  idle(): Promise<void>;
}

/** Keys looked at per exclusive section. */
const CHUNK = 256;

export async function prune(parts: PruneParts, opts: PruneOptions): Promise<PruneResult> {
  const stopped = opts.stopped ?? (() => false);
  const limit = opts.limit ?? 20_000;
  const result: PruneResult = { messages: 0, tombstones: 0 };
  await parts.idle();
  const cutoff = opts.now - opts.retentionMs;
  let looked = 0;
  for (;;) {
    const keys: string[] = [];
    for await (const key of parts.done.keys({ lte: `${pad(cutoff)}!\uffff`, limit: CHUNK })) keys.push(key);
    if (keys.length === 0) break;
    looked += keys.length;
    result.messages += await parts.exclusive(() => pruneRecords(parts, keys));
    await parts.idle();
    if (keys.length < CHUNK || looked >= limit || stopped()) break;
  }
  const nowS = Math.floor(opts.now / 1000);
  for (const [origin, mark] of [...parts.marks.entries()]) {
    // Below the floor too: a tombstone whose lifetime here was longer than its neighbours' stays.
    const below = mark.top - opts.window - 1;
    if (below < 1 || looked >= limit || stopped()) continue;
    let from = seenRange(origin, below).gte;
    for (;;) {
      const range = seenRange(origin, below);
      const entries: Array<[string, Uint8Array]> = [];
      for await (const entry of parts.seen.iterator({ gt: from, lte: range.lte, limit: CHUNK }))
        entries.push(entry);
      if (entries.length === 0) break;
      looked += entries.length;
      from = (entries.at(-1) as [string, Uint8Array])[0];
      const gone = entries.filter(([, raw]) => decodeSeen(raw).until <= nowS).map(([key]) => key);
      if (gone.length > 0) {
        result.tombstones += gone.length;
        await parts.exclusive(async () => {
          const ops: StagedOp[] = gone.map((key) => ({ sub: 'seen', key }));
          const highest = Math.max(...gone.map((key) => parseSeenKey(key).seq));
          const floor = parts.marks.forgot(origin, highest);
          if (floor) ops.push(floor);
          await parts.stage(ops, false);
        });
      }
      if (entries.length < CHUNK || looked >= limit || stopped()) break;
    }
  }
  return result;
}

async function pruneRecords(parts: PruneParts, keys: readonly string[]): Promise<number> {
  const ops: StagedOp[] = [];
  let pruned = 0;
  const metas = await parts.getMetas(keys.map(idOfTimeKey));
  for (const [i, key] of keys.entries()) {
    const id = idOfTimeKey(key);
    const meta = metas[i];
    ops.push({ sub: 'done', key });
    // Reopened (or already gone) since it was indexed: the index entry alone is stale.
    if (!meta?.done || meta.doneAt === undefined || doneKey(meta.doneAt, id) !== key) continue;
    ops.push({ sub: 'msg', key: id }, { sub: 'meta', key: id });
    for (const [link, dueAt] of Object.entries(meta.out))
      ops.push({ sub: 'out', key: outKey(link, meta.priority, dueAt, id) });
    pruned++;
  }
  await parts.stage(ops, false);
  return pruned;
}
