/**
 * Strict CBOR for the wire (RFC 8949; docs/wire-format.md §CBOR rules).
 *
 * cbor-x does the encoding and decoding; this module puts a fence around it:
 * - `scanItem` walks untrusted bytes before cbor-x sees them: every length is checked against the
 *   bytes that remain (so nothing is allocated from a forged length), nesting is bounded, only
 *   definite lengths and shortest-form heads are accepted (core deterministic encoding, §4.2.1),
 *   text must be valid UTF-8, and reserved simple values are refused.
 * - `encodeItems` makes every integer take its shortest form (cbor-x writes numbers ≥ 2^32 as
 *   float64 unless given a bigint) and refuses non-integers: the wire has no floats, so the same
 *   message always has the same bytes.
 * - `decodeItem` decodes one scanned item and turns bigints back into exact numbers.
 */
import { Decoder, Encoder } from 'cbor-x';
import { KitError } from '../base/errors.js';

/** Deepest nesting a frame may use; ours use 3, later versions get room to grow. */
const MAX_DEPTH = 8;

const encoder = new Encoder({
  useRecords: false,
  mapsAsObjects: false,
  variableMapSize: true,
  tagUint8Array: false,
  pack: false,
});
const decoder = new Decoder({ useRecords: false, mapsAsObjects: false });
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** A value the encoder accepts. */
export type CborValue = number | bigint | string | Uint8Array | boolean | null | readonly CborValue[];

/** Encodes values as a CBOR sequence (RFC 8742), each item in deterministic form. */
export function encodeItems(values: readonly CborValue[]): Uint8Array {
  const parts = values.map((v) => encoder.encode(normalise(v)) as Uint8Array);
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

function normalise(value: CborValue): unknown {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value))
      throw new TypeError(`wire integers must be safe integers, got ${value}`);
    // cbor-x writes |n| ≥ 2^32 as a float; a bigint makes it a shortest-form integer.
    return value >= 0x1_0000_0000 || value < -0x1_0000_0000 ? BigInt(value) : value;
  }
  if (Array.isArray(value)) return value.map(normalise);
  return value;
}

/**
 * Checks that one well-formed, deterministic CBOR item starts at `start` and returns where it ends.
 * Throws only KitError (WIRE_TRUNCATED, WIRE_MALFORMED, WIRE_TOO_LARGE).
 */
export function scanItem(bytes: Uint8Array, start: number, end: number, depth = 0): number {
  if (depth > MAX_DEPTH) throw new KitError('WIRE_TOO_LARGE', `CBOR nested deeper than ${MAX_DEPTH}`);
  if (start >= end) throw truncated(`a CBOR item was expected at offset ${start}`, 1, start, end);
  const initial = bytes[start] as number;
  const major = initial >> 5;
  const info = initial & 0x1f;
  let pos = start + 1;

  if (major === 7) {
    // false, true, null, undefined, and the three float widths (for fields of later versions).
    if (info >= 20 && info <= 23) return pos;
    const floatBytes = info === 25 ? 2 : info === 26 ? 4 : info === 27 ? 8 : -1;
    if (floatBytes < 0) throw new KitError('WIRE_MALFORMED', `CBOR simple value ${info} is not allowed`);
    if (end - pos < floatBytes)
      throw truncated(
        `the CBOR float at offset ${start} has ${floatBytes} bytes after its head`,
        floatBytes,
        pos,
        end,
      );
    return pos + floatBytes;
  }

  // The argument: a count, a length or an integer value, always in its shortest form.
  let arg: number;
  if (info < 24) {
    arg = info;
  } else if (info <= 27) {
    const width = 1 << (info - 24);
    if (end - pos < width)
      throw truncated(
        `the CBOR head at offset ${start} has ${width} more byte${width === 1 ? '' : 's'}`,
        width,
        pos,
        end,
      );
    arg = 0;
    for (let i = 0; i < width; i++) arg = arg * 256 + (bytes[pos + i] as number);
    pos += width;
    const floor = width === 1 ? 24 : width === 2 ? 0x100 : width === 4 ? 0x1_0000 : 0x1_0000_0000;
    if (arg < floor) throw new KitError('WIRE_MALFORMED', 'CBOR head is not in its shortest form');
    if (!Number.isSafeInteger(arg)) throw new KitError('WIRE_TOO_LARGE', 'CBOR integer beyond 2^53 − 1');
  } else {
    // 28–30 are reserved, 31 is an indefinite length: neither is deterministic.
    throw new KitError('WIRE_MALFORMED', `CBOR additional information ${info} is not allowed`);
  }

  switch (major) {
    case 0:
    case 1:
      return pos;
    case 2:
    case 3: {
      if (arg > end - pos)
        throw truncated(
          `the CBOR ${major === 2 ? 'byte' : 'text'} string at offset ${start} announces ${arg} byte${arg === 1 ? '' : 's'}`,
          arg,
          pos,
          end,
        );
      if (major === 3) {
        try {
          utf8.decode(bytes.subarray(pos, pos + arg));
        } catch (cause) {
          throw new KitError('WIRE_MALFORMED', 'CBOR text is not valid UTF-8', { cause });
        }
      }
      return pos + arg;
    }
    case 4:
    case 5: {
      const items = major === 5 ? arg * 2 : arg;
      // Every item takes at least one byte: a count the bytes cannot hold is a lie, refuse it early.
      if (items > end - pos)
        throw truncated(
          `the CBOR ${major === 4 ? 'array' : 'map'} at offset ${start} announces ${arg} ${major === 4 ? 'item' : 'pair'}${arg === 1 ? '' : 's'}, at least ${items} byte${items === 1 ? '' : 's'}`,
          items,
          pos,
          end,
          'at least ',
        );
      for (let i = 0; i < items; i++) pos = scanItem(bytes, pos, end, depth + 1);
      return pos;
    }
    default: // 6: a tag, then its content
      return scanItem(bytes, pos, end, depth + 1);
  }
}

/**
 * "the CBOR byte string at offset 24 announces 15 bytes, but only 9 are left (6 missing)": what was
 * announced, and how much of it the bytes hold. The caller knows where the bytes end and why.
 */
function truncated(announced: string, needed: number, pos: number, end: number, atLeast = ''): KitError {
  const left = Math.max(0, end - pos);
  return new KitError(
    'WIRE_TRUNCATED',
    `${announced}, but only ${left} ${left === 1 ? 'is' : 'are'} left (${atLeast}${needed - left} missing)`,
  );
}

/** Decodes one item that `scanItem` accepted. */
export function decodeItem(bytes: Uint8Array, start: number, end: number): unknown {
  let value: unknown;
  try {
    value = decoder.decode(bytes.subarray(start, end));
  } catch (cause) {
    throw new KitError('WIRE_MALFORMED', 'CBOR item could not be decoded', { cause });
  }
  return exact(value);
}

function exact(value: unknown): unknown {
  if (typeof value === 'bigint') {
    // scanItem already bounded integers to 2^53 − 1 in magnitude.
    return Number(value);
  }
  if (Array.isArray(value)) return value.map(exact);
  return value;
}

/** Decodes a whole byte string that must hold exactly one CBOR item. */
export function decodeSingle(bytes: Uint8Array): unknown {
  const endOfItem = scanItem(bytes, 0, bytes.length);
  if (endOfItem !== bytes.length) throw new KitError('WIRE_TRAILING', 'bytes follow the CBOR item');
  return decodeItem(bytes, 0, endOfItem);
}
