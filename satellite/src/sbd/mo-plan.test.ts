/**
 * Tests for mo-frames.ts and mo-plan.ts: which frames can share an MO message, and what goes into
 * the next one (issue 5 item 3; protocols/iridium.md §2.4 credits per 50 bytes).
 */
import { describe, expect, it } from 'vitest';
import { packBatches, unpackBatch } from '../../../node/src/wire/batch.js';
import { referenceFrames } from '../../../node/src/wire/fixtures/reference-frames.js';
import { fragmentFrame } from '../../../node/src/wire/fragment.js';
import { decodeFrame } from '../../../node/src/wire/message.js';
import { type Priority, packedSize, packMo, splitFrame } from './mo-frames.js';
import { creditsFor, type HeldUnit, planMo, sizeOf } from './mo-plan.js';

/** A message-shaped frame (b0 = 01 01 PP 0 0) of `size` bytes. */
function message(size: number, priority: Priority = 1, fill = 0x33): Uint8Array {
  const f = new Uint8Array(size).fill(fill);
  f[0] = 0x40 | 0x10 | (priority << 2);
  return f;
}

let nextId = 1;
function unit(size: number, o: Partial<HeldUnit> = {}): HeldUnit {
  const priority = o.priority ?? 1;
  return {
    id: nextId++,
    entries: [message(size, priority)],
    opaque: false,
    priority,
    arrivedAt: 0,
    dueAt: 0,
    ...o,
  };
}

describe('splitFrame', () => {
  const refs = referenceFrames();

  it('unpacks a batch container of real messages into its messages, with the most urgent priority', () => {
    const frames = refs.map((r) => r.frame);
    const { containers } = packBatches(
      refs.map((r) => ({ frame: r.frame, priority: r.message.priority })),
      2000,
    );
    const split = splitFrame(containers[0] as Uint8Array);
    expect(split.opaque).toBe(false);
    expect(split.priority).toBe(0); // R2 and R3 are P0
    expect(split.entries.map((e) => Buffer.from(e).toString('hex')).sort()).toEqual(
      frames.map((f) => Buffer.from(f).toString('hex')).sort(),
    );
  });

  it('takes a bare message as one entry with the priority of its header', () => {
    const r4 = refs.find((r) => r.id === 'R4')?.frame as Uint8Array;
    expect(splitFrame(r4)).toEqual({ entries: [r4], opaque: false, priority: 2 });
  });

  it('takes fragments as entries, and leaves anything else opaque', () => {
    const big = message(700);
    const fragments = fragmentFrame(big, 340);
    expect(splitFrame(fragments[1] as Uint8Array)).toMatchObject({ opaque: false, priority: undefined });
    for (const other of [
      Uint8Array.of(1),
      Uint8Array.of(0x0a, 1, 2),
      Uint8Array.of(0xfe, 0),
      Uint8Array.of(2, 9, 1),
    ])
      expect(splitFrame(other)).toEqual({ entries: [other], opaque: true, priority: undefined });
    // A well-formed container whose entry is not a message or fragment is not ours to repack.
    expect(splitFrame(Uint8Array.of(2, 2, 0x10, 0x11, 2, 0x41, 0))).toMatchObject({ opaque: true });
  });
});

describe('packMo', () => {
  it('packs entries into one container the core can unpack, most urgent message first; one entry goes bare', () => {
    const [a, b, c] = [message(40, 2), message(30, 0), message(20, 1)];
    const mo = packMo([a, b, c]);
    expect(mo.length).toBe(packedSize([a, b, c]));
    expect(unpackBatch(mo)).toEqual([b, c, a]);
    expect(packMo([a])).toBe(a);
  });

  it('keeps real messages decodable after the repack', () => {
    const frames = referenceFrames().map((r) => r.frame);
    for (const entry of unpackBatch(packMo(frames))) expect(() => decodeFrame(entry)).not.toThrow();
  });
});

describe('planMo', () => {
  const plan = (units: HeldUnit[], now = 0, takeAll = false) =>
    planMo({ units, now, mtu: 340, creditBytes: 50, takeAll });

  it('costs credits per started 50 bytes, one at least', () => {
    expect([0, 1, 50, 51, 100, 340].map((b) => creditsFor(b, 50))).toEqual([1, 1, 1, 2, 2, 7]);
  });

  it('carries what is due, and lets held frames ride along within the credits already paid', () => {
    const due = unit(60, { dueAt: 0 }); // 60 bytes: 2 credits, 100 bytes paid for
    const rider = unit(30, { dueAt: 1000 }); // 60 + 30 + container overhead ≤ 100
    const tooBig = unit(70, { dueAt: 1000, priority: 2 }); // 3 credits, and 164 bytes would not clear with 3
    const p = plan([due, rider, tooBig]);
    expect(p.units).toEqual([due, rider]);
    expect(p.bytes).toBe(sizeOf([due, rider]));
    expect(p.credits).toBe(2);
  });

  it('takes one more credit when that clears everything held, not when something would stay', () => {
    const due = unit(40, { dueAt: 0 });
    const a = unit(25, { dueAt: 9000 });
    const b = unit(20, { dueAt: 9000 });
    // 40 + 25 + 20 + 4 bytes of container = 89 ≤ 100: two credits carry all three.
    expect(plan([due, a, b]).units).toEqual([due, a, b]);
    expect(plan([due, a, b]).credits).toBe(2);
    // Add a fourth that cannot fit two credits: nothing rides along past the one credit paid.
    const c = unit(45, { dueAt: 9000 });
    expect(plan([due, a, b, c]).units).toEqual([due]);
  });

  it('orders by priority then due time, and a P0 is never left out for a lower priority', () => {
    const p2 = unit(200, { priority: 2, dueAt: 0 });
    const p0 = unit(200, { priority: 0, dueAt: 0 });
    const p1 = unit(100, { priority: 1, dueAt: 0 });
    const p = plan([p2, p1, p0]);
    expect(p.units).toEqual([p0, p1]); // 200 + 100 + 4 ≤ 340; the P2 waits for the next session
  });

  it('sends an opaque frame alone, and never adds one to a container', () => {
    const opaque: HeldUnit = {
      ...unit(10, { dueAt: 0 }),
      entries: [Uint8Array.of(0x0a, 1, 2)],
      opaque: true,
    };
    const msg = unit(10, { dueAt: 0, priority: 0 });
    expect(plan([opaque, unit(10, { dueAt: 500 })]).units).toEqual([opaque]);
    expect(plan([opaque, msg]).units).toEqual([msg]);
    expect(plan([opaque, msg]).units).not.toContain(opaque);
  });

  it('with takeAll fills one MO to the limit in priority order when nothing is due', () => {
    const units = [unit(120, { dueAt: 99, priority: 3 }), unit(120, { dueAt: 99 }), unit(120, { dueAt: 99 })];
    const p = plan(units, 0, true);
    expect(p.units.map((u) => u.priority)).toEqual([1, 1]);
    expect(p.bytes).toBeLessThanOrEqual(340);
  });

  it('for a mailbox check (nothing due) pays one credit and fills it, and clears the queue with a second', () => {
    const small = unit(20, { dueAt: 9000 });
    expect(plan([small]).units).toEqual([small]);
    const big = unit(80, { dueAt: 9000 }); // two credits alone, and it clears the queue
    expect(plan([big]).units).toEqual([big]);
    expect(plan([unit(120, { dueAt: 9000 })]).units).toEqual([]); // three credits: not now
    expect(plan([]).credits).toBe(1);
  });
});
