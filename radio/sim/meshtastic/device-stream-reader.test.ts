/**
 * The device-side reader against the rules of `StreamAPI::readStream` (docs/meshtastic.md
 * §1.1): examples for each rule, and property tests against an independent whole-buffer oracle
 * of the same state machine, for random bytes, random frames and random chunking.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeStreamFrame } from '../../src/meshtastic/framing.js';
import { DeviceStreamReader } from './device-stream-reader.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function readAll(chunks: Uint8Array[]): string[] {
  const out: string[] = [];
  const reader = new DeviceStreamReader((p) => out.push(hex(p)));
  for (const c of chunks) reader.push(c);
  return out;
}

/**
 * The oracle: the same rules written as a scan over the whole buffer rather than a byte-by-byte
 * state machine. A 0x94 not followed by 0xC3 consumes both bytes; a header with a length over
 * 512 consumes its 4 bytes; an incomplete frame at the end yields nothing.
 */
function oracle(bytes: Uint8Array): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < bytes.length) {
    if (bytes[i] !== 0x94) {
      i += 1;
      continue;
    }
    if (i + 1 >= bytes.length) break;
    if (bytes[i + 1] !== 0xc3) {
      i += 2;
      continue;
    }
    if (i + 3 >= bytes.length) break;
    const len = ((bytes[i + 2] ?? 0) << 8) | (bytes[i + 3] ?? 0);
    if (len > 512) {
      i += 4;
      continue;
    }
    if (i + 4 + len > bytes.length) break;
    out.push(hex(bytes.subarray(i + 4, i + 4 + len)));
    i += 4 + len;
  }
  return out;
}

function splitAt(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let from = 0;
  for (const p of points) {
    chunks.push(bytes.subarray(from, p));
    from = p;
  }
  chunks.push(bytes.subarray(from));
  return chunks;
}

const concat = (parts: Uint8Array[]): Uint8Array => Uint8Array.from(Buffer.concat(parts));

describe('StreamAPI::readStream examples', () => {
  it('StreamAPI::readStream: a frame split byte by byte is delivered once, whole', () => {
    const frame = encodeStreamFrame(Uint8Array.of(0x18, 0x2a));
    expect(readAll([...frame].map((b) => Uint8Array.of(b)))).toEqual(['182a']);
  });

  it('StreamAPI::readStream: "a length of zero is a valid protobuf also" — an empty payload is delivered', () => {
    expect(readAll([Uint8Array.of(0x94, 0xc3, 0x00, 0x00)])).toEqual(['']);
  });

  it('StreamAPI::readStream: len > MAX_TO_FROM_RADIO_SIZE restarts the hunt right after the header', () => {
    const bogus = Uint8Array.of(0x94, 0xc3, 0x02, 0x01); // 513
    const good = encodeStreamFrame(Uint8Array.of(0x20, 0x01));
    expect(readAll([concat([bogus, good])])).toEqual(['2001']);
    // 512 itself is accepted.
    const max = encodeStreamFrame(new Uint8Array(512).fill(7));
    expect(readAll([max])).toHaveLength(1);
  });

  it('StreamAPI::readStream: a failed START2 is not re-examined as START1 (94 94 c3 is no frame)', () => {
    const frame = encodeStreamFrame(Uint8Array.of(0x20, 0x01));
    expect(readAll([concat([Uint8Array.of(0x94), frame])])).toEqual([]);
    // Any other byte before the frame is harmless.
    expect(readAll([concat([Uint8Array.of(0x41), frame])])).toEqual(['2001']);
  });

  it('StreamAPI::readStream: 94 c3 inside a payload is payload, not a new frame', () => {
    const inner = Uint8Array.of(0x01, 0x94, 0xc3, 0x00, 0x01, 0x02);
    expect(
      readAll([concat([encodeStreamFrame(inner), encodeStreamFrame(Uint8Array.of(0x38, 0x01))])]),
    ).toEqual([hex(inner), '3801']);
  });

  it('StreamAPI::readStream: the python wake-up of 32 × 0xC3 is discarded', () => {
    const wake = new Uint8Array(32).fill(0xc3);
    expect(readAll([wake, encodeStreamFrame(Uint8Array.of(0x18, 0x01))])).toEqual(['1801']);
  });

  it('reset() forgets a partial frame', () => {
    const out: string[] = [];
    const reader = new DeviceStreamReader((p) => out.push(hex(p)));
    reader.push(Uint8Array.of(0x94, 0xc3, 0x00, 0x05, 1, 2));
    expect(reader.inFrame).toBe(true);
    reader.reset();
    reader.push(encodeStreamFrame(Uint8Array.of(9)));
    expect(out).toEqual(['09']);
  });
});

describe('StreamAPI::readStream properties', () => {
  const noiseByte = fc.oneof(
    { weight: 3, arbitrary: fc.integer({ min: 0, max: 255 }) },
    { weight: 1, arbitrary: fc.constantFrom(0x94, 0xc3, 0x00, 0x02) },
  );
  const noise = fc.array(noiseByte, { maxLength: 40 }).map((a) => Uint8Array.from(a));
  const payload = fc.uint8Array({ maxLength: 80 });
  const cuts = fc.array(fc.nat(), { maxLength: 12 });

  it('random bytes in random chunks: same frames as the oracle, never a payload over 512', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 1200 }), cuts, (bytes, cs) => {
        const got = readAll(splitAt(bytes, cs));
        expect(got).toEqual(oracle(bytes));
        for (const p of got) expect(p.length / 2).toBeLessThanOrEqual(512);
      }),
      { numRuns: 400 },
    );
  });

  it('frames mixed with noise biased towards 94/c3/lengths: same frames as the oracle', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(noise, payload), { maxLength: 8 }), cuts, (parts, cs) => {
        const bytes = concat(parts.flatMap(([n, p]) => [n, encodeStreamFrame(p)]));
        expect(readAll(splitAt(bytes, cs))).toEqual(oracle(bytes));
      }),
      { numRuns: 400 },
    );
  });

  it('frames separated by text without 0x94 are all delivered, in order, whatever the chunking', () => {
    const text = fc.array(
      fc.integer({ min: 0, max: 255 }).filter((b) => b !== 0x94),
      { maxLength: 30 },
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(text, payload), { maxLength: 8 }), cuts, (parts, cs) => {
        const bytes = concat(parts.flatMap(([t, p]) => [Uint8Array.from(t), encodeStreamFrame(p)]));
        expect(readAll(splitAt(bytes, cs))).toEqual(parts.map(([, p]) => hex(p)));
      }),
      { numRuns: 300 },
    );
  });
});
