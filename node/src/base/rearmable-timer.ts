/**
 * One timer that is set again and again, each arming replacing the one before (docs/conventions.md
 * §Simulators and fakes, "Timers": delays are injected). The default timer is unref'd, so a wake-up
 * still pending never keeps the process alive; tests inject their own `setTimer`/`clearTimer`.
 */

export interface TimerFunctions {
  /** Sets a timer. Default: an unref'd setTimeout. */
  setTimer?: (fn: () => void, ms: number) => unknown;
  /** Clears a timer `setTimer` set. Default: clearTimeout. */
  clearTimer?: (timer: unknown) => void;
}

export class RearmableTimer {
  readonly #set: (fn: () => void, ms: number) => unknown;
  readonly #clear: (timer: unknown) => void;
  #timer: unknown;

  constructor(o: TimerFunctions = {}) {
    this.#clear = o.clearTimer ?? ((t: unknown) => clearTimeout(t as NodeJS.Timeout));
    this.#set =
      o.setTimer ??
      ((fn: () => void, ms: number) => {
        const t = setTimeout(fn, ms);
        t.unref();
        return t;
      });
  }

  /** Whether a timer is set and has not fired. */
  get armed(): boolean {
    return this.#timer !== undefined;
  }

  /** Calls `fn` in `ms`, instead of whatever was set before. */
  arm(ms: number, fn: () => void): void {
    this.cancel();
    this.#timer = this.#set(() => {
      this.#timer = undefined;
      fn();
    }, ms);
  }

  /** Clears the timer, if one is set. */
  cancel(): void {
    if (this.#timer !== undefined) this.#clear(this.#timer);
    this.#timer = undefined;
  }
}
