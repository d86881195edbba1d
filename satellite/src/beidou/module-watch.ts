/**
 * Whether the BeiDou module still talks (docs/beidou.md §A module that resets): once the module
 * has given its periodic beam report, its short-message side writes a sentence about once a
 * second; silence past `silenceMs` means it reset (its beam report, off again after a reset until
 * `$CCRMO` asks, stopped), lost power or hung. The watch says so once per silence spell; the link
 * decides what to do (go down, ask for the report and read the card again).
 *
 * It reads when the module last talked from the driver (`talkedAt`, sentences of talker `BD`
 * only) and checks on one timer, re-armed for when the silence would reach the bound, so nothing
 * runs per sentence.
 */
import type { Clock, Timer } from '../../../node/src/link/clock.js';

export interface ModuleWatchOptions {
  clock: Clock;
  /** How long the module may say nothing before it counts as silent, ms. */
  silenceMs: number;
  /** When the module last talked, on the clock; undefined before it did. */
  talkedAt(): number | undefined;
  /** The module has been silent for `silentMs`: called once, until it is armed again. */
  onSilent(silentMs: number): void;
}

export class ModuleWatch {
  readonly #o: ModuleWatchOptions;
  #timer: Timer | undefined;
  #armed = false;
  /** When it was armed: silence counts from then at the earliest. */
  #armedAt = 0;

  constructor(o: ModuleWatchOptions) {
    if (!(o.silenceMs > 0)) throw new RangeError(`silenceMs must be > 0, got ${o.silenceMs}`);
    this.#o = o;
  }

  get armed(): boolean {
    return this.#armed;
  }

  /** Starts watching (again): silence counts from the module's last sentence, or from now if later. */
  arm(): void {
    this.#armed = true;
    this.#armedAt = this.#o.clock.now();
    this.#check();
  }

  disarm(): void {
    this.#armed = false;
    this.#timer?.cancel();
    this.#timer = undefined;
  }

  /** Whether the module talked within the bound. */
  talking(): boolean {
    const at = this.#o.talkedAt();
    return at !== undefined && this.#o.clock.now() - at < this.#o.silenceMs;
  }

  #check(): void {
    this.#timer?.cancel();
    if (!this.#armed) return;
    const now = this.#o.clock.now();
    const silentMs = now - Math.max(this.#o.talkedAt() ?? this.#armedAt, this.#armedAt);
    if (silentMs >= this.#o.silenceMs) {
      this.disarm();
      this.#o.onSilent(silentMs);
      return;
    }
    this.#timer = this.#o.clock.after(this.#o.silenceMs - silentMs, () => this.#check());
  }
}
