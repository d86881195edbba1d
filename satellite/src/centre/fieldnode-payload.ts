/**
 * Is a satellite payload a fieldnode frame at all? (docs/wire-format.md §1 Frames, §2 Envelope,
 * §7 Fragmentation, §8 Batching.)
 *
 * A RockBLOCK account or a DirectIP feed can carry other traffic: a test text sent from the Rock7
 * portal, a tracker on the same account, a modem with another application. Such payloads are kept
 * and reported (quarantine), not handed to the core as frames. This check is structural only and
 * cheap (microseconds): it accepts what the wire parsers accept (a message that decodeFrame takes
 * apart, a fragment header, a batch whose entries are each one of those) and leaves reassembly and
 * authentication to the core, which verifies every message anyway.
 *
 * Why decodeFrame and not only the envelope: printable ASCII starting with a letter (0x40–0x7f) is
 * a well-formed v1 envelope more often than not, since every byte below 0x80 is a one-byte varint;
 * "There are 10 types of people…" passes an envelope check. Its body is rarely well-formed
 * deterministic CBOR, which decodeFrame checks. It reuses the wire module's own parsers so the two
 * can never disagree.
 */
import { unpackBatch } from '../../../node/src/wire/batch.js';
import { parseFragment } from '../../../node/src/wire/fragment.js';
import { decodeFrame, MAX_FRAME_BYTES } from '../../../node/src/wire/message.js';

/** Why a payload is not a fieldnode frame, for the quarantine record and the log. */
export type NotFieldnode =
  | 'empty'
  | 'too-large'
  | 'unsupported-version' // b0 says a message format newer than v1
  | 'reserved-container' // b0 is a container type other than fragment or batch
  | 'malformed'; // starts like a frame but does not decode as one

/** Checks one frame that is not a batch; returns why it is not a fieldnode frame, or undefined. */
function checkEntry(bytes: Uint8Array): NotFieldnode | undefined {
  const b0 = bytes[0] as number;
  if (b0 >> 6 >= 2) return 'unsupported-version';
  if (b0 >> 6 === 0) {
    if (b0 !== 0x01) return 'reserved-container';
    parseFragment(bytes);
    return undefined;
  }
  decodeFrame(bytes);
  return undefined;
}

/**
 * Why `payload` is not a fieldnode frame, or undefined when it is one (structurally: a message,
 * a fragment, or a batch of those).
 */
export function whyNotFieldnode(payload: Uint8Array): NotFieldnode | undefined {
  if (payload.length === 0) return 'empty';
  if (payload.length > MAX_FRAME_BYTES) return 'too-large';
  try {
    if (payload[0] !== 0x02) return checkEntry(payload);
    for (const entry of unpackBatch(payload)) {
      const why = checkEntry(entry);
      if (why !== undefined) return why;
    }
    return undefined;
  } catch {
    // KitError is all the wire parsers throw; anything else would be their bug, and a push that
    // has already been answered 200 must still be kept, so it is quarantined all the same.
    return 'malformed';
  }
}
