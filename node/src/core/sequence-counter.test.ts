/**
 * This node's sequence numbers (sequence-counter.ts; docs/security.md §A lost store;
 * docs/control-messages.md §Floors), on a real MessageStore in a temp dir, closed and opened again
 * where a restart matters. The lost-store cases end to end (the key file's floor, the epoch) are
 * node/test/integration/security-lost-store.test.ts; here: a stored count is never replaced by the
 * epoch, floors raise and never lower, the centre's later floor is on disk before it counts, a
 * number is used only once its message is staged, and a beacon's number is never a message's.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordingLogger } from '../../test/recording-logger.js';
import { MessageStore } from '../store/message-store.js';
import { newMeta } from './new-meta.js';
import { SequenceCounter, type SequenceCounterOptions } from './sequence-counter.js';

const ME = 2107;

let dir: string;
let store: MessageStore;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-sequence-counter-'));
  store = await MessageStore.open(dir);
});
afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

/** A counter started on `store` with the signed floor `signed`. */
async function started(options: Partial<SequenceCounterOptions> = {}, signed = 0) {
  const { log, lines } = recordingLogger();
  const counter = new SequenceCounter({ store, log, ...options });
  await counter.start(signed);
  return { counter, lines };
}

/** The store closed and opened again, as a restart does. */
async function restart(): Promise<void> {
  await store.close();
  store = await MessageStore.open(dir);
}

/** Stages a message made here with the counter's next number, as own-messages.ts does; its id. */
function admitNext(counter: SequenceCounter): Promise<string> {
  return store.exclusive(async () => {
    const seq = counter.next;
    const meta = newMeta(
      {
        origin: ME,
        seq,
        priority: 1,
        createdAt: 1_800_000_000,
        lifetimeMin: 60,
        dest: { to: 'centre' },
        flags: [],
        kindCode: 1,
      },
      { local: true, forMe: false, receipt: false, broadcastRepeats: 3 },
    );
    await counter.stage(seq, (kv) => store.admit(meta, Uint8Array.of(seq), { sync: true, kv }));
    return meta.id;
  });
}

describe('SequenceCounter', () => {
  it('starts from the epoch only when the store holds no count: a stored count is never jumped', async () => {
    const fresh = await started({ freshStart: () => 3072 });
    expect(fresh.counter.next).toBe(3073);
    expect(await store.getKv('seq')).toBe(3072);
    expect(fresh.lines).toMatchObject([{ level: 'info', obj: { seq: 3073 } }]);
    await admitNext(fresh.counter);
    await restart();
    // A day later the epoch is 1,024 higher; the count on disk is what counts.
    const later = await started({ freshStart: () => 4096 });
    expect(later.counter.next).toBe(3074);
    expect(later.lines).toEqual([]);
  });

  it('raises the count to the highest floor at start and keeps it; a lower floor changes nothing', async () => {
    await started();
    // The key file's floor (the next number it may use) and a floor the centre signed.
    const raised = await started({ floor: 500 }, 800);
    expect(raised.counter.next).toBe(800);
    await restart();
    const kept = await started({ floor: 500 }, 0);
    expect(kept.counter.next).toBe(800);
    expect(await store.getKv('seq')).toBe(799);
  });

  it("raises to the centre's later floor, on disk before it counts, and never lowers", async () => {
    const { counter, lines } = await started();
    await admitNext(counter);
    await counter.raiseFloor(4096);
    expect(counter.next).toBe(4096);
    expect(lines.filter((l) => l.level === 'warn')).toMatchObject([
      { obj: { from: 2, to: 4096 }, msg: 'sequence raised to the floor the centre set' },
    ]);
    await counter.raiseFloor(100);
    await counter.raiseFloor(4096);
    expect(counter.next).toBe(4096);
    expect(lines.filter((l) => l.level === 'warn')).toHaveLength(1);
    await restart();
    expect((await started()).counter.next).toBe(4096);
  });

  it('uses a number only once its message is staged: one that fails to stage leaves it free', async () => {
    const { counter } = await started();
    expect(() =>
      counter.stage(counter.next, () => {
        throw new Error('the message could not be staged');
      }),
    ).toThrow('could not be staged');
    expect(counter.next).toBe(1);
    expect(await admitNext(counter)).toBe(`${ME}/1`);
    expect(() => counter.stage(1, () => undefined)).toThrow(RangeError);
  });

  it("never gives a beacon's number to a message, nor a message's to a beacon, across a restart", async () => {
    const { counter } = await started();
    const numbers = [await counter.takeAlone(), Number((await admitNext(counter)).split('/')[1])];
    numbers.push(await counter.takeAlone());
    expect(numbers).toEqual([1, 2, 3]);
    await restart();
    const again = await started();
    expect(again.counter.next).toBe(4);
  });
});
