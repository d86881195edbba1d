/**
 * The BeiDou benchmark's day as a test, the day it measures (docs/beidou.md §Measured): not its figures, which are
 * measurements, but what must hold whatever they are, for both cards: every message offered is
 * delivered, none twice, no module ever refuses a send for its card's interval, the three warnings
 * come down; the core packs what is due: more than one wire message per BeiDou message on average,
 * and every frame made while two or more messages were due that would fit one message carries them
 * all; and a P0 report reaches the centre within 90 s: every one on BeiDou-3, nine in ten on a
 * BeiDou-2 card of 77 bytes, which carries two P0 reports a message: a third made with them
 * waits for the next (docs/beidou.md §Measured).
 */
import { expect, it } from 'vitest';
import { BEIDOU_BENCH_SEED } from './beidou-bench.js';
import { packingWhereItFits, runBeidouDay } from './beidou-rig.js';
import { DayBuilder } from './satellite-scenario.js';

const S = 1000;

function percentile(values: readonly number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))] as number;
}

it.each([
  ['bd3', 4],
  ['bd21', 3],
] as const)(
  'one day over %s: all delivered once, never refused for the interval, packed, P0 within 90 s',
  async (protocol, level) => {
    const seed = BEIDOU_BENCH_SEED;
    const r = await runBeidouDay(new DayBuilder(seed), { protocol, level, intervalS: 60, seed });
    expect(r.delivered).toBe(r.offered);
    expect(r.duplicates).toBe(0);
    expect(r.refusedByFrequency).toBe(0);
    expect(r.warningLatencyMs).toHaveLength(3);
    // No more BeiDou messages than messages offered, unless they were cut into fragments.
    if (protocol === 'bd3') expect(r.bdMessages).toBeLessThanOrEqual(r.offered);
    else expect(r.mtu).toBe(77);

    // Packing: more than one wire message a BeiDou message, and all that was due and fitted, in one.
    expect(r.delivered / r.bdMessages).toBeGreaterThan(1);
    const packed = packingWhereItFits(r.framesUp);
    expect(packed.frames).toBeGreaterThanOrEqual(3);
    expect(packed.messages).toBe(packed.due);
    expect(packed.messages / packed.frames).toBeGreaterThan(1);

    const p0 = r.latencyMs[0];
    expect(p0.length).toBeGreaterThanOrEqual(20);
    expect(percentile(p0, 0.5)).toBeLessThanOrEqual(90 * S);
    if (protocol === 'bd3') expect(Math.max(...p0)).toBeLessThanOrEqual(90 * S);
    else expect(percentile(p0, 0.9)).toBeLessThanOrEqual(90 * S);
  },
  300_000,
);
