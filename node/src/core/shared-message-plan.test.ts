/**
 * Tests for shared-message-plan.ts and the shared path's packShared (shared-sender.ts): which due
 * messages share the next billed message, how long they wait for that, what the budget lets go, and
 * the frame they share (docs/store-and-forward.md §Satellite; docs/iridium.md §2.4 credits per 50
 * bytes).
 */
import { describe, expect, it } from 'vitest';
import { macAuthenticator } from '../crypto/authenticate.js';
import { unpackBatch } from '../wire/batch.js';
import { fixtureMacKey } from '../wire/fixtures/fixture-keys.js';
import { referenceFrames } from '../wire/fixtures/reference-frames.js';
import { decodeFrame, encodeMessage, type Message } from '../wire/message.js';
import { billedUnits } from './billing.js';
import { BillingBudget } from './billing-budget.js';
import {
  DEFAULT_SHARED_HOLD_MS,
  type Priority,
  planSharedMessage,
  type ShareCandidate,
  sharedSize,
} from './shared-message-plan.js';
import { packShared } from './shared-sender.js';

const MIN = 60_000;
const billing = { unitBytes: 50, minUnits: 1 };
const policy = { holdMs: DEFAULT_SHARED_HOLD_MS, maxBytes: 340, billing };

let nextId = 1;
function msg(bytes: number, priority: Priority = 1, holdStart = 0): ShareCandidate {
  return { id: String(nextId++), bytes, priority, holdStart };
}
const plan = (
  candidates: ShareCandidate[],
  now = 0,
  more: { budget?: BillingBudget; anyway?: boolean } = {},
) => planSharedMessage({ candidates, now, policy, ...more });
const ids = (cs: readonly ShareCandidate[]) => cs.map((c) => c.id);

/** A message-shaped frame (b0 = 01 01 PP 0 0) of `size` bytes. */
function frame(size: number, priority: Priority, fill = 0x33): Uint8Array {
  const f = new Uint8Array(size).fill(fill);
  f[0] = 0x50 | (priority << 2);
  return f;
}

describe('planSharedMessage: holds', () => {
  it('sends P0 at once, and holds P1/P2/P3 for 5 min / 30 min / 2 h from when they became due', () => {
    const [p1, p2, p3] = [msg(20, 1), msg(20, 2), msg(20, 3)];
    expect(plan([p1, p2, p3])).toEqual({ send: [], bytes: 0, units: 0, refused: [], wakeAt: 5 * MIN });
    const p0 = msg(30, 0, 1000);
    const p = plan([p1, p2, p3, p0], 1000);
    // The held three ride along with the P0: 30 + 3 × 20 + 5 bytes of container, two units.
    expect(ids(p.send)).toEqual(ids([p0, p1, p2, p3]));
    expect([p.bytes, p.units]).toEqual([95, 2]);
    expect(ids(plan([p2, p3], 5 * MIN).send)).toEqual([]);
    expect(ids(plan([p2, p3], 30 * MIN).send)).toEqual(ids([p2, p3]));
    expect(plan([p3], 30 * MIN).wakeAt).toBe(120 * MIN);
  });

  it('does not hold again what was sent or refused on the link before (a backoff does not restart it)', () => {
    const retried = msg(20, 2, Number.NEGATIVE_INFINITY);
    const fresh = msg(20, 2, 0);
    expect(ids(plan([fresh, retried], 0).send)).toEqual(ids([retried, fresh]));
  });

  it('goes before any hold runs out once the waiting messages fill a frame, the most urgent first', () => {
    const three = [msg(100, 2), msg(100, 2), msg(100, 2)];
    expect(plan(three).send).toEqual([]);
    const p = plan([...three, msg(100, 3)]); // 4 × 100 > 340
    expect(ids(p.send)).toEqual(ids(three));
    expect(p.bytes).toBeLessThanOrEqual(340);
  });

  it('takes every waiting message along when the link sends a message of its own anyway', () => {
    const [a, b, c] = [msg(120, 1, 0), msg(120, 3, 0), msg(120, 3, 0)];
    expect(ids(plan([a, b, c], 0, { anyway: true }).send)).toEqual(ids([a, b]));
    expect(plan([], 0, { anyway: true }).send).toEqual([]);
  });
});

describe('planSharedMessage: what shares the frame', () => {
  it('costs units per started 50 bytes, one at least', () => {
    expect([0, 1, 50, 51, 100, 340].map((b) => billedUnits(b, billing))).toEqual([1, 1, 1, 2, 2, 7]);
  });

  it('carries what is due, and lets the rest ride in urgency order while the frame fits 340 bytes', () => {
    const due = msg(100, 1, -10 * MIN);
    const p3 = msg(150, 3, 0);
    const p2big = msg(150, 2, 0);
    const p2 = msg(100, 2, MIN);
    const p = plan([due, p3, p2big, p2]);
    // 100 + 150 + 4 bytes of container (type, 1- and 2-byte lengths) = 254; another would pass 340.
    expect(ids(p.send)).toEqual(ids([due, p2big]));
    expect(p.bytes).toBe(sharedSize([due, p2big]));
    expect(p.bytes).toBe(254);
    expect(p.units).toBe(6);
  });

  it('orders by priority then due time, and a P0 is never left out for a lower priority', () => {
    const p2 = msg(200, 2, -60 * MIN);
    const p0 = msg(200, 0);
    const p1 = msg(100, 1, -60 * MIN);
    expect(ids(plan([p2, p1, p0]).send)).toEqual(ids([p0, p1])); // 200 + 100 + 4 ≤ 340: the P2 waits
  });

  it('sends a message too large for one frame alone, when it is due', () => {
    const big = msg(700, 1, 0);
    const small = msg(20, 0, 0);
    expect(plan([big, small]).send).toEqual([small]);
    expect(plan([big], 5 * MIN)).toMatchObject({ send: [], alone: big, bytes: 700, units: 14 });
  });
});

