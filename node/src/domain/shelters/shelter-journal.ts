/**
 * The shelter book on disk, `<data_dir>/shelters.jsonl` (docs/shelters.md §On disk;
 * docs/conventions.md §Journals beside the store): the shared JSON-lines file
 * (node/src/base/json-lines-file.ts), one line per roll-call recorded here, filed here or delivered,
 * kept as its frame without its trailer. Replaying goes through the wire decoder, so a damaged line
 * can never become a roll-call that was not sent; such a line is skipped, counted and logged once.
 * The roll-calls outlive the store's retention here: the cumulative figures need all of them.
 */
import { KitError } from '../../base/errors.js';
import { JsonLinesFile } from '../../base/json-lines-file.js';
import type { Logger } from '../../base/logger.js';
import { decodeFrame, encodeMessage, type MessageOf } from '../../wire/message.js';
import './shelter-errors.js';

interface ShelterRecord {
  t: 'rollcall';
  at: number;
  frame: string;
}

const HEX = /^(?:[0-9a-f]{2})+$/;
const MAX_FRAME_HEX = 2 * 4096;

export class ShelterJournal {
  readonly #file: JsonLinesFile<ShelterRecord>;

  private constructor(file: JsonLinesFile<ShelterRecord>) {
    this.#file = file;
  }

  /** Reads the journal (none yet: no roll-call) and readies it for appending. */
  static async open(
    path: string,
    log: Logger,
  ): Promise<{ journal: ShelterJournal; rollcalls: Array<MessageOf<'rollcall'>> }> {
    let opened: Awaited<ReturnType<typeof JsonLinesFile.open<unknown>>>;
    try {
      opened = await JsonLinesFile.open<unknown>(path);
    } catch (cause) {
      throw new KitError(
        'SHELTER_JOURNAL_FAILED',
        `the shelter journal ${path} cannot be read: ${(cause as Error).message}; check the data directory's owner and mode`,
        { cause },
      );
    }
    const rollcalls: Array<MessageOf<'rollcall'>> = [];
    let skipped = opened.reading.unreadable.length;
    for (const value of opened.reading.records) {
      const m = readRecord(value);
      if (m === undefined) skipped++;
      else rollcalls.push(m);
    }
    if (skipped > 0)
      log.warn(
        { file: path, skipped },
        'shelter journal: lines could not be read; skipped, the rest is kept',
      );
    return { journal: new ShelterJournal(opened.file as JsonLinesFile<ShelterRecord>), rollcalls };
  }

  /** Appends one roll-call; resolves once it is synced. @throws KitError SHELTER_JOURNAL_FAILED */
  async append(message: MessageOf<'rollcall'>, at: number): Promise<void> {
    const frame = Buffer.from(encodeMessage(message, { scheme: 'none' })).toString('hex');
    try {
      await this.#file.append({ t: 'rollcall', at, frame });
    } catch (cause) {
      throw new KitError(
        'SHELTER_JOURNAL_FAILED',
        `the shelter journal ${this.#file.path} could not be written: ${(cause as Error).message}; the disk may be full or failing`,
        { cause },
      );
    }
  }

  close(): Promise<void> {
    return this.#file.close();
  }
}

function readRecord(value: unknown): MessageOf<'rollcall'> | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { t, frame } = value as Record<string, unknown>;
  if (t !== 'rollcall' || typeof frame !== 'string' || frame.length > MAX_FRAME_HEX || !HEX.test(frame))
    return undefined;
  try {
    const m = decodeFrame(Buffer.from(frame, 'hex')).message;
    return m?.kind === 'rollcall' ? m : undefined;
  } catch {
    return undefined;
  }
}
