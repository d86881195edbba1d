/**
 * The programs the kit's sounders run (docs/warnings.md §The alarm at the kit, "Sounders"), found
 * on PATH as every system tool is (docs/conventions.md §System tools), and reported once when one
 * is missing: a kit without espeak-ng still sounds its siren, and its log says what to install
 * without repeating it at every warning.
 */
import { KitError } from '../base/errors.js';
import type { Logger } from '../base/logger.js';
import { findSystemTool, missingToolMessage, type SystemTool } from '../link/system-tool.js';
import '../link/system-tool-errors.js';

/** ALSA's player: the siren and the spoken headline go through it to the Pi's audio output. */
export const APLAY: SystemTool = {
  name: 'aplay',
  install: 'apt install alsa-utils',
  usedFor: "the alarm's siren on the audio output",
};

/** The speech engine that speaks the headline in Mandarin (voice cmn). */
export const ESPEAK_NG: SystemTool = {
  name: 'espeak-ng',
  install: 'apt install espeak-ng',
  usedFor: "the alarm's spoken headline",
};

/** libgpiod's tool that drives a GPIO line through the character device. */
export const GPIOSET: SystemTool = {
  name: 'gpioset',
  install: 'apt install gpiod',
  usedFor: "the alarm's GPIO buzzer",
};

/**
 * One tool of one sounder: looked for on PATH at each use while missing (it may be installed while
 * the daemon runs), reported once when missing and once when found again.
 */
export class SoundTool {
  #reported = false;

  constructor(
    readonly tool: SystemTool,
    private readonly log: Logger,
    /** An explicit path (tests, a tool outside PATH); found on PATH when undefined. */
    private readonly explicit: string | undefined,
    private readonly path: string | undefined,
  ) {}

  /** The tool's path, or undefined after saying once that it is missing. */
  find(): string | undefined {
    const found = this.explicit ?? findSystemTool(this.tool, this.path ?? process.env.PATH);
    if (found === undefined && !this.#reported) {
      this.#reported = true;
      const err = new KitError('TOOL_MISSING', missingToolMessage(this.tool));
      this.log.warn(
        { err, tool: this.tool.name },
        `alarm: ${err.message}; the other sounds go on without it`,
      );
    } else if (found !== undefined && this.#reported) {
      this.#reported = false;
      this.log.info({ tool: this.tool.name, path: found }, `alarm: ${this.tool.name} found, in use again`);
    }
    return found;
  }
}
