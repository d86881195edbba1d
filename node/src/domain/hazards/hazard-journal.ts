/**
 * The hazard ledger on disk, `<data_dir>/hazards.jsonl` (docs/hazards.md §The ledger on disk;
 * docs/conventions.md §Journals beside the store): the shared JSON-lines file
 * (node/src/base/json-lines-file.ts: mode 0600, one synced line per record, group commit, a torn
 * line skipped and the next write on a line of its own), holding the inputs the ledger acted on.
 *
 * - `message`: a hazard message recorded here (filed here or delivered), kept as its frame without
 *   its trailer, and whether it was refused. Replaying it goes through the wire decoder, so a
 *   damaged line can never become a hazard that was not sent.
 * - `photo`: a photo kept here for a hazard (docs/hazards.md §Photos): its number, file, type, size,
 *   SHA-256 and who took it. The file itself is beside the journal, never in it.
 *
 * Nothing read here stops the node: a line that is not JSON or not a record this version reads is
 * skipped, counted and logged once at open, and the ledger goes on with the rest.
 */
import { KitError } from '../../base/errors.js';
import { JsonLinesFile } from '../../base/json-lines-file.js';
import type { Logger } from '../../base/logger.js';
import { decodeFrame, encodeMessage, type MessageOf } from '../../wire/message.js';
import './hazard-errors.js';
import { PHOTO_TYPES, type PhotoType } from './photo-type.js';

export type HazardRecord =
  | { t: 'message'; at: number; frame: string; refused?: string }
  | {
      t: 'photo';
      hazard: string;
      n: number;
      file: string;
      type: PhotoType;
      bytes: number;
      sha256: string;
      by: number;
      at: number;
    };

export interface HazardJournalReading {
  messages: Array<{ message: MessageOf<'hazard'>; at: number; refused?: string }>;
  photos: Array<Extract<HazardRecord, { t: 'photo' }>>;
  skipped: Array<{ line: number; why: string }>;
}

const ID = /^\d{1,10}\/\d{1,10}$/;
const HEX = /^(?:[0-9a-f]{2})+$/;
const FILE = /^[0-9]{1,3}\.(?:jpg|png|webp)$/;
const MAX_FRAME_HEX = 2 * 16_384;

/** A message as a journal line keeps it: its frame without a trailer. */
export function hazardFrameHex(message: MessageOf<'hazard'>): string {
  return Buffer.from(encodeMessage(message, { scheme: 'none' })).toString('hex');
}

/**
 * A message as the ledger holds it: its journal line's frame, and the message decoded back from
 * it. The ledger keeps the decoded one, so the node that filed a hazard holds what every other
 * node reads off the wire (a point at the wire's precision), before a restart and after it.
 */
export function ledgerForm(message: MessageOf<'hazard'>): { frame: string; message: MessageOf<'hazard'> } {
  const frame = hazardFrameHex(message);
  const decoded = decodeFrame(Buffer.from(frame, 'hex')).message;
  if (decoded?.kind !== 'hazard')
    throw new KitError(
      'HAZARD_JOURNAL_FAILED',
      `hazard ${message.origin}/${message.seq} does not read back from its own frame`,
    );
  return { frame, message: decoded };
}

export class HazardJournal {
  readonly #file: JsonLinesFile<HazardRecord>;

  private constructor(file: JsonLinesFile<HazardRecord>) {
    this.#file = file;
  }

  /** Reads the journal (none yet: an empty ledger) and readies it for appending. */
  static async open(
    path: string,
    log: Logger,
  ): Promise<{ journal: HazardJournal; reading: HazardJournalReading }> {
    let opened: Awaited<ReturnType<typeof JsonLinesFile.open<unknown>>>;
    try {
      opened = await JsonLinesFile.open<unknown>(path);
    } catch (cause) {
      throw new KitError(
        'HAZARD_JOURNAL_FAILED',
        `the hazard ledger ${path} cannot be read: ${(cause as Error).message}; check the data directory's owner and mode`,
        { cause },
      );
    }
    const reading: HazardJournalReading = {
      messages: [],
      photos: [],
      skipped: opened.reading.unreadable.map((line) => ({ line, why: 'not JSON (a torn write?)' })),
    };
    const bad = new Set(opened.reading.unreadable);
    let line = 0;
    for (const value of opened.reading.records) {
      do line++;
      while (bad.has(line));
      const why = readRecord(value, reading);
      if (why !== undefined) reading.skipped.push({ line, why });
    }
    if (reading.skipped.length > 0)
      log.warn(
        { file: path, skipped: reading.skipped.length, lines: reading.skipped.slice(0, 10) },
        'hazard ledger: lines of its journal could not be read; skipped, the rest is kept',
      );
    return { journal: new HazardJournal(opened.file as JsonLinesFile<HazardRecord>), reading };
  }

  /** Appends one record; resolves once it is synced. @throws KitError HAZARD_JOURNAL_FAILED */
  async append(record: HazardRecord): Promise<void> {
    try {
      await this.#file.append(record);
    } catch (cause) {
      throw new KitError(
        'HAZARD_JOURNAL_FAILED',
        `the hazard ledger ${this.#file.path} could not be written: ${(cause as Error).message}; the disk may be full or failing`,
        { cause },
      );
    }
  }

  close(): Promise<void> {
    return this.#file.close();
  }
}

/** Takes one parsed line into `reading`; returns why it could not, if it could not. */
function readRecord(value: unknown, reading: HazardJournalReading): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not an object';
  const r = value as Record<string, unknown>;
  if (!isCount(r.at)) return 'no time';
  if (r.t === 'message') {
    const { frame, refused } = r;
    if (typeof frame !== 'string' || frame.length > MAX_FRAME_HEX || !HEX.test(frame)) return 'no frame';
    if (refused !== undefined && (typeof refused !== 'string' || refused.length > 500))
      return 'a refusal that is not text';
    let message: ReturnType<typeof decodeFrame>['message'];
    try {
      message = decodeFrame(Buffer.from(frame, 'hex')).message;
    } catch (err) {
      return `its frame does not decode: ${(err as Error).message}`;
    }
    if (message?.kind !== 'hazard') return 'its frame is not a hazard';
    reading.messages.push({ message, at: r.at, ...(refused === undefined ? {} : { refused }) });
    return undefined;
  }
  if (r.t === 'photo') {
    const { hazard, n, file, type, bytes, sha256, by } = r;
    if (typeof hazard !== 'string' || !ID.test(hazard)) return 'a photo without its hazard';
    if (!isCount(n) || n < 1 || n > 255) return `photo of ${hazard}: no number`;
    if (typeof file !== 'string' || !FILE.test(file)) return `photo of ${hazard}: no file`;
    if (typeof type !== 'string' || !(PHOTO_TYPES as readonly string[]).includes(type))
      return `photo of ${hazard}: no type`;
    if (!isCount(bytes)) return `photo of ${hazard}: no size`;
    if (typeof sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(sha256)) return `photo of ${hazard}: no digest`;
    if (!isCount(by) || by > 0xffff) return `photo of ${hazard}: no person`;
    reading.photos.push({
      t: 'photo',
      hazard,
      n,
      file,
      type: type as PhotoType,
      bytes,
      sha256,
      by,
      at: r.at,
    });
    return undefined;
  }
  return `an unknown record ${JSON.stringify(String(r.t)).slice(0, 40)}`;
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}