describe('planSharedMessage: the budget', () => {
  it('lets P0 go over it with what rides along, and refuses a due P1', () => {
    const budget = new BillingBudget({ perDay: 3 });
    budget.spend(3, 0);
    const p1 = msg(20, 1, 0);
    const p2 = msg(20, 2, 0);
    const refused = plan([p1, p2], 6 * MIN, { budget });
    expect(refused.send).toEqual([]);
    expect(refused.refused).toEqual([p1]); // the P2 is not due: it waits, not refused
    const p0 = msg(25, 0, 6 * MIN);
    const p = plan([p0, p2], 6 * MIN, { budget });
    // P0 (25 bytes) pays one unit; the P2 (20 bytes) fits in it: no unit beyond what P0 pays.
    expect(ids(p.send)).toEqual(ids([p0, p2]));
    expect(p.units).toBe(1);
    // A 60-byte P1 would make it two units: over a used-up budget it does not ride (rule 3).
    const rider = msg(60, 1, 0);
    expect(ids(plan([p0, rider], 6 * MIN, { budget }).send)).toEqual(ids([p0]));
  });

  it('trims the frame to what is left, refusing the due messages that do not fit', () => {
    const budget = new BillingBudget({ perDay: 4, p0OverBudget: false });
    budget.spend(3, 0); // one unit left
    const [a, b, c] = [msg(30, 1, 0), msg(40, 1, 0), msg(10, 3, 10 * MIN)];
    const p = plan([a, b, c], 5 * MIN, { budget });
    // a + c = 43 bytes, one unit; b would make it two.
    expect(ids(p.send)).toEqual(ids([a, c]));
    expect(p.units).toBe(1);
    expect(p.refused).toEqual([b]);
  });

  it('lets a P0 over a used-up budget, but not the routine traffic that would ride at extra cost', () => {
    const budget = new BillingBudget({ perDay: 3 });
    budget.spend(3, 0); // nothing left
    const p0 = msg(20, 0);
    const bulk = [1, 2, 3, 4, 5].map(() => msg(60, 3));
    const p = plan([p0, ...bulk], 0, { budget });
    // Only what fits in the P0's own unit rides: a 60-byte P3 would make it two.
    expect(ids(p.send)).toEqual(ids([p0]));
    expect(p.units).toBe(1);
  });

  it('sends nothing over a budget that P0 may not pass either', () => {
    const budget = new BillingBudget({ perDay: 1, p0OverBudget: false });
    budget.spend(1, 0);
    const p0 = msg(20, 0);
    expect(plan([p0], 0, { budget })).toMatchObject({ send: [], refused: [p0] });
  });
});

describe('packShared', () => {
  it('packs messages into one container the core can unpack, most urgent first; one goes bare', () => {
    const [a, b, c] = [frame(40, 2), frame(30, 0), frame(20, 1)];
    const items = [
      { frame: a, priority: 2 as const },
      { frame: b, priority: 0 as const },
      { frame: c, priority: 1 as const },
    ];
    const packed = packShared(items);
    expect(packed.length).toBe(sharedSize([a, b, c].map((f) => ({ bytes: f.length }))));
    expect(unpackBatch(packed)).toEqual([b, c, a]);
    expect(packShared([{ frame: a, priority: 2 }])).toBe(a);
    expect(() => packShared([])).toThrow(RangeError);
  });

  it('keeps real messages decodable', () => {
    const frames = referenceFrames().map((r) => ({ frame: r.frame, priority: r.message.priority }));
    for (const entry of unpackBatch(packShared(frames))) expect(() => decodeFrame(entry)).not.toThrow();
  });
});

describe('measuring a shared-field batch', () => {
  // Eleven positions of one team, 20 min apart: 31 bytes each, 11 × 32 + 1 = 353 in a plain batch.
  const positions = Array.from({ length: 11 }, (_, i) => {
    const r4 = referenceFrames().find((f) => f.id === 'R4')?.message;
    if (r4?.kind !== 'position') throw new Error('R4 is a position');
    return { ...r4, seq: r4.seq + i, createdAt: r4.createdAt + i * 1200 };
  });
  const frames = positions.map((m: Message) => encodeMessage(m, macAuthenticator(fixtureMacKey(m.origin))));
  const candidates = () =>
    frames.map((f, i) => ({
      id: `p${i}`,
      bytes: f.length,
      priority: 2 as Priority,
      holdStart: -Infinity,
      frame: f,
    }));

  it('lets every message ride that fits once written against the others, and bills what goes', () => {
    const plain = planSharedMessage({ candidates: candidates(), now: 0, policy });
    expect(plain.send.length).toBeLessThan(11); // the plain batch would be over 340 bytes
    const shared = planSharedMessage({
      candidates: candidates(),
      now: 0,
      policy: { ...policy, sharedFields: true },
    });
    expect(shared.send).toHaveLength(11);
    const sent = packShared(
      shared.send.map((c) => ({ frame: c.frame as Uint8Array, priority: c.priority })),
      { sharedFields: true },
    );
    expect(shared.bytes).toBe(sent.length);
    expect(shared.units).toBe(billedUnits(sent.length, billing));
    expect(sent.length).toBeLessThanOrEqual(340);
  });
});
