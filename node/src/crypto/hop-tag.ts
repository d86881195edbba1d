/**
 * The hop tag: a short HMAC over a whole message frame under the relay key of the kit at the kit
 * end of the conversation, so that a gateway that cannot check the end-to-end tag can still tell
 * the kit's genuine frame from a forgery before it grants custody or spends credits
 * (docs/security.md §Checked at this hop; docs/wire-format.md §6.4).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Length of a hop tag, bytes. 32 bits: a forger gets one guess per radio frame (~2^31 frames). */
export const HOP_TAG_BYTES = 4;

/** HMAC-SHA256(relayKey, frame), first {@link HOP_TAG_BYTES} bytes. */
export function hopTag(relayKey: Uint8Array, frame: Uint8Array): Uint8Array {
  if (!(relayKey instanceof Uint8Array) || relayKey.length < 16) {
    throw new TypeError('a relay key is at least 16 bytes');
  }
  const full = createHmac('sha256', relayKey).update(frame).digest();
  return new Uint8Array(full.subarray(0, HOP_TAG_BYTES));
}

/** Checks a hop tag in constant time; a tag of the wrong length is simply false. */
export function verifyHopTag(relayKey: Uint8Array, frame: Uint8Array, tag: Uint8Array): boolean {
  const expected = hopTag(relayKey, frame);
  if (!(tag instanceof Uint8Array) || tag.length !== HOP_TAG_BYTES) return false;
  return timingSafeEqual(expected, tag);
}
