/**
 * The ReceiptBatcher (receipt-batcher.ts; docs/store-and-forward.md §Confirmations): what its
 * `send` receives. Custody and vouched receipts over a hop are batched per link across neighbours
 * (one neighbour: to it; several: one frame to everyone on the link), 'delivered' receipts per
 * node and hop; batches leave after delayMs or at 48 ids; suppress() drops custody ids; a vouched
 * frame's ids ride along in the next two vouched frames of the link, never past 48 ids a frame.
 *
 * Most tests use a fake clock with a long delay and call flush() themselves; one uses real timers.
 */
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../base/logger.js';
import {
  MAX_IDS_PER_RECEIPT,
  type PendingReceipt,
  ReceiptBatcher,
  VOUCHED_ECHOES,
} from './receipt-batcher.js';

const A = 2001;
const B = 2002;
const KIT = 3001;
const meshA = { link: 'mesh', to: 'A' };
const meshB = { link: 'mesh', to: 'B' };

/** A batcher on a fake clock; `sent` collects copies of what it sends. */
function setup(delayMs = 60_000) {
  let now = 1_000_000;
  const sent: PendingReceipt[] = [];
  const batcher = new ReceiptBatcher({
    delayMs,
    now: () => now,
    log: silentLogger,
    send: async (r) => {
      sent.push(structuredClone(r));
    },
  });
  return { batcher, sent, advance: (ms: number) => (now += ms) };
}

const id = (seq: number, origin = KIT) => `${origin}/${seq}`;
const ids = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => id(from + i));

