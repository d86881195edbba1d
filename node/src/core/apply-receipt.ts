/**
 * What a receipt addressed to this node does to the messages it holds (docs/store-and-forward.md
 * §Confirmations): a 'delivered' receipt from the destination ends them ('received'); a custody
 * signal from the neighbour they were handed to hands them on ('custody'); a 'vouched' receipt
 * from that neighbour says the destination has them ('received'). Receipts from anyone else change
 * nothing.
 *
 * A message made here that is in custody elsewhere stays in the outbox, due again after
 * `receiptWaitMs`: custody and vouched receipts go one hop and are confirmed by nothing, so an
 * origin that never hears how its message ended asks its custodian again, which answers from what
 * it knows.
 */
import type { Logger } from '../base/logger.js';
import type { MessageStore } from '../store/message-store.js';
import { addEvent, type MessageMeta, messageId } from '../store/records.js';
import type { Destination } from '../wire/envelope.js';
import type { Message } from '../wire/message.js';
import { isBroadcast } from './new-meta.js';

/** The detail of a 'received' event that a custodian reported for the destination. */
export const VOUCHED_DETAIL = 'vouched for by the custodian';

/** Most ids one receipt may confirm here (the ReceiptBatcher never puts more than 48 in one): a
 * receipt of huge ranges must not hold the store for long. */
export const MAX_RECEIPT_IDS = 1024;

export interface ApplyReceiptDeps {
  store: MessageStore;
  isCentre: (node: number) => boolean;
  /** Whether `node` is the neighbour this message was sent toward (any neighbour when no next hop was named). */
  sentToward: (meta: MessageMeta, node: number) => boolean;
  /**
   * How long an origin waits for the end-to-end receipt after custody before asking again over
   * the link the custody came on, ms (at least that link's confirmation wait).
   */
  receiptWaitMs: number;
  /** The link the receipt came on. */
  link?: string;
  /**
   * The nodes a broadcast made here is for (the centre's enrolment records), or undefined when
   * they are not known: then only its repeat limit ends it.
   */
  broadcastTargets?: (dest: Destination) => readonly number[] | undefined;
  /** Unix ms. */
  now: () => number;
  log: Logger;
  onState: (meta: MessageMeta) => void;
}

/**
 * Applies a verified receipt; runs inside the store's exclusive section. Returns the messages it
 * ended as 'received' that this node relayed: their previous hops are owed a vouched receipt.
 */
export async function applyReceipt(
  receipt: Extract<Message, { kind: 'receipt' }>,
  deps: ApplyReceiptDeps,
): Promise<MessageMeta[]> {
  const by = receipt.origin;
  const relayed: MessageMeta[] = [];
  let looked = 0;
  // A custody signal may vouch for other ids in the same frame (docs/wire-format.md §4.4).
  const parts: Array<{ scope: 'delivered' | 'custody' | 'vouched'; ranges: typeof receipt.body.ranges }> = [
    { scope: receipt.body.scope ?? 'delivered', ranges: receipt.body.ranges },
  ];
  if (receipt.body.scope === 'custody' && receipt.body.vouched)
    parts.push({ scope: 'vouched', ranges: receipt.body.vouched });
  for (const { scope, ranges } of parts)
    for (const range of ranges) {
      for (let seq = range.from; seq <= range.to; seq++) {
        if (++looked > MAX_RECEIPT_IDS) {
          deps.log.warn({ from: by, ids: looked }, 'receipt covers too many ids; the rest are ignored');
          return relayed;
        }
        const before = await deps.store.getMeta(messageId(range.origin, seq));
        if (!before || before.forMe) continue;
        if (!mayConfirm(before, scope, by, deps)) continue;
        const meta = structuredClone(before);
        const at = deps.now();
        if (scope === 'custody') {
          meta.state = 'custody';
          meta.custodyBy = by;
          meta.out = {};
          if (meta.local && meta.confirmWith === 'receipt') {
            // Still awaiting the receipt: ask the custodian again, over the link it answered on,
            // if it never comes (other links stop: the message is in custody).
            const link = deps.link;
            if (link !== undefined && (before.out[link] !== undefined || before.attempts[link] !== undefined))
              meta.out[link] = at + deps.receiptWaitMs;
          } else {
            meta.done = true; // a relay's work ends, and so does that of an origin that wants no receipt
          }
          addEvent(meta, { at, state: 'custody', node: by });
        } else if (scope === 'delivered' && meta.local && isBroadcast(meta.dest)) {
          // One kit's word ends a broadcast for that kit only: it ends when every targeted node's
          // own receipt is in, or at its repeat limit (docs/security.md §Broadcast receipts).
          const have = new Set(meta.receivedBy ?? []);
          if (have.has(by)) continue;
          have.add(by);
          meta.receivedBy = [...have].sort((a, b) => a - b);
          const targets = deps.broadcastTargets?.(meta.dest);
          const all = targets !== undefined && targets.length > 0 && targets.every((n) => have.has(n));
          if (all) {
            meta.state = 'received';
            meta.done = true;
            meta.out = {};
          }
          addEvent(meta, {
            at,
            state: meta.state,
            node: by,
            detail: all ? 'every targeted node has it' : `node ${by} has it`,
          });
        } else {
          meta.state = 'received';
          meta.done = true;
          meta.out = {};
          addEvent(meta, {
            at,
            state: 'received',
            node: by,
            ...(scope === 'vouched' ? { detail: VOUCHED_DETAIL } : {}),
          });
          if (!meta.local && meta.confirmWith === 'receipt' && meta.prevHop !== undefined) relayed.push(meta);
        }
        await deps.store.save(meta, before, { sync: false });
        deps.onState(meta);
      }
    }
  return relayed;
}

/**
 * Only the destination may say 'delivered' (again, while the message is open here: a relay may
 * have ended it with custody and still owe its previous hop the news); custody and vouched come
 * from the neighbour the message was handed toward, never from the one it came from.
 */
function mayConfirm(
  meta: MessageMeta,
  scope: 'delivered' | 'custody' | 'vouched',
  by: number,
  deps: ApplyReceiptDeps,
): boolean {
  if (['received', 'acknowledged', 'expired', 'failed'].includes(meta.state)) return false;
  if (scope === 'delivered') return isDestination(meta, by, deps.isCentre);
  if (by === meta.prevHop?.node || !deps.sentToward(meta, by)) return false;
  return scope === 'vouched' || !meta.done;
}

/** Whether `node` is the destination of a message (for a broadcast, any node it reached). */
function isDestination(meta: MessageMeta, node: number, isCentre: (node: number) => boolean): boolean {
  const dest = meta.dest;
  if (dest.to === 'node') return dest.node === node;
  if (dest.to === 'centre') return isCentre(node);
  return true;
}
