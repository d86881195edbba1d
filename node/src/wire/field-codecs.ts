/**
 * Codecs for the field types that several message kinds share: geographic points, area codes,
 * message references, times, event codes and indicator sets (docs/wire-format.md §Field types).
 */
import { KitError, show } from '../base/errors.js';
import {
  eventCodeFromWire,
  eventCodeToWire,
  isEventCode,
  MAX_EVENT_CODE_VALUE,
} from './codes/event-codes.js';
import { INDICATORS, type IndicatorSet, MAX_INDICATOR_UNITS } from './codes/indicators.js';
import { type Codec, encodeInvalid, int, invalid, record, required, uint } from './schema.js';
import { ByteReader, pushVarint } from './varint.js';

export const U32_MAX = 0xffff_ffff;

/** A WGS-84 point in decimal degrees (never GCJ-02: docs/domain.md §Maps). */
export interface GeoPoint {
  lat: number;
  lon: number;
}

const STEPS = 2 ** 24;

/**
 * 6 bytes: latitude then longitude, each an unsigned 24-bit big-endian fraction of its range
 * (steps of 1.07e-5° latitude, 2.15e-5° longitude: about 1.2 m and 2.4 m at the equator).
 * Decoded values are rounded to 6 decimals, which re-encode to the same bytes.
 */
export const geoPoint: Codec<GeoPoint> = {
  spec: { type: 'custom', name: 'point' },
  encode(value, path) {
    const { lat, lon } = value ?? {};
    if (typeof lat !== 'number' || !(lat >= -90 && lat <= 90))
      throw encodeInvalid(path, 'latitude outside -90..90');
    if (typeof lon !== 'number' || !(lon >= -180 && lon <= 180))
      throw encodeInvalid(path, 'longitude outside -180..180');
    const qLat = Math.min(STEPS - 1, Math.round(((lat + 90) / 180) * STEPS));
    const qLon = Math.round(((lon + 180) / 360) * STEPS) % STEPS;
    return Uint8Array.of(
      qLat >> 16,
      (qLat >> 8) & 0xff,
      qLat & 0xff,
      qLon >> 16,
      (qLon >> 8) & 0xff,
      qLon & 0xff,
    );
  },
  decode(raw, path) {
    if (!(raw instanceof Uint8Array) || raw.length !== 6) throw invalid(path, 'a point is a 6-byte string');
    const qLat = ((raw[0] as number) << 16) | ((raw[1] as number) << 8) | (raw[2] as number);
    const qLon = ((raw[3] as number) << 16) | ((raw[4] as number) << 8) | (raw[5] as number);
    const lat = round6((qLat / STEPS) * 180 - 90);
    if (lat > 90) throw invalid(path, 'latitude beyond 90');
    return { lat, lon: round6((qLon / STEPS) * 360 - 180) };
  },
};

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/**
 * A GB/T 2260 / GB/T 10114 administrative division code: 6 digits (county), 9 (township) or 12
 * (village). The digit count is the level, so codes are sent without padding zeros.
 */
export const areaCode: Codec<number> = {
  spec: { type: 'custom', name: 'area' },
  encode(value, path) {
    if (!isAreaCode(value)) throw encodeInvalid(path, `${show(value)} is not a 6, 9 or 12 digit area code`);
    return value;
  },
  decode(raw, path) {
    if (typeof raw !== 'number' || !isAreaCode(raw)) throw invalid(path, 'not a 6, 9 or 12 digit area code');
    return raw;
  },
};

export function isAreaCode(value: unknown): value is number {
  return (
    typeof value === 'number' &&
    Number.isInteger(value) &&
    ((value >= 1e5 && value < 1e6) || (value >= 1e8 && value < 1e9) || (value >= 1e11 && value < 1e12))
  );
}

/** A message's global id (docs/design.md §Messages): origin node and its per-origin sequence. */
export interface MessageRef {
  origin: number;
  seq: number;
}

export const messageRef: Codec<MessageRef> = record({
  origin: required(uint(U32_MAX)),
  seq: required(uint(U32_MAX)),
});

/** A person in a kit's roster, by index within that kit's roster. */
export const personIndex = uint(0xffff);

/** A person anywhere: the kit (node) whose roster holds them and their index there. */
export const personRef = record({ node: required(uint(U32_MAX)), person: required(personIndex) });

