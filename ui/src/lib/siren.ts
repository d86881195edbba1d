/**
 * The phone's siren, as a schedule (docs/ui.md §Warnings, The kit's alarm): the kit's own
 * patterns (node/src/domain/warnings/alarm/alarm-patterns.ts: a fast wail for red, a slow one for
 * orange, the hi-lo two-tone of a drill), in the kit's cadence (docs/warnings.md §The cadence: the
 * siren for `sirenMs`, then silence for `pauseMs`, so that the kit's spoken headline is heard between
 * two sirens), cut into the steps the page hands to WebAudio a little ahead of time.
 *
 * Nothing here touches audio: the steps are plain data, so the arithmetic is tested without a
 * browser, and siren-player.ts renders them. A browser runs a page's timers late or seldom (a tab
 * in the background, a busy phone), so the player asks for the steps of the next `horizon` seconds
 * on each tick, from where the last tick stopped; a tick that comes so late that the cursor is in
 * the past starts again from now rather than pile up steps that would all sound at once.
 */
import { PATTERN_SOUNDS } from '../../../node/src/domain/warnings/alarm/alarm-patterns.js';
import { alarmRule } from '../../../node/src/domain/warnings/alarm/alarm-rule.js';
import type { WarningColour } from './api-types.js';

/** One step of tone on the audio clock: from `fromHz` at `at` gliding to `toHz` at `at + s`; 0 Hz is silence. */
export interface SirenStep {
  /** Start, seconds on the audio clock. */
  at: number;
  s: number;
  fromHz: number;
  toHz: number;
}

export interface SirenCadence {
  /** How long each siren lasts, ms. Default 8,000 (the kit's `siren_s`). */
  sirenMs?: number;
  /** The silence after it, ms. Default 4,000 (the kit's `pause_s`). */
  pauseMs?: number;
}

/**
 * Where a schedule has got to: the next step to hand out, at `baseS + elapsedMs / 1000` on the audio
 * clock. Counted in whole milliseconds from a base, so that an alarm that sounds for hours does not
 * drift by adding up fractions of a second.
 */
export interface SirenCursor {
  baseS: number;
  elapsedMs: number;
  /** Where in the cycle it falls, ms from the cycle's start. */
  inCycleMs: number;
}

/** The pattern the phone sounds for a warning: the kit's for the same warning. */
export function sirenPattern(
  w: { colour: WarningColour; level?: number },
  exercise: boolean,
): keyof typeof PATTERN_SOUNDS {
  return alarmRule({ colour: w.colour, level: w.level ?? 0 }, exercise).pattern;
}

/** One whole cycle: the pattern's periods for `sirenMs` (the last one cut short), then the pause. */
export function sirenCycle(
  pattern: keyof typeof PATTERN_SOUNDS,
  cadence: SirenCadence = {},
): Array<Omit<SirenStep, 'at'> & { ms: number }> {
  const sirenMs = cadence.sirenMs ?? 8000;
  const pauseMs = cadence.pauseMs ?? 4000;
  const tone = PATTERN_SOUNDS[pattern].tone;
  if (tone.reduce((a, t) => a + t.ms, 0) <= 0) throw new RangeError(`pattern ${pattern} has no length`);
  const out: Array<Omit<SirenStep, 'at'> & { ms: number }> = [];
  let used = 0;
  for (let i = 0; used < sirenMs; i = (i + 1) % tone.length) {
    const step = tone[i] as (typeof tone)[number];
    const ms = Math.min(step.ms, sirenMs - used);
    // A glide cut short ends where it had got to, so the next step starts from a real pitch.
    const toHz = step.fromHz + ((step.toHz - step.fromHz) * ms) / step.ms;
    out.push({ s: ms / 1000, ms, fromHz: step.fromHz, toHz });
    used += ms;
  }
  if (pauseMs > 0) out.push({ s: pauseMs / 1000, ms: pauseMs, fromHz: 0, toHz: 0 });
  return out;
}

/** A cursor that starts a cycle at `at` (the audio clock's now). */
export function startCursor(at: number): SirenCursor {
  return { baseS: at, elapsedMs: 0, inCycleMs: 0 };
}

/**
 * The steps that start before `until` (s), from `cursor` on, and the cursor after them. When the
 * cursor has fallen behind `now` (the page slept), the schedule skips ahead to now, keeping its
 * place in the cycle, rather than hand out steps whose time has gone.
 */
export function nextSteps(
  cycle: ReadonlyArray<{ s: number; ms: number; fromHz: number; toHz: number }>,
  cursor: SirenCursor,
  now: number,
  until: number,
): { steps: SirenStep[]; cursor: SirenCursor } {
  const cycleMs = cycle.reduce((a, c) => a + c.ms, 0);
  const { baseS } = cursor;
  let { elapsedMs, inCycleMs } = cursor;
  const atOf = (ms: number) => baseS + ms / 1000;
  if (atOf(elapsedMs) < now) {
    const behindMs = Math.ceil((now - atOf(elapsedMs)) * 1000);
    inCycleMs = (inCycleMs + behindMs) % cycleMs;
    elapsedMs += behindMs;
  }
  const steps: SirenStep[] = [];
  while (atOf(elapsedMs) < until) {
    // The step the cursor is in, and how far into it (only after a skip is it not at its start).
    let into = inCycleMs;
    let i = 0;
    while (i < cycle.length - 1 && into >= (cycle[i] as (typeof cycle)[number]).ms) {
      into -= (cycle[i] as (typeof cycle)[number]).ms;
      i++;
    }
    const step = cycle[i] as (typeof cycle)[number];
    const leftMs = step.ms - into;
    const fromHz = step.fromHz + ((step.toHz - step.fromHz) * into) / step.ms;
    steps.push({ at: atOf(elapsedMs), s: leftMs / 1000, fromHz, toHz: step.toHz });
    elapsedMs += leftMs;
    inCycleMs = (inCycleMs + leftMs) % cycleMs;
  }
  return { steps, cursor: { baseS, elapsedMs, inCycleMs } };
}
