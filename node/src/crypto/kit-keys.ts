/**
 * The keys of one kit, derived at the centre from a master secret that only the centre holds
 * (docs/security.md §Keys; docs/wire-format.md §6.1, §6.4).
 *
 * - The end-to-end key K(node) tags what the kit and the centre say to each other (§6.1). The kit
 *   holds its own, the centre derives every kit's from the master. A stolen kit gives away its own
 *   key and nothing else.
 * - The relay key R(node) = HKDF(K(node)) tags the kit's frames on the mesh leg (the hop tag,
 *   §6.4), for the gateways the centre gives it to. HKDF is one-way, so a gateway holding R(node)
 *   learns nothing of K(node): a stolen gateway can forge hop tags for its own kits, never an
 *   end-to-end tag.
 */
import { hkdfSync } from 'node:crypto';
import { deriveNodeMacKey, MAC_KEY_BYTES } from './mac.js';

/** HKDF salt of the relay key: a fixed, versioned domain label of its own. */
const RELAY_SALT = Buffer.from('fieldnode/v1/relay', 'utf8');

/**
 * The end-to-end key of a kit, from the centre's master secret (the derivation of §6.1).
 * @throws TypeError on a short master or an invalid node id.
 */
export function deriveKitKey(master: Uint8Array, nodeId: number): Uint8Array {
  return deriveNodeMacKey(master, nodeId);
}

/**
 * The relay key of a kit, from its end-to-end key: what the kit's gateways hold to check its hop
 * tags (§6.4).
 * @throws TypeError on a key shorter than 32 bytes or an invalid node id.
 */
export function deriveRelayKey(kitKey: Uint8Array, nodeId: number): Uint8Array {
  if (!(kitKey instanceof Uint8Array) || kitKey.length !== MAC_KEY_BYTES) {
    throw new TypeError(`a kit key is ${MAC_KEY_BYTES} bytes`);
  }
  if (!Number.isSafeInteger(nodeId) || nodeId < 0) {
    throw new TypeError('a node id is a non-negative safe integer');
  }
  const info = Buffer.from(`node:${nodeId}`, 'utf8');
  return new Uint8Array(hkdfSync('sha256', kitKey, RELAY_SALT, info, MAC_KEY_BYTES));
}
