/**
 * The clock the SBD link and its session scheduler run on (issue 5 item 3): holds, backoffs,
 * mailbox-check intervals and the credit budget's rolling day all go through it, so a benchmark can
 * run a simulated day in seconds on a virtual clock and a test can run minutes of holds in
 * milliseconds. The shape is that of the simulators' SimClock (radio/sim/meshtastic/sim-clock.ts),
 * so their RealClock and VirtualClock can be passed as they are; satellite/src does not import the
 * radio folder (DESIGN.md: adapters depend only on the link contract), hence this copy of the shape.
 */

export interface SbdTimer {
  cancel(): void;
}

export interface SbdClock {
  /** Milliseconds on this clock's own scale (only differences are used). */
  now(): number;
  /** Runs `fn` after `ms` milliseconds of this clock. */
  after(ms: number, fn: () => void): SbdTimer;
}

/** Wall time, for the daemon: unref'd timers, so a pending hold never keeps the process alive. */
export const systemClock: SbdClock = {
  now: () => performance.now(),
  after(ms, fn) {
    const t = setTimeout(fn, Math.max(0, ms));
    t.unref?.();
    return { cancel: () => clearTimeout(t) };
  },
};
