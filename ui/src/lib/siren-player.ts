/**
 * The siren through the phone's speaker (docs/ui.md §Warnings, The kit's alarm): the schedule of
 * siren.ts rendered with WebAudio, made in code, no audio file: one oscillator whose wave is a
 * sine with a little of its third harmonic (as the kit's WAV, docs/warnings.md §Sounders: a small
 * loudspeaker carries it better than a pure sine), its pitch set and glided step by step, and a
 * gain that is silent in the pauses, ramped over 5 ms so that no step clicks.
 *
 * Steps are handed to the audio clock `horizonS` ahead on each tick (the audio clock keeps time
 * even when the page's timers are late), from where the last tick stopped.
 */
import {
  nextSteps,
  type SirenCadence,
  type SirenCursor,
  type SirenStep,
  sirenCycle,
  startCursor,
} from './siren.js';

type Pattern = Parameters<typeof sirenCycle>[0];

export interface SirenPlayerOptions extends SirenCadence {
  /** How often steps are handed out, ms. Default 250. */
  tickMs?: number;
  /** How far ahead, s. Default 1.5. */
  horizonS?: number;
  /** Loudness, 0–1. Default 0.5. */
  level?: number;
}

const RAMP_S = 0.005;

export class SirenPlayer {
  readonly #ctx: AudioContext;
  readonly #o: SirenPlayerOptions;
  #osc: OscillatorNode | undefined;
  #gain: GainNode | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;
  #cursor: SirenCursor | undefined;
  #cycle: ReturnType<typeof sirenCycle> = [];
  #pattern: Pattern | undefined;

  constructor(ctx: AudioContext, options: SirenPlayerOptions = {}) {
    this.#ctx = ctx;
    this.#o = options;
  }

  /** The pattern sounding, or undefined. */
  get pattern(): Pattern | undefined {
    return this.#pattern;
  }

  /** Sounds `pattern` from now on (another pattern sounding gives way at once). */
  play(pattern: Pattern): void {
    if (this.#pattern === pattern) return;
    this.stop();
    const ctx = this.#ctx;
    const osc = ctx.createOscillator();
    osc.setPeriodicWave(
      ctx.createPeriodicWave(new Float32Array([0, 0, 0, 0]), new Float32Array([0, 1, 0, 0.3])),
    );
    const gain = ctx.createGain();
    gain.gain.setValueAtTime(0, ctx.currentTime);
    osc.connect(gain);
    gain.connect(ctx.destination);
    osc.start();
    this.#osc = osc;
    this.#gain = gain;
    this.#pattern = pattern;
    this.#cycle = sirenCycle(pattern, this.#o);
    this.#cursor = startCursor(ctx.currentTime + 0.05);
    this.#tick();
    this.#timer = setInterval(() => this.#tick(), this.#o.tickMs ?? 250);
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    const now = this.#ctx.currentTime;
    if (this.#gain !== undefined) {
      this.#gain.gain.cancelScheduledValues(now);
      this.#gain.gain.setValueAtTime(0, now);
    }
    if (this.#osc !== undefined) {
      const osc = this.#osc;
      const gain = this.#gain;
      osc.frequency.cancelScheduledValues(now);
      osc.stop(now + RAMP_S * 2);
      osc.onended = () => {
        osc.disconnect();
        gain?.disconnect();
      };
    }
    this.#osc = undefined;
    this.#gain = undefined;
    this.#pattern = undefined;
    this.#cursor = undefined;
  }

  #tick(): void {
    const osc = this.#osc;
    const gain = this.#gain;
    const cursor = this.#cursor;
    if (osc === undefined || gain === undefined || cursor === undefined) return;
    const now = this.#ctx.currentTime;
    const { steps, cursor: next } = nextSteps(this.#cycle, cursor, now, now + (this.#o.horizonS ?? 1.5));
    this.#cursor = next;
    for (const step of steps) this.#render(osc, gain, step);
  }

  #render(osc: OscillatorNode, gain: GainNode, step: SirenStep): void {
    const level = step.fromHz === 0 ? 0 : (this.#o.level ?? 0.5);
    gain.gain.setTargetAtTime(level, step.at, RAMP_S);
    if (step.fromHz === 0) return;
    osc.frequency.setValueAtTime(step.fromHz, step.at);
    if (step.toHz !== step.fromHz) osc.frequency.linearRampToValueAtTime(step.toHz, step.at + step.s);
  }
}
