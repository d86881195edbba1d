/**
 * The envelope: the fixed binary header in front of every message body (docs/design.md §Wire format;
 * docs/wire-format.md §Envelope).
 *
 *     b0      01 AA PP C X   format v1 | auth scheme | priority | clock untrusted | flags follow
 *     b1      kind
 *     [flags] varint         only when X = 1
 *     origin  varint         node id
 *     seq     varint         per-origin sequence
 *     time    u32 big-endian seconds since 2024-01-01T00:00:00Z
 *     life    varint         lifetime, minutes (1..2^20)
 *     dest    varint         destination × 4 + destination type
 *
 * A binary header rather than CBOR: a relay routes on it without a CBOR parser, and it is 4 bytes
 * shorter than the same fields as CBOR, which decides whether a 初报 costs one satellite credit.
 */
import { KitError, show } from '../base/errors.js';
import { type ByteReader, pushVarint } from './varint.js';

/** 2024-01-01T00:00:00Z in unix seconds: the wire's time origin. */
export const WIRE_EPOCH = 1_704_067_200;
export const U32 = 0xffff_ffff;
export const MAX_LIFETIME_MIN = 2 ** 20;

/** By their 2-bit code: `11` relay tags (docs/wire-format.md §6.5), which an older node refuses. */
export const AUTH_SCHEMES = ['none', 'mac', 'signature', 'relay-tags'] as const;
export type AuthScheme = (typeof AUTH_SCHEMES)[number];
/** The schemes whose trailer has a fixed size. */
export type FixedTrailerScheme = Exclude<AuthScheme, 'relay-tags'>;
/** Bytes of the trailer each fixed scheme appends (relay tags say their own length: relay-tags.ts). */
export const AUTH_TRAILER_BYTES: Readonly<Record<FixedTrailerScheme, number>> = {
  none: 0,
  mac: 8,
  signature: 64,
};

export type Priority = 0 | 1 | 2 | 3;

/** Where a message goes (docs/design.md §Messages: one node, the centre, an area, a role, everyone). */
export type Destination =
  | { to: 'centre' }
  | { to: 'node'; node: number }
  | { to: 'area'; area: number }
  | { to: 'role'; role: number }
  | { to: 'all' };

/** Extended flags (the varint after b1). Unknown bits are ignored. */
export const ENVELOPE_FLAGS = ['exercise', 'noReceipt'] as const;
export type EnvelopeFlag = (typeof ENVELOPE_FLAGS)[number];

export interface Envelope {
  /** Kind code on the wire (see kinds.ts); kept numeric here so unknown kinds still route. */
  kindCode: number;
  auth: AuthScheme;
  priority: Priority;
  /** The creating node's clock was not trusted: order by sequence, not time (docs/design.md §Time). */
  clockUntrusted: boolean;
  flags: EnvelopeFlag[];
  origin: number;
  seq: number;
  /** Unix seconds. */
  createdAt: number;
  lifetimeMin: number;
  dest: Destination;
}

const DEST_TYPES = ['node', 'area', 'role', 'all'] as const;

/**
 * Appends the envelope to `out`. Messages come from people and tools (the API, the CLI), so every
 * field is checked and a bad one is a WIRE_ENCODE_INVALID, not a crash.
 */
export function writeEnvelope(out: number[], env: Envelope): void {
  const authIndex = AUTH_SCHEMES.indexOf(env.auth);
  if (authIndex < 0) throw invalidEnvelope(`unknown auth scheme ${show(env.auth)}`);
  if (![0, 1, 2, 3].includes(env.priority))
    throw invalidEnvelope(`priority must be 0..3, got ${show(env.priority)}`);
  if (typeof env.clockUntrusted !== 'boolean') throw invalidEnvelope('clockUntrusted must be true or false');
  if (!Array.isArray(env.flags)) throw invalidEnvelope('flags must be a list');
  let flagBits = 0;
  for (const f of new Set(env.flags)) {
    const bit = ENVELOPE_FLAGS.indexOf(f);
    if (bit < 0) throw invalidEnvelope(`unknown envelope flag ${show(f)}`);
    flagBits |= 1 << bit;
  }
  checkU32(env.origin, 'origin');
  checkU32(env.seq, 'seq');
  checkU32(env.createdAt - WIRE_EPOCH, 'createdAt (seconds since 2024-01-01)');
  if (!Number.isInteger(env.lifetimeMin) || env.lifetimeMin < 1 || env.lifetimeMin > MAX_LIFETIME_MIN) {
    throw invalidEnvelope(`lifetimeMin must be 1..${MAX_LIFETIME_MIN}`);
  }
  if (!Number.isInteger(env.kindCode) || env.kindCode < 0 || env.kindCode > 255) {
    throw invalidEnvelope(`kind code must be 0..255, got ${show(env.kindCode)}`);
  }
  out.push(0x40 | (authIndex << 4) | (env.priority << 2) | (env.clockUntrusted ? 2 : 0) | (flagBits ? 1 : 0));
  out.push(env.kindCode);
  if (flagBits) pushVarint(out, flagBits);
  pushVarint(out, env.origin);
  pushVarint(out, env.seq);
  const t = env.createdAt - WIRE_EPOCH;
  out.push(t >>> 24, (t >>> 16) & 0xff, (t >>> 8) & 0xff, t & 0xff);
  pushVarint(out, env.lifetimeMin);
  pushVarint(out, destinationToWire(env.dest));
}

