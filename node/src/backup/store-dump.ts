/**
 * The store dump of a backup, `store.dump` (docs/operating.md §Backup and restore): every entry of
 * the store's LevelDB from one snapshot, as raw bytes, so that a restore writes back the same store.
 * LevelDB's own files are not a snapshot under a running process (a compaction may delete and make
 * files while they are copied), so the backup reads the entries instead.
 *
 *     "FNSD" | version 0x01 | (u32be key length | key | u32be value length | value)… | 0xffffffff | u64be count
 *
 * The reader never trusts the bytes: lengths are bounded before anything is allocated, the trailer
 * must close the dump with the number of entries read, and nothing may follow it. Every problem is
 * BACKUP_CORRUPT with the byte offset it was found at.
 */
import { KitError } from '../base/errors.js';
import './backup-errors.js';

const MAGIC = Uint8Array.from([0x46, 0x4e, 0x53, 0x44]); // "FNSD"
const VERSION = 1;
const END = 0xffff_ffff;
/** Longer than any key the store writes (ids, index keys). */
export const MAX_DUMP_KEY_BYTES = 4096;
/** Larger than any value the store writes (a frame is at most 16 KiB; the signed state is the largest record). */
export const MAX_DUMP_VALUE_BYTES = 16 * 1024 * 1024;

/** The dump's first bytes. */
export function dumpHeader(): Uint8Array {
  return Uint8Array.from([...MAGIC, VERSION]);
}

/** One entry as the dump holds it. */
export function dumpEntry(key: Uint8Array, value: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + key.length + value.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, key.length);
  out.set(key, 4);
  view.setUint32(4 + key.length, value.length);
  out.set(value, 8 + key.length);
  return out;
}

/** The dump's last bytes, after `count` entries. */
export function dumpTrailer(count: number): Uint8Array {
  const out = new Uint8Array(12);
  const view = new DataView(out.buffer);
  view.setUint32(0, END);
  view.setBigUint64(4, BigInt(count));
  return out;
}

/**
 * Reads a dump fed in chunks of any size: `push` returns the entries each chunk completes, `end`
 * checks that the dump was whole.
 */
export class DumpReader {
  #buffer = new Uint8Array(0);
  /** Offset of the buffer's first byte in the dump. */
  #offset = 0;
  #headerRead = false;
  #count = 0;
  #ended = false;

  push(chunk: Uint8Array): Array<[Uint8Array, Uint8Array]> {
    if (chunk.length === 0) return [];
    if (this.#ended) this.#fail(this.#offset, 'bytes after the end of the dump');
    const joined = new Uint8Array(this.#buffer.length + chunk.length);
    joined.set(this.#buffer);
    joined.set(chunk, this.#buffer.length);
    this.#buffer = joined;
    const out: Array<[Uint8Array, Uint8Array]> = [];
    let at = 0;
    const view = new DataView(joined.buffer, joined.byteOffset, joined.byteLength);
    if (!this.#headerRead) {
      if (joined.length < 5) return out;
      if (!MAGIC.every((b, i) => joined[i] === b))
        this.#fail(0, 'not a fieldnode store dump (no FNSD at its start)');
      if (joined[4] !== VERSION)
        this.#fail(4, `version ${joined[4]}: this fieldnode reads version ${VERSION}`);
      this.#headerRead = true;
      at = 5;
    }
    while (!this.#ended && joined.length - at >= 4) {
      const keyLength = view.getUint32(at);
      if (keyLength === END) {
        if (joined.length - at < 12) break;
        const count = view.getBigUint64(at + 4);
        if (count !== BigInt(this.#count))
          this.#fail(
            this.#offset + at,
            `the dump says ${count} entries, ${this.#count} were read: it is damaged`,
          );
        this.#ended = true;
        at += 12;
        if (at < joined.length) this.#fail(this.#offset + at, 'bytes after the end of the dump');
        break;
      }
      if (keyLength === 0 || keyLength > MAX_DUMP_KEY_BYTES)
        this.#fail(this.#offset + at, `a key of ${keyLength} bytes: at most ${MAX_DUMP_KEY_BYTES}, never 0`);
      if (joined.length - at < 8 + keyLength) break;
      const valueLength = view.getUint32(at + 4 + keyLength);
      if (valueLength > MAX_DUMP_VALUE_BYTES)
        this.#fail(
          this.#offset + at + 4 + keyLength,
          `a value of ${valueLength} bytes: at most ${MAX_DUMP_VALUE_BYTES}`,
        );
      const size = 8 + keyLength + valueLength;
      if (joined.length - at < size) break;
      out.push([joined.slice(at + 4, at + 4 + keyLength), joined.slice(at + 8 + keyLength, at + size)]);
      this.#count++;
      at += size;
    }
    this.#buffer = joined.slice(at);
    this.#offset += at;
    return out;
  }

  /** The dump ended: BACKUP_CORRUPT unless its trailer was read. Resolves to the number of entries. */
  end(): number {
    if (!this.#ended)
      this.#fail(
        this.#offset,
        this.#headerRead ? 'the dump is cut short: no end marker' : 'empty: not a store dump',
      );
    return this.#count;
  }

  #fail(at: number, what: string): never {
    throw new KitError('BACKUP_CORRUPT', `store dump, byte ${at}: ${what}`);
  }
}

/** Every entry of a whole dump (tests and small stores). */
export function decodeDump(bytes: Uint8Array): Array<[Uint8Array, Uint8Array]> {
  const reader = new DumpReader();
  const entries = reader.push(bytes);
  reader.end();
  return entries;
}
