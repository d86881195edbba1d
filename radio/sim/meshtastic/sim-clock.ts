/**
 * The clock every part of the Meshtastic simulation runs on (protocols/meshtastic.md §8.8 item 5,
 * "Timing model"). `RealClock` runs on wall time, optionally faster by `speedup` so that airtime of
 * seconds passes in milliseconds in tests and benchmarks; `VirtualClock` moves only when told to,
 * which makes a run deterministic for a seed.
 */

export interface SimTimer {
  cancel(): void;
}

export interface SimClock {
  /** Simulated milliseconds since the clock's start. */
  now(): number;
  /** Runs `fn` after `ms` simulated milliseconds. */
  after(ms: number, fn: () => void): SimTimer;
}

export class RealClock implements SimClock {
  readonly #start = performance.now();

  /** `speedup` 10 means one simulated second takes 100 ms of wall time. */
  constructor(readonly speedup = 1) {
    if (!(speedup > 0)) throw new RangeError(`speedup must be positive, not ${speedup}`);
  }

  now(): number {
    return (performance.now() - this.#start) * this.speedup;
  }

  after(ms: number, fn: () => void): SimTimer {
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

export class VirtualClock implements SimClock {
  #now = 0;
  #seq = 0;
  #queue: Pending[] = [];

  now(): number {
    return this.#now;
  }

  after(ms: number, fn: () => void): SimTimer {
    const p: Pending = { at: this.#now + Math.max(0, ms), seq: this.#seq++, fn, cancelled: false };
    this.#queue.push(p);
    return {
      cancel: () => {
        p.cancelled = true;
      },
    };
  }

  /** Runs every timer due within `ms`, in time order (ties in the order they were set). */
  advance(ms: number): void {
    const until = this.#now + ms;
    for (;;) {
      this.#queue = this.#queue.filter((p) => !p.cancelled);
      let next: Pending | undefined;
      for (const p of this.#queue) {
        if (p.at <= until && (next === undefined || p.at < next.at || (p.at === next.at && p.seq < next.seq)))
          next = p;
      }
      if (next === undefined) break;
      this.#queue.splice(this.#queue.indexOf(next), 1);
      this.#now = next.at;
      next.fn();
    }
    this.#now = until;
  }

  /** Runs timers until none is left or `limitMs` of simulated time has passed. */
  runUntilIdle(limitMs = 24 * 3600 * 1000): void {
    const end = this.#now + limitMs;
    while (this.#queue.some((p) => !p.cancelled) && this.#now < end) {
      const at = Math.min(...this.#queue.filter((p) => !p.cancelled).map((p) => p.at));
      this.advance(Math.max(0, Math.min(at, end) - this.#now));
    }
  }

  pending(): number {
    return this.#queue.filter((p) => !p.cancelled).length;
  }
}
