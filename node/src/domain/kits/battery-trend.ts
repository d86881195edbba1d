/**
 * How fast a kit's battery falls, from its recent health messages (docs/kits.md §When the centre is
 * alerted): a least-squares line through the charge over time, and when that line reaches the
 * cut-off. Pure: the kit board calls it.
 *
 * A solar kit's charge rises by day and falls by night, so the line is drawn through the last few
 * hours only, and only while the kit says it is on its battery and not charging: a line across a
 * charging spell would hide the fall.
 */

/** One reading of a kit's charge. */
export interface ChargePoint {
  /** When it was true, unix ms. */
  at: number;
  percent: number;
}

export interface BatteryTrend {
  /** Percent per hour: negative while falling. */
  perHour: number;
  /** When the line reaches the cut-off, unix ms; absent when it does not fall. */
  cutoffAt?: number;
}

/** Readings older than this before the newest are not drawn through. */
export const TREND_WINDOW_MS = 6 * 3600_000;
/** A line needs this many readings… */
export const TREND_MIN_POINTS = 3;
/** …spread over at least this long: a few minutes of readings say nothing about an hour. */
export const TREND_MIN_SPAN_MS = 20 * 60_000;

/**
 * The trend of `points` (any order) up to the newest, or undefined when they are too few or too
 * close together to draw a line through.
 */
export function batteryTrend(
  points: readonly ChargePoint[],
  cutoffPercent: number,
): BatteryTrend | undefined {
  if (points.length === 0) return undefined;
  const newest = points.reduce((a, b) => (b.at > a.at ? b : a));
  const recent = points.filter((p) => p.at >= newest.at - TREND_WINDOW_MS);
  if (recent.length < TREND_MIN_POINTS) return undefined;
  const first = Math.min(...recent.map((p) => p.at));
  if (newest.at - first < TREND_MIN_SPAN_MS) return undefined;
  // Hours from the first reading keep the sums small and exact enough.
  const xs = recent.map((p) => (p.at - first) / 3600_000);
  const ys = recent.map((p) => p.percent);
  const n = recent.length;
  const meanX = xs.reduce((a, b) => a + b, 0) / n;
  const meanY = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    const dx = (xs[i] as number) - meanX;
    sxy += dx * ((ys[i] as number) - meanY);
    sxx += dx * dx;
  }
  if (sxx === 0) return undefined;
  const perHour = sxy / sxx;
  if (perHour >= 0) return { perHour };
  // Where the line stands now (at the newest reading), not the reading itself: one noisy reading
  // should not move the forecast by hours.
  const nowY = meanY + perHour * ((newest.at - first) / 3600_000 - meanX);
  const hoursLeft = Math.max(0, (nowY - cutoffPercent) / -perHour);
  return { perHour, cutoffAt: newest.at + Math.round(hoursLeft * 3600_000) };
}
