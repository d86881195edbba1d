/**
 * The end of the audit log, read backwards when the log is opened (docs/domain-model.md §A torn
 * last line): its last whole line, which the next entry chains to, and any bytes after the last
 * newline, which only a write cut short can leave there.
 *
 * Only the tail is read, so opening does not grow with the log; `fieldnode audit verify` reads the
 * whole chain.
 */
import type { FileHandle } from 'node:fs/promises';
import { MAX_LINE_BYTES } from './audit-line.js';

/**
 * The most bytes a torn tail may have: the writer never writes more than about 256 KiB at once
 * (audit-log.ts), and a write cut short leaves at most what it was writing.
 */
export const MAX_TORN_BYTES = 2 ** 20;
const CHUNK = 64 * 1024;

export interface LogTail {
  /** The file is made of whole lines up to here. */
  end: number;
  /** The last whole line, without its newline; absent when there is none. */
  lastLine?: Buffer;
  /** The bytes after the last newline, when there are any. */
  torn?: Buffer;
  /** The tail cannot be a torn write: more bytes after the last newline than any write leaves. */
  tooLong?: true;
}

export async function readTail(file: FileHandle, size: number): Promise<LogTail> {
  let pos = size;
  let buf = Buffer.alloc(0);
  for (;;) {
    const last = buf.lastIndexOf(0x0a);
    const before = last > 0 ? buf.lastIndexOf(0x0a, last - 1) : -1;
    const tornBytes = last === -1 ? buf.length : buf.length - last - 1;
    if (tornBytes > MAX_TORN_BYTES) return { end: 0, tooLong: true };
    // Done at the start of the file, or once the last line is whole before us, or too long to be one.
    if (pos === 0 || before !== -1 || (last !== -1 && last > MAX_LINE_BYTES)) {
      if (last === -1) return { end: 0, ...(size > 0 ? { torn: buf } : {}) };
      const end = pos + last + 1;
      return {
        end,
        lastLine: buf.subarray(before + 1, last),
        ...(end < size ? { torn: buf.subarray(last + 1) } : {}),
      };
    }
    const start = Math.max(0, pos - CHUNK);
    const chunk = Buffer.alloc(pos - start);
    await readFully(file, chunk, start);
    buf = Buffer.concat([chunk, buf]);
    pos = start;
  }
}

async function readFully(file: FileHandle, into: Buffer, position: number): Promise<void> {
  let done = 0;
  while (done < into.length) {
    const { bytesRead } = await file.read(into, done, into.length - done, position + done);
    if (bytesRead === 0) throw new Error(`the file ended at ${position + done} while being read`);
    done += bytesRead;
  }
}
