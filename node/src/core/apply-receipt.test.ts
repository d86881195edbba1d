/**
 * What a receipt does to the records a node holds (apply-receipt.ts; docs/store-and-forward.md
 * §Confirmations), on a real MessageStore in a temp dir: 'delivered' counts only from the
 * destination; custody and vouched only from the neighbour the message was sent toward (the real
 * sentToward of confirmations.ts), never from the one it came from; custody ends a relay's work
 * but keeps an origin asking after the receipt wait; vouched ends even a record in custody; final
 * records are never touched; relayed records ended as 'received' are returned to be vouched on.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../base/logger.js';
import { MessageStore } from '../store/message-store.js';
import type { MessageMeta } from '../store/records.js';
import type { EnvelopeFlag } from '../wire/envelope.js';
import type { SeqRange } from '../wire/kinds/receipt.js';
import type { Message } from '../wire/message.js';
import { type ApplyReceiptDeps, applyReceipt, MAX_RECEIPT_IDS } from './apply-receipt.js';
import { sentToward } from './confirmations.js';
import { newMeta } from './new-meta.js';

const CENTRE = 1;
/** The kit K that made the messages, the relays R2 and R3, the gateway G. */
const K = 3001;
const R3 = 2003;
const G = 2100;
const NOW = 1_800_000_100_000;
const WAIT = 600_000;

/** Who is on which link, by address, as the core's link configuration lists them. */
const onLinks: Record<string, Record<string, number>> = {
  mesh: { K: K, R3: R3, G: G },
  sat: { IMEI: CENTRE },
};

let dir: string;
let store: MessageStore;
let changed: MessageMeta[];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-apply-receipt-'));
  store = await MessageStore.open(dir);
  changed = [];
});
afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

/** The deps of a node hearing the receipt on `link`, as message-intake.ts builds them. */
function deps(link = 'mesh'): ApplyReceiptDeps {
  return {
    store,
    isCentre: (n) => n === CENTRE,
    sentToward: (meta, node) => sentToward(meta, node, link, (l) => onLinks[l]),
    receiptWaitMs: WAIT,
    link,
    now: () => NOW,
    log: silentLogger,
    onState: (meta) => changed.push(meta),
  };
}

interface Held {
  seq: number;
  /** Made on this node (the origin) rather than relayed. */
  local?: boolean;
  dest?: MessageMeta['dest'];
  flags?: EnvelopeFlag[];
  change?: Partial<MessageMeta>;
}

/** Stores a record of K's message `seq`: by default relayed here from K, sent on toward G on 'mesh'. */
async function hold({ seq, local = false, dest = { to: 'centre' }, flags = [], change = {} }: Held) {
  const meta = newMeta(
    { origin: K, seq, priority: 1, createdAt: 1_800_000_000, lifetimeMin: 60, dest, flags, kindCode: 1 },
    { local, forMe: false, receipt: false, broadcastRepeats: 3 },
  );
  Object.assign(
    meta,
    {
      state: 'sent',
      out: { mesh: NOW + 5000 },
      attempts: { mesh: 1 },
      nextHop: { mesh: 'G' },
      events: [{ at: NOW - 1000, state: 'sent', link: 'mesh' }],
      ...(local ? {} : { prevHop: { link: 'mesh', from: 'K', node: K } }),
    },
    change,
  );
  await store.admit(meta, Uint8Array.of(0x54, seq), { sync: false });
  return meta;
}

function receipt(
  by: number,
  scope: 'delivered' | 'custody' | 'vouched',
  ranges: SeqRange[],
): Extract<Message, { kind: 'receipt' }> {
  return {
    kind: 'receipt',
    origin: by,
    seq: 77,
    priority: 1,
    clockUntrusted: false,
    flags: ['noReceipt'],
    createdAt: 1_800_000_090,
    lifetimeMin: 60,
    dest: { to: 'node', node: 2002 },
    body: { ranges, scope },
  };
}

const one = (seq: number): SeqRange[] => [{ origin: K, from: seq, to: seq }];
const get = async (seq: number) => store.getMeta(`${K}/${seq}`);

