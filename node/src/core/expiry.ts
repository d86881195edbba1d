/**
 * Lifetimes (docs/design.md §Messages; docs/store-and-forward.md §Lifetimes): a message whose lifetime
 * ends before it is confirmed is marked expired and reported, its outbox entries removed and its
 * bytes kept: never silently dropped. Scans the store's expiry index on a timer.
 */
import type { Logger } from '../base/logger.js';
import type { MessageStore } from '../store/message-store.js';
import { addEvent, type MessageMeta } from '../store/records.js';

export interface ExpiryOptions {
  store: MessageStore;
  /** Unix ms. */
  now: () => number;
  /** How often to look, ms. */
  scanMs: number;
  log: Logger;
  onExpired: (meta: MessageMeta) => void;
}

export class Expiry {
  readonly #o: ExpiryOptions;
  readonly #unreadable = new Set<string>();
  #timer: NodeJS.Timeout | undefined;
  #running = false;

  constructor(options: ExpiryOptions) {
    this.#o = options;
  }

  start(): void {
    this.#running = true;
    this.#schedule(0);
  }

  stop(): void {
    this.#running = false;
    clearTimeout(this.#timer);
  }

  #schedule(delayMs: number): void {
    if (!this.#running) return;
    this.#timer = setTimeout(() => void this.#scan().finally(() => this.#schedule(this.#o.scanMs)), delayMs);
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