describe('one-hop batches (custody, vouched)', () => {
  it('custody owed to one neighbour goes to it alone, with the most urgent priority', async () => {
    const { batcher, sent } = setup();
    batcher.queue('custody', A, id(1), 2, meshA);
    batcher.queue('custody', A, id(2), 1, meshA);
    batcher.queue('custody', A, id(1), 3, meshA); // the same id again: once
    await batcher.flush(true);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ scope: 'custody', node: A, ids: [id(1), id(2)], priority: 1 });
    expect(sent[0]?.via).toStrictEqual(meshA);
  });

  it('custody owed to several neighbours on one link: one frame to everyone on it', async () => {
    const { batcher, sent } = setup();
    batcher.queue('custody', A, id(1), 2, meshA);
    batcher.queue('custody', B, id(2, 3002), 2, meshB);
    await batcher.flush(true);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.node).toBeUndefined();
    expect(sent[0]?.via).toStrictEqual({ link: 'mesh' });
    expect(sent[0]?.ids).toEqual([id(1), id(2, 3002)]);
  });

  it('after a frame to everyone, the next batch to one neighbour is unicast again', async () => {
    const { batcher, sent } = setup();
    batcher.queue('custody', A, id(1), 2, meshA);
    batcher.queue('custody', B, id(2), 2, meshB);
    await batcher.flush(true);
    batcher.queue('custody', B, id(3), 2, meshB);
    await batcher.flush(true);
    expect(sent.map((r) => [r.node, r.via])).toStrictEqual([
      [undefined, { link: 'mesh' }],
      [B, meshB],
    ]);
  });

  it("keeps links apart, and puts a link's custody and vouched ids in one frame", async () => {
    const { batcher, sent } = setup();
    batcher.queue('custody', A, id(1), 2, meshA);
    batcher.queue('custody', A, id(2), 2, { link: 'ip', to: '127.0.0.1' });
    batcher.queue('vouched', A, id(3), 1, meshA);
    batcher.queue('vouched', B, id(4), 2, { link: 'ip', to: '127.0.0.2' });
    await batcher.flush(true);
    const got = sent
      .map(
        (r) =>
          `${r.scope} ${r.via?.link} ${r.ids.join(',')} +${(r.vouchedIds ?? []).join(',')} P${r.priority}`,
      )
      .sort();
    expect(got).toEqual([`custody ip ${id(2)} +${id(4)} P2`, `custody mesh ${id(1)} +${id(3)} P1`]);
    // Two neighbours on ip: to everyone there; one on mesh: to it.
    expect(sent.find((r) => r.via?.link === 'ip')?.node).toBeUndefined();
    expect(sent.find((r) => r.via?.link === 'mesh')?.node).toBe(A);
  });

  it("flushes a link's vouched ids early with its due custody signal", async () => {
    const { batcher, sent, advance } = setup(1000);
    batcher.queue('custody', A, id(1), 2, meshA);
    advance(500);
    batcher.queue('vouched', A, id(2), 2, meshA);
    advance(500); // the custody signal is due, the vouched receipt not yet
    await batcher.flush();
    expect(sent).toHaveLength(1);
    expect(sent[0]?.vouchedIds).toEqual([id(2)]);
    expect(batcher.pendingIds).toBe(0);
  });

  it('sends vouched ids alone when every custody id was taken over', async () => {
    const { batcher, sent } = setup();
    batcher.queue('custody', A, id(1), 2, meshA);
    batcher.queue('vouched', A, id(1), 2, meshA);
    batcher.suppress([{ origin: KIT, from: 1, to: 1 }]);
    await batcher.flush(true);
    expect(sent.map((r) => [r.scope, r.ids, r.vouchedIds])).toEqual([['vouched', [id(1)], undefined]]);
  });

  it('on a link that is not one shared channel, one frame per neighbour, never to everyone', async () => {
    const sent: PendingReceipt[] = [];
    const batcher = new ReceiptBatcher({
      delayMs: 1000,
      now: () => 0,
      log: silentLogger,
      shared: (link) => link !== 'sat',
      send: async (r) => {
        sent.push(structuredClone(r));
      },
    });
    batcher.queue('custody', A, id(1), 2, { link: 'sat', to: '300234010000001' });
    batcher.queue('custody', B, id(2), 2, { link: 'sat', to: '300234010000002' });
    batcher.queue('vouched', A, id(3), 2, { link: 'sat', to: '300234010000001' });
    await batcher.flush(true);
    expect(sent.map((r) => [r.node, r.via?.to, r.ids, r.vouchedIds]).sort()).toEqual([
      [A, '300234010000001', [id(1)], [id(3)]],
      [B, '300234010000002', [id(2)], undefined],
    ]);
  });

  it('a neighbour with no id is answered at its address; with another neighbour, to everyone', async () => {
    const meshX = { link: 'mesh', to: 'X' };
    const alone = setup();
    alone.batcher.queue('custody', undefined, id(1, 2901), 1, meshX);
    await alone.batcher.flush(true);
    expect(alone.sent).toHaveLength(1);
    expect(alone.sent[0]).toMatchObject({ scope: 'custody', node: undefined, ids: [id(1, 2901)] });
    expect(alone.sent[0]?.via).toStrictEqual(meshX);

    const shared = setup();
    shared.batcher.queue('custody', undefined, id(1, 2901), 1, meshX);
    shared.batcher.queue('custody', A, id(2), 1, meshA);
    await shared.batcher.flush(true);
    expect(shared.sent).toHaveLength(1);
    expect(shared.sent[0]?.node).toBeUndefined();
    expect(shared.sent[0]?.via).toStrictEqual({ link: 'mesh' });
  });

  it('suppress with a link and address drops only custody owed to the neighbour there', async () => {
    const { batcher, sent } = setup();
    batcher.queue('custody', undefined, id(1), 1, { link: 'mesh', to: 'X' });
    batcher.queue('custody', A, id(2), 1, meshA);
    batcher.suppress([{ origin: KIT, from: 1, to: 2 }], undefined, { link: 'ip', to: 'X' });
    expect(batcher.pendingIds).toBe(2); // the same address on another link is someone else
    batcher.suppress([{ origin: KIT, from: 1, to: 2 }], undefined, { link: 'mesh', to: 'X' });
    await batcher.flush(true);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ node: A, ids: [id(2)] });
    expect(sent[0]?.via).toStrictEqual(meshA);
  });

  it('custody without a hop is routed: batched per node, never sent to everyone', async () => {
    const { batcher, sent } = setup();
    batcher.queue('custody', A, id(1), 2);
    batcher.queue('custody', B, id(2), 2);
    batcher.queue('custody', A, id(3), 2);
    await batcher.flush(true);
    expect(sent).toHaveLength(2);
    expect(sent.map((r) => [r.node, r.ids, 'via' in r])).toEqual([
      [A, [id(1), id(3)], false],
      [B, [id(2)], false],
    ]);
  });
});

describe("'delivered' batches", () => {
  it('batch per node and hop, never across neighbours', async () => {
    const { batcher, sent } = setup();
    batcher.queue('delivered', A, id(1), 2, meshA);
    batcher.queue('delivered', B, id(2), 2, meshB);
    batcher.queue('delivered', A, id(3), 2, meshA);
    batcher.queue('delivered', KIT, id(4), 2); // routed back to the origin
    batcher.queue('delivered', KIT, id(5), 2, { link: 'mesh', to: 'K' });
    await batcher.flush(true);
    expect(sent.map((r) => ({ node: r.node, via: r.via, ids: r.ids }))).toStrictEqual([
      { node: A, via: meshA, ids: [id(1), id(3)] },
      { node: B, via: meshB, ids: [id(2)] },
      { node: KIT, via: undefined, ids: [id(4)] },
      { node: KIT, via: { link: 'mesh', to: 'K' }, ids: [id(5)] },
    ]);
    expect('via' in (sent[2] as PendingReceipt)).toBe(false);
  });
});

