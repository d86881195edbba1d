/**
 * Fragmentation of one frame into link-MTU-sized fragment containers, and their reassembly
 * (docs/wire-format.md §7 Fragmentation). What is cut is a message frame or a hop-tagged
 * container holding one (§6.4): the tag travels with its frame, so it is cut with it, and a
 * reassembled whole is either; the caller classifies it (classify.ts entryShape).
 *
 * Fragment container: `0x01 | digest (4) | index (u8) | count (u8) | chunk (≥ 1 byte)`.
 * `digest` is the first 4 bytes of SHA-256 over the whole original frame; it names the message
 * (with the link source) and checks the reassembled bytes. 2 ≤ count ≤ 255, index < count; every
 * chunk but the last has the same length, the last may be shorter but not empty.
 *
 * Fragments arrive from untrusted radios: duplicated (mesh flooding), reordered, truncated or
 * forged. The reassembler therefore bounds everything it keeps: the number of partial messages,
 * their age, and the bytes of each message (never more than MAX_REASSEMBLED_BYTES).
 */
import { createHash } from 'node:crypto';
import { KitError } from '../base/errors.js';
import { MAX_HOP_TAGGED_BYTES } from './hop-tagged.js';
import { ByteReader } from './varint.js';

/** Container type byte of a fragment (b0; top two bits 00 mark a container). */
export const FRAGMENT_TYPE = 0x01;
/** type (1) + digest (4) + index (1) + count (1). */
export const FRAGMENT_HEADER_BYTES = 7;
/**
 * Largest frame that may be fragmented, and so the most a reassembler holds for one message: the
 * largest message (16,384 bytes) in its hop-tagged container (16,389).
 */
export const MAX_REASSEMBLED_BYTES = MAX_HOP_TAGGED_BYTES;
/** Bytes of the SHA-256 prefix carried in each fragment. */
export const FRAGMENT_DIGEST_BYTES = 4;
/** Below this an MTU leaves chunks so small that the 7-byte header dominates; no link is that small. */
export const MIN_FRAGMENT_MTU = 16;
const MAX_FRAGMENTS = 255;

/** One parsed fragment container. `digest` and `chunk` are views into the input bytes. */
export interface Fragment {
  digest: Uint8Array;
  index: number;
  count: number;
  chunk: Uint8Array;
}

/** First 4 bytes of SHA-256 of `frame`. */
export function frameDigest(frame: Uint8Array): Uint8Array {
  const hash = createHash('sha256').update(frame).digest();
  return new Uint8Array(hash.buffer, hash.byteOffset, FRAGMENT_DIGEST_BYTES).slice();
}

/**
 * Splits `frame` into fragment containers of at most `mtu` bytes each (chunks of `mtu − 7`).
 * A frame that already fits is returned unchanged as `[frame]` (same object, no header).
 *
 * @throws RangeError if `mtu` is not an integer ≥ 16 (checked even when the frame fits, so a bad
 *   link configuration shows up at once), if the frame is longer than MAX_REASSEMBLED_BYTES, or
 *   if it would need more than 255 fragments.
 */
export function fragmentFrame(frame: Uint8Array, mtu: number): Uint8Array[] {
  if (!Number.isInteger(mtu) || mtu < MIN_FRAGMENT_MTU) {
    throw new RangeError(`mtu must be an integer ≥ ${MIN_FRAGMENT_MTU}, got ${mtu}`);
  }
  if (frame.length <= mtu) return [frame];
  if (frame.length > MAX_REASSEMBLED_BYTES) {
    throw new RangeError(`frame of ${frame.length} bytes is over ${MAX_REASSEMBLED_BYTES}, cannot fragment`);
  }
  const chunkSize = mtu - FRAGMENT_HEADER_BYTES;
  const count = Math.ceil(frame.length / chunkSize);
  if (count > MAX_FRAGMENTS) {
    throw new RangeError(`frame of ${frame.length} bytes needs ${count} fragments at mtu ${mtu}, over 255`);
  }
  const digest = frameDigest(frame);
  const out: Uint8Array[] = [];
  for (let index = 0; index < count; index++) {
    const chunk = frame.subarray(index * chunkSize, Math.min(frame.length, (index + 1) * chunkSize));
    const fragment = new Uint8Array(FRAGMENT_HEADER_BYTES + chunk.length);
    fragment[0] = FRAGMENT_TYPE;
    fragment.set(digest, 1);
    fragment[5] = index;
    fragment[6] = count;
    fragment.set(chunk, FRAGMENT_HEADER_BYTES);
    out.push(fragment);
  }
  return out;
}

