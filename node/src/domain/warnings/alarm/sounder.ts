/**
 * What the alarm controller drives (docs/warnings.md §The alarm at the kit, "Sounders"): anything
 * that can make a sound at the kit. The controller owns the cadence (when a siren starts, how long
 * it lasts, when the headline is spoken, when everything stops); a sounder only renders one step
 * at a time on its device: the Pi's audio output, a buzzer on a GPIO line, or a record for the
 * simulator and the tests. The concrete sounders are I/O at the edge and live in node/src/sounders/;
 * the configuration chooses them (node/src/composition/alarm-sounders.ts).
 *
 * A sounder's failures are its own: a missing program, a busy sound card or a line another process
 * holds is logged by the sounder, once, and its steps then resolve at once, so one broken sounder
 * never silences the others or stalls the cadence. No method rejects.
 */
import type { AlarmPattern } from './alarm-patterns.js';
import type { Announcement } from './announcement.js';

export interface Sounder {
  /** For logs and status: "recorded", "pi-audio", "gpio-buzzer". */
  readonly kind: string;
  /** Finds its programs and puts its device at rest (a buzzer off); reports what is missing, once. */
  start(): Promise<void>;
  /**
   * Sounds `pattern` for `ms` (one period of a chime, or `siren_s` of a siren), resolving when it
   * has ended, was stopped, or could not sound.
   */
  siren(pattern: AlarmPattern, ms: number): Promise<void>;
  /** Speaks the announcement; resolves when spoken, stopped, or at once if it cannot speak. */
  speak(text: Announcement): Promise<void>;
  /** Stops whatever it is sounding now; the pending siren or speech resolves. */
  stop(): Promise<void>;
  /** Stops and leaves the device at rest for good (the daemon is stopping). */
  close(): Promise<void>;
}
