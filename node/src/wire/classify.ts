/**
 * Is a payload a fieldnode frame at all? (docs/wire-format.md §1 Frames, §2 Envelope,
 * §6.4 Hop tag, §7 Fragmentation, §8 Batching.) Pure wire knowledge, for the core's receive path, which
 * classifies every inbound frame once, as it takes it apart, and for anyone who needs the same
 * answer on its own ({@link whyNotFieldnode}).
 *
 * A link can carry other traffic: a test text sent from a RockBLOCK portal, a tracker on the same
 * satellite account, a modem with another application, a radio on our port speaking something
 * else. Such a payload is not a frame that failed authentication; it is foreign, and the core keeps
 * it instead of dropping it. The check is structural: it accepts what the wire parsers accept (a
 * message that decodeFrame takes apart, a fragment header, a batch whose entries are each one of
 * those, or a hop-tagged container holding a message) and leaves reassembly and authentication to the
 * core.
 *
 * Why decodeFrame and not only the envelope: printable ASCII starting with a letter (0x40–0x7f) is
 * a well-formed v1 envelope more often than not, since every byte below 0x80 is a one-byte varint;
 * "There are 10 types of people…" passes an envelope check. Its body is rarely well-formed
 * deterministic CBOR, which decodeFrame checks.
 */
import { isKitError } from '../base/errors.js';
import { BATCH_TYPE, unpackBatch } from './batch.js';
import { FRAGMENT_TYPE, parseFragment } from './fragment.js';
import { HOP_TAGGED_OVERHEAD, HOP_TAGGED_TYPE, MAX_HOP_TAGGED_BYTES, unwrapHopTagged } from './hop-tagged.js';
import { decodeFrame } from './message.js';

/** Why a payload is not a fieldnode frame: a stable word, for the record and the log. */
export type NotFieldnode =
  | 'empty'
  | 'too-large' // over MAX_HOP_TAGGED_BYTES: no fieldnode frame, tagged or not, is that long
  | 'unsupported-version' // b0 says a message format newer than v1
  | 'reserved-container' // b0 is a container type other than fragment, batch or hop-tagged
  | 'malformed'; // starts like a frame but does not parse as one

/** A payload, or one entry of its batch, that is not fieldnode's, and why. */
export interface NotFieldnodeVerdict {
  reason: NotFieldnode;
  /** Human detail for the log: the parser's words. */
  detail: string;
}

/**
 * What one entry is by its first byte: a message, a fragment, a hop-tagged container holding a
 * message (docs/wire-format.md §6.4), or not fieldnode's.
 */
export type EntryShape = 'message' | 'fragment' | 'hop-tagged' | NotFieldnodeVerdict;

/** The codes with which the wire parsers refuse bytes that are not the shape the spec allows. */
const MALFORMED_CODES = [
  'WIRE_TRUNCATED',
  'WIRE_TRAILING',
  'WIRE_MALFORMED',
  'WIRE_TOO_LARGE',
  'WIRE_FIELD_INVALID',
] as const;

/** Checks the payload as a whole (before its batch, if any, is unpacked). */
export function payloadVerdict(payload: Uint8Array): NotFieldnodeVerdict | undefined {
  if (payload.length === 0) return { reason: 'empty', detail: 'no bytes' };
  if (payload.length > MAX_HOP_TAGGED_BYTES)
    return { reason: 'too-large', detail: `${payload.length} bytes, over ${MAX_HOP_TAGGED_BYTES}` };
  return undefined;
}

/**
 * What one entry of a payload (the payload itself when it is not a batch, or a reassembled whole)
 * is, by its first byte (docs/wire-format.md §1: the top two bits are the format; 00 is a
 * container), and for a hop-tagged container by the first byte of what it holds. Cheap: nothing
 * is decoded. A message, fragment or hop-tagged container may still turn out malformed when it is
 * parsed.
 */
export function entryShape(entry: Uint8Array): EntryShape {
  const b0 = entry[0];
  if (b0 === undefined) return { reason: 'malformed', detail: 'an entry of no bytes' };
  const format = b0 >> 6;
  if (format >= 2)
    return { reason: 'unsupported-version', detail: `message format ${format} is newer than v1` };
  if (format === 1) return 'message';
  if (b0 === FRAGMENT_TYPE) return 'fragment';
  if (b0 === HOP_TAGGED_TYPE) return hopTaggedShape(entry);
  const what = b0 === BATCH_TYPE ? 'a batch where a message belongs' : `container type 0x${b0.toString(16)}`;
  return { reason: b0 === BATCH_TYPE ? 'malformed' : 'reserved-container', detail: what };
}

/**
 * A 0x03 entry: hop-tagged when something follows the tag and it starts like a v1 message. Its
 * inside is never a container (a tag belongs to one message) nor a later format, since a later
 * format would define its own container.
 */
function hopTaggedShape(entry: Uint8Array): EntryShape {
  const inner = entry[HOP_TAGGED_OVERHEAD];
  if (inner === undefined)
    return { reason: 'malformed', detail: `a hop-tagged container of ${entry.length} bytes holds no frame` };
  if (inner >> 6 !== 1)
    return { reason: 'malformed', detail: 'a hop-tagged container holds something other than a message' };
  return 'hop-tagged';
}

/**
 * Whether a wire parser's error (unpackBatch, parseFragment, decodeFrame) says the bytes are not
 * the shape of a fieldnode frame: the verdict, or undefined for any other error (authentication,
 * reassembly, a bug). WIRE_UNSUPPORTED_VERSION is left out: a payload's version is read by
 * {@link entryShape} before anything is parsed, and after that the code means a kind this version
 * does not know, which is a fieldnode frame.
 */
export function malformedVerdict(err: unknown): NotFieldnodeVerdict | undefined {
  if (!MALFORMED_CODES.some((code) => isKitError(err, code))) return undefined;
  return { reason: 'malformed', detail: (err as Error).message };
}

/**
 * Why `payload` is not a fieldnode frame, or undefined when it is one (structurally: a message, a
 * fragment, a hop-tagged container holding a message, or a batch of those). Never throws.
 */
export function whyNotFieldnode(payload: Uint8Array): NotFieldnode | undefined {
  const whole = payloadVerdict(payload);
  if (whole) return whole.reason;
  try {
    for (const entry of unpackBatch(payload)) {
      const shape = entryShape(entry);
      if (shape === 'fragment') parseFragment(entry);
      else if (shape === 'message') decodeFrame(entry);
      else if (shape === 'hop-tagged') decodeFrame(unwrapHopTagged(entry).frame);
      else return shape.reason;
    }
    return undefined;
  } catch {
    // KitError is all the wire parsers throw; anything else would be their bug, and the payload is
    // not a frame the core could take in either.
    return 'malformed';
  }
}

/**
 * The kind code of a bare v1 message (its second byte: docs/wire-format.md §1), or undefined for a
 * container or anything else. Cheap: nothing is decoded. A link uses it to tell a beacon, which
 * is never stored and replaced by the next, from a message it must carry.
 */
export function bareKindCode(frame: Uint8Array): number | undefined {
  const b0 = frame[0];
  return b0 !== undefined && b0 >> 6 === 1 ? frame[1] : undefined;
}
