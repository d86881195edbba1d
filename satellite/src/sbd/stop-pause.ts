/**
 * The pause after a stop alarm (alarms.ts; docs/iridium.md §7.1–§7.3): MO status 12/14/15/16/34
 * (configuration) and 33/64/65 (hardware) mean retrying cannot help, so an SbdLink stays down for
 * `stopPauseMs` of the kind, or until an operator acknowledges the alarm. The pause only holds the
 * link down: a start() during it ends down again with the same reason, and the link never starts
 * itself when it ends; the supervisor's next start() does (node/src/daemon/link-supervisor.ts).
 */
import type { Clock } from '../../../node/src/link/clock.js';
import type { LinkDownReason } from '../../../node/src/link/link.js';
import type { SbdLinkOptions } from './sbd-link-types.js';

export class StopPause {
  readonly #clock: Pick<Clock, 'now'>;
  readonly #o: Pick<SbdLinkOptions, 'stopPauseMs'>;
  /** While a stop alarm lasts: clock ms when the link may go up again, and why it is down. */
  #held: { until: number; reason: LinkDownReason; detail: string } | undefined;

  constructor(clock: Pick<Clock, 'now'>, options: Pick<SbdLinkOptions, 'stopPauseMs'>) {
    this.#clock = clock;
    this.#o = options;
  }

  /** Why the link is held down now, if a stop alarm's pause lasts. */
  get holding(): { reason: LinkDownReason; detail: string } | undefined {
    if (this.#held !== undefined && this.#clock.now() >= this.#held.until) this.#held = undefined;
    return this.#held;
  }

  /** Hold the link down for the pause of this kind. */
  start(kind: 'configuration' | 'hardware', reason: LinkDownReason, detail: string): void {
    const pause = this.#o.stopPauseMs ?? { configuration: 6 * 3_600_000, hardware: 600_000 };
    this.#held = { until: this.#clock.now() + pause[kind], reason, detail };
  }

  /** An operator acknowledged the alarm: the next start() may go up. */
  end(): void {
    this.#held = undefined;
  }
}
