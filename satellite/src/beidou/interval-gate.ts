/**
 * When the BeiDou link may send next (docs/beidou.md §The link's scheduler): never before the card's
 * service interval has passed since the last message left the antenna, with a margin for the
 * module's clock and the result's delay on the line. The module refuses a send inside its
 * interval, saying how many seconds are left; that refusal is a safety net the gate also learns
 * from, not the plan.
 *
 * Pure bookkeeping on the link's clock: the link asks {@link IntervalGate.openAt} before each send
 * and tells it what the module answered.
 */

export interface IntervalGateOptions {
  /** Added to every wait, ms. Default 1_000. */
  marginMs?: number;
  /**
   * Before the first send this process makes, wait a whole interval from when the gate was made
   * (`after-interval`), or send at once and let the module's refusal say how long is left
   * (`at-once`): the module may have sent just before fieldnode started. Default `after-interval`.
   */
  firstSend?: 'after-interval' | 'at-once';
}

export class IntervalGate {
  readonly #margin: number;
  #intervalMs: number;
  /** When the next send may go, on the link's clock. */
  #openAt: number;

  constructor(now: number, intervalMs: number, o: IntervalGateOptions = {}) {
    this.#margin = o.marginMs ?? 1_000;
    this.#intervalMs = intervalMs;
    this.#openAt = (o.firstSend ?? 'after-interval') === 'after-interval' ? now + this.#wait() : now;
  }

  /** The card's interval, ms (it may change when the card is read again). */
  get intervalMs(): number {
    return this.#intervalMs;
  }

  /** The least time between two sends as the link keeps it: the interval and the margin, ms. */
  get spacingMs(): number {
    return this.#wait();
  }

  set intervalMs(ms: number) {
    if (!(ms >= 0)) throw new RangeError(`interval must be ≥ 0 ms, got ${ms}`);
    this.#intervalMs = ms;
  }

  /** When the next send may go. */
  openAt(): number {
    return this.#openAt;
  }

  /** A message left (or may have left: no result came) at `now`. */
  sent(now: number): void {
    this.#openAt = Math.max(this.#openAt, now + this.#wait());
  }

  /** The module refused for its interval, `secondsLeft` to go (0: it did not say: a whole interval). */
  refused(now: number, secondsLeft: number): void {
    const left = secondsLeft > 0 ? secondsLeft * 1000 + this.#margin : this.#wait();
    this.#openAt = Math.max(this.#openAt, now + left);
  }

  #wait(): number {
    return this.#intervalMs > 0 ? this.#intervalMs + this.#margin : 0;
  }
}
