/**
 * The node's replay window, kept across restarts (docs/design.md §Security: per-origin sequence window;
 * docs/store-and-forward.md): loaded from the store at start, saved every minute and at stop, so a
 * captured frame of something never stored (a beacon) is refused after a power cut too.
 */

import type { Logger } from '../base/logger.js';
import { type ReplayVerdict, ReplayWindow } from '../crypto/replay-window.js';
import type { MessageStore } from '../store/message-store.js';

const KV_KEY = 'replay';
const SAVE_EVERY_MS = 60_000;

export class SavedReplayWindow {
  readonly #store: MessageStore;
  readonly #log: Logger;
  #window = new ReplayWindow();
  #dirty = false;
  #timer: NodeJS.Timeout | undefined;

  constructor(store: MessageStore, log: Logger) {
    this.#store = store;
    this.#log = log;
  }

  async start(): Promise<void> {
    try {
      const saved = await this.#store.getKv<unknown>(KV_KEY);
      if (saved !== undefined) this.#window = ReplayWindow.fromJSON(saved);
    } catch (err) {
      this.#log.warn({ err }, 'saved replay window unreadable; starting with an empty one');
    }
    this.#timer = setInterval(() => void this.save(), SAVE_EVERY_MS);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.save();
  }

  /** Records (origin, seq); for frames never stored, this is their only duplicate check. */
  accept(origin: number, seq: number): ReplayVerdict {
    const verdict = this.#window.accept(origin, seq);
    if (verdict === 'new') this.#dirty = true;
    return verdict;
  }

  /**
   * Checks, without recording, a message the node stores. One older than the window but never
   * stored (the caller checked its dedup tombstone) is late, not replayed: store and forward
   * delivers far out of order, the tombstone refuses true replays and the lifetime bounds lateness.
   */
  checkStored(origin: number, seq: number): ReplayVerdict {
    const verdict = this.#window.check(origin, seq);
    return verdict === 'too-old' ? 'new' : verdict;
  }

  async save(): Promise<void> {
    if (!this.#dirty) return;
    this.#dirty = false;
    try {
      await this.#store.putKv({ [KV_KEY]: this.#window.toJSON() }, false);
    } catch (err) {
      this.#dirty = true;
      this.#log.warn({ err }, 'replay window not saved; will try again');
    }
  }
}
