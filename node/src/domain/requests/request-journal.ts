/**
 * The request book on disk, `<data_dir>/requests.jsonl` (docs/requests.md §The book on disk;
 * docs/conventions.md §Journals beside the store): the shared JSON-lines file
 * (node/src/base/json-lines-file.ts), one line per request or reply recorded here, kept as its frame
 * without its trailer (the envelope, so the priority that makes an SOS, travels with it) and why it
 * was refused, if it was. Replaying goes through the wire decoder, so a damaged line can never
 * become a request that was not sent; a line that cannot be read is skipped, counted and logged.
 */
import { KitError } from '../../base/errors.js';
import { JsonLinesFile } from '../../base/json-lines-file.js';
import type { Logger } from '../../base/logger.js';
import { decodeFrame, encodeMessage, type MessageOf } from '../../wire/message.js';
import './request-errors.js';

export type RequestMessage = MessageOf<'request'> | MessageOf<'request-reply'>;

export interface RequestRecord {
  t: 'message';
  at: number;
  frame: string;
  refused?: string;
}

export interface RequestJournalReading {
  messages: Array<{ message: RequestMessage; at: number; refused?: string }>;
  skipped: number;
}

const HEX = /^(?:[0-9a-f]{2})+$/;
const MAX_FRAME_HEX = 2 * 16_384;

/**
 * A message as the book holds it: its journal line's frame, and the message decoded back from it,
 * so the node that made it holds what every other node reads off the wire.
 */
export function bookForm(message: RequestMessage): { frame: string; message: RequestMessage } {
  const frame = Buffer.from(encodeMessage(message, { scheme: 'none' })).toString('hex');
  const decoded = readFrame(frame);
  if (decoded === undefined)
    throw new KitError(
      'REQUEST_JOURNAL_FAILED',
      `request message ${message.origin}/${message.seq} does not read back from its own frame`,
    );
  return { frame, message: decoded };
}

function readFrame(hex: string): RequestMessage | undefined {
  const m = decodeFrame(Buffer.from(hex, 'hex')).message;
  return m?.kind === 'request' || m?.kind === 'request-reply' ? m : undefined;
}

export class RequestJournal {
  readonly #file: JsonLinesFile<RequestRecord>;

  private constructor(file: JsonLinesFile<RequestRecord>) {
    this.#file = file;
  }

  static async open(
    path: string,
    log: Logger,
  ): Promise<{ journal: RequestJournal; reading: RequestJournalReading }> {
    let opened: Awaited<ReturnType<typeof JsonLinesFile.open<unknown>>>;
    try {
      opened = await JsonLinesFile.open<unknown>(path);
    } catch (cause) {
      throw new KitError(
        'REQUEST_JOURNAL_FAILED',
        `the request book ${path} cannot be read: ${(cause as Error).message}; check the data directory's owner and mode`,
        { cause },
      );
    }
    const reading: RequestJournalReading = { messages: [], skipped: opened.reading.unreadable.length };
    for (const value of opened.reading.records) {
      const read = readRecord(value);
      if (read === undefined) reading.skipped++;
      else reading.messages.push(read);
    }
    if (reading.skipped > 0)
      log.warn(
        { file: path, skipped: reading.skipped },
        'request book: lines of its journal could not be read; skipped, the rest is kept',
      );
    return { journal: new RequestJournal(opened.file as JsonLinesFile<RequestRecord>), reading };
  }

  /** Appends one record; resolves once it is synced. @throws KitError REQUEST_JOURNAL_FAILED */
  async append(record: RequestRecord): Promise<void> {
    try {
      await this.#file.append(record);
    } catch (cause) {
      throw new KitError(
        'REQUEST_JOURNAL_FAILED',
        `the request book ${this.#file.path} could not be written: ${(cause as Error).message}; the disk may be full or failing`,
        { cause },
      );
    }
  }

  close(): Promise<void> {
    return this.#file.close();
  }
}

function readRecord(value: unknown): RequestJournalReading['messages'][number] | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { t, at, frame, refused } = value as Record<string, unknown>;
  if (t !== 'message' || typeof at !== 'number' || !Number.isSafeInteger(at) || at < 0) return undefined;
  if (typeof frame !== 'string' || frame.length > MAX_FRAME_HEX || !HEX.test(frame)) return undefined;
  if (refused !== undefined && (typeof refused !== 'string' || refused.length > 500)) return undefined;
  let message: RequestMessage | undefined;
  try {
    message = readFrame(frame);
  } catch {
    return undefined;
  }
  return message === undefined ? undefined : { message, at, ...(refused === undefined ? {} : { refused }) };
}
