/**
 * The host side of the Meshtastic stream framing (docs/meshtastic.md §1.1, §1.3, §8.3): an
 * incremental parser fed with the chunks read from a serial port or a TCP socket, giving accepted
 * `FromRadio` frames and the device's debug text as log lines, in stream order.
 *
 * Rules (§8.3):
 * - Hunt for `94 C3`; the next two bytes are a big-endian length, at most 512; wait for that many
 *   bytes, then try the candidate.
 * - A candidate is accepted only if it is a plausible FromRadio (see {@link acceptFromRadio}). When
 *   it is not, only its first byte is given up (as text) and the hunt goes on from the next byte:
 *   the buffer is never dropped, so a real frame that starts inside a rejected candidate (a torn
 *   frame, firmware#10975) is still found.
 * - The bytes of an accepted frame are never searched: `94 C3` inside a payload (binary CBOR, emoji
 *   in node names) does not start a frame.
 * - Everything outside accepted frames is log text: split on `\n`, `\r` and ANSI colour codes
 *   removed, decoded as UTF-8 (bad bytes become U+FFFD), each line bounded in length.
 *
 * In valid UTF-8 text `94 C3` is always followed by a continuation byte (0x80–0xBF), which makes a
 * length over 512: text such as "—é" (E2 80 94 C3 A9) is rejected at once and never holds the
 * stream back. A candidate that waits for bytes that never come (a frame cut short, or binary
 * garbage) is given up by {@link StreamParser.flush}, which the owner calls when the stream has
 * been idle for a while or has ended.
 */
import type { FromRadio } from './codec.js';
import { decodeFromRadio, Schemas } from './codec.js';
import { HEADER_LEN, MAX_FRAME_PAYLOAD, START1, START2 } from './constants.js';
import { conformsToWire } from './strict-wire.js';

/** One thing found in the stream. */
export type StreamEvent =
  /** An accepted frame: the protobuf bytes (without the 4-byte header) and their decoding. */
  | { type: 'frame'; message: FromRadio; bytes: Uint8Array }
  /** One line of the device's debug text, without line end or colour codes; never empty. */
  | { type: 'log'; text: string };

export interface StreamParserOptions {
  /**
   * Longest log line kept, in bytes of text; a longer line is cut there and the rest starts a new
   * line (so binary garbage without newlines cannot grow memory). Default 1024.
   */
  maxLineBytes?: number;
}

export interface StreamParserCounters {
  /** Frames accepted. */
  frames: number;
  /** Candidates (a `94 C3` with a length) that were not accepted as frames. */
  rejected: number;
  /** Log lines emitted. */
  lines: number;
  /** Bytes that went to log text. */
  textBytes: number;
}

/**
 * FromRadio variants past the schema this build knows: HEAD adds 18 and 19 (§1.4), both
 * messages. New variants are added at the next free numbers, so a few dozen is ample.
 */
const FUTURE_VARIANT_MIN = 18;
const FUTURE_VARIANT_MAX = 40;
const LENGTH_DELIMITED = 2;

/**
 * The decoded FromRadio if `payload` is a plausible frame, else undefined. Plausible means: the
 * bytes pass the strict wire check (strict-wire.ts), decode with the official schema, and carry
 * exactly one thing the device sends, either a variant of the `payload_variant` oneof we know
 * (and nothing unknown beside it) or, from newer firmware, one message field of a variant number
 * this schema does not know yet (18–40; the caller sees `payloadVariant.case` undefined). A FromRadio with nothing set is not a frame: the empty protobuf is
 * what garbage most easily decodes as.
 */
export function acceptFromRadio(payload: Uint8Array): FromRadio | undefined {
  if (payload.length === 0 || !conformsToWire(Schemas.FromRadio, payload)) return undefined;
  let message: FromRadio;
  try {
    message = decodeFromRadio(payload);
  } catch {
    return undefined;
  }
  const unknown = message.$unknown ?? [];
  if (message.payloadVariant.case !== undefined) return unknown.length === 0 ? message : undefined;
  const only = unknown[0];
  if (unknown.length !== 1 || only === undefined) return undefined;
  const future = only.no >= FUTURE_VARIANT_MIN && only.no <= FUTURE_VARIANT_MAX;
  return future && only.wireType === LENGTH_DELIMITED ? message : undefined;
}

// ESC [ parameters intermediates final: the SGR colour codes the firmware's logger writes, and any
// other CSI sequence; then two-byte ESC sequences.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching terminal escape sequences is the point
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b[@-Z\\-_]/g;
// C0 controls other than tab, and DEL, left over after the escapes are gone.
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
const CONTROLS = /[\u0000-\u0008\u000a-\u001f\u007f]/g;

const utf8 = new TextDecoder('utf-8', { fatal: false });

