/**
 * The siren and chimes for the Pi's audio output, synthesised (docs/warnings.md §The alarm at the
 * kit, "pi-audio"): each pattern's tone (alarm-patterns.ts) rendered as a WAV of the length asked,
 * its period repeated: red a fast rising and falling sweep, orange a slow one, the chimes, the
 * drill's hi-lo and the all-clear.
 *
 * A sine with a little of its third harmonic, so a small loudspeaker carries it further than a
 * pure tone; the phase runs on through every glide, so a sweep has no clicks, and the level ramps
 * in 5 ms into and out of every silence and at both ends.
 */
import {
  type AlarmPattern,
  PATTERN_SOUNDS,
  patternPeriodMs,
} from '../domain/warnings/alarm/alarm-patterns.js';
import { pcm16Wav } from './wav.js';

export interface SirenWavOptions {
  /** Samples a second. Default 16 000: enough for tones below 2 kHz, and 32 KB a second. */
  sampleRate?: number;
  /** Peak level, 0…1. Default 0.8. */
  level?: number;
}

export const DEFAULT_SAMPLE_RATE = 16_000;
const FADE_MS = 5;
const THIRD = 0.25;
/** The waveform's own peak, so that `level` is the peak of the file. */
const PEAK = (() => {
  let peak = 0;
  for (let i = 0; i < 10_000; i++) {
    const x = (i / 10_000) * Math.PI;
    peak = Math.max(peak, Math.abs(Math.sin(x) + THIRD * Math.sin(3 * x)));
  }
  return peak;
})();

/** `pattern` for `ms`, as a WAV file. */
export function sirenWav(pattern: AlarmPattern, ms: number, options: SirenWavOptions = {}): Buffer {
  const rate = options.sampleRate ?? DEFAULT_SAMPLE_RATE;
  return pcm16Wav(sirenSamples(pattern, ms, rate, options.level ?? 0.8), rate);
}

export function sirenSamples(pattern: AlarmPattern, ms: number, rate: number, level: number): Float32Array {
  if (!(ms >= 0)) throw new RangeError(`bad length ${ms} ms`);
  const steps = PATTERN_SOUNDS[pattern].tone;
  const period = patternPeriodMs(pattern);
  const n = Math.round((ms * rate) / 1000);
  const out = new Float32Array(n);
  const fadeSamples = Math.max(1, Math.round((FADE_MS * rate) / 1000));
  const fadeStep = 1 / fadeSamples;
  // The last sample is silent: the fade-out ends on it.
  const fadeOutFrom = n - fadeSamples - 1;
  let phase = 0;
  let gain = 0;
  // A tone fading into silence fades at its own pitch: a frozen phase would be a step, a click.
  let lastHz = 0;
  for (let i = 0; i < n; i++) {
    let t = ((i * 1000) / rate) % period;
    let hz = 0;
    for (const step of steps) {
      if (t < step.ms) {
        hz = step.fromHz + ((step.toHz - step.fromHz) * t) / step.ms;
        break;
      }
      t -= step.ms;
    }
    out[i] = (level * gain * (Math.sin(phase) + THIRD * Math.sin(3 * phase))) / PEAK;
    const target = hz > 0 && i < fadeOutFrom ? 1 : 0;
    gain = target > gain ? Math.min(target, gain + fadeStep) : Math.max(target, gain - fadeStep);
    if (hz > 0) lastHz = hz;
    phase = (phase + (2 * Math.PI * (hz > 0 ? hz : lastHz)) / rate) % (2 * Math.PI);
  }
  return out;
}
