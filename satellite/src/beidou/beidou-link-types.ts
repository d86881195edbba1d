/**
 * The BeiDou link's options, the check of them, and its counters (docs/beidou.md §The link,
 * §Status; docs/links.md §BeiDou short message). The options of its parts are theirs, merged in:
 * the scheduler's (send-scheduler.ts, interval-gate.ts), the mtu probe's and the size tables'.
 */
import { show } from '../../../node/src/base/errors.js';
import type { Logger } from '../../../node/src/base/logger.js';
import type { Clock } from '../../../node/src/link/clock.js';
import type { LinkCounters } from '../../../node/src/link/link.js';
import type { BeidouModule } from './beidou-module.js';
import { type CapacityOptions, MIN_BEIDOU_MTU } from './card-capacity.js';
import type { MtuProbeOptions } from './mtu-probe.js';
import type { SendSchedulerOptions } from './send-scheduler.js';
import { ADDRESS } from './sentence-fields.js';

/** A module made for one start() of the link, and how to release its port. */
export interface ModuleHandle {
  module: BeidouModule;
  /** Releases what was opened for the module (its serial port). */
  close(): Promise<void>;
}

export interface BeidouLinkOptions extends SendSchedulerOptions, MtuProbeOptions, CapacityOptions {
  /** Link id from configuration, e.g. "bd0". */
  id: string;
  /**
   * The module: one driver for the life of the link (tests, benchmarks), or a function that opens
   * the port and makes a fresh driver at every start() (the daemon: a module unplugged comes back).
   */
  module: BeidouModule | (() => Promise<ModuleHandle>);
  /**
   * The largest frame the link takes, bytes: at most what the card carries, at least 72. Default:
   * what the card carries (card-capacity.ts). A card that carries less than this is a
   * configuration mismatch.
   */
  mtu?: number;
  /**
   * A kit's link: the centre's card. A send without `to` goes there, and its messages come from
   * the centre.
   */
  centreCard?: string;
  /**
   * The centre's link: the kits' cards. A send without `to` goes to the card's broadcast (通播)
   * address when it has one and `broadcast` is on, else to each of these, one message each.
   */
  cards?: readonly string[];
  /** Use the card's broadcast address for a send without `to`, where it has one. Default true. */
  broadcast?: boolean;
  /** The card's interval assumed until the card is read, seconds. Default 60. */
  intervalS?: number;
  /** How long no beam may be locked before the link goes down ('no-service'), ms. Default 30_000. */
  beamLossMs?: number;
  /**
   * How long the module may say nothing (no beam report, no sentence of its own) before the link
   * takes it for reset or gone: down ('no-device'), the beam report asked for and the card read
   * again (docs/beidou.md §A module that resets), ms. Watched only once the module gave a beam
   * report. Default 20_000.
   */
  silenceMs?: number;
  /** How long start() waits for the first beam report, ms; without one it goes up all the same. Default 3_000. */
  beamWaitMs?: number;
  /** Sends answered with no result in a row before the link goes down ('no-device'). Default 3. */
  maxNoResults?: number;
  /**
   * The least time a confirmation from beyond the link takes, ms (LinkCapabilities). Default ten
   * of the card's intervals, at least 2 min.
   */
  confirmationWaitMs?: number;
  /** Timers and the interval run on it. Default the system clock. */
  clock?: Clock;
  /** Unix ms for `since` and `receivedAt`. Default Date.now. */
  now?: () => number;
  log?: Logger;
}

/** The counters of a BeiDou link: the contract's, and what `fieldnode status` shows of the card. */
export interface BeidouLinkCounters extends LinkCounters {
  /** Short messages that left the antenna (a frame to several cards counts one each). */
  bdMessages: number;
  /** Sends the module refused because the card's interval had not passed (the safety net). */
  bdRefusedByFrequency: number;
  /** Sends the module refused for another reason, or answered with no result. */
  bdFailures: number;
  /**
   * The card's address as the module gave it, every digit kept ('04207733' stays so); '' before it
   * is read. Text, not a number: a number would drop an 8-digit card's leading zero.
   */
  bdCard: string;
  /** 3 for BeiDou-3 regional, 2 for BeiDou-2 2.1; 0 before the module answered. */
  bdProtocol: number;
  /** The card's level, 1–5 (0 unknown). */
  bdLevel: number;
  /** The card's interval, seconds. */
  bdIntervalS: number;
  /** Beams locked in the last report; -1 when the module gave none. */
  bdBeams: number;
}

/** Programmer errors in the options (docs/conventions.md §Errors): a card that is not one, a small mtu. */
export function checkLinkOptions(o: BeidouLinkOptions): void {
  for (const card of [o.centreCard, ...(o.cards ?? [])]) {
    if (card !== undefined && !ADDRESS.test(card))
      throw new RangeError(`${show(card)} is not a BeiDou card address (1 to 8 digits)`);
  }
  if (o.mtu !== undefined && !(Number.isSafeInteger(o.mtu) && o.mtu >= MIN_BEIDOU_MTU))
    throw new RangeError(`a BeiDou link's mtu is at least ${MIN_BEIDOU_MTU}, got ${o.mtu}`);
  for (const [name, ms] of [
    ['beamLossMs', o.beamLossMs],
    ['silenceMs', o.silenceMs],
  ] as const) {
    if (ms !== undefined && !(Number.isFinite(ms) && ms > 0))
      throw new RangeError(`${name} must be > 0 ms, got ${ms}`);
  }
}
