/**
 * The pause after a stop alarm (alarms.ts; protocols/iridium.md §7.1–§7.3): MO status
 * 12/14/15/16/34 (configuration) and 33/64/65 (hardware) mean retrying cannot help, so an SbdLink
 * stays down for `stopPauseMs` of the kind, or until an operator acknowledges the alarm, and then
 * tries again.
 */
import type { Clock, Timer } from '../../../node/src/link/clock.js';
import type { SbdLinkOptions } from './sbd-link-types.js';

export class StopPause {
  readonly #clock: Clock;
  readonly #o: Pick<SbdLinkOptions, 'stopPauseMs'>;
  readonly #onEnd: () => void;
  /** While a stop alarm lasts: clock ms when the link may try again. */
  #until: number | undefined;
  #timer: Timer | undefined;

  /** `onEnd` runs when the pause ends, by its timer or by {@link StopPause.end}. */
  constructor(clock: Clock, options: Pick<SbdLinkOptions, 'stopPauseMs'>, onEnd: () => void) {
    this.#clock = clock;
    this.#o = options;
    this.#onEnd = onEnd;
  }

  /** A stop alarm holds the link down. */
  get active(): boolean {
    return this.#until !== undefined;
  }

  /** Keep the link down for the pause of this kind. */
  start(kind: 'configuration' | 'hardware'): void {
    const pause = this.#o.stopPauseMs ?? { configuration: 6 * 3_600_000, hardware: 600_000 };
    this.#timer?.cancel();
    this.#until = this.#clock.now() + pause[kind];
    this.#timer = this.#clock.after(pause[kind], () => this.end());
  }

  end(): void {
    this.#timer?.cancel();
    this.#timer = undefined;
    this.#until = undefined;
    this.#onEnd();
  }

  /** The link stops: the timer must not fire. */
  cancelTimer(): void {
    this.#timer?.cancel();
  }
}
