/**
 * The lines of a file as bytes, streamed (docs/domain-model.md §Checking the log): the audit log
 * can grow large on a centre, and `fieldnode audit verify` runs on a Pi beside the daemon, so it
 * never holds more than one line. A line longer than an entry can be is cut short (its length is
 * still told), so one absurd line cannot fill the memory.
 */
import { createReadStream } from 'node:fs';
import { MAX_LINE_BYTES } from './audit-line.js';

export interface FileLine {
  /** Its number, from 1. */
  n: number;
  /** Its bytes without the newline; at most MAX_LINE_BYTES + 1 of them. */
  bytes: Buffer;
  /** Its real length in bytes. */
  length: number;
  /** False for bytes after the last newline: a line not finished. */
  whole: boolean;
}

export async function* fileLines(path: string): AsyncGenerator<FileLine> {
  let parts: Buffer[] = [];
  let kept = 0;
  let length = 0;
  let n = 0;
  const keep = (b: Buffer) => {
    length += b.length;
    const room = MAX_LINE_BYTES + 1 - kept;
    if (room <= 0 || b.length === 0) return;
    const part = b.length > room ? b.subarray(0, room) : b;
    parts.push(Buffer.from(part)); // a copy: the stream's chunk is not kept alive
    kept += part.length;
  };
  const take = (whole: boolean): FileLine => {
    const line = { n: ++n, bytes: Buffer.concat(parts), length, whole };
    parts = [];
    kept = 0;
    length = 0;
    return line;
  };
  for await (const chunk of createReadStream(path, { highWaterMark: 64 * 1024 }) as AsyncIterable<Buffer>) {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      if (nl === -1) {
        keep(chunk.subarray(start));
        break;
      }
      keep(chunk.subarray(start, nl));
      yield take(true);
      start = nl + 1;
    }
  }
  if (length > 0) yield take(false);
}
