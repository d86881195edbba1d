/**
 * What the command line needs from the composition root (docs/conventions.md §Layout and dependencies (app.ts), §Lifecycle and shutdown): a node
 * that starts, stops and reports its status. app.ts implements `createNode`; the start command
 * loads it lazily and the control socket serves `status()` and `release()`. Kept apart from app.ts
 * so the CLI, the control socket and their tests depend on this contract, not on the store or the
 * router.
 */

import type { Logger } from './base/logger.js';
import type { Config } from './config/schema.js';

/**
 * The node's clock as `fieldnode status` shows it (docs/time.md §What the status shows): what
 * TrustedClock.status() returns, as plain JSON. The fields after `source` are optional so that an
 * older daemon's answer still reads.
 */
export interface NodeClockStatus {
  /** The node's time, unix ms. */
  now: number;
  /** The time is right: messages made here go out with the envelope's C flag clear. */
  trusted: boolean;
  /** Where `now` comes from: gps, iridium, centre, operator, system or none. */
  source: string;
  /** Why the clock is trusted or not, in a sentence for the operator. */
  why?: string;
  /** `now` is safe for "has it expired?" checks: trusted, or the centre's signed lower bound. */
  expiryTrusted?: boolean;
  /** `now` minus the system clock, ms. */
  offsetMs?: number;
  /** When the source last set or confirmed the time, unix ms on `now`'s scale. */
  since?: number;
  /** What the centre's signed time proves `now` is at least, unix ms. */
  lowerBound?: number;
}

/**
 * One configured link. A link that could not be built is listed all the same, down with the reason
 * (docs/centre-doors.md §A link that cannot start).
 */
export interface LinkStatus {
  id: string;
  kind: string;
  state: unknown;
  counters: unknown;
  /**
   * A centre satellite link: whether it sends MT messages, and why not (a RockBLOCK link without
   * MT credentials receives only: docs/centre-doors.md §Receiving only). Absent on other links.
   */
  mt?: { on: boolean; reason?: string };
  /** A satellite link's credits and sessions (docs/operating.md §Status). Absent on other links. */
  satellite?: SatelliteStatus;
  /**
   * While the link is down: since when, by the supervisor's account, which `state.since` is not
   * (every restart attempt renews it), and how many starts were tried (node/src/daemon/link-supervisor.ts).
   */
  outage?: LinkOutage;
}

/** A link that stays down, as the supervisor saw it go and tries it again. */
export interface LinkOutage {
  /** When the supervisor first saw it down, unix ms (the system clock, as `state.since`). */
  since: number;
  /** Starts tried since. */
  attempts: number;
  /** What the last attempt said: its error, or "reason: detail" of the state it left. */
  lastError: string;
}

/**
 * A satellite link as `fieldnode status` shows it (docs/store-and-forward.md §Satellite;
 * docs/operating.md §Status): its credit budget, kept across restarts, and the last session it ran.
 * Its session counts since the daemon started are in the link's `counters` (`sessions`,
 * `sessionsOk`, `sessionsFailed`, `credits`). Every field is optional so that an older daemon's
 * answer still reads.
 */
export interface SatelliteStatus {
  /** The credit budget (docs/store-and-forward.md §Satellite); absent when the link keeps none. */
  budget?: {
    /** Credits spent in the last 24 hours (a rolling day), and the limit of `budget.per_day`. */
    usedDay: number;
    perDay?: number;
    /** Credits spent in the current incident, and its limit. */
    usedIncident: number;
    perIncident?: number;
    /** Credits P1–P3 may still spend now (P0 may go over); absent when no limit is set. */
    left?: number;
    /** When the rolling day next frees credits, unix ms on the node's clock. */
    nextReleaseAt?: number;
  };
  /** The last session since the daemon started; absent before the first. */
  lastSession?: {
    /** When it ended, unix ms (the system clock, as the links' `since`). */
    at: number;
    /** Why it ran: due (something to send), ring, mt-queued, warning, reply. */
    reason: string;
    /** ok, failed, uncertain (its end was not seen), not-started or stopped. */
    outcome: string;
    /** Credits it cost. */
    credits: number;
    moStatus?: number;
    /** What went wrong, in words: the MO status's meaning, or the error. */
    detail?: string;
  };
}

/**
 * What the node keeps for the duty officer in `<data_dir>/foreign-payloads.jsonl` (the core's
 * foreign payloads and the doors' quarantined deliveries; docs/centre-doors.md §What the doors
 * keep): how many, by reason, and the latest few, numbered as `fieldnode foreign list` numbers them.
 */
