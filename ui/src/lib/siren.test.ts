/**
 * The phone's siren schedule (docs/ui.md §Warnings, The kit's alarm): the kit's own pattern for the
 * warning, in the kit's cadence (8 s of siren, 4 s of silence), handed out step by step without a
 * gap or an overlap however the ticks fall, and starting again from now after the page slept
 * rather than piling up steps whose time has gone.
 */
import { describe, expect, it } from 'vitest';
import { PATTERN_SOUNDS } from '../../../node/src/domain/warnings/alarm/alarm-patterns.js';
import { nextSteps, type SirenStep, sirenCycle, sirenPattern, startCursor } from './siren.js';

const close = (a: number, b: number) => Math.abs(a - b) < 1e-9;

/** Every step starts where the one before ended. */
function contiguous(steps: SirenStep[]): boolean {
  return steps.every(
    (s, i) => i === 0 || close(s.at, (steps[i - 1] as SirenStep).at + (steps[i - 1] as SirenStep).s),
  );
}

describe('sirenPattern', () => {
  it('sounds what the kit sounds: the colour, the level without one, the drill pattern for a drill', () => {
    expect(sirenPattern({ colour: 'red', level: 1 }, false)).toBe('red');
    expect(sirenPattern({ colour: 'orange', level: 2 }, false)).toBe('orange');
    expect(sirenPattern({ colour: 'none', level: 1 }, false)).toBe('red');
    expect(sirenPattern({ colour: 'none', level: 2 }, false)).toBe('orange');
    expect(sirenPattern({ colour: 'red', level: 1 }, true)).toBe('drill');
  });
});

describe('sirenCycle', () => {
  it('is the pattern for exactly the siren time, the last sweep cut where it had got to, then the pause', () => {
    const cycle = sirenCycle('red', { sirenMs: 1000, pauseMs: 4000 });
    // Red is 600→1400 Hz in 450 ms and back: two whole glides, then 100 ms of the next.
    expect(cycle.map((c) => c.ms)).toEqual([450, 450, 100, 4000]);
    expect(cycle[2]).toMatchObject({ fromHz: 600, toHz: 600 + (800 * 100) / 450 });
    expect(cycle[3]).toMatchObject({ fromHz: 0, toHz: 0 });
    expect(cycle.slice(0, -1).reduce((a, c) => a + c.ms, 0)).toBe(1000);
  });

  it('defaults to the kit’s cadence: 8 s of siren, 4 s of silence', () => {
    const cycle = sirenCycle('orange');
    expect(cycle.slice(0, -1).reduce((a, c) => a + c.ms, 0)).toBe(8000);
    expect(cycle.at(-1)).toMatchObject({ ms: 4000, fromHz: 0 });
  });

  it('plays the drill’s hi-lo, which no real warning uses', () => {
    const tones = new Set(sirenCycle('drill', { sirenMs: 2000, pauseMs: 0 }).map((c) => c.fromHz));
    expect([...tones].sort()).toEqual(PATTERN_SOUNDS.drill.tone.map((t) => t.fromHz).sort());
  });
});

describe('nextSteps', () => {
  const cycle = sirenCycle('red', { sirenMs: 2000, pauseMs: 1000 });

  it('hands out the steps up to the horizon, and the next call goes on where it stopped', () => {
    const a = nextSteps(cycle, startCursor(10), 10, 11.5);
    const b = nextSteps(cycle, a.cursor, 11.2, 12.7);
    const all = [...a.steps, ...b.steps];
    expect(all[0]?.at).toBe(10);
    expect(contiguous(all)).toBe(true);
    // Every step handed out once: the second call starts after the first one's last step.
    expect(b.steps[0]?.at).toBeCloseTo((a.steps.at(-1)?.at ?? 0) + (a.steps.at(-1)?.s ?? 0), 9);
    expect(all.every((s) => s.at < 12.7)).toBe(true);
    expect(a.steps.at(-1)?.at).toBeLessThan(11.5);
  });

  it('repeats the cycle: siren, silence, siren', () => {
    const { steps } = nextSteps(cycle, startCursor(0), 0, 7);
    const silent = steps.filter((s) => s.fromHz === 0);
    expect(silent.map((s) => [s.at, s.s])).toEqual([
      [2, 1],
      [5, 1],
    ]);
    expect(contiguous(steps)).toBe(true);
  });

  it('after the page slept, starts from now, mid-step, keeping its place in the cycle', () => {
    // Asked at 0.2 s, then not again until 3.6 s (a tab in the background).
    const first = nextSteps(cycle, startCursor(0), 0, 0.2);
    const late = nextSteps(cycle, first.cursor, 3.6, 4);
    expect(late.steps.every((s) => s.at >= 3.6)).toBe(true);
    // 3.6 s into a 3 s cycle is 0.6 s in: 150 ms into the falling sweep 1400→600 Hz.
    expect(late.steps[0]?.at).toBeCloseTo(3.6, 9);
    expect(late.steps[0]?.fromHz).toBeCloseTo(1400 - (800 * 150) / 450, 6);
    expect(late.steps[0]?.s).toBeCloseTo(0.3, 9);
    expect(contiguous(late.steps)).toBe(true);
  });
});
