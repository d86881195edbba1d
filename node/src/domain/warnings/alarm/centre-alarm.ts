/**
 * The centre's alarm (docs/warnings.md §The centre's alarm): the duty officer at 3 a.m. must hear a
 * new 未叫应, a person whose silence has just gone to their superiors, without watching the screen.
 * Each one sounds the orange siren once and speaks who and where, through the centre's own
 * sounders (the `alarm:` section, as at a kit). Several in one moment are said together, so a
 * county-wide warning does not queue minutes of sirens; one arriving while one sounds waits for it.
 */
import type { Logger } from '../../../base/logger.js';
import type { Sounder } from './sounder.js';

export interface CentreAlarmOptions {
  sounders: readonly Sounder[];
  /** The siren's length, ms. Default 3 s: a call to look, not an evacuation siren. */
  sirenMs?: number;
  log: Logger;
}

/** One silence to announce. */
export interface Silence {
  /** The person as people know them, or their roster number. */
  who: string;
  /** Their area's name. */
  where: string;
  drill: boolean;
}

export class CentreAlarm {
  readonly #o: CentreAlarmOptions;
  #waiting: Silence[] = [];
  #sounding: Promise<void> | undefined;
  #closed = false;
  /** How many announcements were made: the status and the tests read it. */
  announced = 0;

  constructor(o: CentreAlarmOptions) {
    this.#o = o;
  }

  async start(): Promise<void> {
    await Promise.all(this.#o.sounders.map((s) => s.start()));
  }

  /** A new 未叫应: sounded as soon as nothing else sounds here. */
  unanswered(s: Silence): void {
    if (this.#closed) return;
    this.#waiting.push(s);
    this.#sounding ??= this.#drain().finally(() => {
      this.#sounding = undefined;
    });
  }

  /** Resolves when everything waiting has sounded (the tests). */
  async settled(): Promise<void> {
    while (this.#sounding !== undefined) await this.#sounding;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#waiting = [];
    await Promise.all(this.#o.sounders.map((s) => s.stop()));
    await this.#sounding;
    await Promise.all(this.#o.sounders.map((s) => s.close()));
  }

  async #drain(): Promise<void> {
    while (this.#waiting.length > 0 && !this.#closed) {
      const batch = this.#waiting;
      this.#waiting = [];
      const drill = batch.every((s) => s.drill);
      const names = batch.map((s) => `${s.where}${s.who}`);
      const zh = `${drill ? '演练！' : ''}未叫应：${names.join('、')}，已报上级。`;
      const en = `${drill ? 'Drill. ' : ''}Not answered: ${batch.map((s) => `${s.who} (${s.where})`).join(', ')}; their superiors are called.`;
      this.#o.log.info({ silences: batch.length, drill }, `centre alarm: ${zh}`);
      const sounders = this.#o.sounders;
      await Promise.all(sounders.map((s) => s.siren(drill ? 'drill' : 'orange', this.#o.sirenMs ?? 3000)));
      await Promise.all(sounders.map((s) => s.speak({ zh, en, drill })));
      this.announced++;
    }
  }
}
