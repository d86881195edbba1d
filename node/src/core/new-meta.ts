/**
 * The first meta record of a message this node stores, made here or received (docs/store-and-
 * forward.md §Confirmations): what ends this node's work on it and what a stored copy earns.
 */
import { type MessageMeta, messageId } from '../store/records.js';
import { type Destination, expiresAt } from '../wire/envelope.js';
import type { Message } from '../wire/message.js';

export function isBroadcast(dest: Destination): boolean {
  return dest.to === 'all' || dest.to === 'area' || dest.to === 'role';
}

export type MetaSource = Pick<
  Message,
  'origin' | 'seq' | 'priority' | 'createdAt' | 'lifetimeMin' | 'dest' | 'flags'
> & {
  kindCode: number;
};

export interface MetaWhere {
  /** Made on this node. */
  local: boolean;
  /** Addressed to this node and verified. */
  forMe: boolean;
  /** A receipt (of any scope). */
  receipt: boolean;
  /** How many times a broadcast is sent. */
  broadcastRepeats: number;
}

export function newMeta(message: MetaSource, where: MetaWhere): MessageMeta {
  const broadcast = isBroadcast(message.dest);
  // A receipt is sent once and confirmed by nothing: a lost one is asked for again by the
  // retransmission it failed to stop (an origin asks its custodian again after the receipt wait).
  // Everything else unicast waits for custody or a receipt.
  const oneShot = broadcast || where.receipt;
  const confirmWith = oneShot ? 'none' : message.flags.includes('noReceipt') ? 'custody' : 'receipt';
  return {
    id: messageId(message.origin, message.seq),
    origin: message.origin,
    seq: message.seq,
    kindCode: message.kindCode,
    priority: message.priority,
    createdAt: message.createdAt,
    expiresAt: expiresAt(message),
    dest: message.dest,
    local: where.local,
    forMe: where.forMe,
    state: where.forMe ? 'delivered' : 'queued',
    out: {},
    attempts: {},
    expect: oneShot ? 'none' : 'confirmation',
    confirmWith,
    ...(broadcast && !where.receipt ? { repeats: where.broadcastRepeats } : {}),
    nextHop: {},
    done: false,
    txBytes: 0,
    credits: 0,
    events: [],
  };
}
