/**
 * Batching several frames into one link frame, and unpacking it (docs/wire-format.md §8 Batching).
 *
 * Batch container: `0x02 | (uvarint length ≥ 1 | that many bytes)…` to the end, at least one entry.
 * An entry is a message frame, a fragment frame or a hop-tagged container (§6.4), never another
 * batch; what an entry is, is the reader's business (classify.ts entryShape), not the batch's. Batching exists for the
 * satellite link, where every message costs a session and credits are billed in 50-byte units,
 * so several small messages are cheaper together than apart.
 */
import { KitError } from '../base/errors.js';
import { BATCH_TYPE, SHARED_BATCH_TYPE } from './container-types.js';
import { unpackSharedFields } from './shared-batch.js';
import { ByteReader, pushVarint, varintLength } from './varint.js';

/** Container type byte of a batch (b0; top two bits 00 mark a container). */
export { BATCH_TYPE, SHARED_BATCH_TYPE };

/** Anything that can be packed: its encoded frame and its priority (0 is the most urgent). */
export interface Batchable {
  frame: Uint8Array;
  priority: 0 | 1 | 2 | 3;
}

/** Result of {@link packBatches}: `packed[i]` are the items carried by `containers[i]`, in order. */
export interface PackResult<T> {
  containers: Uint8Array[];
  packed: T[][];
  /** Items too large for `capacity` even alone; the caller fragments them and packs again. */
  leftover: T[];
}

/**
 * Bytes a container adds beyond its frames: 0 for a single frame (it is sent bare), otherwise the
 * type byte and one length varint per entry.
 */
export function batchOverhead(frameLengths: readonly number[]): number {
  if (frameLengths.length <= 1) return 0;
  let overhead = 1;
  for (const length of frameLengths) overhead += varintLength(length);
  return overhead;
}

/**
 * Packs frames into as few containers of at most `capacity` bytes as greedy first-fit finds
 * (first-fit is not optimal bin packing, but it keeps the order rule below and is cheap).
 *
 * Items are taken highest priority first (P0, then P1, …), by input order within a priority, and
 * each goes into the first container it still fits in. So a lower-priority item never takes a
 * place in an earlier container while a higher-priority item that fits waits for a later one:
 * when the higher item was placed, it did not fit in any earlier container even without the
 * lower item. Entries inside a container keep that order too.
 *
 * A container with exactly one item is the bare frame (the same object, no 0x02 header).
 *
 * @throws RangeError if `capacity` is not a positive integer, or an item's frame is empty or is
 *   itself a batch (batches do not nest).
 */
export function packBatches<T extends Batchable>(items: readonly T[], capacity: number): PackResult<T> {
  if (!Number.isInteger(capacity) || capacity < 1) {
    throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
  }
  // Array.prototype.sort is stable, so input order survives within a priority.
  const ordered = [...items].sort((a, b) => a.priority - b.priority);
  const packed: T[][] = [];
  /** Sum over each container's entries of varint length + frame length (without the type byte). */
  const entryBytes: number[] = [];
  const leftover: T[] = [];

  for (const item of ordered) {
    const length = item.frame.length;
    if (length === 0) throw new RangeError('packBatches: an item has an empty frame');
    if (item.frame[0] === BATCH_TYPE || item.frame[0] === SHARED_BATCH_TYPE)
      throw new RangeError('packBatches: an item is already a batch');
    if (length > capacity) {
      leftover.push(item);
      continue;
    }
    const entry = varintLength(length) + length;
    // Joining a container costs the type byte and both entry headers; a one-item container is bare.
    const target = entryBytes.findIndex((used) => 1 + used + entry <= capacity);
    if (target === -1) {
      packed.push([item]);
      entryBytes.push(entry);
    } else {
      (packed[target] as T[]).push(item);
      entryBytes[target] = (entryBytes[target] as number) + entry;
    }
  }

  return { containers: packed.map(encodeContainer), packed, leftover };
}

function encodeContainer(group: readonly Batchable[]): Uint8Array {
  if (group.length === 1) return (group[0] as Batchable).frame;
  const header: number[] = [];
  let size = 1;
  for (const { frame } of group) size += varintLength(frame.length) + frame.length;
  const out = new Uint8Array(size);
  out[0] = BATCH_TYPE;
  let offset = 1;
  for (const { frame } of group) {
    header.length = 0;
    pushVarint(header, frame.length);
    out.set(header, offset);
    offset += header.length;
    out.set(frame, offset);
    offset += frame.length;
  }
  return out;
}

/**
 * Splits a batch container into its entries (views into `bytes`, no copy), or a shared-field batch
 * (§8.1, shared-batch.ts) into its frames, rebuilt. Any other frame is returned as `[bytes]`,
 * untouched: messages, fragments, hop-tagged containers and unknown types are not looked into.
 *
 * @throws KitError WIRE_TRUNCATED (no bytes, no entry, or an entry runs past the end),
 *   WIRE_MALFORMED (zero-length entry, non-canonical length, nested batch), WIRE_TOO_LARGE
 *   (a length varint over 8 bytes).
 */
export function unpackBatch(bytes: Uint8Array): Uint8Array[] {
  if (bytes.length === 0) throw new KitError('WIRE_TRUNCATED', 'frame: no bytes');
  if (bytes[0] === SHARED_BATCH_TYPE) return unpackSharedFields(bytes);
  if (bytes[0] !== BATCH_TYPE) return [bytes];
  const reader = new ByteReader(bytes, 1);
  if (reader.remaining === 0)
    throw new KitError(
      'WIRE_TRUNCATED',
      'batch: an entry was expected at offset 1, after the type byte; the frame ends there',
    );
  const entries: Uint8Array[] = [];
  while (reader.remaining > 0) {
    const length = reader.varint(`batch entry ${entries.length}'s length`);
    if (length === 0) throw new KitError('WIRE_MALFORMED', `batch entry ${entries.length}: length 0`);
    const entry = reader.take(length, `batch entry ${entries.length} (announced ${length} bytes)`);
    if (entry[0] === BATCH_TYPE || entry[0] === SHARED_BATCH_TYPE) {
      throw new KitError('WIRE_MALFORMED', `batch entry ${entries.length}: a batch inside a batch`);
    }
    entries.push(entry);
  }
  return entries;
}
