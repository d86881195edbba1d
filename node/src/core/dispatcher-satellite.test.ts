/**
 * The dispatcher over a billed (satellite) link (dispatcher.ts; docs/store-and-forward.md
 * §Satellite): a message that wants no receipt is done once Iridium accepted it (the centre sends
 * nothing back for it, confirmations.ts), while one that wants a receipt waits the link's
 * confirmation wait; what is due waits its hold and shares one frame (shared-message-plan.ts),
 * a frame waiting in the link is taken back when more must go now, the budget is checked before a
 * send and counts what went and what the link spent besides, and a link's own mailbox check
 * carries what waits. A real MessageStore in a temp dir; a fake link pair classed as satellite, or
 * a billed test link that holds each send until the test lets it go.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeCapabilitiesFor } from '../../test/fake-capabilities.js';
import { silentLogger } from '../base/logger.js';
import { createFakeLinkPair } from '../link/fake-link.js';
import type { LinkCapabilities, SendOptions, SendOutcome } from '../link/link.js';
import { failed, LinkBase } from '../link/link-base.js';
import { MessageStore } from '../store/message-store.js';
import { unpackBatch } from '../wire/batch.js';
import { type EnvelopeFlag, writeEnvelope } from '../wire/envelope.js';
import { BillingBudget, type BudgetAlarm } from './billing-budget.js';
import { Dispatcher } from './dispatcher.js';
import { newMeta } from './new-meta.js';
import type { SharingOptions } from './shared-sender.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A text from kit 5001 to the centre, queued here and due on the link 'sat' at `dueAt`. */
function satMeta(
  seq: number,
  priority: 0 | 1 | 2 | 3,
  flags: EnvelopeFlag[],
  dueAt: number,
  lifetimeMin = 60,
) {
  const meta = newMeta(
    {
      origin: 5001,
      seq,
      priority,
      createdAt: Math.floor(Date.now() / 1000),
      lifetimeMin,
      dest: { to: 'centre' },
      flags,
      kindCode: 8,
    },
    { local: true, forMe: false, receipt: false, broadcastRepeats: 3 },
  );
  meta.out = { sat: dueAt };
  return meta;
}

it('ends a no-receipt message when the satellite takes it, and keeps one that wants a receipt', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'fieldnode-sat-dispatch-'));
  const store = await MessageStore.open(dir);
  const [sat, centre] = createFakeLinkPair({
    ids: ['sat', 'centre'],
    capabilities: fakeCapabilitiesFor('satellite', { centre: false }),
  });
  const dispatcher = new Dispatcher({
    link: sat,
    store,
    retry: { initialMs: 1000, maxMs: 1000, jitter: 0 },
    receiptWaitMs: 600_000,
    upGraceMs: 0,
    now: () => Date.now(),
    random: () => 0.5,
    log: silentLogger,
    onExpired: async () => {},
  });
  cleanups.push(async () => {
    await dispatcher.stop();
    await sat.stop();
    await centre.stop();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });
  const queue = async (seq: number, flags: EnvelopeFlag[]) => {
    const meta = satMeta(seq, 2, flags, Date.now());
    await store.admit(meta, Uint8Array.of(0x58, 0x08, seq), { sync: false });
  };
  await queue(1, ['noReceipt']);
  await queue(2, []);
  let heard = 0;
  centre.on('frame', () => heard++);
  await sat.start();
  await centre.start();
  dispatcher.kick();
  const end = Date.now() + 5000;
  while (heard < 1 && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
  await new Promise((r) => setTimeout(r, 50)); // the outcome is recorded after the send
  const position = await store.getMeta('5001/1');
  const report = await store.getMeta('5001/2');
  expect(position?.done).toBe(true);
  expect(position?.out).toEqual({});
  expect(position?.state).toBe('sent');
  expect(report?.done).toBe(false);
  expect(report?.out.sat).toBeGreaterThan(Date.now());
});

/** A billed link that holds each send until the test settles it; an abort takes a held send back. */
class HeldLink extends LinkBase {
  readonly kind = 'fake' as const;
  takesBack: true | undefined = true;
  readonly sends: Array<{ frame: Uint8Array; opts: SendOptions; settle: (o: SendOutcome) => void }> = [];
  readonly #extra = new Set<(units: number) => void>();
  readonly #offers = new Set<() => Promise<void>>();