describe("'delivered'", () => {
  it('from the destination ends a relayed record and returns it to be vouched on', async () => {
    await hold({ seq: 1 });
    const relayed = await applyReceipt(receipt(CENTRE, 'delivered', one(1)), deps('sat'));
    const after = await get(1);
    expect(after).toMatchObject({ state: 'received', done: true, out: {} });
    expect(after?.events.at(-1)).toMatchObject({ at: NOW, state: 'received', node: CENTRE });
    expect(relayed.map((m) => m.id)).toEqual([`${K}/1`]);
    expect(changed.map((m) => m.id)).toEqual([`${K}/1`]);
    expect(await store.due('mesh', NOW + 10_000, 10)).toEqual([]);
  });

  it('from anyone else changes nothing', async () => {
    const before = await hold({ seq: 1 });
    expect(await applyReceipt(receipt(G, 'delivered', one(1)), deps())).toEqual([]);
    expect(await get(1)).toEqual(before);
    expect(changed).toEqual([]);
  });

  it('to a node: only from that node', async () => {
    await hold({ seq: 1, dest: { to: 'node', node: 4004 } });
    await applyReceipt(receipt(CENTRE, 'delivered', one(1)), deps());
    expect((await get(1))?.state).toBe('sent');
    await applyReceipt(receipt(4004, 'delivered', one(1)), deps());
    expect((await get(1))?.state).toBe('received');
  });

  it('at the origin: received, but nothing to vouch on', async () => {
    await hold({ seq: 1, local: true });
    expect(await applyReceipt(receipt(CENTRE, 'delivered', one(1)), deps())).toEqual([]);
    expect(await get(1)).toMatchObject({ state: 'received', done: true, out: {} });
  });

  it('at a relay: returned even when its previous hop was unknown then (the core looks again), not for a noReceipt message', async () => {
    await hold({ seq: 1, change: { prevHop: { link: 'mesh', from: 'X' } } });
    await hold({ seq: 2, flags: ['noReceipt'] });
    const relayed = await applyReceipt(receipt(CENTRE, 'delivered', [{ origin: K, from: 1, to: 2 }]), deps());
    expect(relayed.map((m) => m.id)).toEqual([`${K}/1`]);
    expect((await get(1))?.state).toBe('received');
    expect((await get(2))?.state).toBe('received');
  });

  it('ends a relayed record already handed on in custody, and returns it', async () => {
    await hold({ seq: 1, change: { state: 'custody', done: true, custodyBy: G, out: {} } });
    const relayed = await applyReceipt(receipt(CENTRE, 'delivered', one(1)), deps());
    expect(relayed.map((m) => m.id)).toEqual([`${K}/1`]);
    expect((await get(1))?.state).toBe('received');
  });

  it('leaves records of messages delivered here alone', async () => {
    const before = await hold({ seq: 1, change: { forMe: true, state: 'delivered', done: true, out: {} } });
    await applyReceipt(receipt(CENTRE, 'delivered', one(1)), deps());
    expect(await get(1)).toEqual(before);
  });
});

describe('custody', () => {
  it('from the next hop ends a relay’s work: custody, done, out of the outbox', async () => {
    await hold({ seq: 1 });
    expect(await applyReceipt(receipt(G, 'custody', one(1)), deps())).toEqual([]);
    const after = await get(1);
    expect(after).toMatchObject({ state: 'custody', custodyBy: G, done: true, out: {} });
    expect(after?.events.at(-1)).toMatchObject({ at: NOW, state: 'custody', node: G });
    expect(await store.outboxCounts()).toEqual({});
  });

  it('at the origin keeps only the link the custody came on, due again after the receipt wait', async () => {
    await hold({
      seq: 1,
      local: true,
      change: { out: { mesh: NOW - 10, sat: NOW + 60_000 }, nextHop: { mesh: 'G' } },
    });
    await applyReceipt(receipt(G, 'custody', one(1)), deps());
    expect(await get(1)).toMatchObject({
      state: 'custody',
      custodyBy: G,
      done: false,
      out: { mesh: NOW + WAIT },
    });
    expect(await store.due('mesh', NOW + WAIT - 1, 10)).toEqual([]);
    expect(await store.due('mesh', NOW + WAIT, 10)).toEqual([`${K}/1`]);
  });

  it('at the origin of a noReceipt message ends its work', async () => {
    await hold({ seq: 1, local: true, flags: ['noReceipt'] });
    await applyReceipt(receipt(G, 'custody', one(1)), deps());
    expect(await get(1)).toMatchObject({ state: 'custody', done: true, out: {} });
  });

  it('does nothing to a record already done', async () => {
    const before = await hold({ seq: 1, change: { state: 'custody', done: true, custodyBy: G, out: {} } });
    await applyReceipt(receipt(G, 'custody', one(1)), deps());
    expect(await get(1)).toEqual(before);
    expect(changed).toEqual([]);
  });

  it('never counts from the hop the message came from, even with no next hop named', async () => {
    const before = await hold({ seq: 1, change: { nextHop: {} } });
    await applyReceipt(receipt(K, 'custody', one(1)), deps());
    expect(await get(1)).toEqual(before);
    // Any other neighbour on the link may speak when no next hop was named.
    await applyReceipt(receipt(R3, 'custody', one(1)), deps());
    expect((await get(1))?.custodyBy).toBe(R3);
  });

  it('does not count from a neighbour on a link the message never went on', async () => {
    const before = await hold({ seq: 1, change: { out: { sat: NOW }, attempts: {}, nextHop: {} } });
    await applyReceipt(receipt(G, 'custody', one(1)), deps('mesh'));
    expect(await get(1)).toEqual(before);
  });

  it('two relays: R2 sent X toward G; custody from R3 does not end it, custody from G does', async () => {
    // This store is R2's: it holds X (K/5) from the kit K, routed on over 'mesh' to next hop 'G'.
    const before = await hold({ seq: 5 });
    expect(before.prevHop?.node).toBe(K);
    await applyReceipt(receipt(R3, 'custody', one(5)), deps('mesh'));
    expect(await get(5)).toEqual(before);
    expect(await store.due('mesh', NOW + 5000, 10)).toEqual([`${K}/5`]);
    await applyReceipt(receipt(G, 'custody', one(5)), deps('mesh'));
    expect(await get(5)).toMatchObject({ state: 'custody', custodyBy: G, done: true, out: {} });
    expect(changed).toHaveLength(1);
  });
});

