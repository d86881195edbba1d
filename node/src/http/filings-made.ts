/**
 * Finding what a filing cut short by a restart already made (docs/api.md §Idempotency), shared by
 * the reports and hazards adapters. The mark is the store's sequence counter (`seq` in the store's
 * kv, node/src/core/sequence-counter.ts: the last number this node used), read once for the
 * filings that ask for it together: a count read before a filing's message is made is below that
 * message's number however early it was read, which is all a mark must be. A message made after the
 * mark has a higher number, so a retry reads the records of this node's numbers above the mark, one
 * by one (a handful: what the node made meanwhile), and the adapter judges each of its kind.
 */
import type { MessageStore } from '../store/message-store.js';
import { messageId } from '../store/records.js';
import type { FilingMark } from './reports-service.js';

type Mark = { seq: number };

export class FilingsMade {
  readonly #store: Pick<MessageStore, 'getKv' | 'getMeta'>;
  readonly #nodeId: number;
  /** The read of the sequence counter that filings asking for a mark now will share. */
  #marking: Promise<FilingMark> | undefined;

  constructor(store: Pick<MessageStore, 'getKv' | 'getMeta'>, nodeId: number) {
    this.#store = store;
    this.#nodeId = nodeId;
  }

  /** A mark below the number of every message this node makes from now on. */
  mark(): Promise<FilingMark> {
    this.#marking ??= this.#store.getKv<number>('seq').then(
      (seq) => {
        this.#marking = undefined;
        return { seq: seq ?? 0 };
      },
      (err: unknown) => {
        this.#marking = undefined;
        throw err;
      },
    );
    return this.#marking;
  }

  /** The ids of the messages of kind `kindCode` this node made itself after `mark`, oldest first. */
  async *since(mark: FilingMark, kindCode: number): AsyncGenerator<string> {
    const from = (mark as Mark).seq;
    const last = (await this.#store.getKv<number>('seq')) ?? from;
    for (let seq = from + 1; seq <= last; seq++) {
      const id = messageId(this.#nodeId, seq);
      const meta = await this.#store.getMeta(id);
      if (meta?.local && meta.kindCode === kindCode) yield id;
    }
  }
}
