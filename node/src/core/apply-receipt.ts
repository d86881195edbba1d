/**
 * What a receipt addressed to this node does to the messages it holds (docs/store-and-forward.md
 * §Confirmations): a 'delivered' receipt from the destination ends them ('received'); a custody
 * signal from a neighbour hands them on ('custody'). Receipts from anyone else change nothing.
 */
import type { Logger } from '../log-types.js';
import type { MessageStore } from '../store/message-store.js';
import { addEvent, type MessageMeta, messageId } from '../store/records.js';
import type { Message } from '../wire/message.js';

/** Most ids one receipt may confirm here (the ReceiptBatcher never puts more than 48 in one): a
 * receipt of huge ranges must not hold the store for long. */
export const MAX_RECEIPT_IDS = 1024;

export interface ApplyReceiptDeps {
  store: MessageStore;
  isCentre: (node: number) => boolean;
  isNeighbour: (node: number) => boolean;
  /** Unix ms. */
  now: () => number;
  log: Logger;
  onState: (meta: MessageMeta) => void;
}

/** Applies a verified receipt; runs inside the store's exclusive section. */
export async function applyReceipt(
  receipt: Extract<Message, { kind: 'receipt' }>,
  deps: ApplyReceiptDeps,
): Promise<void> {
  const scope = receipt.body.scope ?? 'delivered';
  const by = receipt.origin;
  let looked = 0;
  for (const range of receipt.body.ranges) {
    for (let seq = range.from; seq <= range.to; seq++) {
      if (++looked > MAX_RECEIPT_IDS) {
        deps.log.warn({ from: by, ids: looked }, 'receipt covers too many ids; the rest are ignored');
        return;
      }
      const before = await deps.store.getMeta(messageId(range.origin, seq));
      if (!before || before.done || before.forMe) continue;
      // Only the destination may say 'delivered'; only a neighbour other than the one the message
      // came from may take custody.
      if (scope === 'delivered' && !isDestination(before, by, deps.isCentre)) continue;
      if (scope === 'custody' && (by === before.prevHop?.node || !deps.isNeighbour(by))) continue;
      const meta = structuredClone(before);
      meta.out = {};
      const at = deps.now();
      if (scope === 'delivered') {
        meta.state = 'received';
        meta.done = true;
        addEvent(meta, { at, state: 'received', node: by });
      } else {
        meta.state = 'custody';
        meta.custodyBy = by;
        meta.done = !meta.local; // a relay's work ends; the origin still awaits the receipt
        addEvent(meta, { at, state: 'custody', node: by });
      }
      await deps.store.save(meta, before, { sync: false });
      deps.onState(meta);
    }
  }
}

/** Whether `node` is the destination of a message (for a broadcast, any node it reached). */
function isDestination(meta: MessageMeta, node: number, isCentre: (node: number) => boolean): boolean {
  const dest = meta.dest;
  if (dest.to === 'node') return dest.node === node;
  if (dest.to === 'centre') return isCentre(node);
  return true;
}
