/**
 * The sounders a configuration names, built (docs/warnings.md §The alarm at the kit, "Sounders"):
 * the composition root's one place that knows the concrete sounders of node/src/sounders/. Each is
 * loaded with `import()` when the file asks for it, as links are (docs/conventions.md §Layout and
 * dependencies), so a kit without a buzzer never loads the GPIO code.
 *
 * node-warnings.ts builds the kit's AlarmController and the centre's alarm with these.
 */
import type { Logger } from '../base/logger.js';
import type { AlarmConfig, SounderConfig } from '../domain/warnings/alarm/alarm-config.js';
import type { Sounder } from '../domain/warnings/alarm/sounder.js';

export interface SounderContext {
  log: Logger;
  /** Where the sounders' programs are looked for. Default `process.env.PATH`. */
  path?: string;
  /** Unix ms of a recorded event. Default `Date.now`. */
  now?: () => number;
}

/** One sounder of the `alarm.sounders` list. */
export async function sounderFromConfig(config: SounderConfig, ctx: SounderContext): Promise<Sounder> {
  const log = ctx.log.child({ mod: 'alarm', sounder: config.type });
  const path = ctx.path === undefined ? {} : { path: ctx.path };
  switch (config.type) {
    case 'recorded': {
      const { RecordedSounder } = await import('../sounders/recorded-sounder.js');
      return new RecordedSounder({
        log,
        ...(config.file === undefined ? {} : { file: config.file }),
        ...(ctx.now === undefined ? {} : { now: ctx.now }),
      });
    }
    case 'pi-audio': {
      const { PiAudioSounder } = await import('../sounders/pi-audio-sounder.js');
      return new PiAudioSounder({
        log,
        ...path,
        ...(config.device === undefined ? {} : { device: config.device }),
        voice: config.voice,
        speech: config.speech,
      });
    }
    case 'gpio-buzzer': {
      const { GpioBuzzerSounder } = await import('../sounders/gpio-buzzer-sounder.js');
      return new GpioBuzzerSounder({
        log,
        ...path,
        chip: config.chip,
        line: config.line,
        activeLow: config.activeLow,
      });
    }
  }
}

/** Every sounder of the `alarm:` section, in its order. */
export function soundersFromConfig(alarm: AlarmConfig, ctx: SounderContext): Promise<Sounder[]> {
  return Promise.all(alarm.sounders.map((s) => sounderFromConfig(s, ctx)));
}
