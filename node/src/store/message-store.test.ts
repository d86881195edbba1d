import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Level } from 'level';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { queuedMeta } from '../../test/meta-fixture.js';
import { MessageStore } from './message-store.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-store-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const meta = queuedMeta;

const frame = Uint8Array.of(0x54, 1, 2, 3);

describe('MessageStore on LevelDB', () => {
  it('gives due messages highest priority first, and only those due', async () => {
    const store = await MessageStore.open(dir);
    await store.admit(meta('5/1', 3, { mesh: 100 }), frame, { sync: true });
    await store.admit(meta('5/2', 0, { mesh: 200 }), frame, { sync: true });
    await store.admit(meta('5/3', 1, { mesh: 50 }), frame, { sync: true });
    await store.admit(meta('5/4', 0, { mesh: 9_999 }), frame, { sync: true });
    await store.admit(meta('5/5', 2, { sat: 10 }), frame, { sync: true });
    expect(await store.due('mesh', 1000, 10)).toEqual(['5/2', '5/3', '5/1']);
    expect(await store.due('mesh', 1000, 2)).toEqual(['5/2', '5/3']);
    expect(await store.nextDue('mesh')).toBe(50);
    expect(await store.outboxCounts()).toEqual({ mesh: 4, sat: 1 });
    await store.close();
  });

  it('deduplicates by id and moves outbox entries with each saved change', async () => {
    const store = await MessageStore.open(dir);
    const m = meta('7/1', 1, { mesh: 10 });
    const first = store.admit(m, frame, { sync: true });
    // A second copy while the first still waits for its sync: found in the pending group.
    const second = store.admit(m, frame, { sync: true });
    expect(await store.hasSeen('7/1')).toBe(true);
    expect(await second).toBe('duplicate');
    expect(await first).toBe('stored');
    expect(await store.hasSeen('7/1')).toBe(true);
    const after = { ...structuredClone(m), out: { mesh: 5000, sat: 20 }, state: 'sent' as const };
    await store.save(after, m, { sync: false });
    expect(await store.due('mesh', 1000, 10)).toEqual([]);
    expect(await store.due('sat', 1000, 10)).toEqual(['7/1']);
    const done = { ...structuredClone(after), out: {}, done: true, state: 'received' as const };
    await store.save(done, after, { sync: false });
    expect(await store.outboxCounts()).toEqual({});
    expect(await store.expiredBy(2_000_000_000)).toEqual([]);
    await store.close();
  });

  it('moves a message in the expiry index when its lifetime end moves (a clock step)', async () => {
    const store = await MessageStore.open(dir);
    const m = meta('4/1', 1, { mesh: 10 });
    await store.admit(m, frame, { sync: true });
    const stepped = { ...structuredClone(m), expiresAt: m.expiresAt + 3600 };
    await store.save(stepped, m, { sync: false });
    expect(await store.expiredBy(m.expiresAt)).toEqual([]);
    expect(await store.expiredBy(stepped.expiresAt)).toEqual(['4/1']);
    expect(await store.openIds()).toEqual(['4/1']);
    await store.close();
  });

  it('keeps everything across a close and reopen: what was in flight is due again', async () => {
    let store = await MessageStore.open(dir);
    await store.admit(meta('9/1', 1, { mesh: 10 }), frame, { sync: true, kv: { seq: 1 } });
    await store.close();
    store = await MessageStore.open(dir);
    expect(await store.due('mesh', 1000, 10)).toEqual(['9/1']);
    expect(await store.getKv('seq')).toBe(1);
    expect(Array.from((await store.getFrame('9/1')) ?? [])).toEqual(Array.from(frame));
    expect(await store.hasSeen('9/1')).toBe(true);
    expect(await store.expiredBy(1_800_003_600)).toEqual(['9/1']);
    await store.close();
  });

  it('refuses a store another process holds with STORE_LOCKED', async () => {
    const store = await MessageStore.open(dir);
    await expect(MessageStore.open(dir)).rejects.toMatchObject({ code: 'STORE_LOCKED' });
    await store.close();
  });

  it('reports a corrupt record with STORE_CORRUPT and keeps reading the others', async () => {
    let store = await MessageStore.open(dir);
    await store.admit(meta('3/1', 1, {}), frame, { sync: true });
    await store.admit(meta('3/2', 1, {}), frame, { sync: true });
    await store.close();
    // Damage one record behind the store's back.
    const db = new Level<string, Uint8Array>(dir, { valueEncoding: 'view' });
    await db
      .sublevel<string, Uint8Array>('meta', { valueEncoding: 'view' })
      .put('3/1', Uint8Array.of(0xff, 0x00, 0x13));
    await db.close();
    store = await MessageStore.open(dir);
    await expect(store.getMeta('3/1')).rejects.toMatchObject({ code: 'STORE_CORRUPT' });
    const corrupt: string[] = [];
    const ids: string[] = [];
    for await (const m of store.metas((id) => corrupt.push(id))) ids.push(m.id);
    expect(ids).toEqual(['3/2']);
    expect(corrupt).toEqual(['3/1']);
    await store.close();
  });

  it('syncs a lone admission at once and concurrent ones together, and says so only after the sync', async () => {
    const store = await MessageStore.open(dir);
    const before = store.syncs.started;
    const lone = store.admit(meta('8/1', 1, { mesh: 10 }), frame, { sync: true });
    await Promise.resolve();
    await Promise.resolve();
    expect(store.syncs.started).toBe(before + 1); // no batching timer for a lone writer
    await lone;
    const started = store.syncs.started;
    const told: number[] = [];
    const many = Array.from({ length: 40 }, (_, i) =>
      store.admit(meta(`8/${i + 2}`, 1, { mesh: 10 }), frame, { sync: true }).then(() => {
        told.push(store.syncs.completed);
      }),
    );
    // A duplicate of one still waiting is found in its group, and told once that group is synced.
    const duplicate = store.durable('8/41').then(() => store.syncs.completed);
    await Promise.all(many);
    expect(store.syncs.completed - started).toBeLessThanOrEqual(2); // 40 admissions, one or two syncs
    for (const completed of told) expect(completed).toBeGreaterThanOrEqual(started + 1);
    expect(await duplicate).toBeGreaterThanOrEqual(started + 1);
    expect(await store.due('mesh', 1000, 100)).toHaveLength(41);
    await store.close();
  });

  it('serialises exclusive sections', async () => {
    const store = await MessageStore.open(dir);
    const order: string[] = [];
    const slow = store.exclusive(async () => {
      await new Promise((r) => setTimeout(r, 30));
      order.push('first');
    });
    const fast = store.exclusive(async () => {
      order.push('second');
    });
    await Promise.all([slow, fast]);
    expect(order).toEqual(['first', 'second']);
    await store.close();
  });
});
