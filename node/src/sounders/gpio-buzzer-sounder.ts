/**
 * A buzzer on a GPIO line (docs/warnings.md §The alarm at the kit, "gpio-buzzer"), beating each
 * pattern's rhythm (alarm-patterns.ts): red fast, orange slow, the chimes' short beats, the drill's
 * long-short. A buzzer cannot speak; the headline is the loudspeaker's.
 *
 * Through the GPIO character device with libgpiod's `gpioset`, not through /sys/class/gpio: the
 * sysfs interface is deprecated, some kernels no longer build it, and since the Pi's 6.6 kernels
 * its global numbers are offset (GPIO 17 is no longer gpio17), while the character device names a
 * line by its chip and offset as the pinout does, and gives it to one process only. Raspberry Pi OS
 * bookworm ships the `gpiod` package (libgpiod 1.6); trixie ships libgpiod 2, whose gpioset takes
 * other arguments: the version is asked once, at start.
 *
 * A line keeps its value only while a process holds it (gpioset's own help: "it should not be
 * assumed that a line will retain its state after gpioset exits"). So one gpioset always holds the
 * line, off at rest: each change stops the holder, by its pid, and starts the next with the new
 * value. Stopping the alarm leaves the line held off.
 */
import type { Logger } from '../base/logger.js';
import { type AlarmPattern, PATTERN_SOUNDS } from '../domain/warnings/alarm/alarm-patterns.js';
import type { Sounder } from '../domain/warnings/alarm/sounder.js';
import { type Clock, systemClock, type Timer } from '../link/clock.js';
import { FailureReport } from './failure-report.js';
import { GPIOSET, SoundTool } from './sounder-tools.js';
import { describeEnd, succeeded, ToolRun } from './tool-run.js';

export interface GpioBuzzerSounderOptions {
  /** The chip, as gpioinfo names it. Default "gpiochip0". */
  chip?: string;
  /** The line's offset on the chip (the BCM number on a Pi's header). */
  line: number;
  /** The buzzer sounds when the line is low. Default false. */
  activeLow?: boolean;
  /** Where gpioset is looked for. Default `process.env.PATH`. */
  path?: string;
  /** gpioset's path, instead of looking on PATH. */
  gpioset?: string;
  /** Times the beat. Default the system clock. */
  clock?: Clock;
  log: Logger;
}

/** How long a holder must have run, when we replace it, to count as having held the line. */
const HELD_MS = 100;

/** The libgpiod major version's way to hold `chip` `line` at `value` until killed. */
export function holdArgs(major: 1 | 2, chip: string, line: number, value: 0 | 1): string[] {
  // libgpiod 1: "gpioset [options] <chip> <offset>=<value>", held only with --mode=signal.
  // libgpiod 2: "gpioset [options] <line>=<value>", an offset needs -c, and it holds by default.
  return major === 1 ? ['--mode=signal', chip, `${line}=${value}`] : ['-c', chip, `${line}=${value}`];
}

/** "gpioset (libgpiod) v1.6.3" → 1; anything not v1 is taken as 2, the current syntax. */
export function libgpiodMajor(versionText: string): 1 | 2 {
  return /\bv1\.\d/.test(versionText) ? 1 : 2;
}

/** The beat of `pattern` for `ms`: when the buzzer goes on and off, ending off. */
export function beatEdges(pattern: AlarmPattern, ms: number): Array<{ at: number; on: boolean }> {
  const beat = PATTERN_SOUNDS[pattern].beat;
  const edges: Array<{ at: number; on: boolean }> = [];
  let at = 0;
  for (let i = 0; at < ms; i = (i + 1) % beat.length) {
    edges.push({ at, on: i % 2 === 0 });
    at += beat[i] ?? ms;
  }
  if (edges.at(-1)?.on !== false) edges.push({ at: ms, on: false });
  return edges;
}

/** A beat in progress: its next edge's timer, and how its siren() resolves early. */
interface Beat {
  timer: Timer | undefined;
  done: () => void;
}

