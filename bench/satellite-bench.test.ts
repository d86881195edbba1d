/**
 * The satellite benchmark's day as a test (docs/store-and-forward.md §Satellite benchmark): not
 * its figures, which are measurements, but what must hold whatever they are. With the gateway and
 * the centre real nodes: every message delivered to the centre's core once, no MO message, MOMSN
 * or wire message seen twice by the network, the link's and the gateway budget's credit counts
 * equal to what the network billed, fewer credits than the naive way, P0 no slower than sending at
 * once, and the model of the gateway (satellite-core.ts) within a few credits of the real one; and
 * on a quiet day, a warning whose ring alert was lost waits no longer than the mailbox-silence
 * bound and a session.
 */
import { expect, it } from 'vitest';
import { SATELLITE_MAX_MAILBOX_SILENCE_MS } from '../satellite/src/satellite-confirmations.js';
import { runDay } from './satellite-rig.js';
import { DayBuilder } from './satellite-scenario.js';

const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1] as number;

it('one day: all delivered once, credits as billed, fewer than naive, P0 no slower than at once', async () => {
  const conditions = { seed: 7, visibleFraction: 0.6, sessionFailure: 0.15, ringLoss: 0.2 };
  const fieldnode = await runDay(new DayBuilder(7), { mode: 'fieldnode', ...conditions, realGateway: true });
  const model = await runDay(new DayBuilder(7), { mode: 'fieldnode', ...conditions });
  const naive = await runDay(new DayBuilder(7), { mode: 'naive', ...conditions });
  expect(fieldnode.budgetCredits).toBe(fieldnode.credits);
  expect(Math.abs(model.credits - fieldnode.credits)).toBeLessThanOrEqual(fieldnode.credits * 0.05);
  for (const r of [fieldnode, model, naive]) {
    expect(r.messages).toBe(90 + 60 + r.latencyMs[2].length);
    expect(r.latencyMs[2].length).toBeGreaterThan(200);
    expect([r.repeatedMos, r.repeatedMomsns, r.repeatedMessages]).toEqual([0, 0, 0]);
    expect(r.linkCredits).toBe(r.credits);
    expect(r.warningLatencyMs).toHaveLength(3);
  }
  expect(naive.moMessages).toBe(naive.messages); // one SBD message each
  expect(fieldnode.moMessages).toBeLessThan(naive.messages / 2);
  expect(fieldnode.credits).toBeLessThan(naive.credits * 0.65);
  expect(median(fieldnode.latencyMs[0])).toBeLessThanOrEqual(median(naive.latencyMs[0]));
  // The naive run by the like-for-like rule sends one receipt MT per message that wants one.
  expect(naive.mtMessages).toBe(90 + 60 + 3);
}, 300_000);

it('a quiet day: a warning whose ring alert was lost waits no longer than the mailbox silence and a session', async () => {
  const conditions = { seed: 3, visibleFraction: 0.75, sessionFailure: 0.1, ringLoss: 0.8, quiet: true };
  const bounded = await runDay(new DayBuilder(3), { mode: 'fieldnode', ...conditions, realGateway: true });
  const unbounded = await runDay(new DayBuilder(3), {
    mode: 'fieldnode',
    ...conditions,
    realGateway: true,
    maxSilenceMs: Number.POSITIVE_INFINITY,
    mayStall: true,
  });
  expect(bounded.warningLatencyMs).toHaveLength(6);
  expect(bounded.checksBy.silence).toBeGreaterThan(0);
  // The hour, plus a session that may back off up to 10 min behind a hidden sky.
  expect(Math.max(...bounded.warningLatencyMs)).toBeLessThanOrEqual(
    SATELLITE_MAX_MAILBOX_SILENCE_MS + 15 * 60_000,
  );
  expect(Math.max(...unbounded.warningLatencyMs)).toBeGreaterThan(
    SATELLITE_MAX_MAILBOX_SILENCE_MS + 15 * 60_000,
  );
}, 300_000);
