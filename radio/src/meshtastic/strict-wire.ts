/**
 * A strict wire-format check for protobufs read from an untrusted byte stream
 * (docs/meshtastic.md §1.3, §8.3): does every record of the bytes have the wire type its
 * field's schema type is written with?
 *
 * Why: `@bufbuild/protobuf`'s decoder reads a known field by its schema type whatever wire type the
 * tag announces, so bytes that are not a protobuf at all (debug text that landed inside a frame,
 * the tail of a torn frame) decode "successfully" surprisingly often, above all when short. The
 * firmware's nanopb writes every field with its proper wire type, never uses groups, and writes a
 * bool as 0 or 1. Checking that first rejects most garbage without rejecting anything the
 * firmware writes, including fields newer than our schema (unknown fields are allowed with any
 * non-group wire type).
 */
import { type DescField, type DescMessage, ScalarType } from '@bufbuild/protobuf';

/** Protobuf wire types (the encoding's own numbers). */
const VARINT = 0;
const BIT64 = 1;
const DELIMITED = 2;
const BIT32 = 5;

/** A read position in a byte array. */
interface Cursor {
  readonly buf: Uint8Array;
  pos: number;
}

/** Nesting deeper than this is not a Meshtastic message (the deepest is about 4). */
const MAX_DEPTH = 16;

const byNumber = new WeakMap<DescMessage, Map<number, DescField>>();

function fieldsOf(desc: DescMessage): Map<number, DescField> {
  let map = byNumber.get(desc);
  if (map === undefined) {
    map = new Map(desc.fields.map((f) => [f.number, f]));
    byNumber.set(desc, map);
  }
  return map;
}

/** The wire type a scalar is written with when not packed. */
function scalarWireType(t: ScalarType): number {
  switch (t) {
    case ScalarType.STRING:
    case ScalarType.BYTES:
      return DELIMITED;
    case ScalarType.FIXED32:
    case ScalarType.SFIXED32:
    case ScalarType.FLOAT:
      return BIT32;
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
    case ScalarType.DOUBLE:
      return BIT64;
    default:
      return VARINT;
  }
}

/**
 * Reads a varint of at most 10 bytes ending before `end`; returns its value when it fits in 32
 * bits (lengths, tags), Infinity when longer, or -1 when malformed.
 */
function readVarint(c: Cursor, end: number): number {
  let value = 0;
  for (let i = 0; i < 10; i++) {
    if (c.pos >= end) return -1;
    const b = c.buf[c.pos++] as number;
    if (i < 5) value += (b & 0x7f) * 2 ** (7 * i);
    if ((b & 0x80) === 0) return i < 5 && value <= 0xffffffff ? value : Number.POSITIVE_INFINITY;
  }
  return -1;
}

/** Reads a length prefix; returns the end of the bytes it announces, or -1 if they overrun `end`. */
function delimitedEnd(c: Cursor, end: number): number {
  const len = readVarint(c, end);
  if (len < 0 || c.pos + len > end) return -1;
  return c.pos + len;
}

/** Skips one value of wire type `wt`; false when it is malformed or overruns `end`. */
function skipValue(c: Cursor, wt: number, end: number): boolean {
  switch (wt) {
    case VARINT:
      return readVarint(c, end) >= 0;
    case BIT32:
    case BIT64:
      c.pos += wt === BIT32 ? 4 : 8;
      return c.pos <= end;
    case DELIMITED: {
      const stop = delimitedEnd(c, end);
      if (stop < 0) return false;
      c.pos = stop;
      return true;
    }
    default:
      return false; // groups (3, 4) nanopb never writes; 6 and 7 do not exist
  }
}

/** A packed run of scalars fills its bytes exactly. */
function packedOk(c: Cursor, stop: number, element: number): boolean {
  if (element === BIT32 || element === BIT64) {
    const ok = (stop - c.pos) % (element === BIT32 ? 4 : 8) === 0;
    c.pos = stop;
    return ok;
  }
  while (c.pos < stop) if (readVarint(c, stop) < 0) return false;
  return true;
}

function boolOk(c: Cursor, end: number): boolean {
  const b = c.buf[c.pos];
  if (c.pos >= end || (b !== 0 && b !== 1)) return false;
  c.pos++;
  return true;
}

function checkMessage(desc: DescMessage, c: Cursor, end: number, depth: number): boolean {
  if (depth > MAX_DEPTH) return false;
  const fields = fieldsOf(desc);
  while (c.pos < end) {
    const tag = readVarint(c, end);
    if (tag < 8 || tag > 0xffffffff) return false; // field number 0, or not a 32-bit tag
    const fieldNo = Math.floor(tag / 8);
    const wt = tag % 8;
    const field = fields.get(fieldNo);
    const ok = field === undefined ? skipValue(c, wt, end) : checkField(field, wt, c, end, depth);
    if (!ok) return false;
  }
  return c.pos === end;
}

function checkNested(c: Cursor, end: number, desc: DescMessage, depth: number): boolean {
  const stop = delimitedEnd(c, end);
  return stop >= 0 && checkMessage(desc, c, stop, depth + 1);
}

function checkField(field: DescField, wt: number, c: Cursor, end: number, depth: number): boolean {
  switch (field.fieldKind) {
    case 'message':
      return wt === DELIMITED && !field.delimitedEncoding && checkNested(c, end, field.message, depth);
    case 'enum':
      return wt === VARINT && readVarint(c, end) >= 0;
    case 'scalar':
      if (wt !== scalarWireType(field.scalar)) return false;
      return field.scalar === ScalarType.BOOL ? boolOk(c, end) : skipValue(c, wt, end);
    case 'map':
      return wt === DELIMITED && skipValue(c, wt, end);
    case 'list': {
      if (field.listKind === 'message') {
        return wt === DELIMITED && !field.delimitedEncoding && checkNested(c, end, field.message, depth);
      }
      const element = field.listKind === 'enum' ? VARINT : scalarWireType(field.scalar);
      if (wt === element) return skipValue(c, wt, end);
      if (wt !== DELIMITED || element === DELIMITED) return false;
      const stop = delimitedEnd(c, end);
      return stop >= 0 && packedOk(c, stop, element);
    }
  }
}

/**
 * True when `bytes` are a well-formed `desc` as nanopb writes it: known fields with their schema's
 * wire type (repeated scalars plain or packed), bools 0 or 1, no groups, nothing overrunning its
 * length. It does not decode; decode afterwards.
 */
export function conformsToWire(desc: DescMessage, bytes: Uint8Array): boolean {
  return checkMessage(desc, { buf: bytes, pos: 0 }, bytes.length, 0);
}
