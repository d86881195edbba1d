/**
 * Positional field schemas for message bodies (docs/wire-format.md §Bodies).
 *
 * A body is a list of fields in a fixed order. On the wire the fields are CBOR items: the body
 * itself is a CBOR sequence, a nested record is a CBOR array. An absent optional field is `null`
 * when a later field is present and is left out when it is at the end, so adding fields at the end
 * keeps old decoders working: they read the fields they know and skip the rest.
 *
 * Each codec carries a `spec` that says what it is, so tests can derive generators from the same
 * schema the codec uses (one source of truth, no hand-kept copies).
 */
import { KitError, show } from '../base/errors.js';
import type { CborValue } from './cbor.js';

/** What decoding and encoding may need to know about the enclosing message. */
export interface CodecContext {
  /** The envelope's creation time, unix seconds: relative times count from it. */
  readonly createdAt: number;
}

export type CodecSpec =
  | { readonly type: 'uint'; readonly max: number }
  | { readonly type: 'int'; readonly min: number; readonly max: number }
  | { readonly type: 'bool' }
  | { readonly type: 'enum'; readonly values: readonly string[] }
  | { readonly type: 'flags'; readonly names: readonly string[] }
  | { readonly type: 'text'; readonly maxBytes: number }
  | { readonly type: 'bytes'; readonly min: number; readonly max: number }
  | {
      readonly type: 'array';
      readonly item: Codec<unknown>;
      readonly maxItems: number;
      readonly minItems: number;
    }
  | { readonly type: 'record'; readonly fields: FieldMap }
  | { readonly type: 'custom'; readonly name: string };

export interface Codec<T> {
  readonly spec: CodecSpec;
  encode(value: T, path: string, ctx: CodecContext): CborValue;
  decode(raw: unknown, path: string, ctx: CodecContext): T;
}

/** A field of a record: its codec and whether it may be absent. */
export interface Field<T, Optional extends boolean = boolean> {
  readonly codec: Codec<T>;
  readonly optional: Optional;
}
export type FieldMap = Readonly<Record<string, Field<unknown>>>;

type RequiredKeys<F extends FieldMap> = {
  [K in keyof F]: F[K] extends Field<unknown, false> ? K : never;
}[keyof F];
type OptionalKeys<F extends FieldMap> = {
  [K in keyof F]: F[K] extends Field<unknown, false> ? never : K;
}[keyof F];
type ValueOf<X> = X extends Field<infer T> ? T : never;
type Simplify<T> = { [K in keyof T]: T[K] } & {};
/** The object type a record of fields decodes to. */
export type RecordOf<F extends FieldMap> = Simplify<
  { -readonly [K in RequiredKeys<F>]: ValueOf<F[K]> } & { -readonly [K in OptionalKeys<F>]?: ValueOf<F[K]> }
>;

export function invalid(path: string, message: string): KitError {
  return new KitError('WIRE_FIELD_INVALID', `${path}: ${message}`);
}

export function encodeInvalid(path: string, message: string): KitError {
  return new KitError('WIRE_ENCODE_INVALID', `${path}: ${message}`);
}

export const required = <T>(codec: Codec<T>): Field<T, false> => ({ codec, optional: false });
export const optional = <T>(codec: Codec<T>): Field<T, true> => ({ codec, optional: true });

export function uint(max: number): Codec<number> {
  return int(0, max, { type: 'uint', max });
}

export function int(min: number, max: number, spec: CodecSpec = { type: 'int', min, max }): Codec<number> {
  const check = (value: unknown, path: string, fail: (p: string, m: string) => KitError): number => {
    if (typeof value !== 'number' || !Number.isInteger(value)) throw fail(path, 'expected an integer');
    if (value < min || value > max) throw fail(path, `${show(value)} is outside ${min}..${max}`);
    return value;
  };
  return {
    spec,
    encode: (value, path) => check(value, path, encodeInvalid),
    decode: (raw, path) => check(raw, path, invalid),
  };
}

/** A number with a fixed number of decimals, sent as an integer of `1 / scale` units. */
export function scaled(scale: number, max: number): Codec<number> {
  const inner = uint(Math.round(max * scale));
  return {
    spec: { type: 'custom', name: `scaled:${scale}:${max}` },
    encode(value, path, ctx) {
      if (typeof value !== 'number') throw encodeInvalid(path, 'expected a number');
      const units = Math.round(value * scale);
      if (!Number.isFinite(value) || Math.abs(units - value * scale) > 1e-6) {
        throw encodeInvalid(path, `${show(value)} has more precision than 1/${scale}`);
      }
      return inner.encode(units, path, ctx);
    },
    decode: (raw, path, ctx) => inner.decode(raw, path, ctx) / scale,
  };
}

export const bool: Codec<boolean> = {
  spec: { type: 'bool' },
  encode(value, path) {
    if (typeof value !== 'boolean') throw encodeInvalid(path, 'expected a boolean');
    return value;
  },
  decode(raw, path) {
    if (typeof raw !== 'boolean') throw invalid(path, 'expected a boolean');
    return raw;
  },
};

/** A closed enumeration: names in the API, their indexes on the wire. */
export function enumOf<const V extends readonly string[]>(values: V): Codec<V[number]> {
  return {
    spec: { type: 'enum', values },
    encode(value, path) {
      const index = values.indexOf(value);
      if (index < 0) throw encodeInvalid(path, `unknown value ${show(value)}`);
      return index;
    },
    decode(raw, path) {
      if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 0 || raw >= values.length) {
        throw invalid(path, `not one of ${values.length} known values`);
      }
      return values[raw] as V[number];
    },
  };
}

