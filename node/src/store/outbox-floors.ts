/**
 * Where a scan of the outbox starts (docs/store-and-forward.md §Scanning the outbox): for each
 * outbox range (one link, one priority), a due time below which no entry lies, on disk or staged.
 *
 * Why: an outbox entry's key holds its due time, so a send moves the entry (a delete and a put).
 * LevelDB keeps each delete as a tombstone until a compaction reaches the bottom level, and a scan
 * from the start of the range walks every one of them: on a busy gateway, thousands per look at
 * the outbox, the dispatcher's largest cost. Starting the scan at the floor skips them.
 *
 * The floor is only ever a lower bound: a put below it lowers it at once; a scan raises it to the
 * first entry it found (or past `now` when it found none), but never above a put the scan could
 * not see: one staged and not yet on disk when the scan began, or made while it ran.
 */

/** One scan under way: the lowest due time put into its range since it began. */
export interface OutboxScan {
  readonly range: string;
  low: number;
}

export class OutboxFloors {
  readonly #floor = new Map<string, number>();
  readonly #scans = new Set<OutboxScan>();

  /** The range of a link and priority, as the outbox keys begin (records.ts outKey). */
  static range(link: string, priority: number): string {
    return `${link}!${priority}`;
  }

  /** Where a scan of `range` may start: nothing lies below. 0 until a scan has looked. */
  floor(range: string): number {
    return this.#floor.get(range) ?? 0;
  }

  /** An entry due at `dueAt` was staged in `range`. */
  put(range: string, dueAt: number): void {
    const floor = this.#floor.get(range);
    if (floor !== undefined && dueAt < floor) this.#floor.set(range, dueAt);
    for (const scan of this.#scans) if (scan.range === range && dueAt < scan.low) scan.low = dueAt;
  }

  /**
   * A scan of `range` begins; `stagedLow` is the lowest due time staged there and not yet on disk
   * (Infinity when none), which the scan's snapshot of the disk will not show.
   */
  begin(range: string, stagedLow: number): OutboxScan {
    const scan = { range, low: stagedLow };
    this.#scans.add(scan);
    return scan;
  }

  /**
   * The scan ended: `first` is the due time of the first entry on disk at or above the floor it
   * started from, or undefined when it found none at or below `now`. A failed scan passes
   * nothing and leaves the floor as it was.
   */
  end(scan: OutboxScan, found?: { first: number | undefined; now: number }): void {
    this.#scans.delete(scan);
    if (!found) return;
    // Every entry is either on disk in the scan's snapshot (at or above `seen`) or was put where
    // the scan could not see it (at or above `scan.low`), whatever other scans found meanwhile.
    const seen = found.first ?? Math.floor(found.now) + 1;
    this.#floor.set(scan.range, Math.min(seen, scan.low));
  }
}
