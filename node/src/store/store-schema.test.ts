/**
 * Tests for store-schema.ts (docs/store-and-forward.md §Upgrades): a store in the layout the
 * code wrote before layout versions (version 1, made here with raw level calls, byte for byte as
 * that code wrote it) is migrated in place and works; a migration cut short finishes at the next
 * open; a store written by a newer fieldnode is refused with a message that says what to do.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode as cborEncode } from 'cbor-x';
import { Level } from 'level';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { queuedMeta } from '../../test/meta-fixture.js';
import { MessageStore } from './message-store.js';
import { type MessageMeta, outKey } from './records.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-schema-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const T = 1_800_000_000_000;
const pad = (n: number) => String(n).padStart(15, '0');

/**
 * Writes messages as the store before layout versions did: msg and meta by id, an outbox entry
 * per link, an exp entry for each message not final, a tombstone by id holding the first-seen
 * time, and the sequence counter in kv. `extra` are raw writes on top (a migration cut short).
 */
async function writeVersion1(
  messages: MessageMeta[],
  extra: (db: Level<string, Uint8Array>) => Promise<void> = async () => {},
) {
  const db = new Level<string, Uint8Array>(dir, { valueEncoding: 'view' });
  const sub = (name: string) => db.sublevel<string, Uint8Array>(name, { valueEncoding: 'view' });
  const empty = new Uint8Array(0);
  for (const m of messages) {
    await sub('msg').put(m.id, Uint8Array.of(0x54, m.seq));
    await sub('meta').put(m.id, cborEncode(m));
    for (const [link, due] of Object.entries(m.out))
      await sub('out').put(outKey(link, m.priority, due, m.id), empty);
    if (!m.done) await sub('exp').put(`${pad(m.expiresAt)}!${m.id}`, empty);
    await sub('seen').put(m.id, cborEncode(m.events[0]?.at ?? T));
  }
  await sub('kv').put('seq', cborEncode(41));
  await extra(db);
  await db.close();
}

const queued = { ...queuedMeta('2107/1', 1, { mesh: T }), events: [{ at: T, state: 'queued' as const }] };
const noRoute = {
  ...queuedMeta('2107/2', 1, {}),
  local: false,
  events: [{ at: T, state: 'queued' as const }],
};
const received: MessageMeta = {
  ...queuedMeta('2107/3', 1, {}),
  state: 'received',
  done: true,
  events: [
    { at: T, state: 'queued' },
    { at: T + 5000, state: 'received', node: 1 },
  ],
};
const delivered: MessageMeta = {
  ...queuedMeta('1/7', 0, {}),
  local: false,
  forMe: true,
  state: 'delivered',
  done: true,
  events: [{ at: T + 9000, state: 'delivered' }],
};

describe('store layout', () => {
  it('migrates a version 1 store in place: every message, tombstone and index works after', async () => {
    await writeVersion1([queued, noRoute, received, delivered]);
    const store = await MessageStore.open(dir);
    expect(await store.getKv('schema')).toBe(2);
    expect(await store.getKv('seq')).toBe(41);
    for (const id of ['2107/1', '2107/2', '2107/3', '1/7']) expect(await store.hasSeen(id)).toBe(true);
    expect(await store.hasSeen('2107/4')).toBe(false);
    expect(await store.due('mesh', T, 10)).toEqual(['2107/1']);
    expect(await store.waitingIds(undefined, 10)).toEqual(['2107/2']);
    expect((await store.getMeta('2107/3'))?.doneAt).toBe(T + 5000); // its last event
    expect(Array.from((await store.getFrame('1/7')) ?? [])).toEqual([0x54, 7]);
    // The final ones are pruned after the retention, counted from when they ended; the rest stay.
    expect((await store.prune({ now: T + 5000 + 60_000, retentionMs: 60_000, window: 1024 })).messages).toBe(
      1,
    );
    expect(await store.getMeta('2107/3')).toBeUndefined();
    expect(await store.getMeta('1/7')).toBeDefined();
    expect(await store.getMeta('2107/1')).toBeDefined();
    await store.close();
    // Opened again: nothing left to migrate.
    const again = await MessageStore.open(dir);
    expect(await again.waitingIds(undefined, 10)).toEqual(['2107/2']);
    expect(again.forgotten('2107/3')).toBe(false);
    await again.close();
  });

  it('finishes a migration that a power cut stopped half way', async () => {
    // Part of the tombstones were moved and the version not yet written.
    await writeVersion1([queued, received], async (db) => {
      const seen = db.sublevel<string, Uint8Array>('seen', { valueEncoding: 'view' });
      await seen.del('2107/3');
      await seen.put('0000002107!0000000003', cborEncode([T, received.expiresAt]));
    });
    const store = await MessageStore.open(dir);
    expect(await store.getKv('schema')).toBe(2);
    expect(await store.hasSeen('2107/1')).toBe(true);
    // Found only if the origin's top counted the tombstone moved before the cut too.
    expect(await store.hasSeen('2107/3')).toBe(true);
    await store.close();
  });

  it('refuses a store written by a newer fieldnode, says what to do, and leaves it as it was', async () => {
    await writeVersion1([queued], async (db) => {
      await db.sublevel<string, Uint8Array>('kv', { valueEncoding: 'view' }).put('schema', cborEncode(3));
    });
    const refused = MessageStore.open(dir);
    await expect(refused).rejects.toMatchObject({ code: 'STORE_SCHEMA_NEWER' });
    await expect(refused).rejects.toThrow(/newer fieldnode .*layout 3.*up to 2.*move the store aside/);
    // Closed again (not locked) and untouched: refused the same way a second time.
    await expect(MessageStore.open(dir)).rejects.toMatchObject({ code: 'STORE_SCHEMA_NEWER' });
    const db = new Level<string, Uint8Array>(dir, { valueEncoding: 'view' });
    const keys = await db.sublevel<string, Uint8Array>('seen', { valueEncoding: 'view' }).keys().all();
    expect(keys).toEqual(['2107/1']);
    await db.close();
  });

  it('writes its version into a new store', async () => {
    const store = await MessageStore.open(dir);
    expect(await store.getKv('schema')).toBe(2);
    await store.close();
  });
});
