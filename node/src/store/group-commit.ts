/**
 * Group commit (docs/store-and-forward.md §Group commit): the store's writes are staged and go to
 * LevelDB as one atomic batch per group, one group at a time, synced when any write in it asked
 * to be. A group is written as soon as nothing else is being written: a lone writer waits for no
 * timer, and whatever is staged while a group is on its way to the disk (the fsync) forms the next
 * group, so concurrent admissions share one batch and one sync.
 *
 * A staged write is visible at once to the store's point reads (the overlay), so read-modify-write
 * sections see each other's changes before they reach the disk, and a duplicate is found in the
 * group still waiting for its sync. Range reads wait for the groups staged before them (idle()).
 *
 * A group that cannot be written fails as a whole, and so does the group staged behind it, whose
 * changes may build on it: no state change is ever half-written.
 */
import type { SubName } from './store-layout.js';

/** One write: `value` undefined deletes the key. */
export interface StagedOp {
  sub: SubName;
  key: string;
  value?: Uint8Array | undefined;
}

interface Group {
  ops: StagedOp[];
  sync: boolean;
  /** Resolves once the group is written (and synced, when `sync`); rejects when it cannot be. */
  written: Promise<void>;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export interface GroupCommitOptions {
  /** Writes one group as one atomic batch. */
  write(ops: readonly StagedOp[], sync: boolean): Promise<void>;
  /** A group could not be written: its writers that wait are told; this is for the others. */
  onFailed(err: unknown, ops: number): void;
  /**
   * Sublevels whose newest written values are also kept, up to `recentSize` keys: a message is
   * read back when it is sent just after it was stored. Default none.
   */
  recent?: readonly SubName[];
  /** Default 4096. */
  recentSize?: number;
}

export class GroupCommit {
  readonly #o: GroupCommitOptions;
  /** Taking writes; written once `#busy` is. */
  #open: Group | undefined;
  /** Being written. */
  #busy: Group | undefined;
  #scheduled = false;
  /** What is staged and not yet written, by sublevel and key: the newest write of each. */
  readonly #overlay = new Map<string, { value: Uint8Array | undefined; group: Group }>();
  /**
   * The newest value of recently written or read keys (GroupCommitOptions.recent), oldest first,
   * with the epoch it is known at: for a write, the group count once it landed.
   */
  readonly #recent = new Map<string, { value: Uint8Array | undefined; epoch: number }>();
  /** The newest epoch among values forgotten from #recent. */
  #evicted = 0;
  readonly #cached: ReadonlySet<SubName>;
  #syncsStarted = 0;
  #syncsCompleted = 0;
  /** Groups written so far: a read from the disk that saw none land meanwhile is current. */
  #written = 0;

  constructor(options: GroupCommitOptions) {
    this.#o = options;
    this.#cached = new Set(options.recent ?? []);
  }

