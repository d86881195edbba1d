/**
 * RearmableTimer (rearmable-timer.ts; docs/conventions.md §Simulators and fakes, "Timers"): each arming
 * replaces the last, a cancel clears only a timer still set, and the default timer is unref'd.
 */
import { expect, it } from 'vitest';
import { RearmableTimer } from './rearmable-timer.js';

/** Injected timers that fire only when told, recording what was set and cleared. */
function manual() {
  const pending = new Map<number, { fn: () => void; ms: number }>();
  const cleared: number[] = [];
  let next = 1;
  return {
    pending,
    cleared,
    setTimer: (fn: () => void, ms: number) => {
      const id = next++;
      pending.set(id, { fn, ms });
      return id;
    },
    clearTimer: (t: unknown) => {
      cleared.push(t as number);
      pending.delete(t as number);
    },
    fire(id: number) {
      const p = pending.get(id);
      pending.delete(id);
      p?.fn();
    },
  };
}

it('replaces the timer set before when armed again, and fires only the last', () => {
  const m = manual();
  const timer = new RearmableTimer(m);
  const fired: string[] = [];
  timer.arm(100, () => fired.push('first'));
  timer.arm(50, () => fired.push('second'));
  expect(m.cleared).toEqual([1]);
  expect([...m.pending.entries()].map(([id, p]) => [id, p.ms])).toEqual([[2, 50]]);
  m.fire(2);
  expect(fired).toEqual(['second']);
  expect(timer.armed).toBe(false);
});

it('clears nothing once the timer fired or was cancelled', () => {
  const m = manual();
  const timer = new RearmableTimer(m);
  timer.arm(10, () => {});
  m.fire(1);
  timer.arm(10, () => {});
  expect(m.cleared).toEqual([]);
  timer.cancel();
  timer.cancel();
  expect(m.cleared).toEqual([2]);
  expect(timer.armed).toBe(false);
});

it('by default fires after the delay, on a timer that keeps no process alive', async () => {
  const timer = new RearmableTimer();
  const fired = await new Promise<boolean>((resolve) => {
    const keep = setTimeout(() => resolve(false), 1000); // this one keeps the test alive
    timer.arm(5, () => {
      clearTimeout(keep);
      resolve(true);
    });
  });
  expect(fired).toBe(true);
  const real = setTimeout;
  let unrefd = false;
  globalThis.setTimeout = ((fn: () => void, ms: number) => {
    const t = real(fn, ms);
    const unref = t.unref.bind(t);
    t.unref = () => {
      unrefd = true;
      return unref();
    };
    return t;
  }) as typeof setTimeout;
  try {
    new RearmableTimer().arm(1000, () => {});
  } finally {
    globalThis.setTimeout = real;
  }
  expect(unrefd).toBe(true);
});
