/**
 * The one clock interface of the links, their simulators and the benchmarks (docs/links.md
 * §Clocks): a millisecond count on the clock's own scale (only differences mean anything) and
 * one-shot timers. Holds, backoffs, ring-alert retries, airtime and simulated networks all run on
 * it, so a test can run minutes of holds in milliseconds and a benchmark a simulated day in
 * seconds, while the daemon runs on {@link systemClock}.
 *
 * - {@link systemClock}: wall time with unref'd timers (a pending hold never keeps a process alive).
 * - {@link RealClock}: wall time from its own start, optionally faster by `speedup`.
 * - {@link VirtualClock}: moves only when told to, so a run is deterministic for a seed.
 * - {@link SteppingClock}: a virtual clock that lets promises, stream callbacks and I/O settle
 *   between one timer and the next, for links that continue asynchronously after each timer (the
 *   SBD link, its modem simulator and AT driver: a continuation must see the time of the timer that
 *   caused it, not the end of the whole step).
 */

export interface Timer {
  cancel(): void;
}

export interface Clock {
  /** Milliseconds on this clock's own scale; only differences are used. */
  now(): number;
  /** Runs `fn` once after `ms` milliseconds of this clock. */
  after(ms: number, fn: () => void): Timer;
}

/** Wall time, for the daemon: unref'd timers, so a pending timer never keeps the process alive. */
export const systemClock: Clock = {
  now: () => performance.now(),
  after(ms, fn) {
    const t = setTimeout(fn, Math.max(0, ms));
    t.unref?.();
    return { cancel: () => clearTimeout(t) };
  },
};

/** Wall time since construction, `speedup` times faster (10: one clock second takes 100 ms). */
export class RealClock implements Clock {
  readonly #start = performance.now();

  constructor(readonly speedup = 1) {
    if (!(speedup > 0)) throw new RangeError(`speedup must be positive, not ${speedup}`);
  }

  now(): number {
    return (performance.now() - this.#start) * this.speedup;
  }

  after(ms: number, fn: () => void): Timer {
    const t = setTimeout(fn, Math.max(0, ms / this.speedup));
    t.unref?.();
    return { cancel: () => clearTimeout(t) };
  }
}

interface Pending {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/** The timers of a clock that moves only when told to; both virtual clocks below run on one. */
class TimerQueue {
  now: number;
  #seq = 0;
  #queue: Pending[] = [];

  constructor(start: number) {
    this.now = start;
  }

  after(ms: number, fn: () => void): Timer {
    const p: Pending = { at: this.now + Math.max(0, ms), seq: this.#seq++, fn, cancelled: false };
    this.#queue.push(p);
    return {
      cancel: () => {
        p.cancelled = true;
      },
    };
  }

  /** The next timer due (earliest, then the first set), if any. */
  next(): Pending | undefined {
    this.#queue = this.#queue.filter((p) => !p.cancelled);
    let next: Pending | undefined;
    for (const p of this.#queue) {
      if (next === undefined || p.at < next.at || (p.at === next.at && p.seq < next.seq)) next = p;
    }
    return next;
  }

  /** Moves the clock to `p` and runs it. */
  fire(p: Pending): void {
    this.#queue.splice(this.#queue.indexOf(p), 1);
    this.now = Math.max(this.now, p.at);
    p.fn();
  }

  pending(): number {
    return this.#queue.filter((p) => !p.cancelled).length;
  }
}

/** A clock that moves only when told to: {@link advance} runs the timers due, in time order. */
export class VirtualClock implements Clock {
  readonly #q = new TimerQueue(0);

  now(): number {
    return this.#q.now;
  }

  after(ms: number, fn: () => void): Timer {
    return this.#q.after(ms, fn);
  }

  /** Runs every timer due within `ms`, in time order (ties in the order they were set). */
  advance(ms: number): void {
    const until = this.#q.now + ms;
    for (let next = this.#q.next(); next !== undefined && next.at <= until; next = this.#q.next()) {
      this.#q.fire(next);
    }
    this.#q.now = until;
  }

  /** Runs timers until none is left or `limitMs` of clock time has passed. */
  runUntilIdle(limitMs = 24 * 3600 * 1000): void {
    const end = this.#q.now + limitMs;
    for (let next = this.#q.next(); next !== undefined && this.#q.now < end; next = this.#q.next()) {
      this.advance(Math.max(0, Math.min(next.at, end) - this.#q.now));
    }
  }

  pending(): number {
    return this.#q.pending();
  }
}

/** Lets everything that is ready run: several turns of the event loop, no timers. */
export async function settle(turns = 20): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * A virtual clock whose `run()` and `runUntil()` let everything that is ready run (several turns of
 * the event loop) before and after each timer; a simulated day runs in seconds, and the same seed
 * gives the same run.
 */
export class SteppingClock implements Clock {
  readonly #q: TimerQueue;

  constructor(start = 0) {
    this.#q = new TimerQueue(start);
  }

  now(): number {
    return this.#q.now;
  }

  after(ms: number, fn: () => void): Timer {
    return this.#q.after(ms, fn);
  }

  /** When the next timer is due, if any. */
  nextAt(): number | undefined {
    return this.#q.next()?.at;
  }

  /** Runs every timer due within `ms`, in time order, settling after each. */
  async run(ms: number): Promise<void> {
    const until = this.#q.now + ms;
    for (;;) {
      await settle();
      const next = this.#q.next();
      if (next === undefined || next.at > until) break;
      this.#q.fire(next);
    }
    this.#q.now = until;
    await settle();
  }

  /** Runs until `done()` holds (checked after each timer) or `limitMs` passes; returns whether it held. */
  async runUntil(done: () => boolean, limitMs: number): Promise<boolean> {
    const until = this.#q.now + limitMs;
    for (;;) {
      await settle();
      if (done()) return true;
      const next = this.#q.next();
      if (next === undefined || next.at > until) {
        this.#q.now = until;
        await settle();
        return done();
      }
      this.#q.fire(next);
    }
  }
}