  /**
   * Syncs begun and finished. Groups are written one at a time, in order, so the sync that makes
   * a write durable is the first one begun after it was staged.
   */
  get syncs(): { started: number; completed: number } {
    return { started: this.#syncsStarted, completed: this.#syncsCompleted };
  }

  /** Stages writes that belong together (one state change); resolves once their group is written. */
  stage(ops: readonly StagedOp[], sync: boolean): Promise<void> {
    if (ops.length === 0) return this.idle();
    this.#open ??= newGroup();
    const group = this.#open;
    for (const op of ops) {
      group.ops.push(op);
      this.#overlay.set(overlayKey(op.sub, op.key), { value: op.value, group });
    }
    if (sync) group.sync = true;
    this.#schedule();
    return group.written;
  }

  /**
   * The value of a key as staged, or as recently written: `{ value }` (undefined: deleted) when
   * known here, else undefined (read the disk).
   */
  lookup(sub: SubName, key: string): { value: Uint8Array | undefined } | undefined {
    const k = overlayKey(sub, key);
    const known = this.#overlay.get(k) ?? this.#recent.get(k);
    return known && { value: known.value };
  }

  /**
   * The keys of `sub` beginning with `prefix` that are staged as puts and not yet written: what a
   * range read of the disk begun now cannot see.
   */
  *stagedPuts(sub: SubName, prefix: string): Generator<string> {
    const start = overlayKey(sub, prefix);
    for (const [k, staged] of this.#overlay)
      if (staged.value !== undefined && k.startsWith(start)) yield k.slice(sub.length + 1);
  }

  /** Pass to remember(): how many groups had been written when a disk read began. */
  get epoch(): number {
    return this.#written;
  }

  /**
   * Keeps a value read from the disk, the read having begun at `epoch`, as recent: unless a write
   * of that key landed since (it is then known, newer, or was forgotten after `epoch`).
   */
  remember(sub: SubName, key: string, value: Uint8Array | undefined, epoch: number): void {
    if (!this.#cached.has(sub) || epoch < this.#evicted) return;
    const k = overlayKey(sub, key);
    const known = this.#recent.get(k);
    if (this.#overlay.has(k) || (known !== undefined && known.epoch > epoch)) return;
    this.#recent.delete(k);
    this.#recent.set(k, { value, epoch });
    this.#trim();
  }

  /** Resolves once everything staged so far is written (or failed: that was reported). */
  idle(): Promise<void> {
    const last = this.#open ?? this.#busy;
    return last ? last.written.catch(() => {}) : Promise.resolve();
  }

  /** Writes the open group as soon as the current one is written; a microtask, not a timer. */
  #schedule(): void {
    if (this.#busy || this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => {
      this.#scheduled = false;
      this.#next();
    });
  }

  #next(): void {
    const group = this.#open;
    if (!group || this.#busy) return;
    this.#open = undefined;
    this.#busy = group;
    if (group.sync) this.#syncsStarted++;
    this.#o
      .write(lastWrites(group.ops), group.sync)
      .then(
        () => {
          if (group.sync) this.#syncsCompleted++;
          this.#written++;
          this.#forget(group, true);
          group.resolve();
        },
        (err: unknown) => {
          this.#forget(group);
          // Staged while this one was on its way: it may build on it (a save of a message whose
          // admission failed), so it fails too.
          const behind = this.#open;
          this.#open = undefined;
          if (behind) {
            this.#forget(behind);
            behind.reject(err);
          }
          group.reject(err);
          this.#o.onFailed(err, group.ops.length + (behind?.ops.length ?? 0));
        },
      )
      .finally(() => {
        this.#busy = undefined;
        if (this.#open) this.#schedule();
      });
  }

  /** Drops a group's writes from the overlay; once `written`, the recent keys' values stay known. */
  #forget(group: Group, written = false): void {
    for (const op of group.ops) {
      const key = overlayKey(op.sub, op.key);
      if (this.#overlay.get(key)?.group === group) this.#overlay.delete(key);
      if (written && this.#cached.has(op.sub)) {
        this.#recent.delete(key);
        // A view into a larger buffer (an encoder's output) would keep all of it alive: copied.
        const v = op.value;
        const own = v === undefined || v.byteLength === v.buffer.byteLength;
        this.#recent.set(key, { value: own ? v : v.slice(), epoch: this.#written });
      }
    }
    this.#trim();
  }

  /** Forgets the oldest recent values beyond the cap. */
  #trim(): void {
    const cap = this.#o.recentSize ?? 4096;
    for (const [key, { epoch }] of this.#recent) {
      if (this.#recent.size <= cap) break;
      this.#recent.delete(key);
      this.#evicted = Math.max(this.#evicted, epoch);
    }
  }
}

/**
 * The ops of a group with only the last write of each key: what the batch would leave anyway
 * (LevelDB applies a batch in order), in fewer writes. An origin's mark changes with every
 * admission of it, a group holds many.
 */
function lastWrites(ops: readonly StagedOp[]): StagedOp[] {
  const seen = new Set<string>();
  const kept: StagedOp[] = [];
  for (let i = ops.length - 1; i >= 0; i--) {
    const op = ops[i] as StagedOp;
    const key = overlayKey(op.sub, op.key);
    if (seen.has(key)) continue;
    seen.add(key);
    kept.push(op);
  }
  return kept.reverse();
}

function overlayKey(sub: SubName, key: string): string {
  return `${sub}\u0000${key}`;
}

function newGroup(): Group {
  let resolve!: () => void;
  let reject!: (err: unknown) => void;
  const written = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // Writers that do not wait (unsynced saves) must not turn a failure into an unhandled rejection:
  // the failure reaches onFailed and every writer that waits.
  written.catch(() => {});
  return { ops: [], sync: false, written, resolve, reject };
}
