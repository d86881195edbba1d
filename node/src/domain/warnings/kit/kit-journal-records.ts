/**
 * What the kit's warning book keeps on disk, one JSON line per record (docs/warnings.md §The kit's
 * warning book; docs/conventions.md §Journals beside the store): the inputs it acted on, replayed
 * at open into the same book. A warning is kept as its frame (unauthenticated: the core verified it
 * before delivering it), so replaying it goes through the wire decoder's checks and a damaged line
 * can never become a warning that was not delivered. Lines are read as untrusted: a record that
 * fails a check is skipped, never applied in part.
 */
import { decodeFrame, encodeMessage, type MessageOf } from '../../../wire/message.js';

export type KitRecord =
  /** A warning the core delivered here, and where it stood on its thread then. */
  | { t: 'warning'; id: string; at: number; current: boolean; reason?: string; frame: string }
  /** A person's answer here, numbered in the order made; kept before it is sent. */
  | {
      t: 'answer';
      n: number;
      warning: string;
      person: number;
      state: 'acknowledged' | 'acted';
      evacuated?: number;
      notified?: number;
      note?: string;
      at: number;
    }
  /** Answers handed to the core (it stores them, then sends and retries them itself). */
  | { t: 'sent'; n: number[]; at: number }
  /** A re-alarm from the centre (a control message), and what was done about it. */
  | {
      t: 'realarm';
      control: string;
      issuer: number;
      warning: string;
      persons: number[];
      outcome: RealarmOutcome;
      at: number;
    };

/**
 * What the book did with a re-alarm: sounded it (`realarmed`), or not: every person it names has
 * answered here already, the control message is history (overtaken by a newer one of its issuer),
 * the warning is unknown here, or it is no longer in force here.
 */
export type RealarmOutcome = 'realarmed' | 'answered-here' | 'history' | 'unknown' | 'closed';

const REALARM_OUTCOMES: readonly string[] = ['realarmed', 'answered-here', 'history', 'unknown', 'closed'];
const ID = /^\d{1,10}\/\d{1,10}$/;
const HEX = /^(?:[0-9a-f]{2})+$/;
/** A frame is at most 16 KiB (wire MAX_FRAME_BYTES): its hex at most twice that. */
const MAX_FRAME_HEX = 2 * 16_384;
const MAX_NOTE = 200;
const MAX_COUNT = 1_000_000;
const MAX_PERSONS = 64;

/** The frame a warning record keeps: the message without a trailer. */
export function warningFrameHex(message: MessageOf<'warning'>): string {
  return Buffer.from(encodeMessage(message, { scheme: 'none' })).toString('hex');
}

/** The warning a record's frame holds, or why it holds none. */
export function warningOfRecord(r: Extract<KitRecord, { t: 'warning' }>): MessageOf<'warning'> | string {
  try {
    const message = decodeFrame(Buffer.from(r.frame, 'hex')).message;
    if (message?.kind !== 'warning') return 'its frame is not a warning';
    if (`${message.origin}/${message.seq}` !== r.id) return `its frame is ${message.origin}/${message.seq}`;
    return message;
  } catch (err) {
    return `its frame does not decode: ${(err as Error).message}`;
  }
}

/** The record a parsed line holds, or why it holds none (a later version's record among them). */
export function readKitRecord(value: unknown): KitRecord | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not an object';
  const r = value as Record<string, unknown>;
  const at = r.at;
  if (!isCount(at, Number.MAX_SAFE_INTEGER)) return 'no time';
  switch (r.t) {
    case 'warning': {
      const { id, current, reason, frame } = r;
      if (!isId(id)) return 'a warning without an id';
      if (typeof current !== 'boolean') return `warning ${id}: no standing`;
      if (reason !== undefined && (typeof reason !== 'string' || reason.length > 500))
        return `warning ${id}: a reason that is not text`;
      if (typeof frame !== 'string' || frame.length > MAX_FRAME_HEX || !HEX.test(frame))
        return `warning ${id}: no frame`;
      return { t: 'warning', id, at, current, ...(reason === undefined ? {} : { reason }), frame };
    }
    case 'answer': {
      const { n, warning, person, state, evacuated, notified, note } = r;
      if (!isCount(n, Number.MAX_SAFE_INTEGER) || !isId(warning) || !isCount(person, 0xffff))
        return 'an answer without its number, warning or person';
      if (state !== 'acknowledged' && state !== 'acted') return `answer ${n}: no state`;
      if (evacuated !== undefined && !isCount(evacuated, MAX_COUNT)) return `answer ${n}: evacuated`;
      if (notified !== undefined && !isCount(notified, MAX_COUNT)) return `answer ${n}: notified`;
      if (note !== undefined && (typeof note !== 'string' || note.length > MAX_NOTE))
        return `answer ${n}: a note that is not text`;
      return {
        t: 'answer',
        n,
        warning,
        person,
        state,
        ...(evacuated === undefined ? {} : { evacuated }),
        ...(notified === undefined ? {} : { notified }),
        ...(note === undefined ? {} : { note }),
        at,
      };
    }
    case 'sent': {
      const { n } = r;
      if (!Array.isArray(n) || !n.every((x) => isCount(x, Number.MAX_SAFE_INTEGER)))
        return 'a handover without answer numbers';
      return { t: 'sent', n: n as number[], at };
    }
    case 'realarm': {
      const { control, issuer, warning, persons, outcome } = r;
      if (!isId(control) || !isCount(issuer, 0xffff) || !isId(warning))
        return 'a re-alarm without its control message, issuer or warning';
      if (
        !Array.isArray(persons) ||
        persons.length > MAX_PERSONS ||
        !persons.every((p) => isCount(p, 0xffff))
      )
        return `re-alarm ${control}: persons`;
      if (typeof outcome !== 'string' || !REALARM_OUTCOMES.includes(outcome))
        return `re-alarm ${control}: outcome`;
      return {
        t: 'realarm',
        control,
        issuer,
        warning,
        persons: persons as number[],
        outcome: outcome as RealarmOutcome,
        at,
      };
    }
    default:
      return 'a record of a kind this version does not know';
  }
}

function isId(v: unknown): v is string {
  return typeof v === 'string' && ID.test(v);
}

function isCount(v: unknown, max: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max;
}
