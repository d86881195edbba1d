/**
 * Tests for receiver-ledger.ts (docs/centre-doors.md §Refusals and the log, §Duplicates and
 * restarts): the one refusal path of both centre receivers counts into the receiver's counters
 * and logs with the receiver's message, a full server's drop with its fixed detail; the seen
 * deliveries follow the receiver's dedupe options.
 */
import { describe, expect, it } from 'vitest';
import { recordingLogger } from '../../sim/recording-logger.js';
import { ReceiverLedger, type ReceiverLedgerOptions } from './receiver-ledger.js';
import type { SeenEntry } from './seen-deliveries.js';

function ledger(opts: ReceiverLedgerOptions = {}) {
  const log = recordingLogger();
  const counters = { accepted: 0, rejected: 0, dropped: 0 };
  const l = new ReceiverLedger(opts, { msg: 'test door refused', counters, now: () => 1000, log });
  return { l, log, counters };
}

describe('ReceiverLedger', () => {
  it('counts a refusal as rejected and a drop as dropped, in the receiver’s counters, each logged with its message', () => {
    const { l, log, counters } = ledger();
    l.refused({ status: 403, reason: 'signature', detail: 'bad', remote: '192.0.2.1' });
    l.dropped('busy', '192.0.2.2');
    l.dropped('busy', undefined);
    expect(counters).toEqual({ accepted: 0, rejected: 1, dropped: 2 });
    const fields = (text: string) => {
      const { msg: _, ...rest } = JSON.parse(text);
      return rest;
    };
    expect(log.lines.map((line) => [line.level, line.msg, fields(line.text)])).toEqual([
      ['warn', 'test door refused', { status: 403, reason: 'signature', detail: 'bad', remote: '192.0.2.1' }],
      [
        'warn',
        'test door refused',
        { reason: 'busy', detail: 'connection limit reached', remote: '192.0.2.2' },
      ],
      ['warn', 'test door refused', { reason: 'busy', detail: 'connection limit reached' }],
    ]);
  });

  it('logs a few refusals a window in full, and their summary when flushed', () => {
    const { l, log, counters } = ledger({ refusalLog: { perWindow: 2, windowMs: 60_000 } });
    for (let i = 0; i < 5; i++) l.refused({ reason: 'malformed' });
    expect(log.lines).toHaveLength(2);
    l.flushRefusals();
    expect(counters.rejected).toBe(5);
    expect(log.lines.map((line) => line.msg)).toEqual([
      'test door refused',
      'test door refused',
      'test door refused: more refusals, counted but not logged one by one',
    ]);
    expect(JSON.parse(log.lines[2]?.text ?? '{}')).toMatchObject({
      suppressed: 3,
      byReason: { malformed: 3 },
    });
  });

  it('remembers deliveries as the dedupe options say: what an earlier run saved, at most dedupeLimit, saved to the store', async () => {
    const saved: SeenEntry[][] = [];
    const store = { save: async (entries: readonly SeenEntry[]) => void saved.push([...entries]) };
    const { l } = ledger({ dedupeLimit: 2, dedupeStore: { store, initial: [['a', 900]] } });
    expect(l.seen.has('a')).toBe(true);
    l.seen.add('b');
    l.seen.add('c');
    l.seen.save();
    await l.seen.flush();
    expect(l.seen.has('a')).toBe(false); // the oldest went first
    expect(saved.at(-1)?.map(([key]) => key)).toEqual(['b', 'c']);
  });

  it('forgets a key after dedupeWindowMs', () => {
    let now = 0;
    const l = new ReceiverLedger(
      { dedupeWindowMs: 1000 },
      { msg: 'x', counters: { rejected: 0, dropped: 0 }, now: () => now, log: recordingLogger() },
    );
    l.seen.add('k');
    now = 999;
    expect(l.seen.has('k')).toBe(true);
    now = 1001;
    expect(l.seen.has('k')).toBe(false);
  });
});
