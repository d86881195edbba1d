/**
 * Receipt tags (docs/wire-format.md §6.5; docs/security.md §Keys): what a relay puts on a custody
 * or vouched receipt to a kit whose relay key R(kit) it holds, instead of its 64-byte signature.
 *
 *     T(kit) = HKDF-SHA256(ikm = R(kit), salt = "fieldnode/v1/receipt-tag", info = "node:" + id, L = 32)
 *     tag    = HMAC-SHA256(T(kit), every byte of the frame before the tag), first 8 bytes
 *
 * A key of its own, not R itself: a hop tag is an HMAC under R, and with a separate key no receipt
 * tag can ever be taken for a hop tag, or a hop tag for a receipt tag, whatever bytes they cover.
 */
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { RELAY_TAG_BYTES } from '../wire/relay-tags.js';

/** HKDF salt of the receipt-tag key: a versioned domain label of its own. */
const RECEIPT_TAG_SALT = Buffer.from('fieldnode/v1/receipt-tag', 'utf8');

/**
 * The receipt-tag key of a kit, from its relay key.
 * @throws TypeError on a relay key shorter than 16 bytes or an invalid node id.
 */
export function receiptTagKey(relayKey: Uint8Array, nodeId: number): Uint8Array {
  if (!(relayKey instanceof Uint8Array) || relayKey.length < 16) {
    throw new TypeError('a relay key is at least 16 bytes');
  }
  if (!Number.isSafeInteger(nodeId) || nodeId < 0) {
    throw new TypeError('a node id is a non-negative safe integer');
  }
  const info = Buffer.from(`node:${nodeId}`, 'utf8');
  return new Uint8Array(hkdfSync('sha256', relayKey, RECEIPT_TAG_SALT, info, 32));
}

/** HMAC-SHA256(T(kit), covered), first 8 bytes, with T derived from the kit's relay key. */
export function receiptTag(relayKey: Uint8Array, nodeId: number, covered: Uint8Array): Uint8Array {
  const full = createHmac('sha256', receiptTagKey(relayKey, nodeId)).update(covered).digest();
  return new Uint8Array(full.subarray(0, RELAY_TAG_BYTES));
}

/** Checks a receipt tag in constant time; a tag of the wrong length is simply false. */
export function verifyReceiptTag(
  relayKey: Uint8Array,
  nodeId: number,
  covered: Uint8Array,
  tag: Uint8Array,
): boolean {
  if (!(tag instanceof Uint8Array) || tag.length !== RELAY_TAG_BYTES) return false;
  return timingSafeEqual(receiptTag(relayKey, nodeId, covered), tag);
}
