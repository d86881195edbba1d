/**
 * The log of what the centre's internet-facing receivers refuse (docs/centre-doors.md §Refusals
 * and the log; docs/conventions.md §Logging "Log changes, not repetitions"): the RockBLOCK push
 * receiver and the DirectIP MO server. Anyone on the internet can send them junk, and a line per
 * refused request would let a flood of it fill the disk and the journal. So, per window (a minute
 * by default), the first few refusals are logged in full and the rest only counted; when the
 * window closes, one summary line says how many were not logged, by reason. A burst of N
 * refusals therefore costs at most `perWindow + 1` lines per window, whatever N is.
 *
 * Used by both receivers (the DirectIP MO server imports it from here); it knows nothing of either.
 */
import type { Logger } from '../../../node/src/base/logger.js';

/** What one refusal is logged with: a stable reason word, and anything else worth a line. */
export interface Refusal extends Record<string, unknown> {
  reason: string;
}

/** Options for {@link RefusalLog}. */
export interface RefusalLogOptions {
  log: Logger;
  /** The message of each refusal's line, e.g. "rockblock push refused". */
  msg: string;
  /** Refusals logged in full per window; the rest are only counted. Default 5. */
  perWindow?: number;
  /** The window, ms. Default 60,000. */
  windowMs?: number;
  /** Unix ms now. Default Date.now. */
  now?: () => number;
}

/** Rate-limits refusal lines: the first {@link RefusalLogOptions.perWindow} per window, then a count. */
export class RefusalLog {
  readonly #log: Logger;
  readonly #msg: string;
  readonly #perWindow: number;
  readonly #windowMs: number;
  readonly #now: () => number;
  /** When the current window began; undefined between windows. */
  #windowStart: number | undefined;
  #logged = 0;
  #suppressed = 0;
  #byReason = new Map<string, number>();
  #timer: NodeJS.Timeout | undefined;

  constructor(opts: RefusalLogOptions) {
    this.#log = opts.log;
    this.#msg = opts.msg;
    this.#perWindow = opts.perWindow ?? 5;
    this.#windowMs = opts.windowMs ?? 60_000;
    this.#now = opts.now ?? (() => Date.now());
    if (!(this.#perWindow >= 0) || !(this.#windowMs > 0)) {
      throw new RangeError('perWindow must be at least 0 and windowMs above 0');
    }
  }

  /** Logs one refusal, or counts it once this window's lines are spent. */
  refused(refusal: Refusal): void {
    const now = this.#now();
    if (this.#windowStart === undefined || now - this.#windowStart >= this.#windowMs) {
      this.#close();
      this.#windowStart = now;
    }
    if (this.#logged < this.#perWindow) {
      this.#logged++;
      this.#log.warn(refusal, this.#msg);
      return;
    }
    this.#suppressed++;
    this.#byReason.set(refusal.reason, (this.#byReason.get(refusal.reason) ?? 0) + 1);
    // The summary must come even if the flood stops: at the end of the window, not at the next
    // refusal. unref(): a pending summary never keeps the process alive.
    this.#timer ??= setTimeout(() => this.#close(), this.#windowStart + this.#windowMs - now);
    this.#timer.unref?.();
  }

  /** Ends the window now: writes its summary line, if any refusal went unlogged, and stops the timer. */
  flush(): void {
    this.#close();
  }

  #close(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#suppressed > 0) {
      this.#log.warn(
        {
          suppressed: this.#suppressed,
          byReason: Object.fromEntries(this.#byReason),
          windowMs: this.#windowMs,
        },
        `${this.#msg}: more refusals, counted but not logged one by one`,
      );
    }
    this.#windowStart = undefined;
    this.#logged = 0;
    this.#suppressed = 0;
    this.#byReason = new Map();
  }
}
