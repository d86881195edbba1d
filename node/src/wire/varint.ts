/**
 * Unsigned LEB128 varints and a bounds-checked byte reader (docs/wire-format.md §Primitives).
 *
 * Varints carry the envelope's integers and the packed indicator sets. Only the canonical
 * (shortest) encoding is accepted, so one value has one byte string: authenticated bytes and dedup
 * keys must not have two spellings. Values are capped at 2^53 − 1 so they stay exact JS numbers.
 */
import { KitError } from '../base/errors.js';

/** Longest varint we accept: 8 bytes carry 56 bits, enough for 2^53 − 1. */
const MAX_VARINT_BYTES = 8;

/** Number of bytes `value` takes as a varint. */
export function varintLength(value: number): number {
  assertVarintValue(value);
  let n = 1;
  let v = value;
  while (v >= 0x80) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}

/** Appends `value` as a varint to `out`. */
export function pushVarint(out: number[], value: number): void {
  assertVarintValue(value);
  let v = value;
  while (v >= 0x80) {
    out.push((v % 128) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
}

export function encodeVarint(value: number): Uint8Array {
  const out: number[] = [];
  pushVarint(out, value);
  return Uint8Array.from(out);
}

function assertVarintValue(value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`varint value must be a safe non-negative integer, got ${value}`);
  }
}

/**
 * Reads untrusted bytes front to back. Every read checks the remaining length first and fails
 * with WIRE_TRUNCATED, saying which field, at which offset, and how many bytes are missing;
 * nothing is allocated from a length that was not checked.
 */
export class ByteReader {
  readonly bytes: Uint8Array;
  #pos: number;
  readonly #end: number;
  readonly #within: string;

  /**
   * @param within what the offsets in error messages count from, after "offset N": '' for the
   *   frame itself, e.g. ' of report.indicators' for bytes inside a field.
   */
  constructor(bytes: Uint8Array, start = 0, end = bytes.length, within = '') {
    this.bytes = bytes;
    this.#pos = start;
    this.#end = end;
    this.#within = within;
  }

  get position(): number {
    return this.#pos;
  }

  get remaining(): number {
    return this.#end - this.#pos;
  }

  u8(what: string): number {
    if (this.#pos >= this.#end) throw this.#truncated(what, 1);
    return this.bytes[this.#pos++] as number;
  }

  u32be(what: string): number {
    if (this.remaining < 4) throw this.#truncated(what, 4);
    const b = this.bytes;
    const p = this.#pos;
    this.#pos += 4;
    return (
      (b[p] as number) * 0x1000000 +
      (((b[p + 1] as number) << 16) | ((b[p + 2] as number) << 8) | (b[p + 3] as number))
    );
  }

  /** A canonical varint no larger than `max`. */
  varint(what: string, max = Number.MAX_SAFE_INTEGER): number {
    const start = this.#pos;
    let value = 0;
    let scale = 1;
    for (let i = 0; i < MAX_VARINT_BYTES; i++) {
      if (this.#pos >= this.#end) {
        if (i === 0) throw this.#truncated(what, 1);
        // Its last byte had the high bit set: at least one more was to follow.
        throw new KitError(
          'WIRE_TRUNCATED',
          `${what}: the varint at offset ${start}${this.#within} has ${i} byte${i === 1 ? '' : 's'} and goes on past the end at offset ${this.#pos} (at least 1 byte missing)`,
        );
      }
      const byte = this.bytes[this.#pos++] as number;
      value += (byte & 0x7f) * scale;
      if ((byte & 0x80) === 0) {
        if (byte === 0 && i > 0) {
          throw new KitError('WIRE_MALFORMED', `${what}: varint has a redundant trailing zero byte`);
        }
        if (value > max) throw new KitError('WIRE_TOO_LARGE', `${what}: ${value} is over ${max}`);
        return value;
      }
      scale *= 128;
    }
    throw new KitError('WIRE_TOO_LARGE', `${what}: varint longer than ${MAX_VARINT_BYTES} bytes`);
  }

  /** `length` bytes as a view (no copy). */
  take(length: number, what: string): Uint8Array {
    if (length > this.remaining) throw this.#truncated(what, length);
    const view = this.bytes.subarray(this.#pos, this.#pos + length);
    this.#pos += length;
    return view;
  }

  rest(): Uint8Array {
    return this.take(this.remaining, 'rest');
  }

  /** "time: 4 bytes needed at offset 6, 2 left (2 missing)". */
  #truncated(what: string, needed: number): KitError {
    const left = Math.max(0, this.remaining);
    return new KitError(
      'WIRE_TRUNCATED',
      `${what}: ${needed} byte${needed === 1 ? '' : 's'} needed at offset ${this.#pos}${this.#within}, ${left} left (${needed - left} missing)`,
    );
  }
}
