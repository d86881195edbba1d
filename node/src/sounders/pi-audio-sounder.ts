/**
 * The siren through the Pi's audio output (docs/warnings.md §The alarm at the kit, "pi-audio"):
 * the pattern's WAV, made in code (siren-wav.ts), played by ALSA's `aplay` from its standard input;
 * then the headline, spoken in Mandarin by `espeak-ng -v cmn` and played by `aplay` the same way,
 * so both go to the one device the configuration names.
 *
 * Both programs are found on PATH (docs/conventions.md §System tools). Either missing is reported
 * once and the rest goes on: without espeak-ng the siren still sounds; without aplay nothing of
 * this sounder does, and the others (a GPIO buzzer) still sound. `stop()` kills what is playing by
 * its process id and waits until it is gone, so the next sound never fights the last for the card.
 */
import type { Logger } from '../base/logger.js';
import type { AlarmPattern } from '../domain/warnings/alarm/alarm-patterns.js';
import type { Announcement } from '../domain/warnings/alarm/announcement.js';
import type { Sounder } from '../domain/warnings/alarm/sounder.js';
import { FailureReport } from './failure-report.js';
import { sirenWav } from './siren-wav.js';
import { APLAY, ESPEAK_NG, SoundTool } from './sounder-tools.js';
import { describeEnd, succeeded, type ToolEnd, ToolRun, type ToolRunOptions } from './tool-run.js';

export interface PiAudioSounderOptions {
  /** The ALSA device, as `aplay -D` takes it ("plughw:CARD=Headphones"). Default: the system's default. */
  device?: string;
  /** The espeak-ng voice. Default "cmn", Mandarin. */
  voice?: string;
  /** Speak the headline between sirens. Default true. */
  speech?: boolean;
  /** How fast espeak-ng speaks, words a minute. Default 140: slower than its own 175, clearer outdoors. */
  wordsPerMinute?: number;
  /** Samples a second of the siren. Default 16 000. */
  sampleRate?: number;
  /** Where the programs are looked for. Default `process.env.PATH`. */
  path?: string;
  /** aplay's path, instead of looking on PATH. */
  aplay?: string;
  /** espeak-ng's path, instead of looking on PATH. */
  espeakNg?: string;
  log: Logger;
}

/** Sirens of different lengths kept ready: a few patterns, each at a chime's and a siren's length. */
const WAV_CACHE = 12;

export class PiAudioSounder implements Sounder {
  readonly kind = 'pi-audio';
  readonly #o: PiAudioSounderOptions;
  readonly #aplay: SoundTool;
  readonly #espeak: SoundTool;
  readonly #sirenFailures: FailureReport;
  readonly #speechFailures: FailureReport;
  readonly #runs = new Set<ToolRun>();
  readonly #wavs = new Map<string, Buffer>();

  constructor(options: PiAudioSounderOptions) {
    this.#o = options;
    const log = options.log;
    this.#aplay = new SoundTool(APLAY, log, options.aplay, options.path);
    this.#espeak = new SoundTool(ESPEAK_NG, log, options.espeakNg, options.path);
    this.#sirenFailures = new FailureReport(log, 'pi-audio siren (aplay)');
    this.#speechFailures = new FailureReport(log, 'pi-audio speech (espeak-ng | aplay)');
  }

  /** Says now, not at the first warning, which program is missing. */
  async start(): Promise<void> {
    this.#aplay.find();
    if (this.#o.speech !== false) this.#espeak.find();
  }

  async siren(pattern: AlarmPattern, ms: number): Promise<void> {
    const aplay = this.#aplay.find();
    if (aplay === undefined) return;
    const end = await this.#play(aplay, this.#aplayArgs(), { input: this.#wav(pattern, ms) });
    this.#judge(this.#sirenFailures, end);
  }

  async speak(text: Announcement): Promise<void> {
    if (this.#o.speech === false) return;
    const espeak = this.#espeak.find();
    const aplay = this.#aplay.find();
    if (espeak === undefined || aplay === undefined) return;
    const args = [
      '-v',
      this.#o.voice ?? 'cmn',
      '-s',
      String(this.#o.wordsPerMinute ?? 140),
      '--stdout',
      '--stdin',
    ];
    const speaker = this.#start(espeak, args, { input: text.zh, pipeOut: true });
    const player = this.#start(aplay, this.#aplayArgs(), speaker.stdout ? { from: speaker.stdout } : {});
    const [said, played] = await Promise.all([this.#ended(speaker), this.#ended(player)]);
    this.#judge(this.#speechFailures, succeeded(said) || said.stopped ? played : said);
  }

  /** Kills what plays now and waits until it is gone. */
  async stop(): Promise<void> {
    await Promise.all([...this.#runs].map((r) => r.stop()));
  }

  async close(): Promise<void> {
    await this.stop();
    this.#wavs.clear();
  }

  #aplayArgs(): string[] {
    // Standard input is read when no file is named; -t wav says what it is.
    return ['-q', ...(this.#o.device === undefined ? [] : ['-D', this.#o.device]), '-t', 'wav'];
  }

  #wav(pattern: AlarmPattern, ms: number): Buffer {
    const key = `${pattern} ${ms}`;
    let wav = this.#wavs.get(key);
    if (wav === undefined) {
      if (this.#wavs.size >= WAV_CACHE) this.#wavs.clear();
      wav = sirenWav(pattern, ms, this.#o.sampleRate === undefined ? {} : { sampleRate: this.#o.sampleRate });
      this.#wavs.set(key, wav);
    }
    return wav;
  }

  #start(path: string, args: string[], o: ToolRunOptions): ToolRun {
    const run = new ToolRun(path, args, o);
    this.#runs.add(run);
    return run;
  }

  async #ended(run: ToolRun): Promise<ToolEnd> {
    const end = await run.ended;
    this.#runs.delete(run);
    return end;
  }

  #play(path: string, args: string[], o: ToolRunOptions): Promise<ToolEnd> {
    return this.#ended(this.#start(path, args, o));
  }

  /** A stop is no failure; anything else but a clean exit is, logged once per run of them. */
  #judge(report: FailureReport, end: ToolEnd): void {
    if (end.stopped) return;
    if (succeeded(end)) report.ok();
    else report.failed(describeEnd(end), end.spawnError);
  }
}
