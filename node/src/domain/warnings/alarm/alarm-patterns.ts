/**
 * The sounds of the alarm at the kit (docs/warnings.md §The alarm at the kit): one pattern per
 * colour, one for a drill and one for an all-clear, each described once here and rendered by every
 * sounder in its own way: as a tone for a loudspeaker (the siren WAV of the Pi's audio output) and
 * as a beat for a buzzer that can only be on or off (a GPIO line).
 *
 * Red and orange are sirens, sweeping up and down: red fast (0.9 s a sweep), orange slow (3 s), so
 * the urgency is heard before a word is spoken. Yellow and blue are chimes, played once. A drill
 * is a hi-lo two-tone that no real warning uses, so no one mistakes a drill for the siren. The
 * all-clear is a rising tone held, then silence.
 */

export const ALARM_PATTERNS = ['red', 'orange', 'yellow', 'blue', 'drill', 'all-clear'] as const;
export type AlarmPattern = (typeof ALARM_PATTERNS)[number];

/** A stretch of tone gliding from `fromHz` to `toHz`; 0 Hz is silence. */
export interface ToneStep {
  readonly fromHz: number;
  readonly toHz: number;
  readonly ms: number;
}

export interface PatternSound {
  /** One period of the tone; a siren repeats it for as long as it sounds. */
  readonly tone: readonly ToneStep[];
  /** One period for a buzzer: on, off, on, off… in ms; repeated likewise. */
  readonly beat: readonly number[];
}

const glide = (fromHz: number, toHz: number, ms: number): ToneStep => ({ fromHz, toHz, ms });
const note = (hz: number, ms: number): ToneStep => ({ fromHz: hz, toHz: hz, ms });

export const PATTERN_SOUNDS: Readonly<Record<AlarmPattern, PatternSound>> = {
  red: { tone: [glide(600, 1400, 450), glide(1400, 600, 450)], beat: [150, 150] },
  orange: { tone: [glide(600, 1200, 1500), glide(1200, 600, 1500)], beat: [500, 500] },
  yellow: { tone: [note(880, 300), note(0, 80), note(660, 600), note(0, 300)], beat: [150, 100, 150, 600] },
  blue: { tone: [note(660, 600), note(0, 400)], beat: [400, 600] },
  drill: { tone: [note(960, 500), note(770, 500)], beat: [800, 200, 200, 800] },
  'all-clear': { tone: [glide(520, 780, 800), note(780, 700), note(0, 500)], beat: [1500, 500] },
};

/** How long one period of `pattern` lasts: a chime or an all-clear sounds exactly this long. */
export function patternPeriodMs(pattern: AlarmPattern): number {
  return PATTERN_SOUNDS[pattern].tone.reduce((sum, step) => sum + step.ms, 0);
}