describe('vouched', () => {
  it('ends a relayed record done by custody as received, and returns it to be vouched on', async () => {
    await hold({ seq: 1, change: { state: 'custody', done: true, custodyBy: G, out: {} } });
    const relayed = await applyReceipt(receipt(G, 'vouched', one(1)), deps());
    expect(relayed.map((m) => m.id)).toEqual([`${K}/1`]);
    const after = await get(1);
    expect(after).toMatchObject({ state: 'received', done: true, out: {} });
    expect(after?.events.at(-1)).toMatchObject({ state: 'received', node: G });
  });

  it('at the origin, waiting after custody: received, nothing returned', async () => {
    await hold({
      seq: 1,
      local: true,
      change: { state: 'custody', custodyBy: G, out: { mesh: NOW + WAIT } },
    });
    expect(await applyReceipt(receipt(G, 'vouched', one(1)), deps())).toEqual([]);
    expect(await get(1)).toMatchObject({ state: 'received', done: true, out: {} });
    expect(await store.outboxCounts()).toEqual({});
  });

  it('rides in a custody signal: one frame hands one message on and ends another', async () => {
    await hold({ seq: 1, local: true, change: { nextHop: { mesh: 'G' } } });
    await hold({
      seq: 2,
      local: true,
      change: { state: 'custody', custodyBy: G, out: { mesh: NOW + WAIT } },
    });
    const both = receipt(G, 'custody', one(1));
    both.body.vouched = one(2);
    expect(await applyReceipt(both, deps())).toEqual([]);
    expect(await get(1)).toMatchObject({ state: 'custody', custodyBy: G, done: false });
    expect(await get(2)).toMatchObject({ state: 'received', done: true });
  });

  it('not from another relay nor from the previous hop', async () => {
    const before = await hold({ seq: 1, change: { state: 'custody', done: true, custodyBy: G, out: {} } });
    for (const by of [R3, K]) expect(await applyReceipt(receipt(by, 'vouched', one(1)), deps())).toEqual([]);
    expect(await get(1)).toEqual(before);
  });
});

describe('final records', () => {
  for (const state of ['received', 'acknowledged', 'expired', 'failed'] as const) {
    it(`a record ${state} is untouched by any receipt`, async () => {
      const before = await hold({ seq: 1, change: { state, done: true, out: {}, attempts: { mesh: 1 } } });
      for (const scope of ['delivered', 'custody', 'vouched'] as const) {
        const by = scope === 'delivered' ? CENTRE : G;
        expect(await applyReceipt(receipt(by, scope, one(1)), deps())).toEqual([]);
      }
      expect(await get(1)).toEqual(before);
      expect(changed).toEqual([]);
    });
  }
});

describe('ranges', () => {
  it('applies to every held id in the ranges and skips the rest', async () => {
    await hold({ seq: 2 });
    await hold({ seq: 4 });
    await hold({ seq: 9 });
    await applyReceipt(receipt(G, 'custody', [{ origin: K, from: 1, to: 5 }]), deps());
    expect((await get(2))?.state).toBe('custody');
    expect((await get(4))?.state).toBe('custody');
    expect((await get(9))?.state).toBe('sent');
  });

  it(`looks at no more than ${MAX_RECEIPT_IDS} ids of one receipt`, async () => {
    await hold({ seq: 10 });
    await hold({ seq: MAX_RECEIPT_IDS + 10 });
    await applyReceipt(receipt(G, 'custody', [{ origin: K, from: 1, to: 5000 }]), deps());
    expect((await get(10))?.state).toBe('custody');
    expect((await get(MAX_RECEIPT_IDS + 10))?.state).toBe('sent');
  });
});