/**
 * Parses one fragment container. Checks the header only; whether the chunk size agrees with the
 * other fragments of its message is the Reassembler's business.
 *
 * @throws KitError WIRE_TRUNCATED (short header, empty chunk), WIRE_MALFORMED (b0 is not 0x01),
 *   WIRE_FIELD_INVALID (count < 2, index ≥ count).
 */
export function parseFragment(bytes: Uint8Array): Fragment {
  const reader = new ByteReader(bytes);
  const type = reader.u8('fragment type');
  if (type !== FRAGMENT_TYPE) {
    throw new KitError('WIRE_MALFORMED', `fragment: type byte is 0x${type.toString(16)}, not 0x01`);
  }
  const digest = reader.take(FRAGMENT_DIGEST_BYTES, 'fragment digest');
  const index = reader.u8('fragment index');
  const count = reader.u8('fragment count');
  // A one-fragment message would just be the frame itself; the spec forbids it so each message
  // has one spelling on the air.
  if (count < 2) throw new KitError('WIRE_FIELD_INVALID', `fragment: count ${count} is below 2`);
  if (index >= count) {
    throw new KitError('WIRE_FIELD_INVALID', `fragment: index ${index} is not below count ${count}`);
  }
  if (reader.remaining === 0)
    throw new KitError(
      'WIRE_TRUNCATED',
      `fragment chunk: at least 1 byte needed at offset ${FRAGMENT_HEADER_BYTES}, after the header, 0 left (1 missing)`,
    );
  return { digest, index, count, chunk: reader.rest() };
}

/** Options for {@link Reassembler}. */
export interface ReassemblerOptions {
  /** Most partial messages held at once; the oldest is dropped to make room. Defaults to 32. */
  maxPending?: number;
  /** A partial message is dropped this long after its first fragment arrived, ms. Defaults to 15 min. */
  maxAgeMs?: number;
  /** Clock, ms. Defaults to `Date.now`; tests inject their own. */
  now?: () => number;
}

/** What {@link Reassembler.accept} made of one fragment. */
export type ReassemblyResult =
  | { status: 'complete'; frame: Uint8Array }
  | { status: 'pending'; have: number; count: number }
  | { status: 'duplicate' };

interface PartialMessage {
  readonly count: number;
  readonly firstSeen: number;
  readonly digest: Uint8Array;
  readonly chunks: (Uint8Array | undefined)[];
  /** Length of every chunk but the last, once a non-last fragment has been seen. */
  chunkSize: number | undefined;
  /** Length of the last chunk, once it has been seen. */
  lastLength: number | undefined;
  have: number;
}

/**
 * Collects fragments per (source, digest) until a message is whole, then checks it against its
 * digest. Owns all partial-message buffers and bounds them: at most `maxPending` messages, none
 * older than `maxAgeMs`, none over MAX_REASSEMBLED_BYTES. One per node is enough.
 *
 * A fragment arriving after its message completed starts a new partial that later expires: the
 * reassembler does not remember finished messages, so a sender's full retransmission is delivered
 * again and the layer above (which dedups by origin and sequence) can acknowledge it again.
 */
export class Reassembler {
  readonly #maxPending: number;
  readonly #maxAgeMs: number;
  readonly #now: () => number;
  /** Insertion order is creation order, so the first key is always the oldest partial. */
  readonly #partials = new Map<string, PartialMessage>();

  constructor(options: ReassemblerOptions = {}) {
    const { maxPending = 32, maxAgeMs = 15 * 60_000, now = Date.now } = options;
    if (!Number.isInteger(maxPending) || maxPending < 1) {
      throw new RangeError(`maxPending must be an integer ≥ 1, got ${maxPending}`);
    }
    if (!(maxAgeMs > 0)) throw new RangeError(`maxAgeMs must be > 0, got ${maxAgeMs}`);
    this.#maxPending = maxPending;
    this.#maxAgeMs = maxAgeMs;
    this.#now = now;
  }

  /** Partial messages currently held. */
  get pendingCount(): number {
    return this.#partials.size;
  }

