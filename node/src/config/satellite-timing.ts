/**
 * How the two ends of an Iridium hop time their confirmations and mailbox checks, as per-link
 * configuration (docs/store-and-forward.md §Satellite, "Timing"): the receipt holds, the reply
 * grace, the hour's confirmation wait and the longest mailbox silence of a kit's `iridium-sbd`
 * link, and the receipt holds and confirmation wait of the centre's `rockblock` and `directip`
 * links. The adapter holds the same defaults (satellite/src/satellite-confirmations.ts);
 * configuration may not import an adapter (docs/architecture.md §The dependency rule).
 */
import type { Section } from './reader.js';

/** The defaults, s (docs/store-and-forward.md §Satellite). */
export const SATELLITE_TIMING_DEFAULTS = {
  receiptHoldS: { p0: 600, p1: 1800, p2: 1800, p3: 1800 },
  replyGraceS: 300,
  confirmationWaitS: 3600,
  maxMailboxSilenceS: 3600,
} as const;

/** The timing keys a centre's satellite link takes. */
export const CENTRE_TIMING_KEYS = ['receipt_hold_s', 'confirmation_wait_s'] as const;
/** The timing keys a kit's iridium-sbd link takes. */
export const KIT_TIMING_KEYS = [
  ...CENTRE_TIMING_KEYS,
  'reply_grace_s',
  'max_mailbox_silence_s',
  'shared_batches',
] as const;

const WEEK_S = 7 * 24 * 3600;
/** Below ten minutes a kit with nothing to send would check its mailbox over 144 times a day. */
const MIN_SILENCE_S = 600;

export interface CentreTiming {
  /** How long receipts going back over the hop wait to share an MT message, per priority, ms. */
  readonly receiptHoldMs?: readonly [number, number, number, number];
  /** How long the core waits for the other end's confirmation before sending again, ms. */
  readonly confirmationWaitMs?: number;
}

export interface KitTiming extends CentreTiming {
  /** How long past its receipt's hold the kit waits before checking the mailbox for it, ms. */
  readonly replyGraceMs?: number;
  /** The longest the kit leaves its mailbox unchecked, ms; Infinity: never checks for that. */
  readonly maxMailboxSilenceMs?: number;
  /** The centre reads shared-field batches (docs/wire-format.md §8.1). Default true. */
  readonly sharedBatches: boolean;
}

const ms = (s: number | undefined) => (s === undefined ? undefined : s * 1000);

/** receipt_hold_s and confirmation_wait_s, and that the one fits inside the other. */
export function parseCentreTiming(s: Section, replyGraceS = 0): CentreTiming {
  const holds = s.section('receipt_hold_s', ['p0', 'p1', 'p2', 'p3']);
  const holdS = (['p0', 'p1', 'p2', 'p3'] as const).map((k) => holds.num(k, 0, WEEK_S));
  const receiptHoldMs = holdS.every((v) => v !== undefined)
    ? (holdS.map((v) => (v as number) * 1000) as [number, number, number, number])
    : undefined;
  if (receiptHoldMs === undefined && holdS.some((v) => v !== undefined))
    s.problem('receipt_hold_s', 'give p0, p1, p2 and p3 together');
  const waitS = s.num('confirmation_wait_s', 60, WEEK_S);
  const longestHoldS = Math.max(
    ...(receiptHoldMs
      ? receiptHoldMs.map((h) => h / 1000)
      : Object.values(SATELLITE_TIMING_DEFAULTS.receiptHoldS)),
  );
  const effectiveWaitS = waitS ?? SATELLITE_TIMING_DEFAULTS.confirmationWaitS;
  if (longestHoldS + replyGraceS >= effectiveWaitS)
    s.problem(
      waitS === undefined ? 'receipt_hold_s' : 'confirmation_wait_s',
      `the confirmation wait (${effectiveWaitS} s) must be longer than the longest receipt hold ` +
        `(${longestHoldS} s)${replyGraceS > 0 ? ` plus the reply grace (${replyGraceS} s)` : ''}: ` +
        'otherwise a message is sent again, and billed again, before its receipt is due',
    );
  return {
    ...(receiptHoldMs === undefined ? {} : { receiptHoldMs }),
    ...(waitS === undefined ? {} : { confirmationWaitMs: waitS * 1000 }),
  };
}

/** A kit's iridium-sbd link: the centre's keys, the reply grace, the mailbox silence, shared batches. */
export function parseKitTiming(s: Section): KitTiming {
  const replyGraceS = s.num('reply_grace_s', 0, WEEK_S);
  const centre = parseCentreTiming(s, replyGraceS ?? SATELLITE_TIMING_DEFAULTS.replyGraceS);
  const silenceS = s.num('max_mailbox_silence_s', 0, WEEK_S);
  if (silenceS !== undefined && silenceS > 0 && silenceS < MIN_SILENCE_S)
    s.problem(
      'max_mailbox_silence_s',
      `at least ${MIN_SILENCE_S} s (each check with nothing to carry costs a credit: ` +
        `${Math.round(86_400 / silenceS)} an idle day at ${silenceS} s), or 0 for never`,
    );
  const maxMailboxSilenceMs =
    silenceS === undefined ? undefined : silenceS === 0 ? Number.POSITIVE_INFINITY : silenceS * 1000;
  return {
    ...centre,
    ...(replyGraceS === undefined ? {} : { replyGraceMs: ms(replyGraceS) as number }),
    ...(maxMailboxSilenceMs === undefined ? {} : { maxMailboxSilenceMs }),
    sharedBatches: s.bool('shared_batches') ?? true,
  };
}
