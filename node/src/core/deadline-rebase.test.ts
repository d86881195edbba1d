/**
 * Deadlines moved when the clock steps (deadline-rebase.ts; docs/time.md §Elapsed time and steps),
 * on a real MessageStore in a temp dir: a message queued before a GPS fix moved the clock by a day
 * is due, and expires, a day later by the new clock, through the store's own indexes (what the
 * dispatcher and the expiry scan read); final messages keep their record; a step within the
 * sources' resolution moves nothing; more messages than one turn of the lock holds all move.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordingLogger } from '../../test/recording-logger.js';
import { MessageStore } from '../store/message-store.js';
import type { MessageMeta } from '../store/records.js';
import { rebaseDeadlines } from './deadline-rebase.js';
import { newMeta } from './new-meta.js';

const ORIGIN = 3001;
/** The clock before the step, unix ms. */
const NOW = 1_800_000_000_000;
const DAY = 86_400_000;

let dir: string;
let store: MessageStore;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-deadline-rebase-'));
  store = await MessageStore.open(dir);
});
afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

/** Stores message `seq`, due on 'mesh' and 'sat' 5 s and 60 s after NOW, an hour's lifetime. */
async function queued(seq: number, change: Partial<MessageMeta> = {}): Promise<MessageMeta> {
  const meta = newMeta(
    {
      origin: ORIGIN,
      seq,
      priority: 1,
      createdAt: NOW / 1000,
      lifetimeMin: 60,
      dest: { to: 'centre' },
      flags: [],
      kindCode: 1,
    },
    { local: true, forMe: false, receipt: false, broadcastRepeats: 3 },
  );
  Object.assign(
    meta,
    { out: { mesh: NOW + 5000, sat: NOW + 60_000 }, events: [{ at: NOW, state: 'queued' }] },
    change,
  );
  await store.admit(meta, Uint8Array.of(0x54, seq), { sync: false });
  return meta;
}

describe('rebaseDeadlines', () => {
  it('moves due times and the lifetime of a message not final by the step, in the indexes too', async () => {
    const before = await queued(1);
    const { log, lines } = recordingLogger();
    expect(await rebaseDeadlines(DAY, { store, log })).toBe(1);
    await store.settled();

    const after = (await store.getMeta(before.id)) as MessageMeta;
    expect(after.out).toEqual({ mesh: NOW + 5000 + DAY, sat: NOW + 60_000 + DAY });
    expect(after.expiresAt).toBe(before.expiresAt + DAY / 1000);
    // What the dispatcher reads: not due when it was, due a day later.
    expect(await store.due('mesh', NOW + 5000, 10)).toEqual([]);
    expect(await store.due('mesh', NOW + 5000 + DAY, 10)).toEqual([before.id]);
    expect(await store.nextDue('sat')).toBe(NOW + 60_000 + DAY);
    // What the expiry scan reads: not expired at its old end, expired at its new one.
    expect(await store.expiredBy(before.expiresAt)).toEqual([]);
    expect(await store.expiredBy(before.expiresAt + DAY / 1000)).toEqual([before.id]);
    expect(lines.filter((l) => l.level === 'info')).toMatchObject([
      { obj: { stepMs: DAY, messages: 1 }, msg: 'clock stepped: deadlines moved with it' },
    ]);
  });

  it('moves deadlines back when the clock steps back', async () => {
    const before = await queued(1);
    const { log } = recordingLogger();
    expect(await rebaseDeadlines(-2 * DAY, { store, log })).toBe(1);
    const after = (await store.getMeta(before.id)) as MessageMeta;
    expect(after.out.mesh).toBe(NOW + 5000 - 2 * DAY);
    expect(after.expiresAt).toBe(before.expiresAt - (2 * DAY) / 1000);
  });

  it('leaves final messages as they are', async () => {
    const done = await queued(1, { done: true, state: 'received', out: {} });
    const open = await queued(2);
    const { log } = recordingLogger();
    expect(await rebaseDeadlines(DAY, { store, log })).toBe(1);
    expect(await store.getMeta(done.id)).toEqual(done);
    expect((await store.getMeta(open.id))?.expiresAt).toBe(open.expiresAt + DAY / 1000);
  });

  it("moves nothing, and says so, for a step within the time sources' resolution", async () => {
    const before = await queued(1);
    const { log, lines } = recordingLogger();
    expect(await rebaseDeadlines(999, { store, log })).toBeUndefined();
    expect(await rebaseDeadlines(-999, { store, log })).toBeUndefined();
    expect(await store.getMeta(before.id)).toEqual(before);
    expect(lines).toEqual([]);
    // At the resolution itself it moves.
    expect(await rebaseDeadlines(1000, { store, log })).toBe(1);
    expect((await store.getMeta(before.id))?.out.mesh).toBe(NOW + 6000);
  });

  it('moves every open message, however many turns of the store lock that takes', async () => {
    const metas: MessageMeta[] = [];
    for (let seq = 1; seq <= 600; seq++) metas.push(await queued(seq));
    const { log } = recordingLogger();
    expect(await rebaseDeadlines(DAY, { store, log })).toBe(600);
    // The moves are unsynced: read the outbox once they are written, not while the last lands.
    await store.settled();
    for (const m of metas) expect((await store.getMeta(m.id))?.out.mesh, m.id).toBe(NOW + 5000 + DAY);
    expect(await store.due('mesh', NOW + DAY, 1000)).toEqual([]);
  });

  it('logs nothing when nothing is open', async () => {
    const { log, lines } = recordingLogger();
    expect(await rebaseDeadlines(DAY, { store, log })).toBe(0);
    expect(lines).toEqual([]);
  });
});
