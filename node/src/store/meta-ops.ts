/**
 * The writes one state change of a message makes (docs/store-and-forward.md §The store): its
 * record, and its entries in every index, moved to match the record as it is now. One change, one
 * set of writes, staged together (group-commit.ts).
 */
import { encode as cborEncode } from 'cbor-x';
import type { StagedOp } from './group-commit.js';
import { type MessageMeta, outKey } from './records.js';
import { doneKey, expKey, finalAt, waitsForRoute } from './store-layout.js';

const EMPTY = new Uint8Array(0);

/**
 * The writes that take the store from `before` (undefined: a new message) to `meta`. Stamps
 * `meta.doneAt` when it has just become final (the time of its last event), and clears it when it
 * was reopened.
 */
export function metaOps(meta: MessageMeta, before: MessageMeta | undefined): StagedOp[] {
  const wasFinal = before?.done === true;
  if (meta.done && !wasFinal) meta.doneAt = finalAt(meta, Date.now());
  else if (meta.done && meta.doneAt === undefined && before?.doneAt !== undefined)
    meta.doneAt = before.doneAt;
  if (!meta.done) delete meta.doneAt;
  const ops: StagedOp[] = [{ sub: 'meta', key: meta.id, value: cborEncode(meta) }];
  if (before) {
    for (const [link, dueAt] of Object.entries(before.out)) {
      if (meta.out[link] !== dueAt)
        ops.push({ sub: 'out', key: outKey(link, before.priority, dueAt, meta.id) });
    }
  }
  for (const [link, dueAt] of Object.entries(meta.out)) {
    if (before?.out[link] !== dueAt)
      ops.push({ sub: 'out', key: outKey(link, meta.priority, dueAt, meta.id), value: EMPTY });
  }
  if (!meta.done && (before === undefined || wasFinal))
    ops.push({ sub: 'exp', key: expKey(meta), value: EMPTY });
  if (meta.done && before !== undefined && !wasFinal) ops.push({ sub: 'exp', key: expKey(before) });
  if (before && !meta.done && meta.expiresAt !== before.expiresAt && !wasFinal)
    ops.push({ sub: 'exp', key: expKey(before) }, { sub: 'exp', key: expKey(meta), value: EMPTY });
  if (meta.done && !wasFinal)
    ops.push({ sub: 'done', key: doneKey(meta.doneAt as number, meta.id), value: EMPTY });
  if (!meta.done && wasFinal && before.doneAt !== undefined)
    ops.push({ sub: 'done', key: doneKey(before.doneAt, meta.id) });
  const waits = waitsForRoute(meta);
  if (waits !== (before !== undefined && waitsForRoute(before)))
    ops.push({ sub: 'wait', key: meta.id, ...(waits ? { value: EMPTY } : {}) });
  return ops;
}
