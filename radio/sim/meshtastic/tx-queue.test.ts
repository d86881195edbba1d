/**
 * The TX queue (docs/meshtastic.md §1.8) and the PacketHistory (§2.7, §5.1).
 */
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../node/src/link/clock.js';
import { Priority } from '../../src/meshtastic/constants.js';
import { PacketHistory } from './packet-history.js';
import { TxQueue, type TxQueueEntry } from './tx-queue.js';

const entry = (
  id: number,
  priority: number = Priority.DEFAULT,
  over: Partial<TxQueueEntry> = {},
): TxQueueEntry => ({
  from: 1,
  id,
  priority,
  relay: false,
  notBefore: 0,
  ...over,
});

describe('TxQueue (§1.8)', () => {
  it('MAX_TX_QUEUE 16: a 17th packet of equal priority is refused (QueueStatus res 32)', () => {
    const q = new TxQueue<TxQueueEntry>();
    for (let i = 0; i < 16; i++) expect(q.enqueue(entry(i)).ok).toBe(true);
    expect(q.free).toBe(0);
    expect(q.enqueue(entry(16)).ok).toBe(false);
    expect(q.length).toBe(16);
  });

  it('replaceLowerPriorityPacket: a higher-priority packet evicts the lowest-priority queued one', () => {
    const q = new TxQueue<TxQueueEntry>();
    for (let i = 0; i < 15; i++) q.enqueue(entry(i, Priority.RELIABLE));
    q.enqueue(entry(99, Priority.BACKGROUND));
    const r = q.enqueue(entry(100, Priority.ALERT));
    expect(r.ok).toBe(true);
    expect(r.evicted?.id).toBe(99);
    expect(q.find(1, 99)).toBeUndefined();
    // Nothing lower than RELIABLE is left: another RELIABLE is refused, a HIGH evicts the newest RELIABLE.
    expect(q.enqueue(entry(101, Priority.RELIABLE)).ok).toBe(false);
    expect(q.enqueue(entry(102, Priority.HIGH)).evicted?.id).toBe(14);
  });

  it('sends highest priority first, relays before our own at equal priority, then FIFO', () => {
    const q = new TxQueue<TxQueueEntry>();
    q.enqueue(entry(1));
    q.enqueue(entry(2, Priority.DEFAULT, { relay: true, from: 9 }));
    q.enqueue(entry(3, Priority.ACK));
    q.enqueue(entry(4));
    expect([1, 2, 3, 4].map(() => q.takeReady(0)?.id)).toEqual([3, 2, 1, 4]);
  });

  it('only packets whose contention delay has run out compete', () => {
    const q = new TxQueue<TxQueueEntry>();
    q.enqueue(entry(1, Priority.ALERT, { notBefore: 500 }));
    q.enqueue(entry(2, Priority.BACKGROUND, { notBefore: 100 }));
    expect(q.nextReadyAt()).toBe(100);
    expect(q.takeReady(50)).toBeUndefined();
    expect(q.takeReady(100)?.id).toBe(2);
    expect(q.takeReady(600)?.id).toBe(1);
  });

  it('cancelSending removes only the copies the filter accepts', () => {
    const q = new TxQueue<TxQueueEntry>();
    q.enqueue(entry(7, Priority.DEFAULT, { relay: true }));
    q.enqueue(entry(7, Priority.DEFAULT, { relay: false }));
    expect(q.remove(1, 7, (e) => e.relay)).toBe(1);
    expect(q.find(1, 7)?.relay).toBe(false);
  });
});

describe('PacketHistory (§2.7, §5.1)', () => {
  it('reports a (from, id) seen before, keyed on both', () => {
    const h = new PacketHistory({ clock: new VirtualClock() });
    expect(h.wasSeenRecently(1, 5)).toBe(false);
    expect(h.wasSeenRecently(1, 5)).toBe(true);
    expect(h.wasSeenRecently(2, 5)).toBe(false);
  });

  it('is bounded: the oldest pair is forgotten, so a late copy of it is new again', () => {
    const h = new PacketHistory({ clock: new VirtualClock(), capacity: 3 });
    for (const id of [1, 2, 3, 4]) h.wasSeenRecently(9, id);
    expect(h.size).toBe(3);
    expect(h.wasSeenRecently(9, 1)).toBe(false);
    expect(h.wasSeenRecently(9, 4)).toBe(true);
  });

  it('entries expire; a reboot clears them', () => {
    const clock = new VirtualClock();
    const h = new PacketHistory({ clock, expireMs: 1000 });
    h.wasSeenRecently(1, 1);
    clock.advance(999);
    expect(h.wasSeenRecently(1, 1)).toBe(true);
    clock.advance(1000);
    expect(h.wasSeenRecently(1, 1)).toBe(false);
    h.clear();
    expect(h.wasSeenRecently(1, 1)).toBe(false);
  });
});
