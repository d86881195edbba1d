/**
 * The hop-tagged container (docs/wire-format.md §1, §6.4): `0x03 | tag (4) | message frame`. It
 * carries a message frame and the hop tag its origin made for it on the legs where relays that
 * cannot check the end-to-end tag need one. The tag is not part of the message: relays keep it
 * with the frame and put it back on the legs that want it, and drop it where bytes are billed.
 */
import { KitError } from '../base/errors.js';
import { MAX_FRAME_BYTES } from './message.js';

/** b0 of a hop-tagged container. */
export const HOP_TAGGED_TYPE = 0x03;
/** Bytes of the tag in the container (the same as crypto/hop-tag.ts HOP_TAG_BYTES). */
export const HOP_TAGGED_TAG_BYTES = 4;
/** Bytes a container adds to the frame it carries. */
export const HOP_TAGGED_OVERHEAD = 1 + HOP_TAGGED_TAG_BYTES;
/**
 * The longest container: the longest message in it. So it is also the longest thing a link
 * carries and a reassembler rebuilds (docs/wire-format.md §1, §7): a message of the largest size
 * must still go tagged.
 */
export const MAX_HOP_TAGGED_BYTES = MAX_FRAME_BYTES + HOP_TAGGED_OVERHEAD;

/** Wraps a message frame with its hop tag. */
export function wrapHopTagged(tag: Uint8Array, frame: Uint8Array): Uint8Array {
  if (tag.length !== HOP_TAGGED_TAG_BYTES) throw new RangeError(`a hop tag is ${HOP_TAGGED_TAG_BYTES} bytes`);
  const out = new Uint8Array(HOP_TAGGED_OVERHEAD + frame.length);
  out[0] = HOP_TAGGED_TYPE;
  out.set(tag, 1);
  out.set(frame, HOP_TAGGED_OVERHEAD);
  return out;
}

/**
 * Takes a container apart. The frame inside must be a message (b0 bits 7–6 `01`): a container
 * never holds another container.
 * @throws KitError WIRE_TRUNCATED when there is no frame after the tag; WIRE_MALFORMED when b0 is
 *   not 0x03 or the inner frame is not a message.
 */
export function unwrapHopTagged(bytes: Uint8Array): { tag: Uint8Array; frame: Uint8Array } {
  if (bytes[0] !== HOP_TAGGED_TYPE) throw new KitError('WIRE_MALFORMED', 'not a hop-tagged container');
  if (bytes.length <= HOP_TAGGED_OVERHEAD) {
    const tagLeft = Math.max(0, bytes.length - 1);
    throw new KitError(
      'WIRE_TRUNCATED',
      tagLeft < HOP_TAGGED_TAG_BYTES
        ? `hop tag: ${HOP_TAGGED_TAG_BYTES} bytes needed at offset 1, ${tagLeft} left (${HOP_TAGGED_TAG_BYTES - tagLeft} missing), and no frame follows`
        : `a hop-tagged container of ${bytes.length} bytes holds no frame: a message frame was expected at offset ${HOP_TAGGED_OVERHEAD}`,
    );
  }
  const frame = bytes.subarray(HOP_TAGGED_OVERHEAD);
  if (((frame[0] as number) & 0xc0) !== 0x40) {
    throw new KitError('WIRE_MALFORMED', 'a hop-tagged container holds something other than a message');
  }
  return { tag: bytes.slice(1, HOP_TAGGED_OVERHEAD), frame: frame.slice() };
}
