/**
 * How a warning is shown wherever it appears, the first view and the alarm included (docs/ui.md
 * §Warnings): its colour (its own, or its level's as the kit sounds it:
 * node/src/domain/warnings/alarm/alarm-rule.ts), whether it takes the full screen until answered,
 * and the order of a list. Kept apart from the form's tables (warning-data.ts), which only the
 * centre's views load.
 */
import { alarmColour } from '../../../node/src/domain/warnings/alarm/alarm-rule.js';
import type { PublicWarningView, WarningColour, WarningStatus, WarningView } from './api-types.js';

/**
 * The colour a warning is shown in: its own, or, without one, its level's, as the kit sounds it
 * (node/src/domain/warnings/alarm/alarm-rule.ts).
 */
export function shownColour(w: { colour: WarningColour; level: number }): Exclude<WarningColour, 'none'> {
  return alarmColour({ colour: w.colour, level: w.level });
}

/** Red and orange: the full-screen alarm until answered (docs/warnings.md §The rules). */
export function isUrgent(w: { colour: WarningColour; level: number }): boolean {
  const c = shownColour(w);
  return c === 'red' || c === 'orange';
}

/** In force first, then by when each was made, the newest first. */
export function byInForce<T extends { status: WarningStatus; createdAt: number }>(list: readonly T[]): T[] {
  const rank = (s: WarningStatus) => (s === 'active' ? 0 : s === 'pending' ? 1 : 2);
  return [...list].sort((a, b) => rank(a.status) - rank(b.status) || b.createdAt - a.createdAt);
}

/**
 * The list in force after a public warning came over the stream: it replaces the one of the same
 * id, or leaves when the kit says it is no longer in force (cancelled, superseded, expired); those
 * that expired before now leave too.
 */
export function inForceWith(
  list: readonly PublicWarningView[],
  w: PublicWarningView,
  inForce: boolean,
  nowS: number = Date.now() / 1000,
): PublicWarningView[] {
  const others = list.filter((x) => x.id !== w.id && x.expires > nowS);
  return inForce && w.expires > nowS ? [w, ...others] : others;
}

/** Whether a warning is in force: current on its thread, not a cancel, not yet expired (as the kit says it). */
export function isInForce(w: Pick<WarningView, 'status' | 'action' | 'expires'>, nowS: number): boolean {
  return w.status === 'active' && w.action !== 'cancel' && w.expires > nowS;
}

/**
 * The list in force after a full view of a warning came (a person signed in hears those instead of
 * the public ones): as inForceWith, with the areas named as the list already names them, and the
 * warning an update or a cancel ends taken off at once.
 */
export function inForceWithView(
  list: readonly PublicWarningView[],
  w: WarningView,
  nowS: number = Date.now() / 1000,
): PublicWarningView[] {
  const names = new Map(
    list.flatMap((x) => x.areas).flatMap((a) => (a.name === undefined ? [] : ([[a.code, a.name]] as const))),
  );
  const pub: PublicWarningView = {
    id: w.id,
    headline: w.headline,
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
  const rest =
    w.references === undefined || w.action === 'issue' ? list : list.filter((x) => x.id !== w.references);
  return inForceWith(rest, pub, isInForce(w, nowS), nowS);
}
