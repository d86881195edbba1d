/**
 * A warning as anyone on the kit's Wi-Fi may read it (docs/api.md §Warnings; docs/security.md §The
 * kit's Wi-Fi): what is happening, where, until when, and what to do, with the areas named as the
 * roster names them. Nothing of who must answer, who answered or who issued it: no person, no
 * name, no count. The public route and the public event streams both show this view.
 */
import type { PublicWarningView, WarningView } from './warnings-service.js';

/** Whether the warning is in force: current on its thread, not a cancel, not yet expired. */
export function inForce(w: Pick<WarningView, 'status' | 'action' | 'expires'>, nowMs: number): boolean {
  return w.status === 'active' && w.action !== 'cancel' && w.expires * 1000 > nowMs;
}

/** The public view of `w`; `names` gives the areas' names by code (the roster's). */
export function publicWarningView(w: WarningView, names: ReadonlyMap<number, string>): PublicWarningView {
  return {
    id: w.id,
    headline: { zh: w.headline.zh, en: w.headline.en },
    colour: w.colour,
    level: w.level,
    event: w.event,
    areas: w.areas.map((code) => {
      const name = names.get(code);
      return name === undefined ? { code } : { code, name };
    }),
    onset: w.onset,
    expires: w.expires,
    instruction: w.instruction,
    exercise: w.exercise,
  };
}

/** The roster's area names as a map, for publicWarningView. */
export function areaNameMap(areas: ReadonlyArray<{ code: number; name: string }>): Map<number, string> {
  return new Map(areas.map((a) => [a.code, a.name]));
}
