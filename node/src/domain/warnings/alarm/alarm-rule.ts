/**
 * How the kit sounds a warning (docs/warnings.md §The alarm at the kit), from its colour, its level
 * and whether it is a drill: which pattern, whether it repeats until a person here answers, and
 * how it ranks against the others sounding at the same time.
 *
 * - Red and orange repeat until answered; yellow and blue chime once.
 * - The colour decides. A warning without one (colour `none`: not every hazard uses the four
 *   colours, docs/domain.md §Warnings) is sounded as its level's colour would be: I as red, II as
 *   orange, III as yellow, IV and no level as blue.
 * - A drill (演练, the envelope's `exercise` flag) repeats or chimes as its colour would, but with
 *   the drill pattern, and ranks below every real warning: a real one interrupts a drill, never
 *   the other way round.
 */
import type { WarningBody } from '../../../wire/kinds/warning.js';
import type { AlarmPattern } from './alarm-patterns.js';

export type AlarmColour = 'red' | 'orange' | 'yellow' | 'blue';

export interface AlarmRule {
  /** The colour it is sounded as (its own, or its level's). */
  colour: AlarmColour;
  pattern: AlarmPattern;
  /** Sounds in cycles until a person here answers (red, orange); else once. */
  repeats: boolean;
  /** Higher sounds first and interrupts lower: every real warning above every drill. */
  rank: number;
}

const BY_LEVEL: readonly AlarmColour[] = ['blue', 'red', 'orange', 'yellow', 'blue'];
const COLOUR_RANK: Readonly<Record<AlarmColour, number>> = { red: 4, orange: 3, yellow: 2, blue: 1 };
/** Every real warning outranks every drill. */
const REAL = 10;

export function alarmColour(w: Pick<WarningBody, 'colour' | 'level'>): AlarmColour {
  if (w.colour !== 'none') return w.colour;
  return BY_LEVEL[w.level] ?? 'blue';
}

export function alarmRule(w: Pick<WarningBody, 'colour' | 'level'>, drill: boolean): AlarmRule {
  const colour = alarmColour(w);
  return {
    colour,
    pattern: drill ? 'drill' : colour,
    repeats: colour === 'red' || colour === 'orange',
    rank: (drill ? 0 : REAL) + COLOUR_RANK[colour],
  };
}

/** The all-clear of a cancelled warning: once, below every warning of its kind (real or drill). */
export function allClearRule(drill: boolean): AlarmRule {
  return { colour: 'blue', pattern: drill ? 'drill' : 'all-clear', repeats: false, rank: drill ? 0 : REAL };
}
