/**
 * The SBD link's options, counters, events and session records (docs/iridium.md §7; docs/links.md
 * §Iridium SBD): what the daemon's configuration sets and what its status pages read. The link
 * itself is in sbd-link.ts.
 */

import type { Logger } from '../../../node/src/base/logger.js';
import type { Clock } from '../../../node/src/link/clock.js';
import type { LinkCounters } from '../../../node/src/link/link.js';
import type { SbdModem } from '../modem/sbd-modem.js';
import type { SbdAlarm } from './alarms.js';
import type { SbdBackoffOptions } from './sbd-backoff.js';
import type { Priority, SessionReason, SessionSchedulerOptions } from './session-scheduler.js';

export interface SbdLinkOptions {
  /** Link id from configuration, e.g. "sbd0". */
  id: string;
  /**
   * Largest frame the link takes, one MO message, bytes: 1..340. Default 340, the 9602/9603's
   * largest MO message (docs/iridium.md §1.4); a smaller one makes the core cut and pack frames
   * smaller (docs/links.md §The mtu of a satellite link).
   */
  mtu?: number;
  /**
   * The modem driver, or a function that makes one (opening the serial port): called by every
   * start(), so a link whose port closed comes back on a fresh port when the supervisor restarts it.
   */
  modem: SbdModem | (() => SbdModem | Promise<SbdModem>);
  /** Timers and durations: backoffs, mailbox checks, pauses. Default the system clock. */
  clock?: Clock;
  /** Unix ms for state and frame time stamps. Default Date.now. */
  now?: () => number;
  /** Session backoff. Default 30 s doubling to 10 min, jitter 0.2 (§7.2). */
  backoff?: SbdBackoffOptions;
  /** Mailbox-check interval while a warning is active ({@link SbdLink.setWarningActive}), ms. Default 10 min. */
  warningCheckMs?: number;
  /** A frame with no successful session for this long after its send() is handed back (NO_SERVICE), ms. Default 30 min. */
  giveUpMs?: number;
  /** Priority of a frame sent without one. Default 1. */
  defaultPriority?: Priority;
  /**
   * How long the core waits for the centre's confirmation of a sent frame before sending it
   * again, ms. Default 1 h (satellite/src/satellite-confirmations.ts).
   */
  confirmationWaitMs?: number;
  /**
   * When the centre's answer to an MO sent with `awaitsReply` is due by the priority it was sent
   * with, and how long past that the link checks the mailbox for it if no ring alert came, ms.
   * Defaults: satellite/src/satellite-confirmations.ts.
   */
  replyHoldMs?: readonly [number, number, number, number];
  replyGraceMs?: number;
  /**
   * The longest the mailbox goes unchecked, ms: a check goes when no session checked it for this
   * long. Default 1 h (satellite/src/satellite-confirmations.ts); Infinity: never for that.
   */
  maxSilenceMs?: number;
  /** Sends pending at most (the send window the dispatcher sees). Default 64. */
  maxHeld?: number;
  /**
   * How long the link waits for the core's riders before a mailbox check of its own
   * (SendOpportunities), ms of `clock`. Default 2000.
   */
  offerWaitMs?: number;
  /** How long a stop alarm holds the link down (start() stays down), ms. Default 6 h / 10 min. */
  stopPauseMs?: { configuration: number; hardware: number };
  /**
   * How long stop() waits for a session under way before cutting it short (its MO is answered
   * TIMEOUT: it may have gone), ms of `clock`. Default 50_000; closing the modem then takes at most
   * 10 s more, so stop() ends within 60 s, below systemd's default stop timeout of 90 s
   * (stop-bound.ts).
   */
  stopGraceMs?: number;
  /** [0, 1) for the backoff jitter. Default Math.random. */
  random?: () => number;
  log?: Logger;
}

/** One session as it went, for observers. */
export interface SbdSessionRecord {
  /** Unix ms and clock ms of the session's end. */
  at: number;
  clockAt: number;
  reason: SessionReason;
  answerRing: boolean;
  /** Bytes of the MO (0: a mailbox check) and the send()s it carried (0 or 1). */
  moBytes: number;
  frames: number;
  outcome: 'ok' | 'failed' | 'stopped' | 'uncertain' | 'not-started';
  moStatus?: number;
  momsn?: number;
  /** Credits billed: MO (min 1) plus MT, only when the session succeeded (§2.4). */
  credits: number;
  mtBytes?: number;
  mtQueued?: number;
  /** Why a session did not start or was not seen to end. */
  error?: string;
}

/**
 * What the link tells beyond the contract's `state` and `frame`, on {@link SbdLink.sbdEvents} (a
 * separate emitter: a Link's own events are exactly the contract's).
 */
export interface SbdLinkEvents {
  alarm: [SbdAlarm];
  session: [SbdSessionRecord];
}

export interface SbdLinkCounters extends LinkCounters {
  /** SBDIX/SBDIXA commands issued, and how many succeeded or failed. */
  sessions: number;
  sessionsOk: number;
  sessionsFailed: number;
  /** Successful sessions that carried an MO, and those that only checked the mailbox. */
  moMessages: number;
  mailboxChecks: number;
  /** Credits billed for the MO direction (min 1 a session), the MT direction, and in all. */
  moCredits: number;
  mtCredits: number;
  credits: number;
}

/** The counters the SBD link keeps beyond the contract's (those are the link skeleton's). */
export type SbdOnlyCounters = Omit<
  SbdLinkCounters,
  'txFrames' | 'rxFrames' | 'txBytes' | 'rxBytes' | 'errors'
>;

export function zeroSbdCounters(): SbdOnlyCounters {
  return {
    sessions: 0,
    sessionsOk: 0,
    sessionsFailed: 0,
    moMessages: 0,
    mailboxChecks: 0,
    moCredits: 0,
    mtCredits: 0,
    credits: 0,
  };
}

/** The link's options that its session scheduler takes, those given only. */
export function schedulerOptionsOf(o: SbdLinkOptions): SessionSchedulerOptions {
  const picked: SessionSchedulerOptions = {};
  for (const key of [
    'backoff',
    'warningCheckMs',
    'giveUpMs',
    'replyHoldMs',
    'replyGraceMs',
    'maxSilenceMs',
    'random',
  ] as const)
    if (o[key] !== undefined) Object.assign(picked, { [key]: o[key] });
  return picked;
}
