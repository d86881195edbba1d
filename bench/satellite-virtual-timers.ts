/**
 * Global timers on the satellite benchmark's virtual clock (docs/store-and-forward.md §Satellite
 * benchmark): while installed, setTimeout and setInterval schedule on a SteppingClock, so that a
 * real NodeCore's dispatcher, receipt batcher and expiry scan (which use the global timers) keep
 * the simulated day's time. setImmediate and I/O stay real: the clock lets them run between steps.
 */
import type { SteppingClock, Timer } from '../node/src/link/clock.js';

type Callback = (...args: unknown[]) => void;

/** A timer that answers what Node's Timeout answers (ref, unref, refresh, close). */
class VirtualTimeout {
  static #next = 1;
  readonly id = VirtualTimeout.#next++;
  readonly #clock: SteppingClock;
  readonly #fn: () => void;
  readonly #ms: number;
  readonly #repeat: boolean;
  #timer: Timer | undefined;

  constructor(clock: SteppingClock, fn: () => void, ms: number, repeat: boolean) {
    this.#clock = clock;
    this.#fn = fn;
    this.#ms = Math.max(repeat ? 1 : 0, Number.isFinite(ms) ? ms : 0);
    this.#repeat = repeat;
    this.#arm();
  }

  #arm(): void {
    this.#timer = this.#clock.after(this.#ms, () => {
      if (this.#repeat) this.#arm();
      else this.#timer = undefined;
      this.#fn();
    });
  }

  close(): this {
    this.#timer?.cancel();
    this.#timer = undefined;
    return this;
  }

  refresh(): this {
    this.close();
    this.#arm();
    return this;
  }

  ref(): this {
    return this;
  }

  unref(): this {
    return this;
  }

  hasRef(): boolean {
    return false;
  }

  [Symbol.toPrimitive](): number {
    return this.id;
  }
}

/** Installs the virtual timers; returns how to put the real ones back. */
export function installVirtualTimers(clock: SteppingClock): () => void {
  const real = {
    setTimeout: globalThis.setTimeout,
    clearTimeout: globalThis.clearTimeout,
    setInterval: globalThis.setInterval,
    clearInterval: globalThis.clearInterval,
  };
  const clear = (t: unknown) => {
    if (t instanceof VirtualTimeout) t.close();
  };
  const g = globalThis as unknown as Record<string, unknown>;
  g.setTimeout = (fn: Callback, ms?: number, ...args: unknown[]) =>
    new VirtualTimeout(clock, () => fn(...args), ms ?? 0, false);
  g.setInterval = (fn: Callback, ms?: number, ...args: unknown[]) =>
    new VirtualTimeout(clock, () => fn(...args), ms ?? 0, true);
  g.clearTimeout = clear;
  g.clearInterval = clear;
  return () => Object.assign(globalThis, real);
}
