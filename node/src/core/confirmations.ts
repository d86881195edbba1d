/**
 * Which confirmations a stored message earns, and from whom they may come (docs/store-and-
 * forward.md §Confirmations): pure functions of a message's record and the hop it came over, used
 * by confirmer.ts and message-intake.ts.
 *
 * The destination answers the hop the message came from: its origin with the end-to-end receipt,
 * or a relay with one 'delivered' receipt for everything that relay brought, which the relay then
 * vouches for to its own previous hops. So the destination's word crosses each hop once, as one
 * frame for many origins, instead of once per origin all the way back.
 */
import type { MessageMeta } from '../store/records.js';
import type { Hop, ReceiptScope } from './receipt-batcher.js';

export interface PrevHop {
  link: string;
  /** The sender's address on that link. */
  from?: string;
  /** The sender's node id, when it is a known neighbour. */
  node?: number;
}

export interface Confirmation {
  scope: ReceiptScope;
  /**
   * The node the receipt goes to; undefined for a one-hop receipt to a neighbour this node has no
   * id for (not in its configuration: a team's kit passing by), answered at its address.
   */
  node: number | undefined;
  /** The hop to send it over; routed like any message when absent. */
  via?: Hop;
}

/** What kind of link a message came over. */
export interface ArrivalLink {
  /**
   * Iridium, which stores and forwards what it accepted: a message that wants no receipt was done
   * for its sender when Iridium took it (dispatcher.ts) and earns nothing here.
   */
  satellite?: boolean;
  /**
   * A shared radio channel. Only there is a sender with no id here (a team's kit passing by)
   * answered at its address: elsewhere an unlisted address is a modem or a host nobody enrolled,
   * and answering it would spend credits or bytes on a stranger.
   */
  shared?: boolean;
}

/** The confirmations a stored copy of `meta`, just heard from `prevHop` over `arrival`, earns. */
export function confirmationsFor(
  meta: MessageMeta,
  prevHop: PrevHop,
  arrival: ArrivalLink = {},
): Confirmation[] {
  if (meta.confirmWith === 'none') return [];
  if (arrival.satellite && meta.confirmWith === 'custody') return [];
  const via: Hop = { link: prevHop.link, ...(prevHop.from ? { to: prevHop.from } : {}) };
  const neighbour = prevHop.node;
  // Whether a sender with no id here can be answered at its address (see ArrivalLink.shared).
  const atAddress = neighbour === undefined && prevHop.from !== undefined && arrival.shared === true;
  if (meta.forMe) {
    // A relay: 'delivered' to it, covering every origin it brought (those that want no receipt
    // too: it ends the relay's work all the same, in the same frame).
    if (neighbour !== undefined && neighbour !== meta.origin)
      return [{ scope: 'delivered', node: neighbour, via }];
    if (meta.confirmWith === 'custody')
      return neighbour === undefined && !atAddress ? [] : [{ scope: 'custody', node: neighbour, via }];
    // The origin itself, or nobody we know (routed back like any message): the end-to-end receipt.
    return [{ scope: 'delivered', node: meta.origin, ...(neighbour === undefined ? {} : { via }) }];
  }
  // A sender with no id here is answered at its address: otherwise a kit passing by (a team's)
  // would ask until its message expired, and the destination's word would stop at this relay.
  if (neighbour === undefined && !atAddress) return [];
  // A relay that already has the destination's word says so; otherwise it has taken custody.
  const vouch = meta.state === 'received' && meta.confirmWith === 'receipt';
  return [{ scope: vouch ? 'vouched' : 'custody', node: neighbour, via }];
}

/**
 * Whether a duplicate of a stored message, heard from `prevHop`, is confirmed again: while this
 * node holds it (delivered here, or on its way on), or to the hop it came from once handed on or
 * ended. Otherwise two relays hearing each other would hand custody back and forth and both drop
 * it, and a relay with no way on would stop the kit from trying others.
 */
export function confirmsDuplicate(existing: MessageMeta, prevHop: PrevHop): boolean {
  if (existing.forMe) return true;
  if (!existing.done && Object.keys(existing.out).length > 0) return true;
  const answered = existing.done && (existing.custodyBy !== undefined || existing.state === 'received');
  const from = existing.prevHop;
  if (!answered || !from) return false;
  // The same hop: the same neighbour, or the same address on the same link (its node id may have
  // become known only since).
  return (
    (prevHop.node !== undefined && prevHop.node === from.node) ||
    (prevHop.from !== undefined && prevHop.link === from.link && prevHop.from === from.from)
  );
}

/**
 * Whether a custody or vouched receipt from `node`, heard on `link`, may speak for `meta`: the
 * message was routed over that link, to that node (or to anyone there when no next hop was named).
 */
export function sentToward(
  meta: MessageMeta,
  node: number,
  link: string,
  neighbours: (link: string) => Record<string, number> | undefined,
): boolean {
  if (meta.out[link] === undefined && meta.attempts[link] === undefined) return false;
  const onLink = neighbours(link);
  if (!onLink) return false;
  const hop = meta.nextHop[link];
  return hop !== undefined ? onLink[hop] === node : Object.values(onLink).includes(node);
}
