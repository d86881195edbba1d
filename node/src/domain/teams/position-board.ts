/**
 * Where the members of the teams were last (docs/teams.md §Positions): the newest position message
 * per kit and roster id, with the time of its fix. Kept in memory only: a position is worth minutes,
 * and the next one comes within the team's interval after a restart.
 *
 * `positionDue` is the rate limit a phone's reports pass at the kit, so positions cost little
 * airtime: one per person per interval, sooner only after moving far.
 */
import type { GeoPoint } from '../../wire/field-codecs.js';
import type { MessageOf } from '../../wire/message.js';

export interface PositionView {
  /** The kit that sent it. */
  node: number;
  /** The team member's roster id, when one is named. */
  person?: number;
  point: GeoPoint;
  /** When the fix was taken, unix ms. */
  at: number;
  accuracyM?: number;
  speedMps?: number;
  headingDeg?: number;
  batteryPct?: number;
  exercise: boolean;
}

export function positionView(m: MessageOf<'position'>): PositionView {
  const b = m.body;
  return {
    node: m.origin,
    ...(b.person === undefined ? {} : { person: b.person }),
    point: b.point,
    at: (m.createdAt - (b.fixAgeS ?? 0)) * 1000,
    ...(b.accuracyM === undefined ? {} : { accuracyM: b.accuracyM }),
    ...(b.speedMps === undefined ? {} : { speedMps: b.speedMps }),
    ...(b.headingDeg === undefined ? {} : { headingDeg: b.headingDeg }),
    ...(b.batteryPct === undefined ? {} : { batteryPct: b.batteryPct }),
    exercise: m.flags.includes('exercise'),
  };
}

export class PositionBoard {
  readonly #latest = new Map<string, PositionView>();

  /** Keeps a position unless a newer one of the same person is held; the view when kept. */
  record(p: PositionView): PositionView | undefined {
    const key = `${p.node}:${p.person ?? 0}`;
    const held = this.#latest.get(key);
    if (held !== undefined && held.at >= p.at) return undefined;
    this.#latest.set(key, p);
    return p;
  }

  latest(node: number, person?: number): PositionView | undefined {
    return this.#latest.get(`${node}:${person ?? 0}`);
  }

  list(): PositionView[] {
    return [...this.#latest.values()].sort((a, b) => b.at - a.at);
  }
}

/** Metres between two points (haversine; ample for "has it moved 100 m"). */
export function distanceM(a: GeoPoint, b: GeoPoint): number {
  const r = 6_371_000;
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * r * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * Whether a phone's new fix goes on air: the first always; then once `intervalMs` has passed since
 * the last one sent, or sooner once it is `moveM` away from it. Otherwise, when it may next go.
 */
export function positionDue(
  last: { at: number; point: GeoPoint } | undefined,
  next: { at: number; point: GeoPoint },
  rule: { intervalMs: number; moveM: number },
): { due: true } | { due: false; nextAt: number } {
  if (last === undefined) return { due: true };
  if (next.at - last.at >= rule.intervalMs) return { due: true };
  // Moving far still waits a quarter interval: a car's GPS must not fill the channel.
  if (next.at - last.at >= rule.intervalMs / 4 && distanceM(last.point, next.point) >= rule.moveM)
    return { due: true };
  return { due: false, nextAt: last.at + rule.intervalMs };
}
