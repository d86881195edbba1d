/**
 * Dispatcher.linkUp() (dispatcher.ts; docs/store-and-forward.md §Confirmations): when a link comes
 * back, what already went out on it and waits for a confirmation is held for upGraceMs, so the
 * peer's held custody signals and receipts come first; what never went out goes at once. A real
 * MessageStore in a temp dir, a fake link pair, real timers; the peer counts the frames it hears.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { silentLogger } from '../base/logger.js';
import { createFakeLinkPair, type FakeLink } from '../link/fake-link.js';
import { MessageStore } from '../store/message-store.js';
import type { MessageMeta } from '../store/records.js';
import { Dispatcher } from './dispatcher.js';
import { newMeta } from './new-meta.js';

const GRACE = 300;
const ORIGIN = 3001;

let dir: string;
let store: MessageStore;
let ours: FakeLink;
let peer: FakeLink;
let dispatcher: Dispatcher;
/** What the peer heard: the second byte of each frame (the message's seq), and when. */
let heard: Array<{ seq: number; at: number }>;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-link-up-'));
  store = await MessageStore.open(dir);
  [ours, peer] = createFakeLinkPair({ ids: ['mesh', 'peer'], from: ['A', 'B'] });
  heard = [];
  peer.on('frame', (f) => heard.push({ seq: f.bytes[1] as number, at: Date.now() }));
  dispatcher = new Dispatcher({
    link: ours,
    store,
    // Long enough that nothing is sent twice within a test.
    retry: { initialMs: 60_000, maxMs: 60_000, jitter: 0 },
    receiptWaitMs: 600_000,
    upGraceMs: GRACE,
    now: () => Date.now(),
    random: () => 0.5,
    log: silentLogger,
    onExpired: async () => {},
  });
});
afterEach(async () => {
  await dispatcher.stop();
  await ours.stop();
  await peer.stop();
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

/** Stores message `seq`, queued on 'mesh' (and whatever `change` says). */
async function queue(
  seq: number,
  change: Partial<MessageMeta> = {},
  broadcast = false,
): Promise<MessageMeta> {
  const meta = newMeta(
    {
      origin: ORIGIN,
      seq,
      priority: 1,
      createdAt: Math.floor(Date.now() / 1000),
      lifetimeMin: 60,
      dest: broadcast ? { to: 'all' } : { to: 'centre' },
      flags: [],
      kindCode: 1,
    },
    { local: true, forMe: false, receipt: false, broadcastRepeats: 3 },
  );
  Object.assign(meta, { out: { mesh: Date.now() } }, change);
  await store.admit(meta, Uint8Array.of(0x54, seq, 0, 0), { sync: false });
  return meta;
}

/** A message that went out on 'mesh' before the link went down and is due again now. */
const attempted = (): Partial<MessageMeta> => ({
  state: 'sent',
  attempts: { mesh: 1 },
  out: { mesh: Date.now() - 1000 },
  events: [{ at: Date.now() - 5000, state: 'sent', link: 'mesh' }],
});

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const seqs = () => heard.map((h) => h.seq);

it('holds a repeat for upGraceMs after the link comes up, and sends a fresh message at once', async () => {
  await queue(1, attempted());
  await queue(2);
  await ours.start();
  await peer.start();
  const up = Date.now();
  dispatcher.linkUp();
  await until('the fresh message', () => seqs().includes(2));
  // Had both been held (or neither), 1 would have gone first: the outbox orders equal due times by id.
  expect(seqs()).toEqual([2]);
  const held = await store.getMeta(`${ORIGIN}/1`);
  expect(held?.out.mesh).toBeGreaterThanOrEqual(up + GRACE);
  await until('the repeat', () => seqs().includes(1));
  expect(seqs()).toEqual([2, 1]);
  const repeat = heard.find((h) => h.seq === 1);
  expect((repeat?.at ?? 0) - up).toBeGreaterThanOrEqual(GRACE);
  expect((await store.getMeta(`${ORIGIN}/1`))?.attempts.mesh).toBe(2);
});

it('sends at once what the link refused while it was down (attempted, never sent)', async () => {
  await queue(1, { attempts: { mesh: 2 }, out: { mesh: Date.now() - 1000 } });
  await queue(2, attempted());
  await ours.start();
  await peer.start();
  const up = Date.now();
  dispatcher.linkUp();
  await until('the refused message', () => seqs().includes(1));
  expect(heard.find((h) => h.seq === 1)?.at ?? Number.POSITIVE_INFINITY).toBeLessThan(up + GRACE);
  expect(seqs()).toEqual([1]);
});

it('leaves alone what is due after the grace, what is on other links, and repeats that expect nothing', async () => {
  const later = Date.now() + 10_000;
  // Held by the grace: the yardstick for "at once" below.
  await queue(0, attempted());
  await queue(1, { ...attempted(), out: { mesh: later } });
  await queue(2, {
    ...attempted(),
    out: { mesh: later, sat: Date.now() - 1000 },
    attempts: { mesh: 1, sat: 3 },
  });
  // A broadcast's next repeat: nothing will confirm it, so nothing to wait for.
  await queue(3, attempted(), true);
  await ours.start();
  await peer.start();
  const up = Date.now();
  dispatcher.linkUp();
  await until('the held repeat', () => seqs().includes(0));
  expect(heard.find((h) => h.seq === 0)?.at ?? 0).toBeGreaterThanOrEqual(up + GRACE);
  expect(seqs()).toEqual([3, 0]);
  expect((await store.getMeta(`${ORIGIN}/1`))?.out).toEqual({ mesh: later });
  const other = await store.getMeta(`${ORIGIN}/2`);
  expect(other?.out.mesh).toBe(later);
  expect(other?.out.sat).toBeLessThan(up);
});

it('holds the repeat when something else wakes the dispatcher as the link comes up', async () => {
  await queue(1, attempted());
  await ours.start();
  await peer.start();
  const up = Date.now();
  // A message for this link arrives at the moment the link comes back: its kick must not send
  // the repeat ahead of the grace (the hold is decided when a message is picked).
  dispatcher.kick();
  dispatcher.linkUp();
  await queue(2);
  dispatcher.kick();
  await until('the repeat', () => seqs().includes(1));
  expect(seqs()).toEqual([2, 1]);
  expect((heard.find((h) => h.seq === 1)?.at ?? 0) - up).toBeGreaterThanOrEqual(GRACE);
});

it('holds a repeat once per send: the link coming up again within the grace does not hold it longer', async () => {
  await queue(1, attempted());
  await ours.start();
  await peer.start();
  const first = Date.now();
  dispatcher.linkUp();
  await new Promise((r) => setTimeout(r, GRACE / 2));
  const second = Date.now();
  dispatcher.linkUp(); // down and up again: the repeat already waited once
  await until('the repeat', () => seqs().includes(1));
  const at = heard.find((h) => h.seq === 1)?.at ?? 0;
  expect(at - first).toBeGreaterThanOrEqual(GRACE);
  expect(at - second).toBeLessThan(GRACE - 50);
});

it('a refusal on this link is not a send, though the message went out on another link', async () => {
  await queue(1, {
    state: 'sent',
    attempts: { mesh: 1, sat: 1 },
    out: { mesh: Date.now() - 1000 },
    events: [
      { at: Date.now() - 5000, state: 'sent', link: 'sat' },
      { at: Date.now() - 4000, state: 'sent', link: 'mesh', detail: 'LINK_DOWN' },
    ],
  });
  await ours.start();
  await peer.start();
  const up = Date.now();
  dispatcher.linkUp();
  await until('the message', () => seqs().includes(1));
  expect((heard.find((h) => h.seq === 1)?.at ?? Number.POSITIVE_INFINITY) - up).toBeLessThan(GRACE);
});
