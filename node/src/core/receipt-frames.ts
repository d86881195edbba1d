/**
 * From a batch of confirmations to receipt messages (docs/store-and-forward.md §Confirmations;
 * docs/wire-format.md §4.4): the draft of one receipt, and the cut of a batch into receipts that each
 * fit the link's MTU. A confirmation is worth sending only whole: a fragment lost loses all of it,
 * so a batch too big for one frame becomes two receipts rather than a fragmented one.
 */
import { parseMessageId } from '../store/records.js';
import { rangesFromIds } from '../wire/kinds/receipt.js';
import type { Draft } from './core-types.js';
import type { PendingReceipt } from './receipt-batcher.js';

/** Receipts live an hour: by then the origin has asked again. */
const RECEIPT_LIFETIME_MIN = 60;

export function receiptDraft(r: PendingReceipt): Draft<'receipt'> {
  return {
    kind: 'receipt',
    body: {
      ranges: rangesFromIds(r.ids.map(parseMessageId)),
      scope: r.scope,
      ...(r.vouchedIds && r.vouchedIds.length > 0
        ? { vouched: rangesFromIds(r.vouchedIds.map(parseMessageId)) }
        : {}),
    },
    dest: r.node === undefined ? { to: 'all' } : { to: 'node', node: r.node },
    priority: r.priority,
    lifetimeMin: RECEIPT_LIFETIME_MIN,
    flags: ['noReceipt'],
  };
}

/**
 * Cuts `r` into receipts whose frames (`size` bytes each) fit `mtu`: first the vouched ids apart
 * from the custody ones, then halves. One id that does not fit goes as it is (fragmented).
 */
export function splitToFit(
  r: PendingReceipt,
  size: (r: PendingReceipt) => number,
  mtu: number,
): PendingReceipt[] {
  if (size(r) <= mtu) return [r];
  if (r.vouchedIds && r.vouchedIds.length > 0) {
    const { vouchedIds, ...custody } = r;
    const vouched: PendingReceipt = { ...custody, scope: 'vouched', ids: vouchedIds };
    return [...splitToFit(custody, size, mtu), ...splitToFit(vouched, size, mtu)];
  }
  if (r.ids.length < 2) return [r];
  // Sorted, so that each half keeps its origins' ranges together.
  const ids = [...r.ids].sort((a, b) => {
    const x = parseMessageId(a);
    const y = parseMessageId(b);
    return x.origin - y.origin || x.seq - y.seq;
  });
  const half = Math.ceil(ids.length / 2);
  return [
    ...splitToFit({ ...r, ids: ids.slice(0, half) }, size, mtu),
    ...splitToFit({ ...r, ids: ids.slice(half) }, size, mtu),
  ];
}
