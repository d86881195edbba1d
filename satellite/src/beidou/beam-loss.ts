/**
 * When a BeiDou link has lost its beams (docs/beidou.md §Beams): the module reports its beams about
 * once a second, and a report with none locked starts the clock; a report with one locked stops
 * it. With none locked for `lossMs` (the link's `beamLossMs`, `beam_loss_s` in the configuration)
 * the link goes down ('no-service'). Only a link that is up starts the clock.
 */
import type { Clock, Timer } from '../../../node/src/link/clock.js';

export class BeamLoss {
  readonly #clock: Clock;
  readonly #lossMs: number;
  readonly #onLost: (lossMs: number) => void;
  #timer: Timer | undefined;

  constructor(clock: Clock, lossMs: number, onLost: (lossMs: number) => void) {
    if (!(lossMs > 0)) throw new RangeError(`lossMs must be > 0, got ${lossMs}`);
    this.#clock = clock;
    this.#lossMs = lossMs;
    this.#onLost = onLost;
  }

  /** A beam report with `locked` beams, while the link is `up` or not. */
  report(locked: number, up: boolean): void {
    if (locked > 0) {
      this.cancel();
      return;
    }
    if (this.#timer !== undefined || !up) return;
    this.#timer = this.#clock.after(this.#lossMs, () => {
      this.#timer = undefined;
      this.#onLost(this.#lossMs);
    });
  }

  /** Forgets a loss under way (a beam locked, the link went down or stopped). */
  cancel(): void {
    this.#timer?.cancel();
    this.#timer = undefined;
  }
}