export class GpioBuzzerSounder implements Sounder {
  readonly kind = 'gpio-buzzer';
  readonly #o: GpioBuzzerSounderOptions;
  readonly #tool: SoundTool;
  readonly #failures: FailureReport;
  #major: 1 | 2 | undefined;
  #holder: ToolRun | undefined;
  /** What #holder holds the line at: the buzzer on or off. */
  #holderOn = false;
  /** Line changes, one after the other. */
  #changes: Promise<void> = Promise.resolve();
  #beat: Beat | undefined;

  constructor(options: GpioBuzzerSounderOptions) {
    this.#o = options;
    this.#tool = new SoundTool(GPIOSET, options.log, options.gpioset, options.path);
    this.#failures = new FailureReport(
      options.log,
      `gpio-buzzer (gpioset, ${options.chip ?? 'gpiochip0'} line ${options.line})`,
    );
  }

  /** Finds gpioset, asks its version, and holds the line off. */
  async start(): Promise<void> {
    await this.#set(false);
  }

  siren(pattern: AlarmPattern, ms: number): Promise<void> {
    this.#endBeat();
    if (this.#tool.find() === undefined) return Promise.resolve();
    const edges = beatEdges(pattern, ms);
    const clock = this.#o.clock ?? systemClock;
    const begun = clock.now();
    return new Promise<void>((resolve) => {
      const beat: Beat = { timer: undefined, done: resolve };
      this.#beat = beat;
      const step = (i: number) => {
        if (this.#beat !== beat) return;
        const edge = edges[i];
        if (edge === undefined) {
          this.#beat = undefined;
          void this.#changes.then(() => resolve());
          return;
        }
        void this.#set(edge.on);
        const next = edges[i + 1];
        // Each edge is timed from the start, so slow process starts do not stretch the pattern.
        if (next === undefined) step(i + 1);
        else beat.timer = clock.after(Math.max(0, begun + next.at - clock.now()), () => step(i + 1));
      };
      step(0);
    });
  }

  /** A buzzer cannot speak. */
  async speak(): Promise<void> {}

  /** Ends the beat and holds the line off. */
  async stop(): Promise<void> {
    this.#endBeat();
    await this.#set(false);
  }

  /** Off, then the holder goes: the line is released low. */
  async close(): Promise<void> {
    await this.stop();
    this.#changes = this.#changes.then(async () => {
      await this.#holder?.stop();
      this.#holder = undefined;
    });
    await this.#changes;
  }

  #endBeat(): void {
    const beat = this.#beat;
    this.#beat = undefined;
    beat?.timer?.cancel();
    beat?.done();
  }

  /** Holds the line at `on`, after the changes before it. */
  #set(on: boolean): Promise<void> {
    this.#changes = this.#changes.then(() => this.#hold(on));
    return this.#changes;
  }

  async #hold(on: boolean): Promise<void> {
    // Already held so: a stop after a finished beat changes nothing.
    if (this.#holder !== undefined && this.#holderOn === on) return;
    const gpioset = this.#tool.find();
    if (gpioset === undefined) return;
    this.#major ??= await this.#version(gpioset);
    await this.#holder?.stop();
    const value = on !== (this.#o.activeLow ?? false) ? 1 : 0;
    const holder = new ToolRun(
      gpioset,
      holdArgs(this.#major, this.#o.chip ?? 'gpiochip0', this.#o.line, value),
    );
    this.#holder = holder;
    this.#holderOn = on;
    void holder.ended.then((end) => {
      // A holder ends when we replace it, having held the line; by itself only when it could not
      // take the line (a wrong chip, a line another process holds) or someone else stopped it.
      if (this.#holder === holder) this.#holder = undefined;
      if (end.stopped) {
        // One stopped as it started tells nothing; one that lived a while held the line.
        if (end.ranMs >= HELD_MS) this.#failures.ok();
      } else if (succeeded(end)) this.#failures.failed('let go of the line: something else stopped it');
      else this.#failures.failed(describeEnd(end), end.spawnError);
    });
  }

  async #version(gpioset: string): Promise<1 | 2> {
    const run = new ToolRun(gpioset, ['--version'], { pipeOut: true });
    let text = '';
    run.stdout?.setEncoding('utf8');
    run.stdout?.on('data', (chunk: string) => {
      text += chunk;
    });
    await run.ended;
    return libgpiodMajor(text);
  }
}
