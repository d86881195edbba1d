/**
 * The satellite benchmark's day as a test (docs/store-and-forward.md §Satellite): not its figures, which are measurements,
 * but what must hold whatever they are: every message delivered, no MO message, MOMSN or wire
 * message seen twice by the network, the link's credit count equal to what the network billed,
 * fewer credits than the naive way, and P0 no slower than sending at once.
 */
import { expect, it } from 'vitest';
import { runDay } from './satellite-rig.js';
import { DayBuilder } from './satellite-scenario.js';

const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1] as number;

it('one day: all delivered once, credits as billed, fewer than naive, P0 no slower than at once', async () => {
  const conditions = { seed: 7, visibleFraction: 0.6, sessionFailure: 0.15, ringLoss: 0.2 };
  const fieldnode = await runDay(new DayBuilder(7), { mode: 'fieldnode', ...conditions });
  const naive = await runDay(new DayBuilder(7), { mode: 'naive', ...conditions });
  for (const r of [fieldnode, naive]) {
    expect(r.messages).toBe(90 + 60 + r.latencyMs[2].length);
    expect(r.latencyMs[2].length).toBeGreaterThan(200);
    expect([r.repeatedMos, r.repeatedMomsns, r.repeatedMessages]).toEqual([0, 0, 0]);
    expect(r.linkCredits).toBe(r.credits);
    expect(r.warningLatencyMs).toHaveLength(3);
  }
  expect(naive.moMessages).toBe(naive.messages); // one SBD message each
  expect(fieldnode.moMessages).toBeLessThan(naive.messages / 2);
  expect(fieldnode.credits).toBeLessThan(naive.credits * 0.75);
  expect(median(fieldnode.latencyMs[0])).toBeLessThanOrEqual(median(naive.latencyMs[0]));
}, 120_000);
