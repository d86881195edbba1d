/**
 * The receive side of a BeiDou module's serial line (docs/beidou.md §Sentences): turns the bytes
 * into sentences, whatever the reads cut them into, and survives what a real line carries besides
 * (docs/conventions.md §Adapters: framing is shared code, a parser fed with chunks).
 *
 * A sentence starts at `$` and ends at CR or LF. Bytes outside a sentence are junk (counted, never
 * thrown). A `$` before the end of a sentence means the one before was torn (a module reset, a
 * dropped byte on the line): it is reported as bad and the new one is read. A sentence longer than
 * the limit is dropped up to the next `$`. A complete line that is not a sentence, or whose
 * checksum is wrong, is reported as bad and skipped; the next sentence reads normally. Nothing
 * here throws, whatever the bytes; text is latin1, so any byte is one character.
 */
import { isKitError, KitError } from '../../../node/src/base/errors.js';
import { decodeSentence, type Sentence } from './sentence.js';

export type SentenceReaderEvent =
  | { kind: 'sentence'; sentence: Sentence; line: string }
  /** A complete line that is not a sentence, a wrong checksum, or a sentence torn by a new `$`. */
  | { kind: 'bad'; line: string; error: KitError }
  /** Bytes dropped outside any sentence (line ends aside). */
  | { kind: 'junk'; bytes: number }
  /** A sentence longer than the limit was dropped. */
  | { kind: 'overflow'; dropped: number };

export interface SentenceReaderOptions {
  /**
   * Longest sentence kept, bytes, `$` to checksum. Default 8192: a BeiDou-3 regional message of
   * 14,000 bits is 1,750 bytes, 3,500 hex digits in its sentence.
   */
  maxSentenceLength?: number;
}

const DOLLAR = 0x24;
const CR = 0x0d;
const LF = 0x0a;

export class SentenceReader {
  readonly #emit: (event: SentenceReaderEvent) => void;
  readonly #max: number;
  /** Empty, or starting with `$`: the sentence being read. */
  #pending: Buffer = Buffer.alloc(0);

  constructor(emit: (event: SentenceReaderEvent) => void, options: SentenceReaderOptions = {}) {
    this.#emit = emit;
    this.#max = options.maxSentenceLength ?? 8192;
  }

  /** Drops the sentence being read. */
  reset(): void {
    this.#pending = Buffer.alloc(0);
  }

  push(chunk: Uint8Array): void {
    let p = this.#pending.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.#pending, chunk]);
    for (;;) {
      if (p.length === 0) break;
      if (p[0] !== DOLLAR) {
        const start = p.indexOf(DOLLAR);
        this.#junk(start < 0 ? p : p.subarray(0, start));
        p = start < 0 ? Buffer.alloc(0) : p.subarray(start);
        continue;
      }
      let end = -1;
      for (let i = 1; i < p.length; i++) {
        const b = p[i];
        if (b === CR || b === LF || b === DOLLAR) {
          end = i;
          break;
        }
      }
      if (end < 0) {
        if (p.length > this.#max) {
          this.#emit({ kind: 'overflow', dropped: p.length });
          p = Buffer.alloc(0);
        }
        break;
      }
      const line = p.toString('latin1', 0, end);
      if (end > this.#max) {
        this.#emit({ kind: 'overflow', dropped: end });
      } else if (p[end] === DOLLAR) {
        this.#emit({
          kind: 'bad',
          line,
          error: new KitError('BEIDOU_MALFORMED', 'a sentence was cut off by the next one'),
        });
      } else {
        this.#line(line);
      }
      // A torn sentence leaves the `$` that cut it: it starts the next one.
      p = p.subarray(p[end] === DOLLAR ? end : end + 1);
    }
    this.#pending = Buffer.from(p);
  }

  #line(line: string): void {
    let sentence: Sentence;
    try {
      sentence = decodeSentence(line);
    } catch (err) {
      if (!isKitError(err)) throw err;
      this.#emit({ kind: 'bad', line, error: err });
      return;
    }
    this.#emit({ kind: 'sentence', sentence, line });
  }

  #junk(bytes: Buffer): void {
    let n = 0;
    for (const b of bytes) if (b !== CR && b !== LF) n++;
    if (n > 0) this.#emit({ kind: 'junk', bytes: n });
  }
}