  readonly #caps: Partial<LinkCapabilities>;

  constructor(caps: Partial<LinkCapabilities> = { billing: { unitBytes: 50, minUnits: 1 } }) {
    super({ id: 'sat', mtu: 340, name: 'held' });
    this.#caps = caps;
  }

  override get capabilities(): LinkCapabilities {
    return { ...super.capabilities, ...this.#caps };
  }

  onExtraUnits(listener: (units: number) => void): () => void {
    this.#extra.add(listener);
    return () => this.#extra.delete(listener);
  }

  onSendOpportunity(listener: () => Promise<void>): () => void {
    this.#offers.add(listener);
    return () => this.#offers.delete(listener);
  }

  /** A mailbox check of its own: offers the core the chance to send, then bills `units`. */
  async mailboxCheck(units: number): Promise<void> {
    for (const offer of this.#offers) await offer();
    for (const listener of this.#extra) listener(units);
  }

  protected async open(): Promise<void> {
    this.goUp();
  }

  protected async close(): Promise<void> {
    for (const s of this.sends.splice(0)) s.settle(failed('later', 'LINK_DOWN', 'stopped'));
  }

  protected transmit(frame: Uint8Array, opts: SendOptions): Promise<SendOutcome> {
    return new Promise((resolve) => {
      const entry = { frame, opts, settle: resolve };
      this.sends.push(entry);
      opts.signal?.addEventListener('abort', () => {
        const i = this.sends.indexOf(entry);
        if (i < 0) return;
        this.sends.splice(i, 1);
        resolve(failed('later', 'BUSY', 'aborted'));
      });
    });
  }

  /** Lets the oldest held send go with `outcome`. */
  release(outcome: SendOutcome = { ok: true }): Uint8Array {
    const s = this.sends.shift();
    if (!s) throw new Error('nothing held');
    s.settle(outcome);
    return s.frame;
  }
}

/** A billed link with nothing but the skeleton: no take-back, no send opportunities. */
class PlainBilledLink extends LinkBase {
  readonly kind = 'fake' as const;
  readonly sends: Uint8Array[] = [];

  constructor() {
    super({ id: 'sat', mtu: 340, name: 'plain' });
  }

  override get capabilities(): LinkCapabilities {
    return { ...super.capabilities, billing: { unitBytes: 50, minUnits: 1 } };
  }

  protected async open(): Promise<void> {
    this.goUp();
  }

  protected async close(): Promise<void> {}

  protected async transmit(frame: Uint8Array): Promise<SendOutcome> {
    this.sends.push(frame);
    return { ok: true };
  }
}

async function heldRig(
  sharing: SharingOptions,
  retry = { initialMs: 100, maxMs: 100, jitter: 0 },
  caps?: Partial<LinkCapabilities>,
) {
  const dir = await mkdtemp(join(tmpdir(), 'fieldnode-sat-share-'));
  const store = await MessageStore.open(dir);
  const link = new HeldLink(caps);
  const alarms: BudgetAlarm[] = [];
  const dispatcher = new Dispatcher({
    link,
    store,
    retry,
    receiptWaitMs: 600_000,
    upGraceMs: 0,
    now: () => Date.now(),
    random: () => 0.5,
    log: silentLogger,
    onExpired: async () => {},
    sharing,
    onBudgetAlarm: (a) => alarms.push(a),
  });
  cleanups.push(async () => {
    // As the daemon does: sending stops, and stopping the link settles what it held.
    await Promise.all([dispatcher.stop(), link.stop()]);
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });
  let seq = 0;
  const queue = async (priority: 0 | 1 | 2 | 3, size = 20, flags: EnvelopeFlag[] = [], envelope = false) => {
    seq++;
    const meta = satMeta(seq, priority, flags, Date.now());
    let frame = new Uint8Array(size).fill(seq);
    frame[0] = 0x50 | (priority << 2);
    if (envelope) {
      // A real envelope (docs/wire-format.md §2) before the filler, as shared-field batches read one.
      const head: number[] = [];
      writeEnvelope(head, {
        kindCode: 8,
        auth: 'mac',
        priority,
        clockUntrusted: false,
        flags,
        origin: 5001,
        seq,
        createdAt: 1_790_000_000,
        lifetimeMin: 60,
        dest: { to: 'centre' },
      });
      frame = Uint8Array.from([...head, ...frame.subarray(head.length)]);
    }
    await store.admit(meta, frame, { sync: false });
    dispatcher.kick();
    return meta.id;
  };
  await link.start();
  dispatcher.kick();
  return { link, store, dispatcher, queue, alarms };
}

const until = async (what: string, check: () => boolean | Promise<boolean>, ms = 5000) => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for: ${what}`);
};
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const firstBytes = (frame: Uint8Array) => unpackBatch(frame).map((e) => e[1]);

describe('sharing a billed link', () => {
  it('holds by priority from when a message became due, and lets what waits ride with what must go', async () => {
    const r = await heldRig({ holdMs: [0, 400, 60_000, 60_000] });
    await r.queue(2); // seq 1
    await r.queue(1); // seq 2
    await pause(200);
    expect(r.link.sends).toHaveLength(0); // both held
    await until('the P1 hold runs out', () => r.link.sends.length === 1);
    // The P1 is due; the P2 rides along, most urgent first, in one frame that awaits a reply.
    expect(firstBytes(r.link.sends[0]?.frame as Uint8Array)).toEqual([2, 1]);
    expect(r.link.sends[0]?.opts).toMatchObject({ priority: 1, awaitsReply: true });
    r.link.release();
    await until('recorded', async () => (await r.store.getMeta('5001/1'))?.state === 'sent');
    expect((await r.store.getMeta('5001/2'))?.credits).toBeCloseTo(0.5);
  });

  it('takes back the frame that waits in the link to pack it again with a P0', async () => {
    const r = await heldRig({ holdMs: [0, 0, 60_000, 60_000] });
    await r.queue(1);
    await until('the P1 goes', () => r.link.sends.length === 1);
    await r.queue(0);
    await until('packed again', () => r.link.sends.length === 1 && r.link.sends[0]?.frame[0] === 0x02);
    expect(firstBytes(r.link.sends[0]?.frame as Uint8Array)).toEqual([2, 1]);
    expect(r.link.sends[0]?.opts.priority).toBe(0);
    r.link.release();
    await until('both sent', async () => (await r.store.getMeta('5001/1'))?.attempts.sat === 1);
    // Taken back is not an attempt: each was recorded once, for the frame that went.
    expect((await r.store.getMeta('5001/2'))?.attempts.sat).toBe(1);
  });

  it('packs a shared-field batch where the other end reads one, and the frames come out as stored', async () => {
    const r = await heldRig({ holdMs: [0, 60_000, 60_000, 60_000], sharedFields: true });
    const ids = [
      await r.queue(2, 30, [], true),
      await r.queue(2, 30, [], true),
      await r.queue(0, 30, [], true),
    ];
    await until(
      'the P0 goes with the rest',
      () => r.link.sends.length === 1 && unpackBatch(r.link.sends[0]?.frame as Uint8Array).length === 3,
    );
    const frame = r.link.sends[0]?.frame as Uint8Array;
    expect(frame[0]).toBe(0x04);
    const stored = await Promise.all(
      ids.map(async (id) => Buffer.from((await r.store.getFrame(id)) as Uint8Array).toString('hex')),
    );
    expect(
      unpackBatch(frame)
        .map((f) => Buffer.from(f).toString('hex'))
        .sort(),
    ).toEqual(stored.sort());
    // Shorter than the plain batch of the same frames: 1 + 3 × (1 + 30) bytes.
    expect(frame.length).toBeLessThan(94);
    r.link.release();
  });

  it('waits for the frame in flight on a link that does not take sends back', async () => {
    const r = await heldRig({ holdMs: [0, 0, 60_000, 60_000] });
    r.link.takesBack = undefined;
    await r.queue(1);
    await until('the P1 goes', () => r.link.sends.length === 1);
    expect(r.link.sends[0]?.opts.signal).toBeUndefined();
    await r.queue(0);
    await pause(100);
    expect(r.link.sends).toHaveLength(1); // not aborted: such a link may have sent it all the same
    r.link.release();
    await until('the P0 goes next', () => r.link.sends.length === 1 && r.link.sends[0]?.opts.priority === 0);
  });

  it('does not hold again after a failed send: the backoff does not restart the hold', async () => {
    const r = await heldRig({ holdMs: [0, 300, 60_000, 60_000] }, { initialMs: 50, maxMs: 50, jitter: 0 });
    await r.queue(1);
    await until('the hold runs out', () => r.link.sends.length === 1);
    const heldAt = Date.now();
    r.link.release(failed('later', 'NO_SERVICE', 'no sky'));
    await until('sent again', () => r.link.sends.length === 1);
    expect(Date.now() - heldAt).toBeLessThan(250); // the 50 ms backoff, not another 300 ms hold
  });

  it('sends what waits in the mailbox check the link makes anyway', async () => {
    const r = await heldRig({ holdMs: [0, 60_000, 60_000, 60_000] });
    await r.queue(3);
    await pause(100);
    expect(r.link.sends).toHaveLength(0);
    await r.link.mailboxCheck(1);
    expect(r.link.sends).toHaveLength(1); // sent before the offer settled
  });

  it('keeps to the budget: counts what went and what the link spent, refuses P1, lets P0 over it', async () => {
    const budget = new BillingBudget({ perDay: 3 });
    const r = await heldRig(
      { holdMs: [0, 0, 0, 0], budget },
      { initialMs: 60_000, maxMs: 60_000, jitter: 0 },
    );
    await r.queue(1, 60);
    await until('sent', () => r.link.sends.length === 1);
    r.link.release();
    await until('counted', () => budget.usedToday(Date.now()) === 2);
    await r.link.mailboxCheck(1); // nothing waits: the check's credit counts all the same
    expect(budget.usedToday(Date.now())).toBe(3);
    expect(r.alarms.map((a) => [a.code, a.active, a.scope])).toEqual([
      ['BUDGET_WARNING', true, 'day'],
      ['BUDGET_EXHAUSTED', true, 'day'],
    ]);
    const p1 = await r.queue(1);
    await until('refused', async () => (await r.store.getMeta(p1))?.attempts.sat === 1);
    expect(r.link.sends).toHaveLength(0);
    expect((await r.store.getMeta(p1))?.events.at(-1)).toMatchObject({ detail: 'BUSY' });
    await r.queue(0);
    await until('the P0 goes over the budget', () => r.link.sends.length === 1);
  });

  it('sends a message the budget refused once the budget frees, with nothing else to wake the link', async () => {
    let offset = 0;
    const now = () => Date.now() + offset;
    const dir = await mkdtemp(join(tmpdir(), 'fieldnode-sat-refused-'));
    const store = await MessageStore.open(dir);
    const link = new PlainBilledLink();
    const budget = new BillingBudget({ perDay: 3 });
    budget.spend(3, now());
    const dispatcher = new Dispatcher({
      link,
      store,
      retry: { initialMs: 100, maxMs: 100, jitter: 0 },
      receiptWaitMs: 600_000,
      upGraceMs: 0,
      now,
      random: () => 0.5,
      log: silentLogger,
      onExpired: async () => {},
      sharing: { holdMs: [0, 0, 0, 0], budget },
    });
    cleanups.push(async () => {
      await Promise.all([dispatcher.stop(), link.stop()]);
      await store.close();
      await rm(dir, { recursive: true, force: true });
    });
    const meta = satMeta(1, 1, [], now(), 6000);
    await store.admit(meta, Uint8Array.of(0x54, 1, 1), { sync: false });
    await link.start();
    dispatcher.kick();
    await until('refused', async () => (await store.getMeta(meta.id))?.attempts.sat === 1);
    offset += 25 * 3_600_000; // the rolling day frees the units
    await until('sent once the budget allows', () => link.sends.length === 1);
  });

  it('shares on a link with a minimum interval between sends and no bill, never sending sooner', async () => {
    const r = await heldRig({}, undefined, { minSendIntervalMs: 400 });
    await r.queue(2);
    await until('the first goes at once', () => r.link.sends.length === 1);
    const firstAt = Date.now();
    r.link.release();
    await r.queue(1);
    await r.queue(3);
    await until('the next shares one frame after the interval', () => r.link.sends.length === 1, 2000);
    expect(Date.now() - firstAt).toBeGreaterThanOrEqual(390);
    // The first, still unconfirmed after its 100 ms retry, goes again with them, in priority order.
    expect(firstBytes(r.link.sends[0]?.frame as Uint8Array)).toEqual([2, 1, 3]);
  });
});
