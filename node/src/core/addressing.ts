/**
 * Who a message is for and how this node authenticates what it makes (docs/design.md §Security;
 * docs/wire-format.md §Authentication, §Destinations): pure functions of the node's identity and
 * keys, used by own-messages.ts and message-intake.ts.
 */
import type { KeyObject } from 'node:crypto';
import { KitError } from '../base/errors.js';
import { type KeyRing, macAuthenticator, signatureAuthenticator } from '../crypto/authenticate.js';
import { areaContains } from '../domain/roster/area-code.js';
import type { Destination } from '../wire/envelope.js';
import { KINDS } from '../wire/kinds.js';
import type { Authenticator, Message } from '../wire/message.js';

export interface NodeIdentity {
  nodeId: number;
  area?: number;
  keys: KeyRing;
  identity: KeyObject;
  macKey?: Uint8Array;
}

/**
 * The MAC key shared with the centre for what a kit sends to it, the kit's key for what the
 * centre sends to one kit, and otherwise this node's identity signature. Issuer-signed kinds need
 * the issuer's authenticator from the caller.
 */
export function authenticatorFor(message: Message, node: NodeIdentity): Authenticator {
  if (KINDS[message.kind].auth === 'signature') {
    throw new KitError(
      'AUTH_MISSING',
      `a ${message.kind} needs an issuer's signature: pass its authenticator`,
    );
  }
  const { keys, nodeId } = node;
  const toCentre =
    message.dest.to === 'centre' || (message.dest.to === 'node' && keys.isCentre(message.dest.node));
  if (toCentre && node.macKey && !keys.isCentre(nodeId)) return macAuthenticator(node.macKey);
  if (keys.isCentre(nodeId) && message.dest.to === 'node') {
    const key = keys.macKey(message.dest.node);
    if (key) return macAuthenticator(key);
  }
  return signatureAuthenticator(node.identity);
}

/** Whether a message to `dest` is for this node. */
export function isForNode(dest: Destination, node: Pick<NodeIdentity, 'nodeId' | 'keys' | 'area'>): boolean {
  switch (dest.to) {
    case 'node':
      return dest.node === node.nodeId;
    case 'centre':
      return node.keys.isCentre(node.nodeId);
    case 'area':
      return node.area !== undefined && areaContains(dest.area, node.area);
    default:
      return true; // everyone, or a role: each kit shows it to the people of that role
  }
}
