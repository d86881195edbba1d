/**
 * The relay-tag trailer (docs/wire-format.md §6.5): a custody or vouched receipt from a relay to
 * kits whose relay keys it holds carries, instead of a 64-byte signature, one short tag per kit:
 *
 *     envelope | body | (kit varint | tag 8 bytes)… | length (1 byte)
 *
 * `length` counts the entries' bytes, so a decoder finds where the body ends from the last byte.
 * Kits ascend, each once, so a set of kits has one spelling. Each tag covers every byte of the
 * frame before it: the envelope, the body, the entries before its own and its own kit id. This
 * module only lays the bytes out; what a tag is (the key, the HMAC) is crypto/receipt-tag.ts's.
 */
import { KitError } from '../base/errors.js';
import { U32 } from './envelope.js';
import { ByteReader, pushVarint } from './varint.js';

/** Bytes of one tag. */
export const RELAY_TAG_BYTES = 8;
/** Most tags one frame carries: one per kit a receipt to everyone on the link answers. */
export const MAX_RELAY_TAGS = 16;
/** The largest `length` byte. */
const MAX_ENTRY_BYTES = 0xff;

/** One kit's tag in a decoded trailer. */
export interface RelayTagEntry {
  kit: number;
  tag: Uint8Array;
  /** The bytes the tag covers: the frame up to the tag (a view into it). */
  covered: Uint8Array;
}

/** Bytes of the trailer for these kits. */
export function relayTagsTrailerBytes(kits: readonly number[]): number {
  let n = 1;
  for (const kit of kits) n += varintBytes(kit) + RELAY_TAG_BYTES;
  return n;
}

/**
 * The trailer for `kits` after `authenticated` (envelope ‖ body), each tag made by `tag` over the
 * bytes it covers.
 * @throws KitError WIRE_ENCODE_INVALID for no kit, too many, a kit twice or not a node id.
 */
export function encodeRelayTags(
  authenticated: Uint8Array,
  kits: readonly number[],
  tag: (kit: number, covered: Uint8Array) => Uint8Array,
): Uint8Array {
  const sorted = [...kits].sort((a, b) => a - b);
  if (sorted.length === 0 || sorted.length > MAX_RELAY_TAGS)
    throw new KitError(
      'WIRE_ENCODE_INVALID',
      `relay tags: 1 to ${MAX_RELAY_TAGS} kits, got ${sorted.length}`,
    );
  for (const [i, kit] of sorted.entries()) {
    if (!Number.isSafeInteger(kit) || kit < 0 || kit > U32)
      throw new KitError('WIRE_ENCODE_INVALID', `relay tags: ${String(kit)} is not a node id`);
    if (i > 0 && sorted[i - 1] === kit)
      throw new KitError('WIRE_ENCODE_INVALID', `relay tags: kit ${kit} is named twice`);
  }
  const size = relayTagsTrailerBytes(sorted);
  if (size - 1 > MAX_ENTRY_BYTES)
    throw new KitError(
      'WIRE_ENCODE_INVALID',
      `relay tags: ${size - 1} bytes of entries, at most ${MAX_ENTRY_BYTES}`,
    );
  const out = new Uint8Array(authenticated.length + size);
  out.set(authenticated);
  let pos = authenticated.length;
  for (const kit of sorted) {
    const id: number[] = [];
    pushVarint(id, kit);
    out.set(id, pos);
    pos += id.length;
    const t = tag(kit, out.subarray(0, pos));
    if (t.length !== RELAY_TAG_BYTES) throw new TypeError(`a relay tag is ${RELAY_TAG_BYTES} bytes`);
    out.set(t, pos);
    pos += RELAY_TAG_BYTES;
  }
  out[pos] = size - 1;
  return out.slice(authenticated.length);
}

/**
 * Where the trailer of a relay-tagged frame starts: the last byte says how many bytes of entries
 * precede it. `bodyStart` is where the envelope ends.
 * @throws KitError WIRE_TRUNCATED when the frame is shorter than the length says.
 */
export function relayTagsStart(frame: Uint8Array, bodyStart: number): number {
  if (frame.length <= bodyStart)
    throw new KitError(
      'WIRE_TRUNCATED',
      `relay tags: the length byte was expected after the envelope, at offset ${bodyStart}, and the frame ends there`,
    );
  const length = frame[frame.length - 1] as number;
  const start = frame.length - 1 - length;
  if (start < bodyStart)
    throw new KitError(
      'WIRE_TRUNCATED',
      `relay tags: the last byte says ${length} bytes of tags, but only ${frame.length - 1 - bodyStart} follow the envelope (offset ${bodyStart})`,
    );
  return start;
}

/**
 * The entries of a relay-tag trailer that starts at `start` in `frame` (untrusted bytes: throws
 * nothing but the codec's KitErrors).
 * @throws KitError WIRE_MALFORMED for no entry, kits out of order or twice, an entry cut short.
 */
export function decodeRelayTags(frame: Uint8Array, start: number): RelayTagEntry[] {
  const end = frame.length - 1;
  const reader = new ByteReader(frame, start, end);
  const entries: RelayTagEntry[] = [];
  while (reader.remaining > 0) {
    if (entries.length === MAX_RELAY_TAGS)
      throw new KitError(
        'WIRE_TOO_LARGE',
        `relay tags: more than ${MAX_RELAY_TAGS} at offset ${reader.position}`,
      );
    const at = reader.position;
    let kit: number;
    try {
      kit = reader.varint('relay tag kit', U32);
    } catch (err) {
      throw new KitError('WIRE_MALFORMED', `relay tags: the kit id at offset ${at} is not a node id`, {
        cause: err,
      });
    }
    const prev = entries.at(-1);
    if (prev !== undefined && kit <= prev.kit)
      throw new KitError(
        'WIRE_MALFORMED',
        `relay tags: kit ${kit} at offset ${at} follows kit ${prev.kit}; kits ascend, each once`,
      );
    const tagAt = reader.position;
    if (reader.remaining < RELAY_TAG_BYTES)
      throw new KitError(
        'WIRE_MALFORMED',
        `relay tags: the tag of kit ${kit} at offset ${tagAt} has ${reader.remaining} of its ${RELAY_TAG_BYTES} bytes before the length byte`,
      );
    entries.push({
      kit,
      tag: frame.subarray(tagAt, tagAt + RELAY_TAG_BYTES),
      covered: frame.subarray(0, tagAt),
    });
    for (let i = 0; i < RELAY_TAG_BYTES; i++) reader.u8('relay tag');
  }
  if (entries.length === 0)
    throw new KitError('WIRE_MALFORMED', `relay tags: the trailer at offset ${start} names no kit`);
  return entries;
}

function varintBytes(value: number): number {
  const out: number[] = [];
  pushVarint(out, value);
  return out.length;
}
