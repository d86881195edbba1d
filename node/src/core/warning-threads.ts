/**
 * The rules of warning threads (docs/control-messages.md §Warning threads, §Bounds), as pure
 * functions over the threads of the saved signed state: which thread a warning is on, whether it is
 * that thread's current state or history, how recording it moves the thread's head, and which
 * threads are old enough to forget. They read and change only the map they are given; SignedState
 * (signed-state.ts) supplies the issuer floor and the clock, saves the result and logs.
 */

import { expiresAt } from '../wire/envelope.js';
import type { WarningBody } from '../wire/kinds/warning.js';
import type { MessageOf } from '../wire/message.js';

const DAY_S = 86_400;
/** Days a warning thread is kept after the last expiry of any warning recorded on it. */
export const DEFAULT_KEEP_THREADS_DAYS = 30;

/** Where a warning stands on its thread. */
export interface WarningClass {
  /** Whether the warning is (or becomes, once recorded) the current state of its thread. */
  current: boolean;
  /** `issuer:origin/seq` of the thread's first warning. */
  thread: string;
  /** Why it is history: which warning is current instead. */
  reason?: string;
  /** Whether the thread is cancelled: after this warning when current, as it stands otherwise. */
  closed: boolean;
}

/** The warning that is a thread's current state, as saved. */
export interface WarningHead {
  origin: number;
  seq: number;
  createdAt: number;
  action: WarningBody['action'];
}

/** One thread as saved, under its `issuer:origin/seq` id. */
export interface Thread {
  head: WarningHead;
  closed: boolean;
  /** Unix seconds: the last expiry (body or envelope) of any warning recorded on the thread. */
  keepUntil: number;
}

export type Threads = Record<string, Thread>;

/**
 * Where a warning stands on its thread (issuer, first warning), without recording it. The
 * newest warning recorded on a thread is its current state; one no newer is history, and so is
 * one below `floor`, its issuer's floor.
 */
export function classifyOnThread(
  threads: Readonly<Threads>,
  message: MessageOf<'warning'>,
  floor: number,
): WarningClass {
  const { body, origin, seq } = message;
  const root = body.references ?? { origin, seq };
  const thread = `${body.issuer}:${root.origin}/${root.seq}`;
  const t = threads[thread];
  if (seq < floor) {
    return {
      current: false,
      thread,
      closed: t?.closed ?? false,
      reason: `below issuer ${body.issuer}'s floor ${floor}`,
    };
  }
  const becomes = { current: true, thread, closed: body.action === 'cancel' };
  if (t === undefined) return becomes;
  const h = t.head;
  if (h.origin === origin && h.seq === seq) return { current: true, thread, closed: t.closed };
  if (isNewer(message, h)) return becomes;
  return {
    current: false,
    thread,
    closed: t.closed,
    reason: `warning ${h.origin}/${h.seq} (${h.action}) is current on thread ${thread}`,
  };
}

/** What recording a warning did to its thread. */
export interface RecordedWarning {
  /** Whether the threads changed (a new head, or a later keepUntil). */
  changed: boolean;
  /** Whether the thread was closed and the (current) warning opens it again. */
  reopened: boolean;
}

/**
 * Records a classified warning on `threads` (changed in place): when it is current it becomes the
 * head of its thread; either way the thread is kept while any warning recorded on it could still
 * be valid.
 */
export function recordOnThread(
  threads: Threads,
  message: MessageOf<'warning'>,
  verdict: WarningClass,
): RecordedWarning {
  const { body, origin, seq } = message;
  const before = threads[verdict.thread];
  const keepUntil = Math.max(before?.keepUntil ?? 0, body.expires, expiresAt(message));
  let changed = false;
  if (verdict.current) {
    const head: WarningHead = { origin, seq, createdAt: message.createdAt, action: body.action };
    changed = before?.head.origin !== origin || before.head.seq !== seq || before.keepUntil !== keepUntil;
    threads[verdict.thread] = { head, closed: verdict.closed, keepUntil };
  } else if (before && before.keepUntil !== keepUntil) {
    before.keepUntil = keepUntil;
    changed = true;
  }
  return { changed, reopened: verdict.current && before?.closed === true && !verdict.closed };
}

/**
 * Drops from `threads` (in place) those whose last expiry is more than the keep period before
 * `nowS`, and returns their ids. Call with a trusted clock only. Safe: an older warning of a
 * dropped thread, never seen here, would be refused by verifyFrame unless its own expiry outlived
 * the thread's by the keep period, and not at all once the centre raised its issuer's floor above
 * it (docs/control-messages.md §Bounds).
 */
export function pruneThreads(threads: Threads, nowS: number, keepDays: number): string[] {
  const keepS = keepDays * DAY_S;
  const pruned = Object.keys(threads).filter((id) => (threads[id]?.keepUntil ?? 0) + keepS < nowS);
  for (const id of pruned) delete threads[id];
  return pruned;
}

/**
 * Whether a warning is newer than a thread's head: by sequence from the same origin; by signed
 * creation time when the thread moved to another centre node (sequences of two origins do not
 * compare, and centre clocks are trusted). A tie is not newer.
 */
function isNewer(m: MessageOf<'warning'>, head: WarningHead): boolean {
  return m.origin === head.origin ? m.seq > head.seq : m.createdAt > head.createdAt;
}
