/**
 * The outbox index (docs/store-and-forward.md §The store, §Scanning the outbox, §Group commit): the
 * `out` sublevel, one key `link!priority!due!id` per link a message waits for, and the reads the
 * dispatchers and the status make of it. What is due is what is on disk less what a staged change
 * took out: a message staged and not yet written is not due, so one made here never goes out before
 * its sync. Each read of a range starts at that range's floor (outbox-floors.ts), past LevelDB's
 * tombstones of entries already moved; the floors see every entry the store stages.
 *
 * MessageStore owns it; its writes are the store's (meta-ops.ts makes the index entries).
 */
import type { Priority } from '../wire/envelope.js';
import type { GroupCommit, StagedOp } from './group-commit.js';
import { OutboxFloors } from './outbox-floors.js';
import { outKey, parseOutKey } from './records.js';
import type { Sub } from './store-layout.js';

export class OutboxIndex {
  readonly #out: Sub;
  readonly #commit: Pick<GroupCommit, 'lookup' | 'stagedPuts' | 'idle'>;
  /** Where each range's scan starts, past LevelDB's tombstones of entries already moved. */
  readonly #floors = new OutboxFloors();

  /** `out`: the store's `out` sublevel; `commit`: its group commit, whose staged writes it reads. */
  constructor(out: Sub, commit: Pick<GroupCommit, 'lookup' | 'stagedPuts' | 'idle'>) {
    this.#out = out;
    this.#commit = commit;
  }

  /** The store is staging `ops`: an outbox entry put below its range's floor lowers the floor. */
  staging(ops: readonly StagedOp[]): void {
    for (const op of ops) {
      if (op.sub !== 'out' || op.value === undefined) continue;
      const { link, priority, dueAt } = parseOutKey(op.key);
      this.#floors.put(OutboxFloors.range(link, priority), dueAt);
    }
  }

  /**
   * Ids due on `link` at `now` (unix ms), highest priority first, at most `limit`: of what is on
   * disk, less what a staged change took out. A message staged and not yet written is not due
   * yet: one made here goes out only once synced.
   */
  async due(link: string, now: number, limit: number): Promise<string[]> {
    const ids: string[] = [];
    for (let p = 0 as Priority; p <= 3 && ids.length < limit; p = (p + 1) as Priority) {
      for (const key of await this.#range(link, p, now, limit - ids.length)) {
        const staged = this.#commit.lookup('out', key);
        if (!staged || staged.value !== undefined) ids.push(parseOutKey(key).id);
      }
    }
    return ids;
  }

  /** The earliest due time on `link` (unix ms), or undefined when its outbox is empty. */
  async nextDue(link: string): Promise<number | undefined> {
    await this.#commit.idle();
    let earliest: number | undefined;
    for (let p = 0; p <= 3; p++) {
      const floor = this.#floors.floor(OutboxFloors.range(link, p));
      for (const key of await this.#out
        .keys({ gte: outKey(link, p as Priority, floor, ''), lt: `${link}!${p}!\uffff`, limit: 1 })
        .all()) {
        const { dueAt } = parseOutKey(key);
        earliest = earliest === undefined ? dueAt : Math.min(earliest, dueAt);
      }
    }
    return earliest;
  }

  /** Outbox entries per link: the queue as the status shows it. */
  async counts(): Promise<Record<string, number>> {
    await this.#commit.idle();
    const counts: Record<string, number> = {};
    for await (const key of this.#out.keys()) {
      const { link } = parseOutKey(key);
      counts[link] = (counts[link] ?? 0) + 1;
    }
    return counts;
  }

  /**
   * The keys on disk of one outbox range due by `now`, at most `limit`, read from the range's
   * floor on; the caller drops those that a staged change took out.
   */
  async #range(link: string, priority: Priority, now: number, limit: number): Promise<string[]> {
    const range = OutboxFloors.range(link, priority);
    // Nothing lies below the floor, staged or on disk: a floor past `now` means nothing is due,
    // and no iterator need be opened. Most ranges of a busy link are so (its other priorities).
    if (this.#floors.floor(range) > now) return [];
    let stagedLow = Number.POSITIVE_INFINITY;
    for (const key of this.#commit.stagedPuts('out', `${range}!`))
      stagedLow = Math.min(stagedLow, parseOutKey(key).dueAt);
    const scan = this.#floors.begin(range, stagedLow);
    let keys: string[] = [];
    try {
      keys = await this.#out
        .keys({
          gte: outKey(link, priority, this.#floors.floor(range), ''),
          lte: outKey(link, priority, now, '\uffff'),
          limit,
        })
        .all();
    } catch (err) {
      this.#floors.end(scan);
      throw err;
    }
    this.#floors.end(scan, { first: keys[0] === undefined ? undefined : parseOutKey(keys[0]).dueAt, now });
    return keys;
  }
}
