/**
 * The clock the simulated Iridium ground network runs its timers on (protocols/iridium.md §7.4
 * "Deterministic clock"): the second ring alert 20 s after the first, webhook and DirectIP retry
 * schedules, delivery delays. Same shape as the simulators' SimClock
 * (radio/sim/meshtastic/sim-clock.ts), so its RealClock and VirtualClock can be passed as they
 * are; the shape is repeated here because satellite/ does not import radio/.
 */

export interface NetworkTimer {
  cancel(): void;
}

export interface NetworkClock {
  /** Milliseconds on the clock's own scale; only differences are used. */
  now(): number;
  /** Runs `fn` after `ms` milliseconds of this clock. */
  after(ms: number, fn: () => void): NetworkTimer;
}

/** Wall time with unref'd timers: a pending retry never keeps a process alive. */
export const wallClock: NetworkClock = {
  now: () => performance.now(),
  after(ms, fn) {
    const t = setTimeout(fn, Math.max(0, ms));
    t.unref?.();
    return { cancel: () => clearTimeout(t) };
  },
};
