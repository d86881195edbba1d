/**
 * Tests for seen-deliveries.ts (docs/centre-doors.md §Duplicates and restarts): keys are
 * remembered for the window and up to the limit, the oldest going first; what a store saved is
 * taken back; saves are coalesced, one at a time, and a failing store is said once.
 */
import { describe, expect, it } from 'vitest';
import { recordingLogger } from '../../sim/recording-logger.js';
import { SeenDeliveries, type SeenEntry } from './seen-deliveries.js';

/** A store that keeps what it is given, and can be made to fail or to wait. */
function memoryStore() {
  const saves: SeenEntry[][] = [];
  let fail = false;
  let gate: Promise<void> | undefined;
  return {
    saves,
    failing(on: boolean) {
      fail = on;
    },
    hold(): () => void {
      let open = () => {};
      gate = new Promise((resolve) => {
        open = resolve;
      });
      return () => {
        gate = undefined;
        open();
      };
    },
    async save(entries: readonly SeenEntry[]) {
      await gate;
      if (fail) throw new Error('disk full');
      saves.push([...entries]);
    },
  };
}

describe('SeenDeliveries', () => {
  it('remembers a key for the window, then forgets it', () => {
    let now = 1_000_000;
    const seen = new SeenDeliveries({ windowMs: 1000, now: () => now, log: recordingLogger() });
    seen.add('a');
    now += 999;
    expect(seen.has('a')).toBe(true);
    now += 1;
    expect(seen.has('a')).toBe(false);
    seen.add('b'); // prunes 'a'
    expect(seen.size).toBe(1);
  });

  it('keeps at most `limit` keys, dropping the oldest', () => {
    let now = 0;
    const seen = new SeenDeliveries({ limit: 2, now: () => now++, log: recordingLogger() });
    for (const k of ['a', 'b', 'c']) seen.add(k);
    expect(['a', 'b', 'c'].map((k) => seen.has(k))).toEqual([false, true, true]);
  });

  it('takes back what an earlier run saved, in any order, and drops what is past the window', () => {
    const now = 10_000_000;
    const seen = new SeenDeliveries({
      windowMs: 5000,
      limit: 2,
      initial: [
        ['new', now - 10],
        ['expired', now - 6000],
        ['older', now - 20],
        ['oldest', now - 30],
      ],
      now: () => now,
      log: recordingLogger(),
    });
    expect(['new', 'older', 'oldest', 'expired'].map((k) => seen.has(k))).toEqual([true, true, false, false]);
    expect(seen.size).toBe(2);
  });

  it('saves one at a time: changes made during a save go in the next one, together', async () => {
    const store = memoryStore();
    let now = 0;
    const seen = new SeenDeliveries({ store, now: () => now++, log: recordingLogger() });
    const open = store.hold();
    seen.add('a');
    seen.save();
    for (const k of ['b', 'c', 'd']) {
      seen.add(k);
      seen.save();
    }
    open();
    await seen.flush();
    expect(store.saves.map((s) => s.map(([k]) => k))).toEqual([['a'], ['a', 'b', 'c', 'd']]);
    expect(store.saves[1]?.map(([, at]) => at)).toEqual([1, 2, 3, 4]); // 0 was the constructor's look
  });

  it('says once that it cannot save, and once that it can again', async () => {
    const store = memoryStore();
    const log = recordingLogger();
    const seen = new SeenDeliveries({ store, now: () => 0, log });
    store.failing(true);
    for (const k of ['a', 'b', 'c']) {
      seen.add(k);
      seen.save();
      await seen.flush();
    }
    store.failing(false);
    seen.add('d');
    seen.save();
    await seen.flush();
    expect(log.lines.map((l) => l.level)).toEqual(['error', 'info']);
    expect(store.saves.at(-1)?.map(([k]) => k)).toEqual(['a', 'b', 'c', 'd']);
  });
});
