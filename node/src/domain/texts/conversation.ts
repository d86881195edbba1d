/**
 * Which conversation a text belongs to, seen from one node (docs/texts.md §Conversations): the
 * centre, one other node, or an area. A text this node sent is filed under its destination; one it
 * received under its sender, or under the area it was sent to. So a kit and the centre each see one
 * conversation with the other, and everyone in an area one conversation for the area.
 *
 * Keys are URL-safe: `centre`, `node-5003`, `area-430121101201`.
 */

import type { Destination } from '../../wire/envelope.js';
import { isAreaCode } from '../../wire/field-codecs.js';
import type { MessageOf } from '../../wire/message.js';

export type ConversationKey = string;

export type Peer = { to: 'centre' } | { to: 'node'; node: number } | { to: 'area'; area: number };

export function conversationKey(peer: Peer): ConversationKey {
  if (peer.to === 'centre') return 'centre';
  return peer.to === 'node' ? `node-${peer.node}` : `area-${peer.area}`;
}

/** The peer a key names, or undefined when it names none. */
export function peerOf(key: string): Peer | undefined {
  if (key === 'centre') return { to: 'centre' };
  const m = /^(node|area)-(\d{1,12})$/.exec(key);
  if (m === null) return undefined;
  const value = Number(m[2]);
  if (m[1] === 'node') return value >= 1 && value <= 0xffff_ffff ? { to: 'node', node: value } : undefined;
  return isAreaCode(value) ? { to: 'area', area: value } : undefined;
}

/** The peer of a text seen from node `me`; `isCentre` says which nodes are the centre's. */
export function peerOfText(m: MessageOf<'text'>, me: number, isCentre: (node: number) => boolean): Peer {
  if (m.origin === me) return peerOfDest(m.dest, isCentre);
  if (m.dest.to === 'area') return { to: 'area', area: m.dest.area };
  return isCentre(m.origin) && !isCentre(me) ? { to: 'centre' } : { to: 'node', node: m.origin };
}

function peerOfDest(dest: Destination, isCentre: (node: number) => boolean): Peer {
  if (dest.to === 'area') return { to: 'area', area: dest.area };
  if (dest.to === 'node' && !isCentre(dest.node)) return { to: 'node', node: dest.node };
  return { to: 'centre' };
}

/** The envelope destination of a text to `peer`. */
export function destinationOf(peer: Peer): Destination {
  return peer.to === 'centre' ? { to: 'centre' } : peer;
}
