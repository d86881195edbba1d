/**
 * A virtual clock for the satellite benchmark and tests (issue 5 item 5): like the simulators'
 * VirtualClock (radio/sim/meshtastic/sim-clock.ts) it moves only when told to, so a simulated day
 * runs in seconds and the same seed gives the same run; unlike it, `run()` lets promises, stream
 * callbacks and I/O settle between one timer and the next. The SBD link, the modem simulator and
 * the AT driver continue asynchronously after each timer, and a continuation must see the time of
 * the timer that caused it, not the end of the whole step.
 */
import type { Clock, Timer } from '../node/src/link/clock.js';

interface Pending {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/** Lets everything that is ready run: several turns of the event loop, no timers. */
export async function settle(turns = 20): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

export class SteppingClock implements Clock {
  #now: number;
  #seq = 0;
  #queue: Pending[] = [];

  constructor(start = 0) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  after(ms: number, fn: () => void): Timer {
    const p: Pending = { at: this.#now + Math.max(0, ms), seq: this.#seq++, fn, cancelled: false };
    this.#queue.push(p);
    return {
      cancel: () => {
        p.cancelled = true;
      },
    };
  }

  /** When the next timer is due, if any. */
  nextAt(): number | undefined {
    return this.#next()?.at;
  }

  /** Runs every timer due within `ms`, in time order, settling after each. */
  async run(ms: number): Promise<void> {
    const until = this.#now + ms;
    for (;;) {
      await settle();
      const next = this.#next();
      if (next === undefined || next.at > until) break;
      this.#queue.splice(this.#queue.indexOf(next), 1);
      this.#now = Math.max(this.#now, next.at);
      next.fn();
    }
    this.#now = until;
    await settle();
  }

  /** Runs until `done()` holds (checked after each timer) or `limitMs` passes; returns whether it held. */
  async runUntil(done: () => boolean, limitMs: number): Promise<boolean> {
    const until = this.#now + limitMs;
    for (;;) {
      await settle();
      if (done()) return true;
      const next = this.#next();
      if (next === undefined || next.at > until) {
        this.#now = until;
        await settle();
        return done();
      }
      this.#queue.splice(this.#queue.indexOf(next), 1);
      this.#now = Math.max(this.#now, next.at);
      next.fn();
    }
  }

  #next(): Pending | undefined {
    this.#queue = this.#queue.filter((p) => !p.cancelled);
    let next: Pending | undefined;
    for (const p of this.#queue) {
      if (next === undefined || p.at < next.at || (p.at === next.at && p.seq < next.seq)) next = p;
    }
    return next;
  }
}
