/**
 * Tests for store-pruning.ts through MessageStore on a real LevelDB (docs/store-and-forward.md
 * §Pruning): final messages go after the retention and not before; open ones never; tombstones
 * go only below their origin's window and once their lifetime here is over, and what went is
 * then forgotten, also after a restart. Also the `wait` index the core routes from.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { queuedMeta } from '../../test/meta-fixture.js';
import { MessageStore } from './message-store.js';
import type { MessageMeta } from './records.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-prune-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const frame = Uint8Array.of(0x54, 1, 2, 3);
const T = 1_800_000_000_000;
const DAY = 86_400_000;

/** A message that ended here at `at` (unix ms), its lifetime here ending at `expiresAt` (s). */
function ended(id: string, at: number, expiresAt = Math.floor(at / 1000)): MessageMeta {
  return {
    ...queuedMeta(id, 1, {}),
    state: 'received',
    done: true,
    expiresAt,
    events: [
      { at: at - 1000, state: 'queued' },
      { at, state: 'received' },
    ],
  };
}

describe('pruning', () => {
  it('removes a final message once the retention has passed since it ended, never an open one', async () => {
    const store = await MessageStore.open(dir);
    await store.admit(ended('5/1', T), frame, { sync: true });
    await store.admit(queuedMeta('5/2', 1, { mesh: T }), frame, { sync: true });
    expect(await store.prune({ now: T + DAY - 1, retentionMs: DAY, window: 1024 })).toEqual({
      messages: 0,
      tombstones: 0,
    });
    expect(await store.getMeta('5/1')).toBeDefined();
    expect((await store.prune({ now: T + DAY, retentionMs: DAY, window: 1024 })).messages).toBe(1);
    expect(await store.getMeta('5/1')).toBeUndefined();
    expect(await store.getFrame('5/1')).toBeUndefined();
    expect(await store.hasSeen('5/1')).toBe(true); // 5/2 is not 1024 ahead: the id is still remembered
    expect(store.forgotten('5/1')).toBe(false);
    await store.prune({ now: T + 100 * DAY, retentionMs: DAY, window: 1024 });
    expect((await store.getMeta('5/2'))?.state).toBe('queued');
    expect(await store.due('mesh', T, 10)).toEqual(['5/2']);
    await store.close();
  });

  it('counts the retention from when a message ended, and keeps one reopened since', async () => {
    const store = await MessageStore.open(dir);
    const m = ended('6/1', T);
    await store.admit(m, frame, { sync: true });
    expect((await store.getMeta('6/1'))?.doneAt).toBe(T);
    const reopened = { ...structuredClone(m), done: false, state: 'custody' as const, out: { mesh: T + 5 } };
    await store.save(reopened, (await store.getMeta('6/1')) as MessageMeta, { sync: false });
    expect((await store.prune({ now: T + 2 * DAY, retentionMs: DAY, window: 1024 })).messages).toBe(0);
    expect((await store.getMeta('6/1'))?.doneAt).toBeUndefined();
    expect(await store.due('mesh', T + 5, 10)).toEqual(['6/1']);
    await store.close();
  });

  it('removes a tombstone only below its origin window and after its lifetime, then forgets the id', async () => {
    let store = await MessageStore.open(dir);
    const E = Math.floor(T / 1000);
    for (let seq = 1; seq <= 10; seq++) {
      // Sequence 3 lives an hour longer than the others.
      await store.admit(ended(`9/${seq}`, T, seq === 3 ? E + 3600 : E), frame, { sync: false });
    }
    await store.settled();
    // Window 4: of top 10, sequences 6..9 are in the window; 1..5 below it.
    expect(await store.prune({ now: (E - 1) * 1000, retentionMs: 0, window: 4 })).toMatchObject({
      tombstones: 0,
    });
    expect((await store.prune({ now: E * 1000, retentionMs: 0, window: 4 })).tombstones).toBe(4);
    for (const seq of [1, 2, 4, 5]) {
      expect(await store.hasSeen(`9/${seq}`)).toBe(false);
      expect(store.forgotten(`9/${seq}`)).toBe(true);
    }
    expect(await store.hasSeen('9/3')).toBe(true); // its lifetime here is not over
    expect(await store.hasSeen('9/6')).toBe(true); // in the window
    expect(store.forgotten('9/6')).toBe(false);
    expect(store.forgotten('8/1')).toBe(false); // another origin
    await store.close();
    store = await MessageStore.open(dir);
    expect(store.forgotten('9/2')).toBe(true);
    expect(await store.hasSeen('9/11')).toBe(false);
    expect((await store.prune({ now: (E + 3600) * 1000, retentionMs: 0, window: 4 })).tombstones).toBe(1);
    expect(await store.hasSeen('9/3')).toBe(false);
    await store.close();
  });

  it('lists the messages that wait for a route, and no longer once they have one', async () => {
    const store = await MessageStore.open(dir);
    const waiting = { ...queuedMeta('7/1', 1, {}), local: false };
    await store.admit(waiting, frame, { sync: true });
    await store.admit(queuedMeta('7/2', 1, { mesh: T }), frame, { sync: true });
    await store.admit(ended('7/3', T), frame, { sync: true });
    expect(await store.waitingIds(undefined, 10)).toEqual(['7/1']);
    await store.save({ ...structuredClone(waiting), out: { mesh: T } }, waiting, { sync: false });
    expect(await store.waitingIds(undefined, 10)).toEqual([]);
    await store.close();
  });
});