/**
 * A set of named flags as a bit mask (name i is bit i). Bits this version does not know are
 * dropped on decode: a newer sender's extra flags must not make the whole message unreadable.
 */
export function flagsOf<const N extends readonly string[]>(names: N): Codec<N[number][]> {
  return {
    spec: { type: 'flags', names },
    encode(value, path) {
      if (!Array.isArray(value)) throw encodeInvalid(path, 'expected a list of flag names');
      const bits = new Set<number>();
      for (const name of value) {
        const bit = names.indexOf(name);
        if (bit < 0) throw encodeInvalid(path, `unknown flag ${show(name)}`);
        bits.add(bit);
      }
      let mask = 0;
      for (const bit of bits) mask += 2 ** bit;
      return mask;
    },
    decode(raw, path) {
      if (typeof raw !== 'number' || !Number.isSafeInteger(raw) || raw < 0)
        throw invalid(path, 'expected a bit mask');
      return names.filter((_, bit) => Math.floor(raw / 2 ** bit) % 2 === 1);
    },
  };
}

const utf8 = new TextEncoder();

export function text(maxBytes: number): Codec<string> {
  return {
    spec: { type: 'text', maxBytes },
    encode(value, path) {
      if (typeof value !== 'string') throw encodeInvalid(path, 'expected text');
      if (utf8.encode(value).length > maxBytes)
        throw encodeInvalid(path, `longer than ${maxBytes} UTF-8 bytes`);
      return value;
    },
    decode(raw, path) {
      if (typeof raw !== 'string') throw invalid(path, 'expected text');
      // The scanner bounded the item by the frame; this bounds it by the field.
      if (utf8.encode(raw).length > maxBytes) throw invalid(path, `longer than ${maxBytes} UTF-8 bytes`);
      return raw;
    },
  };
}

export function bytes(min: number, max: number): Codec<Uint8Array> {
  const check = (value: unknown, path: string, fail: (p: string, m: string) => KitError): Uint8Array => {
    if (!(value instanceof Uint8Array)) throw fail(path, 'expected a byte string');
    if (value.length < min || value.length > max)
      throw fail(path, `length ${value.length} outside ${min}..${max}`);
    return value;
  };
  return {
    spec: { type: 'bytes', min, max },
    encode: (value, path) => check(value, path, encodeInvalid),
    // Copy out of the frame buffer so a decoded message does not pin it.
    decode: (raw, path) => Uint8Array.from(check(raw, path, invalid)),
  };
}

export function arrayOf<T>(item: Codec<T>, maxItems: number, minItems = 0): Codec<T[]> {
  return {
    spec: { type: 'array', item: item as Codec<unknown>, maxItems, minItems },
    encode(value, path, ctx) {
      if (!Array.isArray(value)) throw encodeInvalid(path, 'expected a list');
      if (value.length > maxItems || value.length < minItems) {
        throw encodeInvalid(path, `${value.length} items, allowed ${minItems}..${maxItems}`);
      }
      return value.map((v, i) => item.encode(v, `${path}[${i}]`, ctx));
    },
    decode(raw, path, ctx) {
      if (!Array.isArray(raw)) throw invalid(path, 'expected a list');
      if (raw.length > maxItems || raw.length < minItems) {
        throw invalid(path, `${raw.length} items, allowed ${minItems}..${maxItems}`);
      }
      return raw.map((v, i) => item.decode(v, `${path}[${i}]`, ctx));
    },
  };
}

/** Encodes a record's fields in order, trailing absent fields left out. */
export function encodeFields(
  fields: FieldMap,
  value: Record<string, unknown>,
  path: string,
  ctx: CodecContext,
) {
  if (typeof value !== 'object' || value === null) throw encodeInvalid(path, 'expected a record');
  const items: CborValue[] = [];
  for (const [name, field] of Object.entries(fields)) {
    const v = value[name];
    if (v === undefined) {
      if (!field.optional) throw encodeInvalid(`${path}.${name}`, 'is required');
      items.push(null);
    } else {
      items.push(field.codec.encode(v, `${path}.${name}`, ctx));
    }
  }
  while (items.length > 0 && items[items.length - 1] === null) items.pop();
  return items;
}

/** Decodes a record from its items; items past the known fields are a later version's: skipped. */
export function decodeFields(fields: FieldMap, items: readonly unknown[], path: string, ctx: CodecContext) {
  const out: Record<string, unknown> = {};
  let i = 0;
  for (const [name, field] of Object.entries(fields)) {
    const raw = i < items.length ? items[i] : null;
    i++;
    if (raw === null) {
      if (!field.optional) throw invalid(`${path}.${name}`, 'is required');
      continue;
    }
    out[name] = field.codec.decode(raw, `${path}.${name}`, ctx);
  }
  return out;
}

/** A nested record, a CBOR array on the wire. */
export function record<F extends FieldMap>(fields: F): Codec<RecordOf<F>> {
  return {
    spec: { type: 'record', fields },
    encode: (value, path, ctx) => encodeFields(fields, value as Record<string, unknown>, path, ctx),
    decode(raw, path, ctx) {
      if (!Array.isArray(raw)) throw invalid(path, 'expected a record (CBOR array)');
      return decodeFields(fields, raw, path, ctx) as RecordOf<F>;
    },
  };
}
