/**
 * What the SBD link can do with a frame it is given (docs/wire-format.md §1, §7, §8; issue 5 item 3):
 * a wire message, a fragment, or a batch container of those can be unpacked and repacked with other
 * held frames into one MO message, so several messages share one session and its 50-byte credits
 * (protocols/iridium.md §2.4, §7.3). Anything else is opaque and goes alone, byte for byte.
 */
import { batchOverhead, packBatches, unpackBatch } from '../../../node/src/wire/batch.js';
import { FRAGMENT_HEADER_BYTES, FRAGMENT_TYPE } from '../../../node/src/wire/fragment.js';
import { decodeFrame } from '../../../node/src/wire/message.js';

export type Priority = 0 | 1 | 2 | 3;

/** A frame as the link holds it: the entries it may repack, or one opaque frame. */
export interface SplitFrame {
  /** The wire entries (messages or fragments) to pack, or `[frame]` when opaque. */
  entries: Uint8Array[];
  /** True when the frame is not a wire message, fragment or batch: it may share an MO with nothing. */
  opaque: boolean;
  /** The most urgent priority written in the entries' own headers, if any is a message. */
  priority: Priority | undefined;
}

/** b0 bits 7–6 = 01: a version 1 message (§1); its priority is bits 3–2 (§2). */
const isMessage = (b: Uint8Array): boolean => b.length >= 2 && ((b[0] as number) & 0xc0) === 0x40;
const isFragment = (b: Uint8Array): boolean => b[0] === FRAGMENT_TYPE && b.length > FRAGMENT_HEADER_BYTES;
const messagePriority = (b: Uint8Array): Priority => (((b[0] as number) >> 2) & 3) as Priority;

/** Takes a frame apart into packable entries, or marks it opaque. Never throws. */
export function splitFrame(frame: Uint8Array): SplitFrame {
  let entries: Uint8Array[];
  try {
    entries = unpackBatch(frame);
  } catch {
    return { entries: [frame], opaque: true, priority: undefined };
  }
  if (!entries.every((e) => isMessage(e) || isFragment(e))) {
    return { entries: [frame], opaque: true, priority: undefined };
  }
  const priorities = entries.filter(isMessage).map(messagePriority);
  const priority = priorities.length > 0 ? (Math.min(...priorities) as Priority) : undefined;
  return { entries, opaque: false, priority };
}

/** Bytes of the MO message that carries these entries (a single entry goes bare). */
export function packedSize(entries: readonly Uint8Array[]): number {
  let bytes = 0;
  for (const e of entries) bytes += e.length;
  return bytes + batchOverhead(entries.map((e) => e.length));
}

/**
 * The MO message for these entries: the bare entry when there is one, else one batch container with
 * every entry (most urgent message first, order kept within a priority; node/src/wire/batch.ts).
 */
export function packMo(entries: readonly Uint8Array[]): Uint8Array {
  const first = entries[0];
  if (first === undefined) throw new RangeError('packMo: no entries');
  if (entries.length === 1) return first;
  const items = entries.map((frame) => ({ frame, priority: isMessage(frame) ? messagePriority(frame) : 3 }));
  const { containers } = packBatches(items, Number.MAX_SAFE_INTEGER);
  if (containers.length !== 1) throw new Error('packMo: entries did not fit one container');
  return containers[0] as Uint8Array;
}

/** The receipt kind's code (docs/wire-format.md §4). */
const RECEIPT_KIND = 10;

/**
 * Whether the centre will answer this entry (store-and-forward.md §Satellite): a message that is
 * not a receipt and wants one (no noReceipt flag). Fragments and what cannot be read: assume so.
 */
export function expectsAnswer(entry: Uint8Array): boolean {
  if (!isMessage(entry)) return true;
  try {
    const env = decodeFrame(entry).envelope;
    return env.kindCode !== RECEIPT_KIND && !env.flags.includes('noReceipt');
  } catch {
    return true;
  }
}
