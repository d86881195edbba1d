/**
 * receipt-frames.ts: a batch of confirmations too big for one frame becomes several receipts that
 * each fit, the vouched ids apart first, then halves that keep an origin's ids together; the
 * drafts carry the vouched ranges with the custody ones.
 */
import { describe, expect, it } from 'vitest';
import type { PendingReceipt } from './receipt-batcher.js';
import { receiptDraft, splitToFit } from './receipt-frames.js';

const batch = (ids: string[], vouchedIds?: string[]): PendingReceipt => ({
  scope: 'custody',
  node: undefined,
  via: { link: 'mesh' },
  ids,
  since: 0,
  priority: 1,
  ...(vouchedIds ? { vouchedIds } : {}),
});
/** A stand-in for the frame size: 20 bytes, and 10 per id. */
const size = (r: PendingReceipt) => 20 + 10 * (r.ids.length + (r.vouchedIds?.length ?? 0));

describe('splitToFit', () => {
  it('leaves a batch that fits alone', () => {
    const r = batch(['1/1', '2/1'], ['3/1']);
    expect(splitToFit(r, size, 50)).toEqual([r]);
  });

  it('sends the vouched ids apart first, as a vouched receipt', () => {
    const parts = splitToFit(batch(['1/1', '2/1'], ['3/1', '3/2']), size, 45);
    expect(parts.map((p) => [p.scope, p.ids, p.vouchedIds])).toEqual([
      ['custody', ['1/1', '2/1'], undefined],
      ['vouched', ['3/1', '3/2'], undefined],
    ]);
    expect(parts.every((p) => size(p) <= 45)).toBe(true);
  });

  it('then halves, sorted by origin and sequence', () => {
    const parts = splitToFit(batch(['9/2', '1/5', '9/1', '1/4', '5/1']), size, 45);
    expect(parts.map((p) => p.ids)).toEqual([['1/4', '1/5'], ['5/1'], ['9/1', '9/2']]);
  });

  it('sends one id that cannot fit as it is', () => {
    expect(splitToFit(batch(['1/1']), size, 10).map((p) => p.ids)).toEqual([['1/1']]);
  });
});

describe('receiptDraft', () => {
  it('to everyone on the link, custody ranges with the vouched ones, wanting no receipt', () => {
    const d = receiptDraft(batch(['7/1', '7/2'], ['8/4']));
    expect(d.dest).toEqual({ to: 'all' });
    expect(d.body).toEqual({
      ranges: [{ origin: 7, from: 1, to: 2 }],
      scope: 'custody',
      vouched: [{ origin: 8, from: 4, to: 4 }],
    });
    expect(d.flags).toEqual(['noReceipt']);
    expect(receiptDraft({ ...batch(['7/1']), node: 7 }).dest).toEqual({ to: 'node', node: 7 });
  });
});
