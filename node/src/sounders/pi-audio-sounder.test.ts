/**
 * The pi-audio sounder (pi-audio-sounder.ts, docs/warnings.md §The alarm at the kit, "pi-audio")
 * with stand-in aplay and espeak-ng scripts on a temporary PATH: real processes, fed and killed as
 * the real programs would be; no module is mocked.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Announcement } from '../domain/warnings/alarm/announcement.js';
import { PiAudioSounder } from './pi-audio-sounder.js';
import { sirenWav } from './siren-wav.js';
import { alive, eventually, type FakeTools, fakeTools, keptLog } from './test/fake-tools.js';

const TEXT: Announcement = {
  zh: '某县气象台发布暴雨红色预警，一级，特别严重。',
  en: 'red rainstorm warning',
  drill: false,
};

let tools: FakeTools;
beforeEach(async () => {
  tools = await fakeTools();
});
afterEach(async () => {
  await tools.remove();
});

/** aplay that reads its input, then plays for `seconds`. */
const aplay = (seconds = 0) => tools.add('aplay', `cat > $IN\nexec sleep ${seconds}`);
/** espeak-ng that reads the text and writes "speech" to its standard output. */
const espeak = () => tools.add('espeak-ng', `cat > $IN\nprintf 'RIFF-speech'`);

describe('the pi-audio sounder', () => {
  it("pipes the siren's WAV to aplay on the configured device, and resolves when aplay is done", async () => {
    await aplay();
    const { log } = keptLog();
    const sounder = new PiAudioSounder({ path: tools.dir, device: 'plughw:CARD=Headphones', log });
    await sounder.start();
    await sounder.siren('orange', 1500);
    const [call] = await tools.calls('aplay');
    expect(call?.args).toEqual(['-q', '-D', 'plughw:CARD=Headphones', '-t', 'wav']);
    expect((await tools.input('aplay', call?.pid ?? 0)).equals(sirenWav('orange', 1500))).toBe(true);
  });

  it('speaks the headline in Mandarin through espeak-ng into aplay', async () => {
    await aplay();
    await espeak();
    const { log, lines } = keptLog();
    const sounder = new PiAudioSounder({ path: tools.dir, log });
    await sounder.start();
    await sounder.speak(TEXT);
    const [speaker] = await tools.calls('espeak-ng');
    expect(speaker?.args).toEqual(['-v', 'cmn', '-s', '140', '--stdout', '--stdin']);
    expect((await tools.input('espeak-ng', speaker?.pid ?? 0)).toString('utf8')).toBe(TEXT.zh);
    const [player] = await tools.calls('aplay');
    expect(player?.args).toEqual(['-q', '-t', 'wav']);
    expect((await tools.input('aplay', player?.pid ?? 0)).toString()).toBe('RIFF-speech');
    expect(lines.filter((l) => l.level !== 'debug')).toEqual([]);
  });

  it('kills the playing aplay on stop, by its pid, and the siren resolves at once', async () => {
    await aplay(30);
    const { log, lines } = keptLog();
    const sounder = new PiAudioSounder({ path: tools.dir, log });
    const started = Date.now();
    const playing = sounder.siren('red', 8000);
    await eventually(async () => (await tools.calls('aplay')).length === 1);
    const [call] = await tools.calls('aplay');
    expect(alive(call?.pid ?? 0)).toBe(true);
    await sounder.stop();
    await playing;
    expect(alive(call?.pid ?? 0)).toBe(false);
    expect(Date.now() - started).toBeLessThan(5000);
    // A stop is no failure.
    expect(lines).toEqual([]);
  });

  it('kills both programs of a headline being spoken', async () => {
    await tools.add('espeak-ng', `cat > $IN\nexec sleep 30`);
    await aplay(30);
    const { log } = keptLog();
    const sounder = new PiAudioSounder({ path: tools.dir, log });
    const speaking = sounder.speak(TEXT);
    await eventually(
      async () => (await tools.calls('aplay')).length === 1 && (await tools.calls('espeak-ng')).length === 1,
    );
    const pids = [...(await tools.calls('aplay')), ...(await tools.calls('espeak-ng'))].map((c) => c.pid);
    await sounder.stop();
    await speaking;
    expect(pids.map(alive)).toEqual([false, false]);
  });

  it('without espeak-ng: says so once, speaks nothing, and still sounds the siren', async () => {
    await aplay();
    const { log, lines } = keptLog();
    const sounder = new PiAudioSounder({ path: tools.dir, log });
    await sounder.start();
    await sounder.speak(TEXT);
    await sounder.siren('red', 500);
    await sounder.speak(TEXT);
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      [
        'warn',
        "alarm: espeak-ng is not installed: apt install espeak-ng (not found on PATH; the alarm's spoken headline need it); the other sounds go on without it",
      ],
    ]);
    expect((await tools.calls('aplay')).length).toBe(1);
    // Installed while the daemon runs: found, said once, used.
    await espeak();
    await sounder.speak(TEXT);
    expect((await tools.calls('espeak-ng')).length).toBe(1);
    expect(lines.at(-1)?.msg).toMatch(/^alarm: espeak-ng found, in use again/);
  });

  it('without aplay: says so once and resolves at once', async () => {
    const { log, lines } = keptLog();
    const sounder = new PiAudioSounder({ path: tools.dir, log });
    await sounder.start();
    await sounder.siren('red', 8000);
    await sounder.speak(TEXT);
    expect(lines.map((l) => l.msg.slice(0, 40))).toEqual([
      'alarm: aplay is not installed: apt insta',
      'alarm: espeak-ng is not installed: apt i',
    ]);
  });

  it('logs a failing aplay once, with what it said, and once when it works again', async () => {
    await tools.add(
      'aplay',
      'cat > /dev/null\necho "aplay: main:831: audio open error: Device or resource busy" >&2\nexit 1',
    );
    const { log, lines } = keptLog();
    const sounder = new PiAudioSounder({ path: tools.dir, log });
    for (let i = 0; i < 3; i++) await sounder.siren('blue', 100);
    await aplay();
    await sounder.siren('blue', 100);
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      [
        'warn',
        'alarm: pi-audio siren (aplay) exited with 1: aplay: main:831: audio open error: Device or resource busy; the other sounds go on, and it is tried again at the next',
      ],
      ['info', 'alarm: pi-audio siren (aplay) works again after 3 failures'],
    ]);
    expect((lines[0]?.obj.err as { code?: string } | undefined)?.code).toBe('SOUNDER_FAILED');
  });
});