function checkU32(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 0 || value > U32) {
    throw invalidEnvelope(`${what} must be an integer in 0..2^32−1, got ${show(value)}`);
  }
}

function invalidEnvelope(message: string): KitError {
  return new KitError('WIRE_ENCODE_INVALID', `envelope: ${message}`);
}

function destinationToWire(dest: Destination): number {
  switch (dest?.to) {
    case 'centre':
      return 0;
    case 'node':
      if (!Number.isInteger(dest.node) || dest.node < 1 || dest.node > U32) {
        throw invalidEnvelope('a destination node id is 1..2^32−1 (0 is the centre)');
      }
      return dest.node * 4;
    case 'area':
      if (!isArea(dest.area)) throw invalidEnvelope('a destination area is a 6, 9 or 12 digit code');
      return dest.area * 4 + 1;
    case 'role':
      if (!Number.isInteger(dest.role) || dest.role < 0 || dest.role > 0xffff) {
        throw invalidEnvelope('a destination role is 0..65535');
      }
      return dest.role * 4 + 2;
    case 'all':
      return 3;
    default:
      throw invalidEnvelope(`unknown destination ${show(dest)}`);
  }
}

function destinationFromWire(value: number): Destination {
  const type = DEST_TYPES[value % 4];
  const v = Math.floor(value / 4);
  switch (type) {
    case 'node':
      return v === 0 ? { to: 'centre' } : v > U32 ? badDest('node id beyond u32') : { to: 'node', node: v };
    case 'area':
      return isArea(v) ? { to: 'area', area: v } : badDest('not a 6, 9 or 12 digit area code');
    case 'role':
      return v > 0xffff ? badDest('role beyond 65535') : { to: 'role', role: v };
    default:
      return v === 0 ? { to: 'all' } : badDest('broadcast to all carries no value');
  }
}

function isArea(v: number): boolean {
  return (v >= 1e5 && v < 1e6) || (v >= 1e8 && v < 1e9) || (v >= 1e11 && v < 1e12);
}

function badDest(why: string): never {
  throw new KitError('WIRE_FIELD_INVALID', `destination: ${why}`);
}

/** Reads the envelope; the reader is left at the first body byte. */
export function readEnvelope(reader: ByteReader): Envelope {
  const b0 = reader.u8('b0');
  const format = b0 >> 6;
  if (format !== 1) {
    throw new KitError(
      'WIRE_UNSUPPORTED_VERSION',
      format === 0
        ? 'a container (fragment or batch), not a message'
        : `message format ${format} is newer than v1`,
    );
  }
  const auth = AUTH_SCHEMES[(b0 >> 4) & 3] as AuthScheme;
  const kindCode = reader.u8('kind');
  const flagBits = b0 & 1 ? reader.varint('flags', U32) : 0;
  if (b0 & 1 && flagBits === 0) throw new KitError('WIRE_MALFORMED', 'flags announced but zero');
  const origin = reader.varint('origin', U32);
  const seq = reader.varint('seq', U32);
  const createdAt = WIRE_EPOCH + reader.u32be('time');
  const lifetimeMin = reader.varint('lifetime', MAX_LIFETIME_MIN);
  if (lifetimeMin === 0) throw new KitError('WIRE_FIELD_INVALID', 'lifetime: zero minutes');
  const dest = destinationFromWire(reader.varint('destination'));
  return {
    kindCode,
    auth,
    priority: ((b0 >> 2) & 3) as Priority,
    clockUntrusted: (b0 & 2) !== 0,
    flags: ENVELOPE_FLAGS.filter((_, bit) => flagBits & (1 << bit)),
    origin,
    seq,
    createdAt,
    lifetimeMin,
    dest,
  };
}

/** When the message stops being worth delivering, unix seconds. */
export function expiresAt(env: Pick<Envelope, 'createdAt' | 'lifetimeMin'>): number {
  return env.createdAt + env.lifetimeMin * 60;
}
