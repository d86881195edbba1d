/**
 * The BeiDou link's options and counters (docs/beidou.md §The link; docs/links.md §BeiDou short
 * message).
 */
import type { Logger } from '../../../node/src/base/logger.js';
import type { Clock } from '../../../node/src/link/clock.js';
import type { LinkCounters } from '../../../node/src/link/link.js';
import type { BeidouModule } from './beidou-module.js';
import type { CapacityOptions } from './card-capacity.js';
import type { IntervalGateOptions } from './interval-gate.js';

/** A module made for one start() of the link, and how to release its port. */
export interface ModuleHandle {
  module: BeidouModule;
  /** Releases what was opened for the module (its serial port). */
  close(): Promise<void>;
}

export interface BeidouLinkOptions extends IntervalGateOptions, CapacityOptions {
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
  /** The card's address as a number (0 before it is read); shown with its protocol's digits. */
  bdCard: number;
  /** 3 for BeiDou-3 regional, 2 for BeiDou-2 2.1; 0 before the module answered. */
  bdProtocol: number;
  /** The card's level, 1–5 (0 unknown). */
  bdLevel: number;
  /** The card's interval, seconds. */
  bdIntervalS: number;
  /** Beams locked in the last report; -1 when the module gave none. */
  bdBeams: number;
}