/** An absolute time, unix seconds, within the u32 range. */
export const unixTime = uint(U32_MAX);

/**
 * A time relative to the envelope's creation time, sent as signed seconds (onset and expiry are
 * hours away, so the offset is 1 to 3 bytes where an absolute time is 5). The API sees unix seconds.
 */
export const relativeTime: Codec<number> = (() => {
  const offset = int(-U32_MAX, U32_MAX);
  return {
    spec: { type: 'custom', name: 'relative-time' },
    encode(value, path, ctx) {
      if (!Number.isInteger(value) || value < 0 || value > U32_MAX)
        throw encodeInvalid(path, 'time outside the u32 range');
      return offset.encode(value - ctx.createdAt, path, ctx);
    },
    decode(raw, path, ctx) {
      const at = ctx.createdAt + offset.decode(raw, path, ctx);
      if (at < 0 || at > U32_MAX) throw invalid(path, 'time outside the u32 range');
      return at;
    },
  };
})();

export const eventCode: Codec<string> = {
  spec: { type: 'custom', name: 'event-code' },
  encode(value, path) {
    if (typeof value !== 'string' || !isEventCode(value))
      throw encodeInvalid(path, 'expected an event code like 11B03');
    return eventCodeToWire(value);
  },
  decode(raw, path) {
    if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 0 || raw > MAX_EVENT_CODE_VALUE) {
      throw invalid(path, 'not an event code');
    }
    return eventCodeFromWire(raw);
  },
};

/**
 * An indicator set: a byte string holding a varint bit mask (bit i: row i of INDICATORS is present)
 * followed by one varint per set bit, in bit order. Bits past the table are a later version's
 * indicators: their varints are read and skipped. docs/wire-format.md §Indicator sets.
 */
export const indicatorSet: Codec<IndicatorSet> = {
  spec: { type: 'custom', name: 'indicators' },
  encode(value, path) {
    if (typeof value !== 'object' || value === null) throw encodeInvalid(path, 'expected an indicator set');
    const known = new Set<string>(INDICATORS.map((d) => d.name));
    for (const name of Object.keys(value)) {
      if (!known.has(name)) throw encodeInvalid(path, `unknown indicator ${name}`);
    }
    let mask = 0;
    const values: number[] = [];
    INDICATORS.forEach((def, bit) => {
      const v = (value as Record<string, unknown>)[def.name];
      if (v === undefined) return;
      if (typeof v !== 'number') throw encodeInvalid(`${path}.${def.name}`, 'expected a number');
      const units = Math.round(v * def.scale);
      if (
        !Number.isFinite(v) ||
        units < 0 ||
        units > MAX_INDICATOR_UNITS ||
        Math.abs(units - v * def.scale) > 1e-6
      ) {
        throw encodeInvalid(
          `${path}.${def.name}`,
          `${v} is not a count in 0..${MAX_INDICATOR_UNITS / def.scale} with 1/${def.scale} steps`,
        );
      }
      mask += 2 ** bit;
      values.push(units);
    });
    const out: number[] = [];
    pushVarint(out, mask);
    for (const v of values) pushVarint(out, v);
    return Uint8Array.from(out);
  },
  decode(raw, path) {
    if (!(raw instanceof Uint8Array)) throw invalid(path, 'an indicator set is a byte string');
    const reader = new ByteReader(raw, 0, raw.length, ` of ${path}`);
    try {
      const mask = reader.varint('the mask');
      const set: Record<string, number> = {};
      for (let bit = 0; 2 ** bit <= mask; bit++) {
        if (Math.floor(mask / 2 ** bit) % 2 === 0) continue;
        const def = INDICATORS[bit];
        const units = reader.varint(`bit ${bit} (${def?.name ?? 'a later indicator'})`, MAX_INDICATOR_UNITS);
        if (def) set[def.name] = units / def.scale;
      }
      if (reader.remaining !== 0)
        throw new KitError('WIRE_TRAILING', `${path}: bytes after the last indicator`);
      return set as IndicatorSet;
    } catch (err) {
      if (err instanceof KitError && err.code !== 'WIRE_TRAILING') {
        throw new KitError('WIRE_FIELD_INVALID', `${path}: ${err.message}`, { cause: err });
      }
      throw err;
    }
  },
};
