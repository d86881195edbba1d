/**
 * The kit's word that it holds a warning, spread and spared (docs/warnings.md §The kit's word that
 * it holds it): a warning broadcast to many kits reaches them all within the same seconds, and
 * each saying so at once puts every village's `delivered` on the mesh together. So when the
 * warning reaches beyond this kit's area, the word waits a random part of a spread (30 s by
 * default); an answer to the warning handed on meanwhile makes it needless, since the centre takes
 * any ack of a kit as that kit's `delivered` (ack-to-board.ts), and the answer goes at once anyway.
 * A warning for this kit's area alone is confirmed at once, as before.
 *
 * Nothing here is kept on disk: the word never was (an answer tells the centre too, and the desk
 * sends the warning again to a kit it has not heard from). A stop sends what waits.
 */

/** The widest spread of the kits' `delivered` after one broadcast, well inside the desk's two minutes before it sends again. */
export const DEFAULT_DELIVERED_SPREAD_MS = 30_000;

export interface KitDeliveredWordOptions {
  /** Sends the word for one warning (the book's `delivered` ack). */
  send: (warningId: string) => void;
  /** Default DEFAULT_DELIVERED_SPREAD_MS. */
  spreadMs?: number;
  /** In [0, 1); default Math.random. */
  random?: () => number;
  setTimer?: (fn: () => void, ms: number) => ReturnType<typeof setTimeout>;
  clearTimer?: (t: ReturnType<typeof setTimeout>) => void;
}

export class KitDeliveredWord {
  readonly #o: KitDeliveredWordOptions;
  readonly #waiting = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(o: KitDeliveredWordOptions) {
    this.#o = o;
  }

  /**
   * The kit holds `warningId`: says so at once when `shared` is false (no other kit heard the same
   * broadcast), else after a random part of the spread unless an answer goes first.
   */
  held(warningId: string, shared: boolean): void {
    if (this.#waiting.has(warningId)) return;
    const spread = this.#o.spreadMs ?? DEFAULT_DELIVERED_SPREAD_MS;
    if (!shared || spread <= 0) {
      this.#o.send(warningId);
      return;
    }
    const wait = Math.floor((this.#o.random ?? Math.random)() * spread);
    const timer = (this.#o.setTimer ?? setTimeout)(() => {
      this.#waiting.delete(warningId);
      this.#o.send(warningId);
    }, wait);
    this.#waiting.set(warningId, timer);
  }

  /** An answer to `warningId` was handed on: it tells the centre the kit holds it. */
  answered(warningId: string): void {
    const timer = this.#waiting.get(warningId);
    if (timer === undefined) return;
    (this.#o.clearTimer ?? clearTimeout)(timer);
    this.#waiting.delete(warningId);
  }

  /** Sends every word still waiting (the book stops). */
  flush(): void {
    for (const [id, timer] of this.#waiting) {
      (this.#o.clearTimer ?? clearTimeout)(timer);
      this.#o.send(id);
    }
    this.#waiting.clear();
  }
}