describe('timing and size', () => {
  it('a batch is due delayMs after its first id, not before', async () => {
    const { batcher, sent, advance } = setup(1000);
    batcher.queue('custody', A, id(1), 2, meshA);
    advance(999);
    batcher.queue('custody', A, id(2), 2, meshA);
    await batcher.flush();
    expect(sent).toHaveLength(0);
    advance(1);
    await batcher.flush();
    expect(sent.map((r) => r.ids)).toEqual([[id(1), id(2)]]);
  });

  it('with real timers, flushes by itself after delayMs', async () => {
    const sent: Array<{ at: number; ids: string[] }> = [];
    const batcher = new ReceiptBatcher({
      delayMs: 40,
      now: () => Date.now(),
      log: silentLogger,
      send: async (r) => {
        sent.push({ at: Date.now(), ids: [...r.ids] });
      },
    });
    const start = Date.now();
    batcher.queue('delivered', KIT, id(1), 2, meshA);
    batcher.queue('delivered', KIT, id(2), 2, meshA);
    await new Promise((r) => setTimeout(r, 10));
    expect(sent).toHaveLength(0);
    const end = Date.now() + 5000;
    while (sent.length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    expect(sent).toHaveLength(1);
    expect(sent[0]?.ids).toEqual([id(1), id(2)]);
    expect((sent[0]?.at ?? 0) - start).toBeGreaterThanOrEqual(40);
    await batcher.stop();
    expect(sent).toHaveLength(1);
  });

  it(`sends at once when a batch reaches ${MAX_IDS_PER_RECEIPT} ids; the next id starts a new one`, async () => {
    const { batcher, sent } = setup();
    for (const x of ids(1, MAX_IDS_PER_RECEIPT)) batcher.queue('custody', A, x, 2, meshA);
    await new Promise((r) => setImmediate(r));
    expect(sent).toHaveLength(1);
    expect(sent[0]?.ids).toHaveLength(MAX_IDS_PER_RECEIPT);
    batcher.queue('custody', A, id(100), 2, meshA);
    await new Promise((r) => setImmediate(r));
    expect(sent).toHaveLength(1);
    await batcher.flush(true);
    expect(sent[1]?.ids).toEqual([id(100)]);
  });

  it('stop() sends everything pending', async () => {
    const { batcher, sent } = setup();
    batcher.queue('custody', A, id(1), 2, meshA);
    batcher.queue('delivered', KIT, id(2), 0);
    await batcher.stop();
    expect(sent.map((r) => r.scope).sort()).toEqual(['custody', 'delivered']);
  });
});

describe('vouched echoes', () => {
  it(`repeats a vouched frame's ids in the next ${VOUCHED_ECHOES} vouched frames of the link, then stops`, async () => {
    expect(VOUCHED_ECHOES).toBe(2);
    const { batcher, sent } = setup();
    for (const seq of [1, 2, 3, 4]) {
      batcher.queue('vouched', A, id(seq), 2, meshA);
      await batcher.flush(true);
    }
    expect(sent.map((r) => r.ids)).toEqual([
      [id(1)],
      [id(2), id(1)],
      [id(3), id(2), id(1)],
      [id(4), id(3), id(2)],
    ]);
    // Each frame still goes to A alone: every id in it is owed to A.
    expect(sent.every((r) => r.node === A && r.via?.to === 'A')).toBe(true);
  });

  it('echoes ride only on a new vouched frame of the same link', async () => {
    const { batcher, sent } = setup();
    batcher.queue('vouched', A, id(1), 2, meshA);
    await batcher.flush(true);
    await batcher.flush(true); // nothing new: no frame just to echo
    batcher.queue('custody', A, id(2), 2, meshA);
    batcher.queue('vouched', A, id(3), 2, { link: 'ip', to: '127.0.0.1' });
    await batcher.flush(true);
    expect(sent.map((r) => `${r.scope} ${r.via?.link} ${r.ids.join(',')}`).sort()).toEqual([
      `custody mesh ${id(2)}`,
      `vouched ip ${id(3)}`,
      `vouched mesh ${id(1)}`,
    ]);
  });

  it('an echo owed to another neighbour does not ride: the frame stays for its own neighbour alone', async () => {
    const { batcher, sent } = setup();
    batcher.queue('vouched', A, id(1), 2, meshA);
    await batcher.flush(true);
    batcher.queue('vouched', B, id(2), 2, meshB);
    await batcher.flush(true);
    expect(sent[1]?.ids).toEqual([id(2)]);
    expect(sent[1]?.node).toBe(B);
    expect(sent[1]?.via).toStrictEqual(meshB);
    // A's id waits for the next frames to A, and rides in them as often as it would have.
    for (const seq of [3, 4, 5]) {
      batcher.queue('vouched', A, id(seq), 2, meshA);
      await batcher.flush(true);
    }
    expect(sent.slice(2).map((r) => r.ids)).toEqual([
      [id(3), id(1)],
      [id(4), id(3), id(1)],
      [id(5), id(4), id(3)],
    ]);
  });

  it(`never puts more than ${MAX_IDS_PER_RECEIPT} ids in a frame, new ids first`, async () => {
    const { batcher, sent } = setup();
    for (const x of ids(1, MAX_IDS_PER_RECEIPT)) batcher.queue('vouched', A, x, 2, meshA);
    await new Promise((r) => setImmediate(r));
    for (const x of ids(101, 110)) batcher.queue('vouched', A, x, 2, meshA);
    await batcher.flush(true);
    batcher.queue('vouched', A, id(200), 2, meshA);
    await batcher.flush(true);
    expect(sent).toHaveLength(3);
    for (const r of sent) {
      expect(r.ids.length).toBeLessThanOrEqual(MAX_IDS_PER_RECEIPT);
      expect(new Set(r.ids).size).toBe(r.ids.length);
    }
    expect(sent[1]?.ids.slice(0, 10)).toEqual(ids(101, 110));
    expect(sent[1]?.ids).toHaveLength(MAX_IDS_PER_RECEIPT);
    // The third frame: its own id, then the second frame's new ids (echoed for the first time).
    expect(sent[2]?.ids.slice(0, 11)).toEqual([id(200), ...ids(101, 110)]);
    expect(sent[2]?.ids).toHaveLength(MAX_IDS_PER_RECEIPT);
  });
});

describe('suppress', () => {
  it('drops the covered ids from pending custody, and sends nothing when none are left', async () => {
    const { batcher, sent } = setup();
    for (const x of ids(1, 3)) batcher.queue('custody', A, x, 2, meshA);
    batcher.queue('custody', A, id(9, 3002), 2, { link: 'ip' });
    batcher.suppress([{ origin: KIT, from: 2, to: 3 }]);
    batcher.suppress([{ origin: 3002, from: 9, to: 9 }]);
    await batcher.flush(true);
    expect(sent.map((r) => r.ids)).toEqual([[id(1)]]);
  });

  it("leaves 'delivered' and vouched receipts alone", async () => {
    const { batcher, sent } = setup();
    batcher.queue('delivered', KIT, id(1), 2, meshA);
    batcher.queue('vouched', A, id(2), 2, meshA);
    batcher.suppress([{ origin: KIT, from: 1, to: 2 }]);
    await batcher.flush(true);
    expect(sent.map((r) => `${r.scope} ${r.ids.join(',')}`).sort()).toEqual([
      `delivered ${id(1)}`,
      `vouched ${id(2)}`,
    ]);
  });

  it('with a node, drops only custody owed to that node', async () => {
    const { batcher, sent } = setup();
    batcher.queue('custody', A, id(1), 2, meshA); // one-hop, to A
    batcher.queue('custody', A, id(2), 2); // routed, to A
    batcher.queue('custody', B, id(3), 2); // routed, to B
    batcher.suppress([{ origin: KIT, from: 1, to: 3 }], B);
    await batcher.flush(true);
    expect(sent.flatMap((r) => r.ids).sort()).toEqual([id(1), id(2)]);
    sent.length = 0;
    batcher.queue('custody', A, id(1), 2, meshA);
    batcher.queue('custody', A, id(2), 2);
    batcher.suppress([{ origin: KIT, from: 1, to: 3 }], A);
    await batcher.flush(true);
    expect(sent).toEqual([]);
  });

  it('with a node, keeps the ids a shared link batch owes to other neighbours', async () => {
    const { batcher, sent } = setup();
    batcher.queue('custody', A, id(1), 2, meshA);
    batcher.queue('custody', B, id(2), 2, meshB);
    // The destination's receipt for both, on its way to A: A's custody signal is moot, B's is not.
    batcher.suppress([{ origin: KIT, from: 1, to: 2 }], A);
    await batcher.flush(true);
    expect(sent.flatMap((r) => r.ids)).toEqual([id(2)]);
  });
});
