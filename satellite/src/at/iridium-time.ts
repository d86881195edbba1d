/**
 * Iridium system time (AT-MSSTM) to Unix time and back (docs/iridium.md §1.5, §7.1 "Time",
 * §7.6 vectors; docs/design.md §Time).
 *
 * MSSTM counts 90 ms frames since an era epoch, in 32 bits. The modem does not say which era it
 * counts from, and ERA2 overflows in August 2026, so the era is chosen by the caller's best guess
 * of the time: the era whose result lies closest to a last-known-good time. A caller with no good
 * time should not trust the answer; Iridium itself says it is not a clock for applications.
 */

/** One MSSTM tick, ms. */
export const MSSTM_TICK_MS = 90;

/** The era epochs (§1.5), Unix ms, oldest first. ERA3's switch-over date is not confirmed [U]. */
export const IRIDIUM_ERAS: readonly { name: string; epochMs: number }[] = [
  { name: 'ERA0', epochMs: Date.UTC(1996, 5, 1, 0, 0, 11) },
  { name: 'ERA1', epochMs: Date.UTC(2007, 2, 8, 3, 50, 21) },
  { name: 'ERA2', epochMs: Date.UTC(2014, 4, 11, 14, 23, 55) },
  { name: 'ERA3', epochMs: Date.UTC(2025, 1, 14, 18, 14, 17) },
];

const TICKS_LIMIT = 2 ** 32;

/**
 * Unix ms for an MSSTM value, in the era whose result is closest to `referenceMs` (a
 * last-known-good time: the system clock once something trusted set it, or the build date).
 */
export function msstmToUnixMs(ticks: number, referenceMs: number): number {
  if (!Number.isInteger(ticks) || ticks < 0 || ticks >= TICKS_LIMIT) {
    throw new RangeError(`MSSTM ticks are a 32-bit unsigned integer, not ${ticks}`);
  }
  let best: number | undefined;
  for (const era of IRIDIUM_ERAS) {
    const t = era.epochMs + ticks * MSSTM_TICK_MS;
    if (best === undefined || Math.abs(t - referenceMs) < Math.abs(best - referenceMs)) best = t;
  }
  return best as number;
}

/** The MSSTM value the network would give at `unixMs` counting from `epochMs` (for the simulator). */
export function unixMsToMsstm(unixMs: number, epochMs: number): number {
  const ticks = Math.floor((unixMs - epochMs) / MSSTM_TICK_MS);
  if (ticks < 0 || ticks >= TICKS_LIMIT) {
    throw new RangeError(`${new Date(unixMs).toISOString()} is outside the era starting ${epochMs}`);
  }
  return ticks;
}
