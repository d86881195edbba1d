/**
 * The store's layout, version 2 (docs/store-and-forward.md §The store): its sublevels, how their
 * keys are made, and which messages each index holds. message-store.ts reads and writes by these;
 * store-schema.ts migrates a version 1 store to them.
 */
import { decode as cborDecode, encode as cborEncode } from 'cbor-x';
import { KitError } from '../base/errors.js';
import { type MessageMeta, parseMessageId } from './records.js';
import './store-errors.js';

/** The layout this code writes. A store that says more was written by a newer fieldnode. */
export const STORE_SCHEMA_VERSION = 2;
/** The kv entry that holds the layout's version; a store without it is version 1. */
export const SCHEMA_KV_KEY = 'schema';

/**
 * msg: id → frame. meta: id → MessageMeta. out: link!priority!due!id, the outbox. exp:
 * expiresAt!id, messages not final. seen: origin!seq → [first seen ms, dedup until s], the
 * tombstones. wait: id, messages not final that no link waits for (no route yet). done:
 * doneAt!id, final messages by when they ended. org: origin → {top, floor}. kv: node state.
 */
export const SUBLEVELS = ['msg', 'meta', 'out', 'exp', 'seen', 'wait', 'done', 'org', 'kv'] as const;
export type SubName = (typeof SUBLEVELS)[number];

/** The part of a level sublevel (string keys, byte values) that the store uses. */
export interface Sub {
  /** `key` as the root database holds it: with this sublevel's prefix. */
  prefixKey(key: string, keyFormat: 'utf8'): string;
  get(key: string): Promise<Uint8Array | undefined>;
  getMany(keys: string[]): Promise<Array<Uint8Array | undefined>>;
  keys(range?: object): AsyncIterable<string> & { all(): Promise<string[]> };
  iterator(
    range?: object,
  ): AsyncIterable<[string, Uint8Array]> & { all(): Promise<Array<[string, Uint8Array]>> };
}

/** A 15-digit decimal, so that keys sort by number (times in s or ms). */
export function pad(n: number): string {
  return String(Math.max(0, Math.floor(n))).padStart(15, '0');
}

/** Origins and sequences are uint32: ten digits sort them. */
function pad10(n: number): string {
  return String(n).padStart(10, '0');
}

/** A tombstone's key: by origin, then sequence, so one origin's oldest come first. */
export function seenKey(id: string): string {
  const { origin, seq } = parseMessageId(id);
  return `${pad10(origin)}!${pad10(seq)}`;
}

export function parseSeenKey(key: string): { origin: number; seq: number } {
  return { origin: Number(key.slice(0, 10)), seq: Number(key.slice(11)) };
}

/** The first and last tombstone keys of `origin` up to sequence `toSeq`. */
export function seenRange(origin: number, toSeq: number): { gte: string; lte: string } {
  return { gte: `${pad10(origin)}!`, lte: `${pad10(origin)}!${pad10(toSeq)}` };
}

/** A tombstone's value: when the id was first stored (ms), and until when it dedups at least (s). */
export function encodeSeen(at: number, until: number): Uint8Array {
  return cborEncode([at, until]);
}

/** A tombstone's value; one that cannot be read dedups for ever (until: +Infinity). */
export function decodeSeen(raw: Uint8Array): { at: number; until: number } {
  try {
    const [at, until] = cborDecode(raw) as [unknown, unknown];
    if (typeof at === 'number' && typeof until === 'number') return { at, until };
  } catch {
    // below
  }
  return { at: 0, until: Number.POSITIVE_INFINITY };
}

export function expKey(meta: Pick<MessageMeta, 'expiresAt' | 'id'>): string {
  return `${pad(meta.expiresAt)}!${meta.id}`;
}

export function doneKey(doneAt: number, id: string): string {
  return `${pad(doneAt)}!${id}`;
}

/** The id at the end of an exp or done key. */
export function idOfTimeKey(key: string): string {
  return key.slice(16);
}

/**
 * Waits for a route: not final, not for this node, no link it is due on, and not yet in anyone's
 * hands (the messages MessageRouter.rerouteWaiting routes when a new path appears).
 */
export function waitsForRoute(meta: MessageMeta): boolean {
  return (
    !meta.done &&
    !meta.forMe &&
    Object.keys(meta.out).length === 0 &&
    (meta.state === 'queued' || meta.state === 'sent')
  );
}

/** When a final message ended here, unix ms: the time of its last event (every change adds one). */
export function finalAt(meta: MessageMeta, fallback: number): number {
  let at: number | undefined;
  for (const e of meta.events) at = at === undefined ? e.at : Math.max(at, e.at);
  return at ?? fallback;
}

/** A meta record from its bytes; STORE_CORRUPT (the record is left in place) when it is not one. */
export function decodeMeta(id: string, raw: Uint8Array): MessageMeta {
  try {
    const meta = cborDecode(raw) as MessageMeta;
    if (typeof meta !== 'object' || meta === null || meta.id !== id || typeof meta.out !== 'object') {
      throw new TypeError('not a meta record');
    }
    return meta;
  } catch (cause) {
    throw new KitError(
      'STORE_CORRUPT',
      `the record of message ${id} cannot be decoded; it is left in place`,
      { cause },
    );
  }
}
