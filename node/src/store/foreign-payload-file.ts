/**
 * The durable record of foreign payloads (node/src/core/foreign-payloads.ts; docs/architecture.md
 * §Walk 2): what a carrier delivered, and may have been told had arrived, that is not a fieldnode
 * frame. One JSON object per line, appended and synced before the next, in a file of mode 0600 in
 * the data directory, so that nothing paid for is lost even when the log's rate limit leaves a
 * payload out and the node loses power a moment later.
 *
 * The centre's satellite doors keep here too what the carrier authenticated but that never became
 * a frame (a RockBLOCK push whose signed claims are not the documented shape: reason
 * 'unexpected-claims'), so the duty officer looks in one place, `fieldnode foreign list`
 * (docs/centre-doors.md §What the doors keep).
 *
 * The file stops growing at `maxBytes` (default 16 MiB): a flood of someone else's traffic must not
 * fill the disk that holds the store. What is not written then is counted and said once.
 */
import { type FileHandle, open } from 'node:fs/promises';
import type { Logger } from '../base/logger.js';

/** One line of the file. */
export interface ForeignPayloadRecord {
  link: string;
  /** The sender's address on the link: for a satellite door, the IMEI. */
  from?: string;
  /**
   * What the carrier said of the delivery, JSON-safe (FrameMeta.source). The centre's satellite
   * doors use the same keys for the same things: `carrier` ('rockblock' or 'directip': the
   * transport), `momsn`, `sessionTime` (Unix ms), `latitude` and `longitude` (degrees) and
   * `cepKm`, besides their own fields (docs/centre-doors.md §What the doors keep).
   */
  source?: Readonly<Record<string, unknown>>;
  /** The payload, hex. */
  hex: string;
  reason: string;
  detail: string;
  /** Unix ms. */
  receivedAt: number;
}

export interface ForeignPayloadFileOptions {
  path: string;
  log: Logger;
  /** The size the file may reach, bytes. Default 16 MiB. */
  maxBytes?: number;
}

export class ForeignPayloadFile {
  readonly #o: ForeignPayloadFileOptions;
  readonly #maxBytes: number;
  #file: FileHandle | undefined;
  #size = 0;
  #dropped = 0;
  /** Appends in the order they were asked for, one at a time. */
  #queue: Promise<void> = Promise.resolve();

  constructor(opts: ForeignPayloadFileOptions) {
    this.#o = opts;
    this.#maxBytes = opts.maxBytes ?? 16 * 1024 * 1024;
  }

  /** Payloads not written because the file was full. */
  get dropped(): number {
    return this.#dropped;
  }

  /**
   * Appends one record and syncs it; resolves true once it is on disk, false when it was not
   * written (the file full, or a failure, which is logged, never thrown: the caller is a listener).
   */
  append(record: ForeignPayloadRecord): Promise<boolean> {
    const written = this.#queue.then(() => this.#write(record));
    this.#queue = written.then(() => {});
    return written;
  }

  /** Waits for what was appended and closes the file. */
  async close(): Promise<void> {
    await this.#queue;
    await this.#file?.close();
    this.#file = undefined;
  }

  async #write(record: ForeignPayloadRecord): Promise<boolean> {
    const line = `${JSON.stringify(record)}\n`;
    try {
      if (this.#file === undefined) {
        this.#file = await open(this.#o.path, 'a', 0o600);
        this.#size = (await this.#file.stat()).size;
      }
      if (this.#size + Buffer.byteLength(line) > this.#maxBytes) {
        if (this.#dropped++ === 0)
          this.#o.log.error(
            { file: this.#o.path, maxBytes: this.#maxBytes },
            'the foreign payload file is full: further foreign payloads are only logged',
          );
        return false;
      }
      await this.#file.appendFile(line);
      await this.#file.sync();
      this.#size += Buffer.byteLength(line);
      return true;
    } catch (err) {
      this.#o.log.error({ err, file: this.#o.path, record }, 'a foreign payload could not be written');
      return false;
    }
  }
}
