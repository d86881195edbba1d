/**
 * This node's sequence numbers (docs/security.md §A lost store; docs/keys.md §Re-enrolment and the
 * sequence floor; docs/control-messages.md §Floors): the last number used, kept in the store's
 * `kv` as `seq`, and where numbering resumes at a start. An id is origin and sequence, so a number
 * used twice makes receivers refuse the second message as a replay: numbers only ever move up.
 *
 * At a start the count is the stored one, or, when the store holds none (new, or lost with its SD
 * card), an epoch from the enrolment day (sequence-epoch.ts); either way at least the floors that
 * live outside the data directory: the kit key file's `seq-floor` and a floor the centre signed.
 * A floor that arrives later in a control message raises the count at once.
 *
 * A number is taken under the store's lock and reaches the disk with what uses it
 * (docs/store-and-forward.md §Group commit): a message made here carries it in its own admission,
 * a beacon (never stored) writes it alone and synced before it goes out. A power cut can therefore
 * lose a number, never hand it out twice.
 */
import type { Logger } from '../base/logger.js';
import type { MessageStore } from '../store/message-store.js';

/**
 * The counter's record in the store's `kv`, written with the message that uses the number (a type,
 * not an interface, so that it is a `kv` record).
 */
export type SequenceRecord = { seq: number };

export interface SequenceCounterOptions {
  store: MessageStore;
  log: Logger;
  /**
   * The lowest number this node may use next, from outside its data directory (the kit key file's
   * `seq-floor` plus one: NodeCoreOptions.sequenceFloor). Default none.
   */
  floor?: number;
  /** Where numbering starts when the store holds none: an epoch (sequence-epoch.ts). Default 0. */
  freshStart?: () => number;
}

/** Owns the last sequence number this node used, in memory and in the store. */
export class SequenceCounter {
  readonly #o: SequenceCounterOptions;
  /** The last number used; 0 before start(). */
  #last = 0;

  constructor(options: SequenceCounterOptions) {
    this.#o = options;
  }

  /**
   * Reads the last number used and raises it to the floors: the configured one and `signedFloor`,
   * the highest the centre signed for this node (signed-state.ts). Writes it back, synced, when it
   * moved or the store held none.
   */
  async start(signedFloor: number): Promise<void> {
    const { store, log } = this.#o;
    const stored = await store.getKv<number>('seq');
    const start = Math.max(
      stored ?? this.#o.freshStart?.() ?? 0,
      Math.max(this.#o.floor ?? 0, signedFloor) - 1,
    );
    if (stored === undefined || start > stored) {
      if (stored === undefined && start > 0)
        log.info({ seq: start + 1 }, 'no sequence on disk: this node numbers its messages from an epoch');
      await store.putKv({ seq: start }, true);
    }
    this.#last = start;
  }

  /** The number the next message made here takes (its frame's size depends on it). */
  get next(): number {
    return this.#last + 1;
  }

  /**
   * Uses `seq`, the number `next` gave, for a message made here: `admit` stages the message with
   * the counter's record in one admission, and the number counts as used once it is staged (not
   * when `admit` throws). Call under the store's lock, with nothing taken since `next` was read.
   */
  stage<T>(seq: number, admit: (record: SequenceRecord) => T): T {
    if (seq !== this.next) throw new RangeError(`sequence ${seq} is not the next one (${this.next})`);
    const staged = admit({ seq });
    this.#last = seq;
    return staged;
  }

  /**
   * Takes the next number for a frame that is never stored (a beacon): written and synced before
   * it is used, under the store's lock, so it never shares an id with a message (receivers would
   * take the second for a replay).
   */
  takeAlone(): Promise<number> {
    const { store } = this.#o;
    return store.exclusive(async () => {
      const next = this.#last + 1;
      await store.putKv({ seq: next }, true);
      this.#last = next;
      return next;
    });
  }

  /**
   * Raises the next number to at least `floor` (the centre's word for a kit that lost its store: a
   * signed control message); never lowers it. Takes the store's lock.
   */
  async raiseFloor(floor: number): Promise<void> {
    const { store, log } = this.#o;
    await store.exclusive(async () => {
      if (this.#last >= floor - 1) return;
      await store.putKv({ seq: floor - 1 }, true);
      log.warn({ from: this.#last + 1, to: floor }, 'sequence raised to the floor the centre set');
      this.#last = floor - 1;
    });
  }
}
