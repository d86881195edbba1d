/**
 * The radio's own GPS fix as a network time (MeshtasticLink's TimeSource; node/src/link/link.ts;
 * docs/meshtastic.md §8): the time of the last position the radio reported for itself,
 * extrapolated by its age, and only when that fix came from a GPS with a plausible time.
 */
import type { OwnPosition } from './device-info.js';

/** Unix seconds before which a GPS time is not believed (2020-01-01). */
const GPS_EPOCH_FLOOR = 1_577_836_800;
/** `Position.LocSource` values that are a GPS (internal or external), not a position set by hand. */
const LOC_INTERNAL = 2;
const LOC_EXTERNAL = 3;

/**
 * The GPS time of `p` now, Unix ms: undefined without a position, with an implausible time, from
 * a source other than a GPS, or older than `maxAgeMs`.
 */
export function gpsTimeOf(
  p: OwnPosition | undefined,
  maxAgeMs: number,
): { time: number; source: 'gps' } | undefined {
  if (p === undefined || p.time < GPS_EPOCH_FLOOR) return undefined;
  if (p.locationSource !== LOC_INTERNAL && p.locationSource !== LOC_EXTERNAL) return undefined;
  const age = Date.now() - p.receivedAt;
  if (age < 0 || age > maxAgeMs) return undefined;
  return { time: p.time * 1000 + age, source: 'gps' };
}
