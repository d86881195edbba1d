/**
 * The BeiDou benchmark's day as a test (docs/beidou.md): not its figures, which are measurements,
 * but what must hold whatever they are, for both cards: every message offered is delivered, none
 * twice, no module ever refuses a send for its card's interval, the three warnings come down, and
 * the core packs several messages into one BeiDou-3 message.
 */
import { expect, it } from 'vitest';
import { runBeidouDay } from './beidou-rig.js';
import { DayBuilder } from './satellite-scenario.js';

it.each([
  ['bd3', 4],
  ['bd21', 3],
] as const)(
  'one day over %s: all delivered once, never refused for the interval',
  async (protocol, level) => {
    const r = await runBeidouDay(new DayBuilder(7), { protocol, level, intervalS: 60, seed: 7 });
    expect(r.delivered).toBe(r.offered);
    expect(r.duplicates).toBe(0);
    expect(r.refusedByFrequency).toBe(0);
    expect(r.warningLatencyMs).toHaveLength(3);
    // No more BeiDou messages than messages offered, unless they were cut into fragments.
    if (protocol === 'bd3') expect(r.bdMessages).toBeLessThanOrEqual(r.offered);
    else expect(r.mtu).toBe(77);
  },
  300_000,
);
