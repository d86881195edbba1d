/**
 * The siren WAV (siren-wav.ts, wav.ts; docs/warnings.md §The alarm at the kit, "pi-audio"): a valid
 * RIFF/WAVE PCM file of the rate and length asked, loud, and shaped as its pattern says, read back
 * by a reader written here from the format, not from the writer.
 */
import { describe, expect, it } from 'vitest';
import { patternPeriodMs } from '../domain/warnings/alarm/alarm-patterns.js';
import { DEFAULT_SAMPLE_RATE, sirenWav } from './siren-wav.js';

interface Wav {
  format: number;
  channels: number;
  rate: number;
  byteRate: number;
  blockAlign: number;
  bits: number;
  samples: Int16Array;
}

function readWav(b: Buffer): Wav {
  expect(b.toString('ascii', 0, 4)).toBe('RIFF');
  expect(b.readUInt32LE(4)).toBe(b.length - 8);
  expect(b.toString('ascii', 8, 12)).toBe('WAVE');
  expect(b.toString('ascii', 12, 16)).toBe('fmt ');
  expect(b.readUInt32LE(16)).toBe(16);
  expect(b.toString('ascii', 36, 40)).toBe('data');
  const dataBytes = b.readUInt32LE(40);
  expect(dataBytes).toBe(b.length - 44);
  const samples = new Int16Array(dataBytes / 2);
  for (let i = 0; i < samples.length; i++) samples[i] = b.readInt16LE(44 + i * 2);
  return {
    format: b.readUInt16LE(20),
    channels: b.readUInt16LE(22),
    rate: b.readUInt32LE(24),
    byteRate: b.readUInt32LE(28),
    blockAlign: b.readUInt16LE(32),
    bits: b.readUInt16LE(34),
    samples,
  };
}

/** The samples between two times, ms. */
const slice = (w: Wav, fromMs: number, toMs: number) =>
  w.samples.subarray(Math.round((fromMs * w.rate) / 1000), Math.round((toMs * w.rate) / 1000));

/** Root mean square, as a fraction of full scale. */
function rms(s: Int16Array): number {
  let sum = 0;
  for (const v of s) sum += v * v;
  return Math.sqrt(sum / Math.max(1, s.length)) / 32768;
}

/** Within 3 % of `hz`: a window's zero crossings count whole periods only. */
const near = (measured: number, hz: number) => expect(Math.abs(measured - hz)).toBeLessThan(hz * 0.03);

/** The pitch heard over a short window, from its upward zero crossings. */
function pitchHz(w: Wav, fromMs: number, toMs: number): number {
  const s = slice(w, fromMs, toMs);
  let crossings = 0;
  for (let i = 1; i < s.length; i++) if ((s[i - 1] ?? 0) < 0 && (s[i] ?? 0) >= 0) crossings++;
  return crossings / ((toMs - fromMs) / 1000);
}

describe('the siren WAV', () => {
  it('is 16-bit mono PCM at 16 kHz, exactly as long as asked', () => {
    const w = readWav(sirenWav('red', 8000));
    expect(w).toMatchObject({
      format: 1,
      channels: 1,
      rate: 16_000,
      byteRate: 32_000,
      blockAlign: 2,
      bits: 16,
    });
    expect(w.samples.length).toBe(8 * DEFAULT_SAMPLE_RATE);
    expect(readWav(sirenWav('orange', 2500, { sampleRate: 22_050 })).samples.length).toBe(55_125);
    expect(readWav(sirenWav('blue', 0)).samples.length).toBe(0);
  });

  it('is loud all through a siren, from its first to its last second', () => {
    const w = readWav(sirenWav('red', 8000));
    for (let second = 0; second < 8; second++)
      expect(rms(slice(w, second * 1000 + 10, second * 1000 + 990))).toBeGreaterThan(0.4);
    expect(w.samples.reduce((m, v) => Math.max(m, Math.abs(v)), 0)).toBeGreaterThan(0.7 * 32767);
  });

  it('sweeps red fast and orange slowly, between the pitches of the pattern', () => {
    const red = readWav(sirenWav('red', 2000));
    const orange = readWav(sirenWav('orange', 4000));
    // Red: 600 Hz rising to 1400 Hz in 0.45 s and back; orange: the same rise takes 1.5 s.
    expect(pitchHz(red, 0, 40)).toBeGreaterThan(550);
    expect(pitchHz(red, 0, 40)).toBeLessThan(700);
    expect(pitchHz(red, 420, 480)).toBeGreaterThan(1300);
    expect(pitchHz(red, 880, 920)).toBeLessThan(700);
    expect(pitchHz(orange, 420, 480)).toBeGreaterThan(700);
    expect(pitchHz(orange, 420, 480)).toBeLessThan(850);
    expect(pitchHz(orange, 1450, 1550)).toBeGreaterThan(1100);
  });

  it('chimes yellow as two notes with silence between and after, and sounds a drill as hi-lo', () => {
    expect(patternPeriodMs('yellow')).toBe(1280);
    const yellow = readWav(sirenWav('yellow', 1280));
    near(pitchHz(yellow, 50, 250), 880);
    expect(rms(slice(yellow, 310, 375))).toBeLessThan(0.01);
    near(pitchHz(yellow, 450, 900), 660);
    expect(rms(slice(yellow, 1000, 1280))).toBeLessThan(0.01);
    const drill = readWav(sirenWav('drill', 2000));
    near(pitchHz(drill, 50, 450), 960);
    near(pitchHz(drill, 550, 950), 770);
  });

  it('fades in and out of every silence and at both ends, instead of clicking', () => {
    const w = readWav(sirenWav('drill', 1000));
    expect(w.samples[0]).toBe(0);
    expect(w.samples.at(-1)).toBe(0);
    expect(rms(slice(w, 0, 1))).toBeLessThan(rms(slice(w, 10, 11)) / 2);
    // Yellow's second note starts at 380 ms, after 80 ms of silence; the first ends at 300 ms.
    const yellow = readWav(sirenWav('yellow', 1280));
    expect(rms(slice(yellow, 380, 381))).toBeLessThan(rms(slice(yellow, 390, 391)) / 2);
    expect(rms(slice(yellow, 304, 305))).toBeLessThan(rms(slice(yellow, 299, 300)) / 2);
  });
});
