/**
 * Which due messages share the next billed message on a link, and when to look again
 * (docs/store-and-forward.md §Satellite; docs/links.md §Capabilities `billing`,
 * `minSendIntervalMs`; docs/iridium.md §2.4, §7.3). Pure: the dispatcher of a link that declares
 * `billing` (a bill per message) or a minimum interval between sends (a card that may send once a
 * minute) asks it, packs what it says into one frame with the wire codec, and sends that frame as
 * one message.
 *
 * Holds: a message waits up to the hold of its priority (per-link configuration: a kit's Iridium
 * link by default P0 none, P1 5 min, P2 30 min, P3 2 h; none unless configured, as at the centre,
 * whose receipts wait in the receipt batcher instead), counted from when it first became due on
 * that link, so that several share one billed message and its minimum. A message whose hold has run out once (or that was sent, or
 * refused, on this link before) does not wait again: a failed send's backoff never restarts it.
 *
 * The rule, in order:
 * 1. Mandatory: every message whose hold has run out (or, when the waiting messages no longer fit
 *    one frame, all of them: waiting would not make the first frame any fuller), most urgent
 *    first, oldest hold first within a priority, each if it still fits (first fit).
 * 2. Riders: once a frame goes anyway, every other waiting message joins, in the same order, while
 *    the frame stays within the link's largest send. A message held back costs its bytes later all
 *    the same (on average its share of a unit), plus, if it then goes alone, the minimum of its own
 *    message, the receipt that message brings back and the mailbox check that fetches it. Measured
 *    on the satellite benchmark's day (bench/satellite-bench.ts): riding only within the units
 *    already paid (one more if that cleared the queue) spent 732 credits, P0 p90 596 s; filling
 *    the frame spent 628, P0 p90 206 s.
 * 3. The budget (billing-budget.ts), if any, may then trim the plan: P0 messages go whatever is
 *    left if the budget lets P0 over it; the others ride while the units stay within what the P0
 *    part pays anyway plus what is left. Due messages it takes out are refused (they wait); riders
 *    that do not fit stay waiting.
 * When the link sends a message of its own anyway (a satellite mailbox check), every waiting
 * message rides in it as in rule 2, though none is due. A message larger than the link's largest
 * send goes alone, fragmented, when its hold runs out.
 */
import { batchOverhead } from '../wire/batch.js';
import { packSharedFields } from '../wire/shared-batch.js';
import { type Billing, billedUnits } from './billing.js';

export type Priority = 0 | 1 | 2 | 3;

/**
 * The holds a kit's satellite link shares with unless its configuration says otherwise (hold_s of
 * an iridium-sbd link), per priority P0..P3, ms.
 */
export const DEFAULT_SHARED_HOLD_MS: readonly [number, number, number, number] = [
  0, 300_000, 1_800_000, 7_200_000,
];

/** No holds: what is due goes at once, packed with whatever else is due (a billed link's default). */
export const NO_HOLDS: readonly [number, number, number, number] = [0, 0, 0, 0];

/** A message due on the link. */
export interface ShareCandidate {
  readonly id: string;
  /** Bytes of its frame. */
  readonly bytes: number;
  readonly priority: Priority;
  /**
   * When its hold started: when it first became due on this link (ms, the caller's clock), or
   * -Infinity when its hold is over for good (sent or refused on this link before).
   */
  readonly holdStart: number;
  /** Its frame, so that a shared-field batch can be measured (policy.sharedFields). */
  readonly frame?: Uint8Array;
}

/** What the budget says; billing-budget.ts implements it. */
export interface BudgetView {
  allows(units: number, priority: Priority, now: number): boolean;
  remaining(now: number): number;
  readonly p0OverBudget: boolean;
}

export interface SharePolicy {
  /** Longest hold per priority P0..P3, ms. */
  readonly holdMs: readonly [number, number, number, number];
  /** The link's largest send, bytes. */
  readonly maxBytes: number;
  /** How the link bills a message; absent where it does not (a link that shares for its interval). */
  readonly billing?: Billing | undefined;
  /**
   * Several messages go in a shared-field batch where that is shorter (docs/wire-format.md §8.1):
   * measure them so, for the candidates that carry their frames.
   */
  readonly sharedFields?: boolean;
}

export interface SharedMessagePlan {
  /** The messages to send now in one frame, in frame order (most urgent first); empty: none. */
  send: ShareCandidate[];
  /** A message too large for one frame, to send alone (fragmented) now, instead of `send`. */
  alone?: ShareCandidate;
  /** Bytes of the packed frame and what it costs. */
  bytes: number;
  units: number;
  /** Due messages the budget refused now. */
  refused: ShareCandidate[];
  /** When to look again if nothing changes meanwhile (the next hold to run out), ms. */
  wakeAt?: number;
}

/** When a candidate's hold runs out. */
export function dueAt(c: ShareCandidate, holdMs: SharePolicy['holdMs']): number {
  return c.holdStart + holdMs[c.priority];
}

/** Bytes of the frame that carries these messages: one goes bare, several in one batch container. */
export function sharedSize(items: readonly { bytes: number }[]): number {
  let bytes = 0;
  for (const i of items) bytes += i.bytes;
  return bytes + batchOverhead(items.map((i) => i.bytes));
}

