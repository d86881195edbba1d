/**
 * The map's positions layer (docs/teams.md §Positions; docs/teams.md §Positions): where each team
 * member was last, as a marker labelled with the name and the age of the fix, for whoever may see
 * the teams. Read from GET /api/teams; pure, for the map page and its tests.
 */
import type { PositionView } from './team-data.js';

export interface PositionMarker {
  key: string;
  lat: number;
  lon: number;
  /** Who, as the roster here names them, or their roster id. */
  who: string;
  /** How old the fix is, ms. */
  ageMs: number;
}

interface TeamsAnswer {
  positions: ReadonlyArray<PositionView & { name?: string }>;
}

/** The markers of the newest position of each member, the freshest last (drawn on top). */
export function positionMarkers(answer: TeamsAnswer, now: number): PositionMarker[] {
  return answer.positions
    .map((p) => ({
      key: `${p.node}:${p.person ?? 0}`,
      lat: p.point.lat,
      lon: p.point.lon,
      who: p.name ?? String(p.person ?? p.node),
      ageMs: Math.max(0, now - p.at),
    }))
    .sort((a, b) => b.ageMs - a.ageMs);
}
