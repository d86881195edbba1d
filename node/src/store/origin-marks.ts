/**
 * What the store remembers of each origin besides its messages (docs/store-and-forward.md
 * §Pruning): the highest sequence it stored (`top`), and the floor at or below which it has
 * forgotten the origin's ids (`floor`: the highest sequence whose tombstone it pruned). Kept in
 * memory, loaded at open, and written in the `org` sublevel with the change that moves them.
 *
 * The marks are the staged view: raised when a write is staged. After a write that failed they
 * may be ahead of the disk by the ids that write refused, which only makes pruning a little
 * sooner for those ids.
 */
import { decode as cborDecode, encode as cborEncode } from 'cbor-x';
import type { StagedOp } from './group-commit.js';

export interface OriginMark {
  top: number;
  floor: number;
}

export class OriginMarks {
  readonly #marks = new Map<number, OriginMark>();
  /** Every saved mark was read: an origin with none has nothing stored here. */
  #complete = false;
  #unreadable = false;

  /** Reads one saved entry of the `org` sublevel; false when it cannot be decoded (left as is). */
  load(key: string, raw: Uint8Array): boolean {
    try {
      const mark = cborDecode(raw) as OriginMark;
      const origin = Number(key);
      if (!Number.isInteger(origin) || !Number.isInteger(mark?.top) || !Number.isInteger(mark?.floor)) {
        this.#unreadable = true;
        return false;
      }
      this.#marks.set(origin, { top: mark.top, floor: mark.floor });
      return true;
    } catch {
      this.#unreadable = true;
      return false;
    }
  }

  /** Every saved mark is loaded; unless one was unreadable, above() may now answer. */
  complete(): void {
    this.#complete = !this.#unreadable;
  }

  /**
   * Whether `seq` lies above every sequence of `origin` stored here, so that it cannot have a
   * tombstone. False whenever that cannot be known (a mark was unreadable).
   */
  above(origin: number, seq: number): boolean {
    return this.#complete && seq > (this.#marks.get(origin)?.top ?? 0);
  }

  /** Origins with a mark, and their marks. */
  entries(): IterableIterator<[number, OriginMark]> {
    return this.#marks.entries();
  }

  /** Whether `seq` of `origin` lies at or below what this store has forgotten of it. */
  forgotten(origin: number, seq: number): boolean {
    return seq <= (this.#marks.get(origin)?.floor ?? 0);
  }

  /** Raises the origin's top to `seq`; the write to stage, when it moved. */
  stored(origin: number, seq: number): StagedOp | undefined {
    const mark = this.#marks.get(origin) ?? { top: 0, floor: 0 };
    if (seq <= mark.top && this.#marks.has(origin)) return undefined;
    return this.#put(origin, { top: Math.max(mark.top, seq), floor: mark.floor });
  }

  /** Raises the origin's floor to `seq` (a tombstone pruned); the write to stage, when it moved. */
  forgot(origin: number, seq: number): StagedOp | undefined {
    const mark = this.#marks.get(origin) ?? { top: seq, floor: 0 };
    if (seq <= mark.floor) return undefined;
    return this.#put(origin, { top: Math.max(mark.top, seq), floor: seq });
  }

  #put(origin: number, mark: OriginMark): StagedOp {
    this.#marks.set(origin, mark);
    return { sub: 'org', key: String(origin), value: cborEncode(mark) };
  }
}