  /**
   * Takes one fragment container. `source` names the sender or link (defaults to ""), so two
   * senders of the same digest never mix their chunks.
   *
   * @throws KitError WIRE_* from {@link parseFragment}; FRAG_INVALID if count or chunk length
   *   disagrees with earlier fragments of the same message (the partial is kept: a forged
   *   fragment must not destroy a genuine message); FRAG_LIMIT if the message would be over
   *   MAX_REASSEMBLED_BYTES; FRAG_DIGEST_MISMATCH if the whole message does not match its digest
   *   (the partial is dropped).
   */
  accept(bytes: Uint8Array, source = ''): ReassemblyResult {
    const fragment = parseFragment(bytes);
    this.expire();
    const key = `${source}/${Buffer.from(fragment.digest).toString('hex')}`;
    const existing = this.#partials.get(key);
    if (existing !== undefined && existing.count !== fragment.count) {
      throw new KitError(
        'FRAG_INVALID',
        `fragment count ${fragment.count} disagrees with ${existing.count} seen before for ${key}`,
      );
    }
    const { chunkSize, lastLength } = checkSizes(fragment, existing);
    if (existing?.chunks[fragment.index] !== undefined) return { status: 'duplicate' };

    const partial = existing ?? this.#create(key, fragment);
    // Copy: the caller's receive buffer may be large or reused, and we may hold this for minutes.
    partial.chunks[fragment.index] = fragment.chunk.slice();
    partial.chunkSize = chunkSize;
    partial.lastLength = lastLength;
    partial.have++;
    if (partial.have < partial.count) return { status: 'pending', have: partial.have, count: partial.count };

    this.#partials.delete(key);
    const frame = concat(partial.chunks);
    const digest = frameDigest(frame);
    if (!digest.every((b, i) => b === partial.digest[i])) {
      throw new KitError('FRAG_DIGEST_MISMATCH', `reassembled ${frame.length} bytes do not match ${key}`);
    }
    return { status: 'complete', frame };
  }

  /** Drops partial messages whose first fragment is older than `maxAgeMs`; returns how many. */
  expire(): number {
    const now = this.#now();
    let dropped = 0;
    for (const [key, partial] of this.#partials) {
      if (now - partial.firstSeen > this.#maxAgeMs) {
        this.#partials.delete(key);
        dropped++;
      }
    }
    return dropped;
  }

  #create(key: string, fragment: Fragment): PartialMessage {
    if (this.#partials.size >= this.#maxPending) {
      const oldest = this.#partials.keys().next();
      if (!oldest.done) this.#partials.delete(oldest.value);
    }
    const partial: PartialMessage = {
      count: fragment.count,
      firstSeen: this.#now(),
      digest: fragment.digest.slice(),
      chunks: new Array<Uint8Array | undefined>(fragment.count).fill(undefined),
      chunkSize: undefined,
      lastLength: undefined,
      have: 0,
    };
    this.#partials.set(key, partial);
    return partial;
  }
}

/**
 * Checks the fragment's chunk length against what its message has shown so far and against the
 * size bound, before anything is stored. Returns the message's chunk size and last length
 * including this fragment.
 */
function checkSizes(
  fragment: Fragment,
  partial: PartialMessage | undefined,
): { chunkSize: number | undefined; lastLength: number | undefined } {
  const length = fragment.chunk.length;
  const isLast = fragment.index === fragment.count - 1;
  const chunkSize = isLast ? partial?.chunkSize : length;
  const lastLength = isLast ? length : partial?.lastLength;
  if (!isLast && partial?.chunkSize !== undefined && partial.chunkSize !== length) {
    throw new KitError('FRAG_INVALID', `chunk of ${length} bytes, earlier chunks had ${partial.chunkSize}`);
  }
  if (chunkSize !== undefined && lastLength !== undefined && lastLength > chunkSize) {
    throw new KitError(
      'FRAG_INVALID',
      `last chunk of ${lastLength} bytes is longer than chunks of ${chunkSize}`,
    );
  }
  // The smallest total the message can still have: exact once both sizes are known; with only the
  // chunk size, a 1-byte last chunk; with only the last chunk, every chunk that long (the others
  // are at least as long). Over the bound, the message can never be accepted, so nothing is
  // stored. Bytes held never exceed this figure, so a partial never holds over the bound either.
  // (count × chunk size would be simpler but refuses a legal 16389-byte frame whose last chunk is
  // short, e.g. 85 fragments of 193 bytes.)
  let total: number;
  if (chunkSize === undefined) total = fragment.count * length;
  else total = (fragment.count - 1) * chunkSize + (lastLength ?? 1);
  if (total > MAX_REASSEMBLED_BYTES) {
    throw new KitError('FRAG_LIMIT', `message of ${total} bytes would be over ${MAX_REASSEMBLED_BYTES}`);
  }
  return { chunkSize, lastLength };
}

function concat(chunks: readonly (Uint8Array | undefined)[]): Uint8Array {
  let length = 0;
  for (const chunk of chunks) length += chunk?.length ?? 0;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    if (chunk === undefined) throw new Error('concat: a chunk is missing (reassembler bug)');
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}
