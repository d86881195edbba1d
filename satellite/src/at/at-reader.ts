/**
 * The receive side of the AT channel: turns the modem's bytes into text lines and, when asked,
 * one length-prefixed binary block (docs/iridium.md §0 item 3, §7.1 "Byte-stream parser").
 *
 * Lines end at CR or LF (so `\r\n`, a lone `\r` after an echo, and blank lines all work; blank
 * lines are dropped). Text is decoded as latin1 so that any byte sequence is a string and nothing
 * here can throw. A binary block is read only when the channel expects one (an AT+SBDRB is
 * outstanding) and only at a line boundary: then a first byte of 0x00 or 0x01 starts the block
 * (`<len:u16BE><payload><sum:u16BE>`, an MT payload is at most 270 bytes so the length's high byte
 * is 0 or 1), while anything else is a text line (the echo, a URC, a blank line or ERROR). The
 * block is taken by its length and never split on line endings, whatever bytes it holds.
 */

export type AtReaderEvent =
  | { kind: 'line'; text: string }
  | { kind: 'block'; bytes: Uint8Array }
  /** A line longer than the limit was dropped (garbage on the line, or a baud-rate mismatch). */
  | { kind: 'overflow'; dropped: number };

export interface AtReaderOptions {
  /** Longest line kept, bytes. Longer ones are dropped up to their terminator. Default 1024. */
  maxLineLength?: number;
}

const CR = 0x0d;
const LF = 0x0a;

export class AtReader {
  readonly #emit: (event: AtReaderEvent) => void;
  readonly #maxLine: number;
  #pending: Buffer = Buffer.alloc(0);
  #blockWanted = false;
  /** Dropping the rest of an over-long line up to its terminator. */
  #discarding = false;

  constructor(emit: (event: AtReaderEvent) => void, options: AtReaderOptions = {}) {
    this.#emit = emit;
    this.#maxLine = options.maxLineLength ?? 1024;
  }

  /** Whether the next block-shaped bytes at a line boundary are read as an SBDRB block. */
  expectBlock(wanted: boolean): void {
    this.#blockWanted = wanted;
  }

  get blockExpected(): boolean {
    return this.#blockWanted;
  }

  /** Drops everything buffered (after a timed-out command, so a half block is not read as text). */
  reset(): void {
    this.#pending = Buffer.alloc(0);
    this.#discarding = false;
  }

  push(chunk: Uint8Array): void {
    this.#pending = this.#pending.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.#pending, chunk]);
    for (;;) {
      const p = this.#pending;
      if (p.length === 0) return;
      // #pending always starts at a line boundary, except while discarding.
      if (this.#blockWanted && !this.#discarding && (p[0] as number) <= 1) {
        if (p.length < 2) return;
        const total = 4 + p.readUInt16BE(0);
        if (p.length < total) return;
        this.#pending = p.subarray(total);
        this.#blockWanted = false;
        this.#emit({ kind: 'block', bytes: new Uint8Array(p.subarray(0, total)) });
        continue;
      }
      let end = -1;
      for (let i = 0; i < p.length; i++) {
        const b = p[i];
        if (b === CR || b === LF) {
          end = i;
          break;
        }
      }
      if (end < 0) {
        if (p.length > this.#maxLine) {
          this.#emit({ kind: 'overflow', dropped: p.length });
          this.#pending = Buffer.alloc(0);
          this.#discarding = true;
        }
        return;
      }
      const text = p.toString('latin1', 0, end);
      this.#pending = p.subarray(end + 1);
      if (this.#discarding) {
        this.#discarding = false;
        if (end > 0) this.#emit({ kind: 'overflow', dropped: end });
        continue;
      }
      if (end > this.#maxLine) {
        this.#emit({ kind: 'overflow', dropped: end });
        continue;
      }
      if (text.length > 0) this.#emit({ kind: 'line', text });
    }
  }
}
