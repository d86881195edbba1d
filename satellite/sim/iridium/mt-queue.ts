/**
 * The gateway's MT queues (docs/iridium.md §1.3 "Sequence numbers", §1.4, §3.3): per IMEI, at
 * most 50 messages, first in first out (not LIFO, one emulator's mistake, §4), each at most 270
 * bytes, with an MTMSN assigned when it is queued (1…65535, wrapping to 1), or the client's own
 * when DirectIP asks "Assign MTMSN".
 */

/** One queued MT message. */
export interface QueuedMt {
  mtmsn: number;
  payload: Uint8Array;
}

export type EnqueueResult =
  | { ok: true; mtmsn: number /** 1-based position in the queue after queuing. */; position: number }
  | { ok: false; reason: 'queue-full' | 'too-large' | 'empty' | 'mtmsn-range' };

export interface MtQueueOptions {
  /** Messages per IMEI. Default 50. */
  maxQueued?: number;
  /** Bytes per message. Default 270 (9602/9603). */
  maxBytes?: number;
}

export class MtQueues {
  readonly maxQueued: number;
  readonly maxBytes: number;
  readonly #queues = new Map<string, QueuedMt[]>();
  /** The last MTMSN assigned per IMEI (0: none yet). */
  readonly #lastMtmsn = new Map<string, number>();

  constructor(opts: MtQueueOptions = {}) {
    this.maxQueued = opts.maxQueued ?? 50;
    this.maxBytes = opts.maxBytes ?? 270;
  }

  /** Queues a copy of `payload`; `mtmsn` is the client's own (DirectIP Assign MTMSN). */
  enqueue(imei: string, payload: Uint8Array, mtmsn?: number): EnqueueResult {
    if (payload.length === 0) return { ok: false, reason: 'empty' };
    if (payload.length > this.maxBytes) return { ok: false, reason: 'too-large' };
    if (mtmsn !== undefined && (!Number.isInteger(mtmsn) || mtmsn < 1 || mtmsn > 65_535)) {
      return { ok: false, reason: 'mtmsn-range' };
    }
    const queue = this.#queue(imei);
    if (queue.length >= this.maxQueued) return { ok: false, reason: 'queue-full' };
    const assigned = mtmsn ?? this.#nextMtmsn(imei);
    queue.push({ mtmsn: assigned, payload: Uint8Array.from(payload) });
    return { ok: true, mtmsn: assigned, position: queue.length };
  }

  /** The oldest message, removed, or undefined. */
  dequeue(imei: string): QueuedMt | undefined {
    return this.#queues.get(imei)?.shift();
  }

  /** The oldest message, left in place. */
  peek(imei: string): QueuedMt | undefined {
    return this.#queues.get(imei)?.[0];
  }

  /** Deletes every queued message for `imei`; returns how many there were. */
  flush(imei: string): number {
    const queue = this.#queues.get(imei);
    const n = queue?.length ?? 0;
    queue?.splice(0);
    return n;
  }

  size(imei: string): number {
    return this.#queues.get(imei)?.length ?? 0;
  }

  #queue(imei: string): QueuedMt[] {
    let queue = this.#queues.get(imei);
    if (!queue) {
      queue = [];
      this.#queues.set(imei, queue);
    }
    return queue;
  }

  #nextMtmsn(imei: string): number {
    const last = this.#lastMtmsn.get(imei) ?? 0;
    const next = last >= 65_535 ? 1 : last + 1;
    this.#lastMtmsn.set(imei, next);
    return next;
  }
}
