/**
 * A PCM WAV file in memory (docs/warnings.md §The alarm at the kit, "pi-audio"): the RIFF container
 * aplay reads from its standard input, 16-bit signed little-endian samples, one channel. The siren
 * is made in code (siren-wav.ts), so the kit ships no audio files.
 *
 *   "RIFF" size "WAVE"  "fmt " 16  format 1 (PCM), channels, rate, byte rate, block align, bits
 *   "data" size  samples…
 */

const HEADER_BYTES = 44;

/** `samples` in −1…1, clipped, as a mono 16-bit PCM WAV at `sampleRate`. */
export function pcm16Wav(samples: Float32Array, sampleRate: number): Buffer {
  if (!Number.isInteger(sampleRate) || sampleRate < 1) throw new RangeError(`bad sample rate ${sampleRate}`);
  const dataBytes = samples.length * 2;
  const out = Buffer.alloc(HEADER_BYTES + dataBytes);
  out.write('RIFF', 0, 'ascii');
  out.writeUInt32LE(HEADER_BYTES - 8 + dataBytes, 4);
  out.write('WAVE', 8, 'ascii');
  out.write('fmt ', 12, 'ascii');
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(1, 20); // PCM
  out.writeUInt16LE(1, 22); // one channel
  out.writeUInt32LE(sampleRate, 24);
  out.writeUInt32LE(sampleRate * 2, 28); // bytes a second
  out.writeUInt16LE(2, 32); // bytes a frame
  out.writeUInt16LE(16, 34); // bits a sample
  out.write('data', 36, 'ascii');
  out.writeUInt32LE(dataBytes, 40);
  for (let i = 0; i < samples.length; i++) {
    const v = Math.max(-1, Math.min(1, samples[i] ?? 0));
    out.writeInt16LE(Math.round(v * 32767), HEADER_BYTES + i * 2);
  }
  return out;
}
