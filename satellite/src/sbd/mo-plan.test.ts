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

  it('carries what is due, and lets held frames ride along in urgency order while the MO fits 340 bytes', () => {
    const due = unit(100, { dueAt: 0 });
    const p3 = unit(150, { dueAt: 1000, priority: 3 });
    const p2big = unit(150, { dueAt: 1000, priority: 2 });
    const p2 = unit(100, { dueAt: 2000, priority: 2 });
    const p = plan([due, p3, p2big, p2]);
    // 100 + 150 + 4 bytes of container (type, 1- and 2-byte lengths) = 254; another would pass 340.
    expect(p.units).toEqual([due, p2big]);
    expect(p.bytes).toBe(sizeOf([due, p2big]));
    expect(p.bytes).toBe(254);
    expect(p.credits).toBe(6);
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

  it('for a mailbox check (nothing due) takes held frames along, and costs one credit when there are none', () => {
    const a = unit(120, { dueAt: 9000 });
    const b = unit(120, { dueAt: 9000, priority: 3 });
    const c = unit(120, { dueAt: 9000, priority: 3 });
    expect(plan([a, b, c]).units).toEqual([a, b]);
    expect(plan([])).toEqual({ units: [], bytes: 0, credits: 1 });
  });
});
