/**
 * A journal of messages of given kinds beside the store (docs/conventions.md §Journals beside the
 * store; docs/teams.md §On disk; docs/texts.md §On disk): the shared JSON-lines file
 * (node/src/base/json-lines-file.ts: mode 0600, one synced line per record, group commit, a torn
 * line skipped), holding each message recorded as its frame without a trailer, and the few other
 * records a workflow keeps beside them (a text conversation read up to a time).
 *
 * Replaying a line goes through the wire decoder, so a damaged line can never become a task or a
 * text that was not sent; what does not decode, or is of another kind, is skipped and counted.
 */
import { JsonLinesFile } from '../../base/json-lines-file.js';
import type { Logger } from '../../base/logger.js';
import type { KindName } from '../../wire/kinds.js';
import { decodeFrame, encodeMessage, type MessageOf } from '../../wire/message.js';

export type JournalLine<X> = { t: 'message'; at: number; frame: string; local: boolean } | X;

export interface JournalReading<K extends KindName, X> {
  messages: Array<{ message: MessageOf<K>; at: number; local: boolean }>;
  others: X[];
  skipped: number;
}

const HEX = /^(?:[0-9a-f]{2})+$/;
const MAX_FRAME_HEX = 2 * 16_384;

/**
 * A message as the journal keeps it, decoded back from its own frame: a node holds what every
 * other node reads off the wire (a point at the wire's precision), before a restart and after it.
 */
export function journalForm<K extends KindName>(
  message: MessageOf<K>,
): { frame: string; message: MessageOf<K> } {
  const frame = Buffer.from(encodeMessage(message, { scheme: 'none' })).toString('hex');
  const decoded = decodeFrame(Buffer.from(frame, 'hex')).message;
  if (decoded?.kind !== message.kind)
    throw new TypeError(`${message.kind} ${message.origin}/${message.seq} does not read back`);
  return { frame, message: decoded as MessageOf<K> };
}

export class MessageJournal<X extends { t: string }> {
  readonly #file: JsonLinesFile<JournalLine<X>>;

  private constructor(file: JsonLinesFile<JournalLine<X>>) {
    this.#file = file;
  }

  /** Reads the journal (none yet: nothing recorded) and readies it for appending. */
  static async open<K extends KindName, X extends { t: string }>(o: {
    path: string;
    kinds: readonly K[];
    /** Whether a line that is not a message is one of this workflow's other records. */
    isOther: (line: { t?: unknown }) => line is X;
    log: Logger;
  }): Promise<{ journal: MessageJournal<X>; reading: JournalReading<K, X> }> {
    const { file, reading } = await JsonLinesFile.open<JournalLine<X>>(o.path);
    const out: JournalReading<K, X> = { messages: [], others: [], skipped: reading.unreadable.length };
    for (const line of reading.records) {
      if (typeof line !== 'object' || line === null) out.skipped++;
      else if (line.t === 'message') {
        const m = readMessage(line as { frame?: unknown }, o.kinds);
        if (m === undefined) out.skipped++;
        else
          out.messages.push({
            message: m,
            at: Number((line as { at?: unknown }).at) || 0,
            local: (line as { local?: unknown }).local === true,
          });
      } else if (o.isOther(line)) out.others.push(line);
      else out.skipped++;
    }
    if (out.skipped > 0)
      o.log.warn(
        { file: o.path, skipped: out.skipped },
        'journal lines skipped: not records this version reads',
      );
    return { journal: new MessageJournal<X>(file), reading: out };
  }

  appendMessage(frame: string, at: number, local: boolean): Promise<void> {
    return this.#file.append({ t: 'message', at, frame, local });
  }

  appendOther(record: X): Promise<void> {
    return this.#file.append(record);
  }

  close(): Promise<void> {
    return this.#file.close();
  }
}

function readMessage<K extends KindName>(
  line: { frame?: unknown },
  kinds: readonly K[],
): MessageOf<K> | undefined {
  const frame = line.frame;
  if (typeof frame !== 'string' || frame.length > MAX_FRAME_HEX || !HEX.test(frame)) return undefined;
  try {
    const m = decodeFrame(Buffer.from(frame, 'hex')).message;
    return m !== undefined && (kinds as readonly string[]).includes(m.kind) ? (m as MessageOf<K>) : undefined;
  } catch {
    // A damaged line: counted as skipped by the caller.
    return undefined;
  }
}