/**
 * Bytes of the frame that carries these messages under `policy`: the plain batch's, or the
 * shared-field batch's where the policy says so, every frame is at hand and it is shorter.
 * `exact` false measures the shared-field batch only when the plain one would not fit `maxBytes`
 * (all that a fit needs to know).
 */
function packedSize(items: readonly ShareCandidate[], policy: SharePolicy, exact: boolean): number {
  const plain = sharedSize(items);
  if (!policy.sharedFields || items.length < 2 || (!exact && plain <= policy.maxBytes)) return plain;
  const frames = items.map((i) => i.frame);
  if (frames.some((f) => f === undefined)) return plain;
  return Math.min(plain, packSharedFields(frames as Uint8Array[]).length);
}

/** Checks a policy's holds: four non-negative durations. */
export function checkHolds(holdMs: readonly number[]): void {
  if (holdMs.length !== 4 || holdMs.some((h) => !(h >= 0)))
    throw new RangeError('holdMs must be four non-negative durations, P0..P3');
}

export function planSharedMessage(input: {
  candidates: readonly ShareCandidate[];
  now: number;
  policy: SharePolicy;
  budget?: BudgetView | undefined;
  /**
   * The link sends a message of its own anyway (a mailbox check, billed at its minimum whatever it
   * carries: SendOpportunities): every waiting message may ride, though none is due.
   */
  anyway?: boolean;
}): SharedMessagePlan {
  const { now, policy, budget } = input;
  const { holdMs, maxBytes } = policy;
  const unitsOf = (bytes: number) => (policy.billing ? billedUnits(bytes, policy.billing) : 0);
  const due = (c: ShareCandidate) => dueAt(c, holdMs) <= now;
  // Most urgent first, then the oldest hold, then the order given.
  const ordered = input.candidates
    .map((c, i) => ({ c, i }))
    .sort(
      (a, b) =>
        a.c.priority - b.c.priority ||
        dueAt(a.c, holdMs) - dueAt(b.c, holdMs) ||
        a.c.holdStart - b.c.holdStart ||
        a.i - b.i,
    )
    .map(({ c }) => c);
  const none = (wakeAt?: number): SharedMessagePlan => ({
    send: [],
    bytes: 0,
    units: 0,
    refused: [],
    ...(wakeAt === undefined ? {} : { wakeAt }),
  });
  const nextDue = (): number | undefined => {
    const times = ordered.map((c) => dueAt(c, holdMs)).filter((t) => t > now);
    return times.length > 0 ? Math.min(...times) : undefined;
  };

  const oversized = ordered.find((c) => c.bytes > maxBytes && due(c));
  if (oversized) {
    const units = unitsOf(oversized.bytes);
    if (budget && !budget.allows(units, oversized.priority, now))
      return { ...none(nextDue()), refused: [oversized] };
    return { send: [], alone: oversized, bytes: oversized.bytes, units, refused: [] };
  }
  const packable = ordered.filter((c) => c.bytes <= maxBytes);
  const full = packable.length > 0 && packedSize(packable, policy, false) >= maxBytes;
  const anyDue = packable.some(due);
  if (!anyDue && !full && !input.anyway) return none(nextDue());

  const chosen: ShareCandidate[] = [];
  const fits = (c: ShareCandidate) => packedSize([...chosen, c], policy, false) <= maxBytes;
  for (const c of packable) if ((!anyDue || due(c)) && fits(c)) chosen.push(c);
  for (const c of packable) if (!chosen.includes(c) && fits(c)) chosen.push(c);
  chosen.sort((a, b) => ordered.indexOf(a) - ordered.indexOf(b));

  const kept =
    budget && policy.billing
      ? withinBudget(chosen, budget, { ...policy, billing: policy.billing }, now)
      : chosen;
  const refused = chosen.filter((c) => due(c) && !kept.includes(c));
  if (kept.length === 0) return { ...none(nextDue()), refused };
  const bytes = packedSize(kept, policy, true);
  return { send: kept, bytes, units: unitsOf(bytes), refused };
}

/** The part of `chosen` (in its order) the budget lets go now; see the module comment, rule 3. */
function withinBudget(
  chosen: readonly ShareCandidate[],
  budget: BudgetView,
  policy: SharePolicy & { billing: Billing },
  now: number,
): ShareCandidate[] {
  const { billing } = policy;
  const sizeOf = (items: readonly ShareCandidate[]) => packedSize(items, policy, true);
  // The whole set only if it fits what is left: a P0 may go over the budget, but what rides with
  // it may not (it rides within what the P0 pays, and what is left).
  const routine = Math.max(...chosen.map((c) => c.priority), 1) as Priority;
  if (budget.allows(billedUnits(sizeOf(chosen), billing), routine, now)) return [...chosen];
  const keep = budget.p0OverBudget ? chosen.filter((c) => c.priority === 0) : [];
  const paid = keep.length > 0 ? billedUnits(sizeOf(keep), billing) : 0;
  const allowed = paid + budget.remaining(now);
  for (const c of chosen) {
    if (keep.includes(c)) continue;
    if (billedUnits(sizeOf([...keep, c]), billing) <= allowed) keep.push(c);
  }
  return chosen.filter((c) => keep.includes(c));
}
