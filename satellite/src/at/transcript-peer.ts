/**
 * A test peer that plays the modem's side of a fixed transcript (docs/iridium.md §1.2, §7.6
 * "Golden transcripts replayed byte-for-byte"): it waits for exactly the host bytes of each step,
 * fails on the first byte that differs, and answers with the step's modem bytes, optionally cut
 * into random chunks so that the host's parser sees every possible split.
 */
import type { Duplex } from 'node:stream';

export interface TranscriptStep {
  /** What the host must write, byte for byte (strings are latin1). */
  host: string | Uint8Array;
  /** What the modem answers (strings are latin1). Empty for no answer (a hang). */
  modem: string | Uint8Array;
}

export interface TranscriptPlayer {
  /** Resolves when every step has been played; rejects on the first host byte that differs. */
  done: Promise<void>;
  /** Every byte the host wrote, in order. */
  written(): Buffer;
}

export function bytesOf(x: string | Uint8Array): Buffer {
  return typeof x === 'string' ? Buffer.from(x, 'latin1') : Buffer.from(x);
}

/** Renders bytes as printable text with \r, \n and \xNN escapes, for assertion messages. */
export function printable(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) {
    if (b === 0x0d) s += '\\r';
    else if (b === 0x0a) s += '\\n';
    else if (b >= 0x20 && b < 0x7f) s += String.fromCharCode(b);
    else s += `\\x${b.toString(16).padStart(2, '0')}`;
  }
  return s;
}

export function playTranscript(
  device: Duplex,
  steps: readonly TranscriptStep[],
  options: { chunk?: () => number } = {},
): TranscriptPlayer {
  const all: Buffer[] = [];
  let pending = Buffer.alloc(0);
  let index = 0;
  let settle!: { resolve: () => void; reject: (e: Error) => void };
  const done = new Promise<void>((resolve, reject) => {
    settle = { resolve, reject };
  });
  const reply = (bytes: Buffer): void => {
    if (options.chunk === undefined) {
      if (bytes.length > 0) device.write(bytes);
      return;
    }
    for (let i = 0; i < bytes.length; ) {
      const n = Math.max(1, options.chunk());
      device.write(bytes.subarray(i, i + n));
      i += n;
    }
  };
  const advance = (): void => {
    for (;;) {
      const step = steps[index];
      if (step === undefined) {
        if (pending.length > 0)
          settle.reject(new Error(`host wrote past the transcript: "${printable(pending)}"`));
        else settle.resolve();
        return;
      }
      const want = bytesOf(step.host);
      const n = Math.min(want.length, pending.length);
      if (!pending.subarray(0, n).equals(want.subarray(0, n))) {
        settle.reject(
          new Error(`step ${index}: host wrote "${printable(pending)}", transcript has "${printable(want)}"`),
        );
        return;
      }
      if (pending.length < want.length) return;
      pending = pending.subarray(want.length);
      index++;
      reply(bytesOf(step.modem));
      if (index === steps.length && pending.length === 0) {
        settle.resolve();
        return;
      }
    }
  };
  device.on('data', (chunk: Buffer) => {
    all.push(chunk);
    pending = Buffer.concat([pending, chunk]);
    advance();
  });
  if (steps.length === 0) settle.resolve();
  return { done, written: () => Buffer.concat(all) };
}
