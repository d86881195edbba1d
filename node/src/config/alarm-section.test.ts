/**
 * The `alarm:` section (alarm-section.ts, docs/warnings.md §The alarm at the kit, "Configuring
 * it"): its defaults, each sounder type's settings, and every problem found at once, by path, with
 * the word meant.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from './load.js';

const NODE = { node: { id: 2107, role: 'kit', area: 430121101201 }, keys: { kit_key_file: 'kit.key' } };
const load = (alarm: unknown) => parseConfig({ ...NODE, alarm }, { baseDir: '/etc/fieldnode' });
const problems = (alarm: unknown): string[] => {
  try {
    load(alarm);
  } catch (err) {
    return (err as Error).message.split('\n').slice(1);
  }
  return [];
};

describe('the alarm section', () => {
  it('without it: sirens of 8 s, 4 s of silence, speech up to 30 s, sounds kept in memory only', () => {
    expect(parseConfig(NODE, { baseDir: '/tmp' }).alarm).toEqual({
      sirenMs: 8000,
      pauseMs: 4000,
      speechMaxMs: 30_000,
      sounders: [{ type: 'recorded' }],
    });
    expect(load({}).alarm.sounders).toEqual([{ type: 'recorded' }]);
  });

  it('reads the cadence and each type of sounder with its defaults; a record file is relative to the file', () => {
    const { alarm } = load({
      siren_s: 10,
      pause_s: 2.5,
      speech_max_s: 20,
      sounders: [
        { type: 'pi-audio' },
        { type: 'pi-audio', device: 'plughw:CARD=Device', voice: 'cmn-latn-pinyin', speech: false },
        { type: 'gpio-buzzer', line: 17 },
        { type: 'gpio-buzzer', chip: 'gpiochip4', line: 27, active_low: true },
        { type: 'recorded', file: 'alarm-events.jsonl' },
      ],
    });
    expect(alarm).toEqual({
      sirenMs: 10_000,
      pauseMs: 2500,
      speechMaxMs: 20_000,
      sounders: [
        { type: 'pi-audio', voice: 'cmn', speech: true },
        { type: 'pi-audio', device: 'plughw:CARD=Device', voice: 'cmn-latn-pinyin', speech: false },
        { type: 'gpio-buzzer', chip: 'gpiochip0', line: 17, activeLow: false },
        { type: 'gpio-buzzer', chip: 'gpiochip4', line: 27, activeLow: true },
        { type: 'recorded', file: '/etc/fieldnode/alarm-events.jsonl' },
      ],
    });
  });

  it('says every problem at once, by path, with the key or type meant', () => {
    expect(
      problems({
        siren_s: 0,
        pause: 3,
        sounders: [
          { type: 'pi_audio' },
          { type: 'gpio-buzzer', chip: 'gpio chip', active_low: 'yes', device: 'hw:0' },
          { type: 'pi-audio', voise: 'cmn' },
          { type: 'gpio-buzzer', line: 2000 },
          { type: 'meshtastic-notification' },
          { device: 'hw:0' },
          'pi-audio',
        ],
      }),
    ).toEqual([
      '  - alarm.pause: unknown key (did you mean pause_s?)',
      '  - alarm.siren_s: expected a number from 1 to 120, found 0',
      '  - alarm.sounders[0].type: expected one of recorded, pi-audio, gpio-buzzer, found "pi_audio" (did you mean pi-audio?)',
      '  - alarm.sounders[1].device: not used by type gpio-buzzer',
      '  - alarm.sounders[1].chip: expected a GPIO chip as gpioinfo names it, such as gpiochip0',
      '  - alarm.sounders[1].line: required: the line offset, the BCM number on a Pi, e.g. 17',
      '  - alarm.sounders[1].active_low: expected true or false, found text "yes"',
      '  - alarm.sounders[2].voise: unknown key (did you mean voice?)',
      '  - alarm.sounders[3].line: expected a whole number from 0 to 1023, found 2000',
      "  - alarm.sounders[4].type: meshtastic-notification: the radio's external notification is not driven yet; it needs the Meshtastic link (docs/warnings.md §The alarm at the kit)",
      '  - alarm.sounders[5].type: required: one of recorded, pi-audio, gpio-buzzer',
      '  - alarm.sounders[6]: expected a mapping, found text "pi-audio"',
    ]);
  });

  it('refuses two sounders driving one line, one audio device or one file, and an empty list', () => {
    expect(
      problems({
        sounders: [
          { type: 'gpio-buzzer', line: 17 },
          { type: 'gpio-buzzer', chip: 'gpiochip0', line: 17 },
          { type: 'pi-audio' },
          { type: 'pi-audio', speech: false },
          { type: 'recorded', file: '/var/log/a.jsonl' },
          { type: 'recorded', file: '../../var/log/a.jsonl' },
        ],
      }),
    ).toEqual([
      '  - alarm.sounders[1].line: line 17 of gpiochip0 is already driven by alarm.sounders[0]',
      '  - alarm.sounders[3].type: the default audio device is already driven by alarm.sounders[2]',
      '  - alarm.sounders[5].file: the file /var/log/a.jsonl is already driven by alarm.sounders[4]',
    ]);
    expect(problems({ sounders: [] })).toEqual([
      '  - alarm.sounders: at least one sounder (type recorded keeps the sounds in memory only)',
    ]);
  });

  it('is in the commented example, as a kit with a loudspeaker and a buzzer would have it', async () => {
    const example = fileURLToPath(new URL('./example.yaml', import.meta.url));
    const config = await loadConfig(example, { env: {}, refuseTestKeys: true });
    expect(config.alarm).toEqual({
      sirenMs: 8000,
      pauseMs: 4000,
      speechMaxMs: 30_000,
      sounders: [
        { type: 'pi-audio', voice: 'cmn', speech: true },
        { type: 'gpio-buzzer', chip: 'gpiochip0', line: 17, activeLow: false },
      ],
    });
  });
});
