/**
 * What the map tints and lists besides the outlines (docs/ui.md §The map): the areas under a
 * warning in force, each in the gravest colour among the warnings naming it, and the hazards in the
 * order a list under the map shows them (gravest first, then newest). Pure, for the views and
 * their tests.
 */
import type { HazardApiView, PublicHazardView } from './hazard-api.js';

const COLOUR_RANK = ['red', 'orange', 'yellow', 'blue'];
const SEVERITY_RANK = ['critical', 'high', 'medium', 'low'];

/** Each area code named by a warning in force, with the gravest colour naming it. */
export function warnedAreas(
  inForce: ReadonlyArray<{ colour: string; areas: ReadonlyArray<{ code: number }> }>,
): Map<number, string> {
  const out = new Map<number, string>();
  for (const w of inForce) {
    if (!COLOUR_RANK.includes(w.colour)) continue;
    for (const { code } of w.areas) {
      const before = out.get(code);
      if (before === undefined || COLOUR_RANK.indexOf(w.colour) < COLOUR_RANK.indexOf(before))
        out.set(code, w.colour);
    }
  }
  return out;
}

/** Hazards as a list under the map: open ones first, the gravest, then the newest. */
export function hazardsInOrder<T extends HazardApiView | PublicHazardView>(hazards: readonly T[]): T[] {
  return [...hazards].sort(
    (a, b) =>
      Number(a.status === 'closed') - Number(b.status === 'closed') ||
      SEVERITY_RANK.indexOf(a.severity) - SEVERITY_RANK.indexOf(b.severity) ||
      b.reportedAt - a.reportedAt,
  );
}
