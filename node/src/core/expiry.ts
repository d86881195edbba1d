/**
 * The end of a message's life here (docs/design.md §Messages; docs/store-and-forward.md
 * §Lifetimes, §Pruning): a message whose lifetime ends before it is confirmed is marked expired and
 * reported, its outbox entries removed and its bytes kept: never silently dropped. Scans the
 * store's expiry index on a timer. Once a final message has been kept for the retention, and once
 * no copy of its id could be taken in again, the store prunes it (message-store.ts prune()): on a
 * slower timer, here too.
 */
import type { Logger } from '../base/logger.js';
import { DEFAULT_REPLAY_WINDOW_SIZE } from '../crypto/replay-window.js';
import type { MessageStore } from '../store/message-store.js';
import { addEvent, type MessageMeta } from '../store/records.js';

/** How long a final message is kept after it ended: a day (config `store.retention_s`). */
export const DEFAULT_RETENTION_MS = 86_400_000;

export interface ExpiryOptions {
  store: MessageStore;
  /** Unix ms. */
  now: () => number;
  /** How often to look, ms. */
  scanMs: number;
  /** How long a final message is kept after it ended, ms. Default DEFAULT_RETENTION_MS. */
  retentionMs?: number;
  /** How often to prune, ms. Default 60,000. */
  pruneEveryMs?: number;
  log: Logger;
  onExpired: (meta: MessageMeta) => void;
}

export class Expiry {
  readonly #o: ExpiryOptions;
  readonly #unreadable = new Set<string>();
  #timer: NodeJS.Timeout | undefined;
  #running = false;
  #prunedAt = Number.NEGATIVE_INFINITY;
  /** The scan under way, if any: stop() waits for it. */
  #scanning: Promise<void> = Promise.resolve();
  #stopped = false;

  constructor(options: ExpiryOptions) {
    this.#o = options;
  }

  start(): void {
    this.#running = true;
    this.#schedule(0);
  }

  /** Stops looking; resolves once a scan under way has ended (pruning stops at its next chunk). */
  stop(): Promise<void> {
    this.#running = false;
    this.#stopped = true;
    clearTimeout(this.#timer);
    return this.#scanning;
  }

  #schedule(delayMs: number): void {
    if (!this.#running) return;
    this.#timer = setTimeout(() => {
      this.#scanning = this.#scan().finally(() => this.#schedule(this.#o.scanMs));
    }, delayMs);
    this.#timer.unref();
  }

  async #scan(): Promise<void> {
    try {
      const ids = await this.#o.store.expiredBy(Math.floor(this.#o.now() / 1000));
      for (const id of ids) {
        if (this.#unreadable.has(id)) continue;
        try {
          await this.expire(id);
        } catch (err) {
          // One unreadable record must not stop every other message from expiring.
          this.#unreadable.add(id);
          this.#o.log.error({ err, msgId: id }, 'message record unreadable; left in place');
        }
      }
    } catch (err) {
      this.#o.log.error({ err }, 'expiry scan failed; trying again');
    }
    const now = this.#o.now();
    if (this.#running && Math.abs(now - this.#prunedAt) >= (this.#o.pruneEveryMs ?? 60_000)) {
      this.#prunedAt = now;
      await this.prune();
    }
  }

  /** Prunes what no rule needs any more, once (store-pruning.ts); logs what went. */
  async prune(): Promise<void> {
    try {
      const pruned = await this.#o.store.prune({
        now: this.#o.now(),
        retentionMs: this.#o.retentionMs ?? DEFAULT_RETENTION_MS,
        window: DEFAULT_REPLAY_WINDOW_SIZE,
        stopped: () => this.#stopped,
      });
      if (pruned.messages + pruned.tombstones > 0) this.#o.log.debug(pruned, 'store pruned');
    } catch (err) {
      this.#o.log.error({ err }, 'pruning the store failed; trying again later');
    }
  }

  /** Marks one message expired (or leaves it in custody elsewhere), unless it is already done. */
  expire(id: string): Promise<void> {
    const { store } = this.#o;
    return store.exclusive(async () => {
      const before = await store.getMeta(id);
      if (!before || before.done) return;
      const meta = structuredClone(before);
      meta.out = {};
      meta.done = true;
      if (meta.state !== 'custody') meta.state = 'expired';
      addEvent(meta, { at: this.#o.now(), state: 'expired' });
      await store.save(meta, before, { sync: false });
      this.#o.log.info({ msgId: id, state: meta.state }, 'message expired before confirmation');
      this.#o.onExpired(meta);
    });
  }
}
