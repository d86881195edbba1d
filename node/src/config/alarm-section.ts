/**
 * The `alarm:` section of the configuration file (docs/warnings.md §The alarm at the kit,
 * "Configuring it"; docs/conventions.md §Configuration): the cadence of a sounding alarm and the
 * sounders it drives, each with a `type` and that type's settings, as links are listed.
 *
 * A key of another type is "not used by type …"; a mistyped key or type gets the word it most
 * likely meant. Two sounders may not drive one thing: one GPIO line, one audio device or one
 * record file each. Without the section, the alarm keeps its sounds in memory only (a `recorded`
 * sounder): a kit names its loudspeaker or buzzer.
 */
import { resolve } from 'node:path';
import {
  ALARM_DEFAULTS,
  type AlarmConfig,
  DEFAULT_ALARM_CONFIG,
  SOUNDER_TYPES,
  type SounderConfig,
  type SounderType,
} from '../domain/warnings/alarm/alarm-config.js';
import { closest } from './did-you-mean.js';
import { isPlainObject, type Section } from './reader.js';

export const ALARM_KEYS = ['siren_s', 'pause_s', 'speech_max_s', 'sounders'];

const TYPE_KEYS: Readonly<Record<SounderType, readonly string[]>> = {
  recorded: ['file'],
  'pi-audio': ['device', 'voice', 'speech'],
  'gpio-buzzer': ['chip', 'line', 'active_low'],
};
const ALL_KEYS = ['type', ...new Set(Object.values(TYPE_KEYS).flat())];

/** Not a sounder of this version: what to say instead of "expected one of". */
const NOT_YET: Readonly<Record<string, string>> = {
  'meshtastic-notification':
    "the radio's external notification is not driven yet; it needs the Meshtastic link (docs/warnings.md §The alarm at the kit)",
};

export function parseAlarmSection(s: Section, baseDir: string): AlarmConfig {
  const sirenS = s.num('siren_s', 1, 120) ?? ALARM_DEFAULTS.sirenS;
  const pauseS = s.num('pause_s', 0, 600) ?? ALARM_DEFAULTS.pauseS;
  const speechMaxS = s.num('speech_max_s', 1, 300) ?? ALARM_DEFAULTS.speechMaxS;
  const items = s.list('sounders');
  if (Array.isArray(s.get('sounders')) && items.length === 0)
    s.problem('sounders', 'at least one sounder (type recorded keeps the sounds in memory only)');
  const sounders: SounderConfig[] = [];
  /** What each sounder drives, and the path of the first to drive it. */
  const driven = new Map<string, string>();
  for (const { value, path } of items) {
    const type = typeOf(value);
    const item = s.item(value, path, ALL_KEYS, type === undefined ? ALL_KEYS : ['type', ...TYPE_KEYS[type]]);
    if (type === undefined) {
      // An entry that is no mapping has its problem already.
      if (isPlainObject(value)) typeProblem(item);
      continue;
    }
    for (const key of ALL_KEYS)
      if (key !== 'type' && item.has(key) && !TYPE_KEYS[type].includes(key))
        item.problem(key, `not used by type ${type}`);
    const sounder = parseSounder(item, type, baseDir);
    if (sounder === undefined) continue;
    const [thing, key] = drives(sounder);
    const first = driven.get(thing);
    if (first !== undefined) item.problem(key, `${thing} is already driven by ${first}`);
    else driven.set(thing, path);
    sounders.push(sounder);
  }
  return {
    sirenMs: Math.round(sirenS * 1000),
    pauseMs: Math.round(pauseS * 1000),
    speechMaxMs: Math.round(speechMaxS * 1000),
    sounders: s.has('sounders') ? sounders : DEFAULT_ALARM_CONFIG.sounders,
  };
}

function typeOf(value: unknown): SounderType | undefined {
  const type = isPlainObject(value) ? value.type : undefined;
  return (SOUNDER_TYPES as readonly unknown[]).includes(type) ? (type as SounderType) : undefined;
}

function typeProblem(item: Section): void {
  const type = item.get('type');
  if (type === undefined) {
    item.problem('type', `required: one of ${SOUNDER_TYPES.join(', ')}`);
    return;
  }
  const text = typeof type === 'string' ? type : undefined;
  const notYet = text === undefined ? undefined : NOT_YET[text];
  if (notYet !== undefined) {
    item.problem('type', `${text}: ${notYet}`);
    return;
  }
  const hint = text === undefined ? undefined : closest(text, SOUNDER_TYPES);
  item.problem(
    'type',
    `expected one of ${SOUNDER_TYPES.join(', ')}, found ${JSON.stringify(type)}${hint ? ` (did you mean ${hint}?)` : ''}`,
  );
}

const VOICE = /^[A-Za-z0-9_+-]+(?:\/[A-Za-z0-9_+-]+)?$/;
const CHIP = /^[A-Za-z0-9_./-]+$/;

/** The sounder, or undefined when what it drives is wrong (its problem is recorded). */
function parseSounder(s: Section, type: SounderType, baseDir: string): SounderConfig | undefined {
  switch (type) {
    case 'recorded': {
      const file = s.str('file');
      return { type, ...(file === undefined ? {} : { file: resolve(baseDir, file) }) };
    }
    case 'pi-audio': {
      const device = s.str('device');
      const voice = s.str('voice', undefined, (v) =>
        VOICE.test(v)
          ? undefined
          : 'expected an espeak-ng voice name, such as cmn (espeak-ng --voices lists them)',
      );
      return {
        type,
        ...(device === undefined ? {} : { device }),
        voice: voice ?? ALARM_DEFAULTS.voice,
        speech: s.bool('speech') ?? true,
      };
    }
    case 'gpio-buzzer': {
      const chip = s.str('chip', undefined, (c) =>
        CHIP.test(c) ? undefined : 'expected a GPIO chip as gpioinfo names it, such as gpiochip0',
      );
      const line = s.int('line', 0, 1023, 'required: the line offset, the BCM number on a Pi, e.g. 17');
      const activeLow = s.bool('active_low') ?? false;
      if (line === undefined || (s.has('chip') && chip === undefined)) return undefined;
      return { type, chip: chip ?? ALARM_DEFAULTS.chip, line, activeLow };
    }
  }
}

/** What a sounder drives, for people, and the key that names it. */
function drives(s: SounderConfig): [string, string] {
  switch (s.type) {
    case 'recorded':
      return [
        s.file === undefined ? 'the in-memory record' : `the file ${s.file}`,
        s.file === undefined ? 'type' : 'file',
      ];
    case 'pi-audio':
      return s.device === undefined
        ? ['the default audio device', 'type']
        : [`audio device ${s.device}`, 'device'];
    case 'gpio-buzzer':
      return [`line ${s.line} of ${s.chip}`, 'line'];
  }
}
