/**
 * The channel utilisation arithmetic of the 叫应 storm (docs/mesh-simulator.md §The 叫应 storm,
 * "Channel utilisation"), against cases worked by hand.
 */
import { describe, expect, it } from 'vitest';
import { type AirSpan, busiestWindow, busySpans } from './mesh-storm-utilisation.js';

const MIN = 60_000;
const span = (fromS: number, toS: number): AirSpan => ({ startMs: fromS * 1000, endMs: toS * 1000 });

describe('busiest window of channel utilisation', () => {
  // By hand: packets on air 0–10 s and 5–20 s (they overlap: busy 0–20 s), 50–60 s and 65–70 s.
  // Minute windows (t − 60 s, t]:
  //   ending 20 s: 20 s busy;
  //   ending 60 s, (0, 60]: 0–20 and 50–60, 30 s busy;
  //   ending 70 s, (10, 70]: 10–20, 50–60 and 65–70, 25 s busy;
  //   ending 110 s, (50, 110]: 15 s; ending 125 s: 5 s.
  // So the busiest minute ends at 60 s, 30 s of 60 = 0.5. Adding the overlapping packets up
  // instead would make it 35 s; keeping what left the window, 40 s at 70 s.
  const spans = [span(50, 60), span(5, 20), span(0, 10), span(65, 70)];

  it('merges overlapping packets into the time the channel was busy', () => {
    expect(busySpans(spans)).toEqual([span(0, 20), span(50, 60), span(65, 70)]);
  });

  it('takes the minute the radio was busy longest, counting only what lies inside it', () => {
    expect(busiestWindow(spans, MIN)).toEqual({ utilisation: 0.5, endMs: 60_000, busyMs: 30_000 });
  });

  it('counts the part of a packet inside the window, not the whole packet', () => {
    // One packet of 90 s (a channel busy for a minute and a half): at most the whole minute.
    expect(busiestWindow([span(0, 90)], MIN)).toMatchObject({ utilisation: 1, busyMs: 60_000 });
    // 50–100 s and 110–115 s: the window (55, 115] holds 45 s of the first and 5 s of the
    // second, 50 s; (40, 100] all 50 s of the first; none holds more. Counting the first whole in
    // the window ending at 115 s would make it 55 s.
    expect(busiestWindow([span(50, 100), span(110, 115)], MIN).busyMs).toBe(50_000);
    // 30–100 s: the windows (30, 90] to (40, 100] are busy throughout.
    expect(busiestWindow([span(30, 100), span(110, 115)], MIN).busyMs).toBe(60_000);
  });

  it('finds a busy minute long after an earlier packet', () => {
    // 0–10 s, then 100–160 s: the minute (100, 160] is busy throughout; (0, 60] only 10 s.
    expect(busiestWindow([span(0, 10), span(100, 160)], MIN)).toEqual({
      utilisation: 1,
      endMs: 160_000,
      busyMs: 60_000,
    });
  });

  it('over ten minutes divides by ten minutes', () => {
    // Everything above, 35 s busy, lies in one ten-minute window.
    expect(busiestWindow(spans, 10 * MIN).busyMs).toBe(35_000);
    expect(busiestWindow(spans, 10 * MIN).utilisation).toBeCloseTo(35 / 600, 12);
  });

  it('reads no airtime as an idle channel and refuses an empty window', () => {
    expect(busiestWindow([], MIN).utilisation).toBe(0);
    expect(() => busiestWindow(spans, 0)).toThrow(RangeError);
  });
});
