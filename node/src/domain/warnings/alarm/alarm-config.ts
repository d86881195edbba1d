/**
 * The alarm's configuration, as the `alarm:` section of the node's file gives it
 * (node/src/config/alarm-section.ts; docs/warnings.md §The alarm at the kit, "Configuring it"):
 * the cadence of a sounding alarm and the sounders it drives.
 */

export const SOUNDER_TYPES = ['recorded', 'pi-audio', 'gpio-buzzer'] as const;
export type SounderType = (typeof SOUNDER_TYPES)[number];

/** Every sound event kept in memory (the last 1000), and appended to `file` if one is named. */
export interface RecordedSounderConfig {
  readonly type: 'recorded';
  /** Absolute path of a JSON-lines file each event is appended to. Default: memory only. */
  readonly file?: string;
}

/** The siren through the Pi's audio output with aplay, the headline spoken with espeak-ng. */
export interface PiAudioSounderConfig {
  readonly type: 'pi-audio';
  /** The ALSA device (`aplay -D`), e.g. "plughw:CARD=Headphones". Default: the system's default. */
  readonly device?: string;
  /** The espeak-ng voice the headline is spoken in. Default "cmn" (Mandarin). */
  readonly voice: string;
  /** Speak the headline between sirens. Default true. */
  readonly speech: boolean;
}

/** A buzzer on a GPIO line, driven through the character device with libgpiod's gpioset. */
export interface GpioBuzzerSounderConfig {
  readonly type: 'gpio-buzzer';
  /** The GPIO chip as gpioinfo names it. Default "gpiochip0". */
  readonly chip: string;
  /** The line's offset on the chip (the BCM number on a Pi's header, e.g. 17). Required. */
  readonly line: number;
  /** The buzzer sounds when the line is low. Default false. */
  readonly activeLow: boolean;
}

export type SounderConfig = RecordedSounderConfig | PiAudioSounderConfig | GpioBuzzerSounderConfig;

export interface AlarmConfig {
  /** How long each siren of a repeating alarm lasts, ms. Default 8 s. */
  readonly sirenMs: number;
  /** The silence after the spoken headline, before the next siren, ms. Default 4 s. */
  readonly pauseMs: number;
  /** The longest the spoken headline may take before the cadence moves on, ms. Default 30 s. */
  readonly speechMaxMs: number;
  /** What sounds. Default: one `recorded` sounder, in memory: a kit names its loudspeaker or buzzer. */
  readonly sounders: readonly SounderConfig[];
}

/** Defaults, in the file's units (seconds). */
export const ALARM_DEFAULTS = {
  sirenS: 8,
  pauseS: 4,
  speechMaxS: 30,
  voice: 'cmn',
  chip: 'gpiochip0',
} as const;

export const DEFAULT_ALARM_CONFIG: AlarmConfig = {
  sirenMs: ALARM_DEFAULTS.sirenS * 1000,
  pauseMs: ALARM_DEFAULTS.pauseS * 1000,
  speechMaxMs: ALARM_DEFAULTS.speechMaxS * 1000,
  sounders: [{ type: 'recorded' }],
};
