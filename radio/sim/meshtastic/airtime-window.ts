/**
 * A rolling record of the time a radio was busy, for the two airtime figures the firmware keeps
 * (docs/meshtastic.md §2.5, §4.4): channel utilisation over the last minute (which sets the
 * contention window) and TX airtime over the last hour (which the duty-cycle limit checks).
 * The firmware keeps these in per-minute buckets; an exact sum over intervals is simpler and
 * differs only by the bucket rounding.
 */

export class AirtimeWindow {
  /** [start, end) pairs in time order of start; older than the horizon are dropped. */
  #spans: Array<[number, number]> = [];

  /** `horizonMs`: the longest window asked about; older spans are forgotten. */
  constructor(readonly horizonMs: number) {}

  /** Records busy time from `start` to `end` (ms on the sim clock). */
  add(start: number, end: number): void {
    if (end <= start) return;
    this.#spans.push([start, end]);
    const cutoff = start - this.horizonMs;
    let drop = 0;
    while (drop < this.#spans.length && (this.#spans[drop]?.[1] ?? Infinity) <= cutoff) drop++;
    if (drop > 0) this.#spans.splice(0, drop);
  }

  /** Busy milliseconds within [now − windowMs, now]; time after `now` is not counted yet. */
  busyMs(now: number, windowMs: number): number {
    const from = now - windowMs;
    let sum = 0;
    for (const [s, e] of this.#spans) {
      const a = Math.max(s, from);
      const b = Math.min(e, now);
      if (b > a) sum += b - a;
    }
    return sum;
  }

  /** Busy time as a percentage of the window, capped at 100 (overlapping receptions). */
  percent(now: number, windowMs: number): number {
    return Math.min(100, (100 * this.busyMs(now, windowMs)) / windowMs);
  }

  clear(): void {
    this.#spans = [];
  }
}
