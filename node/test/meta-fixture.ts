/** A queued meta record of a kit's report, for store tests. */
import type { MessageMeta } from '../src/store/records.js';

export function queuedMeta(id: string, priority: 0 | 1 | 2 | 3, out: Record<string, number>): MessageMeta {
  const [origin, seq] = id.split('/').map(Number) as [number, number];
  return {
    id,
    origin,
    seq,
    kindCode: 1,
    priority,
    createdAt: 1_800_000_000,
    expiresAt: 1_800_003_600,
    dest: { to: 'centre' },
    local: true,
    forMe: false,
    state: 'queued',
    out,
    attempts: {},
    expect: 'confirmation',
    confirmWith: 'receipt',
    nextHop: {},
    done: false,
    txBytes: 0,
    credits: 0,
    events: [],
  };
}
