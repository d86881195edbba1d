/**
 * The deliveries a centre receiver has already taken, by key, for deduplication across restarts
 * (docs/iridium.md §7.5; docs/centre-doors.md §Duplicates and restarts): a RockBLOCK push by
 * (imei, momsn, transmit_time), a DirectIP MO message by (IMEI, MOMSN, session time).
 *
 * A carrier delivers again whatever it believes was not taken: Rock7 when a 200 was lost on the
 * way, the DirectIP gateway for up to 12 h. So a key is remembered for `windowMs` after it was
 * first seen, and at most `limit` keys are kept, the oldest dropped first. The keys reach a disk
 * through a {@link SeenDeliveriesStore} the composition root gives (the adapter knows no store).
 * A receiver {@link SeenDeliveries.add}s a key in memory as soon as it takes the delivery, so that
 * a copy arriving meanwhile is a duplicate, and {@link SeenDeliveries.save}s once it has handed
 * the delivery on, never before: a crash in between costs a copy taken twice (which the core's
 * message ids absorb), never a delivery refused as a copy of one nobody took. Saves run one at a
 * time, the next one carrying every change made meanwhile, so a burst of deliveries costs a few
 * writes, not one each.
 */
import type { Logger } from '../../../node/src/base/logger.js';

/** One remembered key and when it was first seen, Unix ms. */
export type SeenEntry = readonly [key: string, seenAt: number];

/** Where the keys are kept between runs. Given by the composition root. */
export interface SeenDeliveriesStore {
  /** Replaces what is saved with `entries`, atomically: a reader sees the old set or the new. */
  save(entries: readonly SeenEntry[]): Promise<void>;
}

/** Options for {@link SeenDeliveries}. */
export interface SeenDeliveriesOptions {
  /** How long a key is remembered after it was first seen, ms. Default 48 h. */
  windowMs?: number;
  /** The most keys remembered; the oldest go first. Default 10,000. */
  limit?: number;
  /** The keys saved by an earlier run (the store's contents when the receiver was built). */
  initial?: readonly SeenEntry[];
  /** Where changes are saved. Default: nowhere, the keys live in memory only. */
  store?: SeenDeliveriesStore;
  /** Unix ms now. */
  now: () => number;
  /** Where a failed save is said, once until a save succeeds again. */
  log: Logger;
}

/**
 * 48 h: Rock7 does not publish how long it retries a push (docs/iridium.md §6); the DirectIP
 * gateway gives up after 12 h (§3.1), and so does Ground Control's newer Cloudloop platform. Four
 * times that covers a retry schedule of the same kind with room to spare.
 */
export const DEFAULT_SEEN_WINDOW_MS = 48 * 3600_000;
export const DEFAULT_SEEN_LIMIT = 10_000;

/** A bounded, time-limited set of delivery keys, saved as it changes. */
export class SeenDeliveries {
  readonly #seen = new Map<string, number>();
  readonly #windowMs: number;
  readonly #limit: number;
  readonly #store: SeenDeliveriesStore | undefined;
  readonly #now: () => number;
  readonly #log: Logger;
  #saving: Promise<void> | undefined;
  #dirty = false;
  #failing = false;

  constructor(opts: SeenDeliveriesOptions) {
    this.#windowMs = opts.windowMs ?? DEFAULT_SEEN_WINDOW_MS;
    this.#limit = opts.limit ?? DEFAULT_SEEN_LIMIT;
    if (!(this.#windowMs > 0)) throw new RangeError(`windowMs must be positive, got ${this.#windowMs}`);
    if (!Number.isInteger(this.#limit) || this.#limit < 1)
      throw new RangeError(`limit must be an integer ≥ 1, got ${this.#limit}`);
    this.#store = opts.store;
    this.#now = opts.now;
    this.#log = opts.log;
    // Oldest first, as the map keeps them: a file edited by hand may list them in any order.
    const initial = [...(opts.initial ?? [])].sort((a, b) => a[1] - b[1]);
    for (const [key, at] of initial) this.#seen.set(key, at);
    this.#prune(this.#now());
  }

  /** The key was seen within the window. */
  has(key: string): boolean {
    const at = this.#seen.get(key);
    return at !== undefined && this.#now() - at < this.#windowMs;
  }

  /** Remembers a key as seen now, in memory; {@link save} keeps it. */
  add(key: string): void {
    const now = this.#now();
    this.#seen.delete(key);
    this.#seen.set(key, now);
    this.#prune(now);
  }

  /** How many keys are remembered. */
  get size(): number {
    return this.#seen.size;
  }

  /** Resolves once every change made so far is saved (or its save failed and was logged). */
  async flush(): Promise<void> {
    while (this.#saving) await this.#saving;
  }

  /** Drops keys past the window, then the oldest past the limit. The map is oldest first. */
  #prune(now: number): void {
    for (const [key, at] of this.#seen) {
      if (now - at < this.#windowMs && this.#seen.size <= this.#limit) break;
      this.#seen.delete(key);
    }
  }

  /** Saves what is remembered, after the save under way if there is one. */
  save(): void {
    const store = this.#store;
    if (!store) return;
    this.#dirty = true;
    if (this.#saving) return; // the save under way is followed by one with this change
    this.#saving = (async () => {
      while (this.#dirty) {
        this.#dirty = false;
        try {
          await store.save([...this.#seen]);
          if (this.#failing) this.#log.info({}, 'delivery keys saved again');
          this.#failing = false;
        } catch (err) {
          if (!this.#failing)
            this.#log.error(
              { err },
              'the keys of deliveries already taken could not be saved: after a restart, a delivery seen before is taken again',
            );
          this.#failing = true;
        }
      }
    })().finally(() => {
      this.#saving = undefined;
    });
  }
}
