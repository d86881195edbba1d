/**
 * A relayed broadcast asked for again from upstream (docs/store-and-forward.md §Broadcasts asked
 * for again): whether a checked copy of a broadcast this relay holds, and finished repeating, puts
 * it on the downstream links once more, and how a later warning of a thread marks the earlier ones
 * of it as not to be put back on air. Pure functions of the records and the links; message-
 * intake.ts reads the records and saves what they return.
 */
import { addEvent, type MessageMeta } from '../store/records.js';
import type { MessageOf } from '../wire/message.js';
import type { PrevHop } from './confirmations.js';
import type { CoreLink } from './core-types.js';
import { knownHop } from './custody-chain.js';

/**
 * The least time between two reopens of one message. The centre's desk sends a warning again no
 * sooner than warnings.resend_after_s = 120 s (docs/warnings.md §Escalation), so an ask sooner is
 * a copy of one already answered (the same send over a second bearer, a replayed frame), and a
 * mesh flood each time would cost the channel for nothing.
 */
export const REOPEN_FLOOR_MS = 120_000;

/**
 * The most reopens of one message: about what the desk sends in a warning's first hour. A frame
 * captured and replayed from the hop's address costs the mesh at most this many floods.
 */
export const MAX_REOPENS = 12;

/** What the intake knows of an arrival for deciding a reopen. */
export interface ReopenAsk {
  /** The hop the copy came from, with the sender's node id when it is a known neighbour. */
  from: PrevHop;
  /**
   * False when a later warning of its thread is held here, or when this warning's thread cannot
   * be known here (see threadHeadOf): then the stale warning must not go out without its sequel.
   */
  threadHead: boolean;
  now: number;
  /** The least time between two reopens, ms; default REOPEN_FLOOR_MS (NodeCoreOptions.reopenFloorMs). */
  floorMs?: number;
}

/**
 * A broadcast relayed here whose repeats ended, asked for again by the hop it first came from:
 * its upstream is asking again (the centre's desk re-sending a warning a kit has not confirmed,
 * docs/warnings.md §Escalation), and this node, which holds it, is the only one that can put it
 * on the downstream links again. It goes once more on each link it went out on, at most once per
 * that link's confirmation wait since its last send there, no sooner than REOPEN_FLOOR_MS after
 * its last reopen and at most MAX_REOPENS times. Only the hop it came from asks: a copy from any
 * other sender, or on another link (a second bearer's late copy, a replay sent to a UDP port,
 * the medium's own repetition on a link it went out on), reopens nothing. Returns the record to
 * save, or undefined when nothing goes again.
 */
export function reopenDownstream(
  existing: MessageMeta,
  ask: ReopenAsk,
  links: readonly CoreLink[],
): MessageMeta | undefined {
  const { from, now } = ask;
  if (existing.local || existing.repeats === undefined || existing.state === 'failed') return undefined;
  if (now >= existing.expiresAt * 1000 || !ask.threadHead) return undefined;
  if (!fromItsHop(existing, from, links)) return undefined;
  const sentOn = Object.keys(existing.attempts);
  if (sentOn.includes(from.link) || existing.out[from.link] !== undefined) return undefined;
  const reopens = existing.reopens ?? { count: 0, lastAt: 0 };
  if (reopens.count >= MAX_REOPENS) return undefined;
  if (reopens.count > 0 && now - reopens.lastAt < (ask.floorMs ?? REOPEN_FLOOR_MS)) return undefined;
  const due = sentOn.filter((l) => {
    if (existing.out[l] !== undefined) return false;
    const link = links.find((x) => x.link.id === l)?.link;
    if (link === undefined) return false;
    const last = Math.max(
      0,
      ...existing.events.filter((e) => e.state === 'sent' && e.link === l).map((e) => e.at),
    );
    return now - last >= link.capabilities.confirmationWaitMs;
  });
  if (due.length === 0) return undefined;
  const meta = structuredClone(existing);
  for (const l of due) meta.out[l] = now;
  meta.done = false;
  meta.reopens = { count: reopens.count + 1, lastAt: now };
  addEvent(meta, {
    at: now,
    state: meta.state,
    link: from.link,
    ...(from.node !== undefined ? { node: from.node } : {}),
    detail: `asked again from upstream: sent once more on ${due.join(', ')}`,
  });
  return meta;
}

/**
 * Whether a copy came from the hop the held message first came from, a known neighbour on the
 * same link: a sender's address alone can be anyone's on a link that takes datagrams from
 * unconfigured senders.
 */
function fromItsHop(existing: MessageMeta, from: PrevHop, links: readonly CoreLink[]): boolean {
  if (existing.prevHop === undefined || from.node === undefined) return false;
  const first = knownHop(existing.prevHop, links);
  return first.link === from.link && first.node === from.node;
}

/** The id of the first warning of a warning's thread (docs/wire-format.md §4.2, `references`). */
export function threadRootOf(warning: MessageOf<'warning'>): { origin: number; seq: number } {
  return warning.body.references ?? { origin: warning.origin, seq: warning.seq };
}

/**
 * Whether `warning` is the newest of its thread taken in here, by the record of the thread's
 * first warning (`root`, undefined when not held here). Without that record the thread cannot be
 * known here, and only the first warning itself could be its head: a later one is then taken for
 * history, as a reopen must not put back a warning whose cancel may have passed unseen.
 */
export function isThreadHead(warning: MessageOf<'warning'>, root: MessageMeta | undefined): boolean {
  const r = threadRootOf(warning);
  const isRoot = r.origin === warning.origin && r.seq === warning.seq;
  if (root === undefined) return false;
  const head = root.threadHead;
  if (head === undefined) return isRoot;
  return head.origin === warning.origin && head.seq === warning.seq;
}

/**
 * The thread's first warning's record with `later` as its head, when `later` (a warning that
 * references it, checked and taken in here) is newer than its head so far; undefined when
 * nothing changes. Newer as warning-threads.ts orders a thread: by sequence from one origin, by
 * signed creation time across centre nodes.
 */
export function withThreadHead(root: MessageMeta, later: MessageOf<'warning'>): MessageMeta | undefined {
  const head = root.threadHead ?? { origin: root.origin, seq: root.seq, createdAt: root.createdAt };
  const newer = later.origin === head.origin ? later.seq > head.seq : later.createdAt > head.createdAt;
  if (!newer) return undefined;
  const meta = structuredClone(root);
  meta.threadHead = { origin: later.origin, seq: later.seq, createdAt: later.createdAt };
  return meta;
}