/** The text of one raw log line as shown to people, or '' when nothing printable is left. */
export function cleanLogLine(raw: Uint8Array): string {
  return utf8.decode(raw).replace(ANSI, '').replace(CONTROLS, '').trimEnd();
}

/**
 * The incremental parser. Owns a buffer of at most one candidate frame (≤ 516 bytes) plus the
 * pending part of a log line (≤ maxLineBytes). Never throws for any input.
 */
export class StreamParser {
  readonly #maxLine: number;
  /** Bytes not yet classified as frame or text. */
  #buf: Uint8Array = new Uint8Array(0);
  /** Text of the current line, not yet ended by `\n`. */
  #line: number[] = [];
  readonly #counters: StreamParserCounters = { frames: 0, rejected: 0, lines: 0, textBytes: 0 };

  constructor(opts: StreamParserOptions = {}) {
    const max = opts.maxLineBytes ?? 1024;
    if (!Number.isInteger(max) || max < 16) throw new RangeError(`maxLineBytes must be an integer ≥ 16`);
    this.#maxLine = max;
  }

  /** Bytes held back: an incomplete candidate frame or a trailing 0x94, and an unfinished line. */
  get pendingBytes(): number {
    return this.#buf.length + this.#line.length;
  }

  counters(): Readonly<StreamParserCounters> {
    return { ...this.#counters };
  }

  /** Feeds the next chunk read from the device; returns what it completed, in stream order. */
  push(chunk: Uint8Array): StreamEvent[] {
    const events: StreamEvent[] = [];
    if (chunk.length === 0) return events;
    const buf = new Uint8Array(this.#buf.length + chunk.length);
    buf.set(this.#buf, 0);
    buf.set(chunk, this.#buf.length);
    this.#buf = buf.subarray(this.#scan(buf, events, false));
    return events;
  }

  /**
   * Ends the wait for bytes that have not come: an incomplete candidate is not a frame, and what
   * is left, including an unfinished line, is emitted as text. Call it when the stream ended, or
   * when it has been idle long enough that a frame in progress would have been complete (a
   * 516-byte frame takes 45 ms at 115200 baud).
   */
  flush(): StreamEvent[] {
    const events: StreamEvent[] = [];
    this.#scan(this.#buf, events, true);
    this.#buf = new Uint8Array(0);
    this.#endLine(events);
    return events;
  }

  /**
   * Classifies `buf` from the start; returns the offset of the first byte it could not classify
   * yet (all of `buf` when `final`).
   */
  #scan(buf: Uint8Array, events: StreamEvent[], final: boolean): number {
    let pos = 0; // first unclassified byte
    let i = 0; // where the hunt for START1 goes on
    while (i < buf.length) {
      if (buf[i] !== START1) {
        i++;
        continue;
      }
      if (i + 1 >= buf.length) {
        if (final) break;
        this.#text(buf.subarray(pos, i), events);
        return i; // a 0x94 at the end may start a frame
      }
      if (buf[i + 1] !== START2) {
        i++;
        continue;
      }
      if (i + HEADER_LEN > buf.length) {
        if (final) break;
        this.#text(buf.subarray(pos, i), events);
        return i;
      }
      const len = ((buf[i + 2] as number) << 8) | (buf[i + 3] as number);
      if (len > MAX_FRAME_PAYLOAD) {
        this.#counters.rejected++;
        i++;
        continue;
      }
      const end = i + HEADER_LEN + len;
      if (end > buf.length) {
        if (final) {
          this.#counters.rejected++;
          i++;
          continue;
        }
        this.#text(buf.subarray(pos, i), events);
        return i;
      }
      const payload = buf.slice(i + HEADER_LEN, end);
      const message = acceptFromRadio(payload);
      if (message === undefined) {
        this.#counters.rejected++;
        i++; // give up only the first byte of the candidate
        continue;
      }
      this.#text(buf.subarray(pos, i), events);
      this.#counters.frames++;
      events.push({ type: 'frame', message, bytes: payload });
      pos = end;
      i = end;
    }
    this.#text(buf.subarray(pos), events);
    return buf.length;
  }

  #text(bytes: Uint8Array, events: StreamEvent[]): void {
    this.#counters.textBytes += bytes.length;
    for (const b of bytes) {
      if (b === 0x0a) {
        this.#endLine(events);
        continue;
      }
      this.#line.push(b);
      if (this.#line.length >= this.#maxLine) this.#endLine(events);
    }
  }

  #endLine(events: StreamEvent[]): void {
    if (this.#line.length === 0) return;
    const text = cleanLogLine(Uint8Array.from(this.#line));
    this.#line = [];
    if (text === '') return;
    this.#counters.lines++;
    events.push({ type: 'log', text });
  }
}
