/**
 * Channel utilisation as a Meshtastic radio measures it (docs/mesh-simulator.md §The 叫应 storm,
 * "Channel utilisation"): the share of a window in which the radio was sending or hearing a
 * packet. The firmware adds up the time on air of what it sent and what it received, well formed
 * or not, over a rolling minute kept as six ten-second buckets; a radio receives one packet at a
 * time and cannot receive while it sends, so that sum is the time its channel was busy. Here the
 * busy time is the union of the packets' times on air at the radio, packets that overlapped
 * (a collision) counted once, and the busiest window of a run is taken over every window, not only
 * those on a bucket boundary, so it is at least what the radio's own figure ever read. The same over
 * ten minutes stands for the firmware's polite level (25 %), which it applies to a minute but which
 * a channel that should stay usable must keep on average.
 */

/** One packet a radio sent or heard: from its start to its end on air, ms. */
export interface AirSpan {
  startMs: number;
  endMs: number;
}

export interface BusiestWindow {
  /** Share of the window the radio was sending or hearing, 0 to 1. */
  utilisation: number;
  /** The window is (endMs − windowMs, endMs]. */
  endMs: number;
  /** Busy time in it, ms. */
  busyMs: number;
}

/** The union of `spans` as disjoint spans in time order. */
export function busySpans(spans: readonly AirSpan[]): AirSpan[] {
  const sorted = [...spans].filter((s) => s.endMs > s.startMs).sort((a, b) => a.startMs - b.startMs);
  const out: AirSpan[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && s.startMs <= last.endMs) last.endMs = Math.max(last.endMs, s.endMs);
    else out.push({ startMs: s.startMs, endMs: s.endMs });
  }
  return out;
}

/**
 * The window of `windowMs` in which the radio was busy longest. The busy time of the window
 * ending at t grows only while a busy span ends inside it and shrinks only while one starts before
 * it, so its maximum is at a span's end, or one window after a span's start.
 */
export function busiestWindow(spans: readonly AirSpan[], windowMs: number): BusiestWindow {
  if (!(windowMs > 0)) throw new RangeError(`windowMs must be positive, not ${windowMs}`);
  const busy = busySpans(spans);
  // before[i]: busy time of the spans before span i.
  const before = [0];
  for (const s of busy) before.push((before[before.length - 1] as number) + s.endMs - s.startMs);
  const busyIn = (from: number, to: number): number => {
    // The first span ending after `from`, and the first starting at or after `to`.
    const a = firstIndex(busy, (s) => s.endMs > from);
    const b = firstIndex(busy, (s) => s.startMs >= to);
    if (a >= b) return 0;
    let sum = (before[b] as number) - (before[a] as number);
    sum -= Math.max(0, from - (busy[a] as AirSpan).startMs);
    sum -= Math.max(0, (busy[b - 1] as AirSpan).endMs - to);
    return sum;
  };
  let best: BusiestWindow = { utilisation: 0, endMs: 0, busyMs: 0 };
  for (const s of busy) {
    for (const t of [s.endMs, s.startMs + windowMs]) {
      const busyMs = busyIn(t - windowMs, t);
      if (busyMs > best.busyMs) best = { utilisation: busyMs / windowMs, endMs: t, busyMs };
    }
  }
  return best;
}

/** The first index whose span satisfies `p`, which holds from some index on; the length if none. */
function firstIndex(spans: readonly AirSpan[], p: (s: AirSpan) => boolean): number {
  let lo = 0;
  let hi = spans.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (p(spans[mid] as AirSpan)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