export interface KeptStatus {
  file: string;
  count: number;
  byReason: Record<string, number>;
  /** Oldest first. `source` holds what the carrier said (carrier, momsn, sessionTime, latitude, longitude, cepKm). */
  latest: Array<{
    n: number;
    receivedAt: number;
    link: string;
    from?: string;
    reason: string;
    detail: string;
    bytes: number;
    source?: Readonly<Record<string, unknown>>;
  }>;
  /** Records not written since the daemon started (the file full, or a write failed). */
  notWritten: number;
}

export interface NodeStatus {
  /** `drill` only when the node is a drill (`node.drill`): every report it files is an exercise. */
  node: { id: number; role: string; name?: string; drill?: boolean };
  /**
   * The county's IANA time zone (`county.time_zone`): report deadlines fall on its clock and people
   * are shown its times (docs/reports.md §County time). Optional so that an older daemon's answer
   * still reads; absent means Asia/Shanghai.
   */
  timeZone?: string;
  startedAt: number;
  clock: NodeClockStatus;
  links: LinkStatus[];
  queue: Record<string, number>;
  /** Optional so that an older daemon's answer still reads. */
  kept?: KeptStatus;
  /** The message store's size (optional: an older daemon's answer has none). */
  store?: StoreStatus;
}

/**
 * The message store as `fieldnode status` shows it (docs/store-and-forward.md §Pruning): how much
 * disk it takes, and what pruning removed since the daemon started.
 */
export interface StoreStatus {
  /** Bytes of the store's files on disk. */
  bytes: number;
  /** Final messages removed after the retention, and dedup records removed by their rule. */
  pruned: { messages: number; tombstones: number };
  /** How long a final message is kept, ms (`store.retention_s`). */
  retentionMs: number;
}

/**
 * A payload a satellite door kept as foreign because a device that is not enrolled sent it
 * (reason 'unknown-sender'), handed back by the duty officer (docs/centre-doors.md §Releasing a
 * kept frame): the link that received it, the sending device's address on it, and its bytes.
 */
export interface ReleaseItem {
  link: string;
  from?: string;
  bytes: Uint8Array;
}

export interface NodeApp {
  start(signal?: AbortSignal): Promise<void>;
  /**
   * The node has recovered and started: the API opens every route (docs/api.md §Readiness). Told
   * at the moment systemd is told READY=1.
   */
  markReady?(): void;
  stop(): Promise<void>;
  status(): NodeStatus;
  /**
   * Takes a released payload in again, checked like any frame but for the sending device's
   * enrolment (docs/security.md §The centre's doors). Resolves once the core has taken it in or
   * refused it; its log says which.
   */
  release(item: ReleaseItem): Promise<string[]>;
  /**
   * The control socket's further commands: `backup` at every node, and the kit commands at a centre
   * (node/src/composition/control-commands.ts; docs/operating.md §Backup and restore). Each takes a
   * request's fields and resolves to its reply.
   */
  commands?(): Readonly<Record<string, (request: Record<string, unknown>) => Promise<unknown>>>;
}

/**
 * The kit's power supply, as its power reader gives it (docs/api.md §Status): the API's PowerStatus
 * has this shape. A reader that has nothing to say returns undefined.
 */
export interface NodePower {
  source: 'mains' | 'solar' | 'battery' | 'unknown';
  batteryPercent?: number;
  batteryVolts?: number;
  charging?: boolean;
  minutesLeft?: number;
  /** When it was read, unix ms. */
  at: number;
}

export type CreateNode = (
  config: Config,
  deps: {
    log: Logger;
    /**
     * `fieldnode start --adopt`: take a data directory that belongs to another node (docs/operating.md
     * §The data directory belongs to one node). Default false: such a directory is refused.
     */
    adopt?: boolean;
    /**
     * The kit's power reader (a Pi's battery monitor): the status shows it and the kit's health
     * messages carry it to the centre (docs/kits.md). Default: none, power `unknown`.
     */
    power?: () => NodePower | undefined;
    /**
     * How long receipts that go back over a satellite hop are held to share one billed message,
     * ms, by priority of the most urgent message they confirm (docs/store-and-forward.md
     * §Satellite). Default: what the satellite link declares (a minute for P0 to half an hour).
     * Only the demonstration county shortens it (docs/demo-county.md), so that a newcomer sees the
     * receipt in seconds; its credits are simulated.
     */
    satelliteReceiptHoldMs?: readonly [number, number, number, number];
  },
) => Promise<NodeApp>;
